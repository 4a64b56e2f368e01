#!/bin/sh
# Fuzz each target for a bounded time with libFuzzer (make fuzz).
# Usage: scripts/fuzz.sh SECONDS TARGET...
# The corpus grows under build/fuzz/corpus/TARGET (seeded from
# tests/fuzz/corpus/TARGET, and tools/scenarios for the scenario parser);
# a crash is saved under build/fuzz/crashes/TARGET/. Once fixed, copy the
# crashing input to tests/fuzz/regress/TARGET/ so `make check` replays it.
set -u
secs=$1
shift
status=0
for t in "$@"; do
    corpus=build/fuzz/corpus/$t
    crashes=build/fuzz/crashes/$t
    mkdir -p "$corpus" "$crashes"
    seeds="tests/fuzz/corpus/$t tests/fuzz/regress/$t"
    [ "$t" = scenario ] && seeds="$seeds tools/scenarios"
    echo "fuzz: $t for ${secs}s"
    # shellcheck disable=SC2086
    if ! build/fuzz/fuzz_"$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 \
            -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" $seeds \
            >"build/fuzz/$t.log" 2>&1; then
        echo "fuzz: $t FOUND A CRASH; see build/fuzz/$t.log and $crashes/" >&2
        tail -n 30 "build/fuzz/$t.log" >&2
        status=1
    else
        grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build/fuzz/$t.log" |
            sed "s/^/fuzz: $t /"
        echo "fuzz: $t: no crash ($(ls "$corpus" | wc -l) inputs in the corpus)"
    fi
done
exit $status
