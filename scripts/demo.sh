#!/bin/sh
# make demo: the two-node post-copy demo, driven only through the tools a
# user runs. A daemon with the embedded default topology (node0 and node1
# on one switch, two pool MLDs, a memory bridge per node) on a private
# socket; a kv VM on node0; a post-copy migration to node1 while it runs,
# followed live; the result; an integrity check against a replay of the
# same VM never migrated; the daemon stopped.
#
# Environment: BIN (default build/bin), DEMO_MEM (guest memory, 1G),
# DEMO_KEYS (kv keys, 1000000), DEMO_CAP (migration bandwidth cap, 1GB/s:
# without one, 1 GiB moves over the fabric in about 30 ms of virtual time,
# too fast to watch), DEMO_RUN (seconds the VM runs before and after, 1).
set -eu
BIN=${BIN:-build/bin}
MEM=${DEMO_MEM:-1G}
KEYS=${DEMO_KEYS:-1000000}
CAP=${DEMO_CAP:-1GB/s}
RUN=${DEMO_RUN:-1}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cxlfab-demo.XXXXXX")
export CXLFAB_SOCKET="$tmp/fabricd.sock"
pid=""

# Ask the daemon to stop (it may have been asked already) and wait until its
# process is gone, so the demo never leaves one behind.
stop_daemon() {
    [ -n "$pid" ] || return 0
    "$BIN/cxl-fabric" daemon shutdown >/dev/null 2>&1 || true
    i=0
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "demo: cxl-fabricd (pid $pid) did not stop; killing it" >&2
        kill -9 "$pid" 2>/dev/null || true
    fi
    pid=""
}
cleanup() {
    status=$?
    stop_daemon
    if [ "$status" -ne 0 ] && [ -s "$tmp/fabricd.log" ]; then
        echo "demo: failed; the daemon's log:" >&2
        tail -n 20 "$tmp/fabricd.log" >&2
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() {
    printf '\n== %s\n' "$*"
}

step "Start cxl-fabricd (embedded default topology, virtual time paced to real time)"
"$BIN/cxl-fabricd" --daemon --log "$tmp/fabricd.log" | tee "$tmp/start.out"
pid=$(sed -n 's/.*(pid \([0-9]*\).*/\1/p' "$tmp/start.out")
"$BIN/cxl-fabric" topo | sed -n '/^Switch ports/,/^$/p'

step "Create vm0 on node0: $MEM, 2 vCPUs, kv (YCSB-A, $KEYS keys, Zipf 0.99)"
"$BIN/cxl-fabric" vm create vm0 --node node0 --mem "$MEM" --vcpus 2 \
    --workload "kv:keys=$KEYS,value=256,mix=A"
sleep "$RUN"

step "Migrate vm0 post-copy to node1 while it runs (migration traffic capped at $CAP)"
"$BIN/cxl-migrate" start vm0 --to node1 --postcopy --max-bandwidth "$CAP"
"$BIN/cxl-migrate" status vm0 --watch
"$BIN/cxl-migrate" wait vm0
sleep "$RUN"

step "Result"
# read while the VM still runs: "after" is its throughput since completion
"$BIN/cxl-migrate" status vm0 | grep -E '^(Migration|VM outcome|total time|downtime|transferred ram|remote accesses|remote access latency|postcopy blocktime|pages pulled|VM throughput)'
# a paused VM has a fixed memory to compare with a replay never migrated
"$BIN/cxl-fabric" vm pause vm0 >/dev/null
"$BIN/cxl-fabric" vm verify vm0

step "Stop the daemon"
"$BIN/cxl-fabric" daemon shutdown
stop_daemon
