#!/bin/sh
# cxl-fabricd's life as its clients see it: one daemon per socket (a
# second one refuses and says why), two clients at once (a live
# `cxl-migrate status --watch` while another client creates a VM), a
# shutdown through the CLI after which the clients say how to start it, and
# a restart that begins from nothing.
. "$(dirname "$0")/daemon_lib.sh"
start_daemon 0.01x

# ------------------------------------------------- one daemon per socket
if "$BIN/cxl-fabricd" --socket "$SOCK" --pace max --daemon --log "$TMPD/second.log" \
    >"$TMPD/out" 2>"$TMPD/err"; then
    fail "a second daemon started on $SOCK"
    pid=$(sed -n 's/.*(pid \([0-9]*\).*/\1/p' "$TMPD/out")
    [ -n "$pid" ] && kill "$pid"
fi
OUT=$(cat "$TMPD/out") ERR=$(cat "$TMPD/err")
expect_one_error_line "second daemon"
expect_err "another cxl-fabricd (pid $DPID) is serving $SOCK" "second daemon"

# ------------------------------------------------------ two clients at once
run "$F" vm create w --mem 32M --workload kv:keys=20000
expect_rc 0 "vm create w"
run "$M" start w --to node1 --max-bandwidth 50MB/s
expect_rc 0 "start w"
"$M" status --watch w >"$TMPD/watch.out" 2>"$TMPD/watch.err" &
WATCH=$!
run "$F" vm create other --node node1 --mem 16M --workload kv:keys=5000
expect_rc 0 "create a VM while another client watches"
expect_out "other *node1 *running" "create a VM while another client watches"
run "$F" daemon info -j
expect_json "daemon info while watching" "clients = 2" "vms = 2"
kill -0 $WATCH 2>/dev/null || fail "status --watch ended before its migration did"
sleep 1 # a few updates at this pace
run "$F" daemon pace max
wait $WATCH
RC=$? OUT=$(cat "$TMPD/watch.out") ERR=$(cat "$TMPD/watch.err")
expect_rc 0 "status --watch"
[ -z "$ERR" ] || fail "status --watch wrote to stderr: $ERR"
lines=$(printf '%s\n' "$OUT" | grep -c '^w postcopy-active \[[#-]*\] *[0-9]*%  [0-9]* pages left  .*B/s  remote ')
[ "$lines" -ge 2 ] || fail "status --watch: $lines progress lines, expected 2 or more"
expect_out "^w completed \[#*\] 100%  0 pages left" "status --watch"
expect_out "^w: completed: postcopy migration from node0 to node1" "status --watch"

# ------------------------------------------------ shutdown and restart
run "$F" daemon shutdown
expect_rc 0 "daemon shutdown"
expect_out "^cxl-fabricd is shutting down$" "daemon shutdown"
DPID_OLD=$DPID
i=0
while kill -0 "$DPID_OLD" 2>/dev/null && [ $i -lt 200 ]; do
    sleep 0.05
    i=$((i + 1))
done
kill -0 "$DPID_OLD" 2>/dev/null && fail "the daemon did not exit after 'daemon shutdown'"
DPID=""
run "$F" vm list
expect_rc 1 "a client after shutdown"
expect_one_error_line "a client after shutdown"
expect_err "cannot reach cxl-fabricd at $SOCK (.*); start it with 'cxl-fabricd --daemon'" \
    "a client after shutdown"
run "$M" status
expect_rc 1 "cxl-migrate after shutdown"

start_daemon
[ "$DPID" != "$DPID_OLD" ] || fail "restart: the same pid"
run "$F" vm list
expect_rc 0 "vm list after restart"
expect_out "(none)" "no VMs after restart"
run "$M" status -j
expect_json "no migrations after restart" "migrations.0 absent"
run "$F" daemon info -j
expect_json "daemon info after restart" "vms = 0" "pid = $DPID"

finish_daemon
