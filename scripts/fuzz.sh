#!/bin/sh
# Fuzz one target for a bounded time with libFuzzer (make fuzz runs it for
# each target). Usage: scripts/fuzz.sh SECONDS TARGET SEED_DIR...
# The corpus grows under build/fuzz/corpus/TARGET, seeded from the SEED_DIRs
# (the Makefile's fuzz_seeds); a crash is saved under
# build/fuzz/crashes/TARGET/. Once fixed, copy the crashing input to
# tests/fuzz/regress/TARGET/ so `make check` replays it.
set -u
secs=$1
t=$2
shift 2
corpus=build/fuzz/corpus/$t
crashes=build/fuzz/crashes/$t
mkdir -p "$corpus" "$crashes"
echo "fuzz: $t for ${secs}s"
if ! build/fuzz/fuzz_"$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "$@" \
        >"build/fuzz/$t.log" 2>&1; then
    echo "fuzz: $t FOUND A CRASH; see build/fuzz/$t.log and $crashes/" >&2
    tail -n 30 "build/fuzz/$t.log" >&2
    exit 1
fi
grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build/fuzz/$t.log" |
    sed "s/^/fuzz: $t /"
echo "fuzz: $t: no crash ($(ls "$corpus" | wc -l) inputs in the corpus)"
