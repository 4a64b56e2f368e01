#!/bin/sh
# make demo's script (scripts/demo.sh), shrunk to a 64 MiB VM so that it
# takes seconds: it runs the daemon, the VM and the post-copy migration
# through the CLIs, prints every line of the result the README promises,
# finds the VM's memory intact, and leaves no daemon or socket behind.
. "$(dirname "$0")/lib.sh"
export BIN=${BIN:-build/bin}
export TMPDIR="$TMPD" DEMO_MEM=64M DEMO_KEYS=50000 DEMO_CAP=200MB/s DEMO_RUN=0.2

run scripts/demo.sh
expect_rc 0 "demo"
for label in "Start cxl-fabricd" "serving .*fabricd.sock" "Create vm0 on node0" \
    "started (setup)" "completed: postcopy migration from node0 to node1" \
    "Migration status: *completed" "VM outcome: *running-on-destination" "total time:" \
    "downtime:" "remote accesses:" "pages pulled: *push [0-9]*, touch [0-9]*, prefetch [0-9]*" \
    "VM throughput: *before .*, during .*, after .* ops/s" "vm0: integrity match" \
    "cxl-fabricd is shutting down"; do
    expect_out "$label" "demo"
done
# the progress lines (plain when not on a terminal) end at 100 %
expect_out "vm0 completed \[#*\] 100%" "demo progress"
# remote accesses happened: the VM ran against node0's memory after the switch-over
n=$(printf '%s\n' "$OUT" | sed -n 's/^remote accesses: *\([0-9]*\)$/\1/p')
[ -n "$n" ] && [ "$n" -gt 0 ] || fail "demo: no remote accesses ($n)"
pid=$(printf '%s\n' "$OUT" | sed -n 's/.*(pid \([0-9]*\).*/\1/p')
[ -n "$pid" ] || fail "demo: no daemon pid"
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && fail "demo: cxl-fabricd $pid still runs"
[ -z "$(ls "$TMPD" | grep cxlfab-demo)" ] || fail "demo: its temporary directory is left"

# a failing step stops the demo with a non-zero exit and stops the daemon
DEMO_CAP=fast run scripts/demo.sh
[ "$RC" -ne 0 ] || fail "demo with a bad --max-bandwidth: exit 0"
expect_err "max-bandwidth" "demo with a bad --max-bandwidth"
pid=$(printf '%s\n' "$OUT" | sed -n 's/.*(pid \([0-9]*\).*/\1/p')
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && fail "demo (failed): cxl-fabricd $pid still runs"
finish
