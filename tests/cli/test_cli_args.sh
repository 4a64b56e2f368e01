#!/bin/sh
# cxl-fabric and cxl-migrate without a daemon: every bad argument of every
# subcommand is one line on stderr and exit 2 before any connection; an
# unreachable daemon is exit 1 with how to start it; and, against a
# scripted stand-in for the daemon, the requests the CLIs send and how
# they take answers that come in pieces, out of order, wrong, or not at all.
. "$(dirname "$0")/daemon_lib.sh" # no daemon is started: in_parallel
# nothing listens here: an argument check that let a case through would
# fail with exit 1 (cannot reach), not 2
export CXLFAB_SOCKET="$TMPD/nobody.sock"

# a bad argument: exit 2, one line "PROG: ...", nothing on stdout
bad_args() {
    expect_rc 2 "bad args: $1"
    expect_one_error_line "bad args: $1"
    expect_err "^${1%% *}: " "bad args: $1"
}

# ----------------------------------------------------------- cxl-fabric
in_parallel bad_args "$F" <<'EOF'
nosuchcommand | unknown command 'nosuchcommand'
topo -c a.json --default | -c and --default both name a configuration
topo --default --socket /tmp/x.sock | renders offline
topo extra | topo: unexpected argument 'extra'
topo -x | topo: unknown option -x
vm | vm: missing command (create, list, stats, pause, resume, destroy, verify
vm nosuch | unknown command 'nosuch' (create, list, stats, pause, resume, destroy, verify)
vm create | vm create: missing NAME
vm create bad/name | NAME: 'bad/name' is not a name
vm create a-name-that-is-much-longer-than-31
vm create vm0 --mem 3X | vm create: --mem: '3X' is not a size
vm create vm0 --mem 1000 | --mem: 1000 is not a positive multiple of 4 KiB
vm create vm0 --mem 0
vm create vm0 --mem | option --mem needs a value
vm create vm0 --vcpus 65 | vm create: --vcpus: 65 is out of range (1 to 64)
vm create vm0 --seed x | --seed: 'x' is not a number
vm create vm0 --ops -1
vm create vm0 --timeline 5x | --timeline: '5x' is not a duration
vm create vm0 --no-start=1 | option --no-start takes no value
vm create vm0 --node n0 --node n1 | --node is given twice
vm create vm0 extra | unexpected argument 'extra'
vm create vm0 --bogus | unknown option '--bogus' (see 'cxl-fabric vm create --help')
vm list extra
vm stats | vm stats: missing VM
vm stats vm0 --timeline=1
vm pause
vm resume vm0 vm1
vm destroy
vm verify
fm | fm: missing command
fm identify extra
fm ports --ports 1,x | --ports: 'x' is not an id from 0 to 255
fm ports --ports 1,,2
fm vcs --vcs 256
fm bind --vcs 1 --vppb 2 | fm bind: missing --port N
fm bind --vcs 1 --vppb 2 --port 300 | --port: 300 is out of range (0 to 255)
fm unbind --vcs 1 --vppb 1 --option now | --option: 'now' is not one of wait-link-down, managed, surprise
fm ld-info
fm ld-alloc --port x
fm set-ld-alloc --port 2 | missing --lds
fm set-ld-alloc --port 2 --lds 100M | is not a size that is a multiple of 256M
fm set-ld-alloc --port 2 --lds 256M:1G:x
fm set-ld-alloc --port 2 --lds 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 | --lds: at most 16 items
fault
fault link-down
fault link-up a b
fault node-fail bad/node
fault poison | missing the line
fault poison --memdev pool0 | --memdev and --dpa go together
fault poison --gpa 0x1000 | --vm and --gpa go together
fault poison --memdev pool0 --dpa 0 --vm vm0 --gpa 0 | give either --memdev and --dpa, or --vm and --gpa
fault poison --memdev pool0 --dpa zz
daemon
daemon pace | missing PACE
daemon pace fast | 'fast' is not realtime, max or a multiple
daemon pace 10
daemon pace 1.2.3x
daemon info extra
daemon shutdown now
EOF

# a socket path that cannot be a unix socket address is a bad argument
long=$(printf 'x%.0s' $(seq 1 120))
in_parallel bad_args "$F" <<EOF
vm list --socket /tmp/$long | the socket path is too long
vm list --socket= | --socket needs a path
EOF

# ---------------------------------------------------------- cxl-migrate
in_parallel bad_args "$M" <<'EOF'
 | missing command (start, status, wait, cancel
nosuchcommand
start | start: missing VM
start vm0 | missing --to NODE
start bad/vm --to node1
start vm0 --to | option --to needs a value
start vm0 --to node1 --precopy --postcopy | give one mode
start vm0 --to node1 --postcopy --pool-staged | give one mode
start vm0 --to node1 --hybrid=0 | --hybrid=ROUNDS: '0' is not a number of rounds
start vm0 --to node1 --hybrid 3 | unexpected argument '3'
start vm0 --to node1 --precopy=1 | option --precopy takes no value
start vm0 --to node1 --downtime-limit x | --downtime-limit: 'x' is not a duration
start vm0 --to node1 --max-bandwidth fast | --max-bandwidth: 'fast' is not a rate
start vm0 --to node1 --max-rounds 0
start vm0 --to node1 --max-rounds-action maybe | 'maybe' is not one of force, fail
start vm0 --to node1 --auto-converge=yes
start vm0 --to node1 --throttle-initial 100
start vm0 --to node1 --policy random | 'random' is not one of linear, hot-first, prefetch
start vm0 --to node1 --touch-threshold 0
start vm0 --to node1 --prefetch-window 5000
start vm0 --to node1 --batch-pages 257 | --batch-pages: 257 is out of range (1 to 256)
start vm0 --to node1 --transport pigeon | 'pigeon' is not fabric, net or net:RATE
start vm0 --to node1 --transport net:0
start vm0 --to node1 --net-bandwidth 0 | the rate must not be 0
start vm0 --to node1 --net-latency x
start vm0 --to node1 --po | option '--po' is ambiguous
status a b
status --watch=1
status bad/vm
wait
wait vm0 --timeout 5 | a unit is needed
cancel
cancel vm0 extra
EOF

# ------------------------------------------------------------ help, 0
for args in "--help" "start --help"; do
    # shellcheck disable=SC2086
    run "$M" $args
    expect_rc 0 "help: cxl-migrate $args"
    expect_out "usage: cxl-migrate" "help: cxl-migrate $args"
done
for word in --precopy --postcopy "--hybrid\[=ROUNDS\]" --pool-staged --downtime-limit \
    --max-bandwidth --policy "hot-first" --transport --net-latency; do
    expect_out "$word" "cxl-migrate start --help"
done
for args in "vm create --help" "--help"; do
    # shellcheck disable=SC2086
    run "$F" $args
    expect_rc 0 "help: cxl-fabric $args"
    expect_out "usage: cxl-fabric" "help: cxl-fabric $args"
done
for word in "topo" "vm create NAME" "fm set-ld-alloc" "fault link-down LINK" "daemon pace PACE"; do
    expect_out "$word" "cxl-fabric --help lists $word"
done

# ------------------------------------------------ unreachable daemon, 1
# good arguments, no daemon: one line that says how to start it
unreachable() {
    expect_rc 1 "unreachable: $1"
    expect_one_error_line "unreachable: $1"
    expect_err "cannot reach cxl-fabricd at $CXLFAB_SOCKET (No such file or directory); start it with 'cxl-fabricd --daemon'" \
        "unreachable: $1"
}
in_parallel unreachable "$F" <<'EOF'
topo
vm create vm0 --mem 64M --vcpus 2 --workload kv --seed 3 --ops 1000 --devices net --no-start
vm list
vm stats vm0 --timeline
vm pause vm0
vm resume vm0
vm destroy vm0
vm verify vm0
fm identify
fm ports --ports 0,1
fm vcs --vcs 0
fm bind --vcs 1 --vppb 2 --port 2 --ld 2
fm unbind --vcs 1 --vppb 2 --option managed
fm ld-info --port 2
fm ld-alloc --port 2
fm set-ld-alloc --port 2 --lds 1G:0,1G
fault link-down node0.bridge
fault link-up node0.bridge
fault node-fail node0
fault poison --memdev pool0 --dpa 0x1000
fault poison --vm vm0 --gpa 4K
daemon info
daemon pace 10x
daemon shutdown
EOF
in_parallel unreachable "$M" <<'EOF'
start vm0 --to node1 --hybrid=2 --downtime-limit 50 --max-bandwidth 1GB/s --max-rounds 5
start vm0 --to node1 --policy prefetch --prefetch-window 16 --transport net:10Gbit
status
status vm0 -j
status vm0 --watch
wait vm0 --timeout 2s
cancel vm0
EOF

# --socket names the path in the message, and in the way to start it
run "$F" vm list --socket "$TMPD/other.sock"
expect_rc 1 "unreachable --socket"
expect_err "cannot reach cxl-fabricd at $TMPD/other.sock .*'cxl-fabricd --daemon --socket $TMPD/other.sock'" \
    "unreachable --socket"

# a socket left behind by a daemon that died: connection refused
"$PY" -c "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$TMPD/stale.sock"
run "$M" status --socket "$TMPD/stale.sock"
expect_rc 1 "stale socket"
expect_one_error_line "stale socket"
expect_err "cannot reach cxl-fabricd at $TMPD/stale.sock (Connection refused); start it" "stale socket"

# ----------------------------------------- a scripted peer, not a daemon
# peer MODE: answer one connection on $TMPD/peer.sock as MODE says, and
# keep the request line in $TMPD/peer.req
peer() {
    rm -f "$TMPD/peer.sock" "$TMPD/peer.req"
    "$PY" - "$TMPD/peer.sock" "$1" "$TMPD/peer.req" <<'PY' &
import json, socket, sys, time
path, mode, req_file = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(1)
s.settimeout(20)
c, _ = s.accept()
line = c.makefile("rb").readline()
open(req_file, "wb").write(line)
rid = json.loads(line)["id"]
def send(obj):
    c.sendall((json.dumps(obj) + "\n").encode())
if mode == "pieces":
    send({"id": rid + 1000, "ok": True, "result": {"name": "someone else's"}})
    text = json.dumps({"id": rid, "ok": True, "result": {"vms": [{"name": "vmx", "node": "node1",
        "state": "running", "memory": 1 << 26, "vcpus": 2, "workload": "kv", "ops": 7}]}}) + "\n"
    for i in range(0, len(text), 5):
        c.sendall(text[i:i + 5].encode())
        time.sleep(0.002)
elif mode == "error":
    send({"id": rid, "ok": False, "error": {"code": "ENOENT", "message": "no VM named 'vm9'"}})
elif mode == "refuse":
    send({"id": None, "ok": False, "error": {"code": "EBUSY", "message": "too many clients"}})
elif mode == "garbage":
    c.sendall(b"hello\n")
elif mode == "ok":
    send({"id": rid, "ok": True, "result": {}})
c.close()
PY
    i=0
    while [ ! -S "$TMPD/peer.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
PEER="--socket $TMPD/peer.sock"

# an answer in pieces, after another id's: the table shows ours
peer pieces
# shellcheck disable=SC2086
run "$F" vm list $PEER
wait
expect_rc 0 "answer in pieces"
expect_out "vmx .*node1 .*running .*64 MiB" "answer in pieces"
grep -q '"cmd": *"vm.list"' "$TMPD/peer.req" || fail "answer in pieces: request was $(cat "$TMPD/peer.req")"

for mode in error refuse garbage close; do
    peer $mode
    # shellcheck disable=SC2086
    run "$M" status vm9 $PEER
    wait
    expect_rc 1 "peer $mode"
    expect_one_error_line "peer $mode"
done
peer error
# shellcheck disable=SC2086
run "$M" cancel vm9 $PEER
wait
expect_err "^cxl-migrate: no VM named 'vm9'$" "daemon error is the line"
peer refuse
# shellcheck disable=SC2086
run "$F" daemon info $PEER
wait
expect_err "^cxl-fabric: too many clients$" "refused connection"
peer close
# shellcheck disable=SC2086
run "$F" daemon info $PEER
wait
expect_err "closed the connection before answering 'daemon.info'" "closed connection"

# the request each command line makes: argument names, values parsed here
# sent PROG ARGS...: run it against a peer that answers {}; has CMD ARGS:
# the request it sent was CMD with exactly the arguments ARGS
sent() {
    peer ok
    # shellcheck disable=SC2086
    run "$@" $PEER -j
    wait
    REQ=$(cat "$TMPD/peer.req" 2>/dev/null)
}
has() {
    printf '%s' "$REQ" | "$PY" -c "import json, sys; r = json.load(sys.stdin); \
sys.exit(0 if r['cmd'] == sys.argv[1] and r['args'] == json.loads(sys.argv[2]) else 1)" "$1" "$2" ||
        fail "request: expected $1 $2, sent $REQ"
}
sent "$F" vm create vm0 --mem 64M --vcpus 2 --workload kv:keys=1000 --seed 7 --ops 5000 \
    --devices "" --timeline 2ms --no-start
has vm.create '{"name": "vm0", "mem": 67108864, "vcpus": 2, "workload": "kv:keys=1000",
    "seed": 7, "ops": 5000, "devices": "", "timeline": "2000000ns", "start": false}'
sent "$M" start vm0 --to node1 --hybrid=3 --downtime-limit 50 --max-bandwidth 1GB/s \
    --auto-converge --policy hot-first --batch-pages 64 --transport net:10Gbit --net-latency 20us
has migrate.start '{"vm": "vm0", "to": "node1", "mode": "hybrid", "hybrid-rounds": 3,
    "downtime-limit": "50000000ns", "max-bandwidth": 1000000000, "auto-converge": true,
    "policy": "hot-first", "batch-pages": 64, "transport": "net:10Gbit", "net-latency": "20000ns"}'
sent "$M" start vm0 --to node1 --pool-staged
has migrate.start '{"vm": "vm0", "to": "node1", "mode": "pool-staged"}'
sent "$F" fm set-ld-alloc --port 3 --start-ld 1 --lds 512M:256M,1G
has fm.set-ld-alloc '{"port": 3, "start-ld": 1, "lds": [{"range1": 536870912,
    "range2": 268435456}, {"range1": 1073741824, "range2": 0}]}'
sent "$F" fm ports --ports 0,4
has fm.ports '{"ports": [0, 4]}'
sent "$F" fault poison --vm vm0 --gpa 0x2040
has fault.poison '{"vm": "vm0", "gpa": 8256}'
sent "$M" wait vm0 --timeout 1.5s
has migrate.wait '{"vm": "vm0", "timeout": "1500000000ns"}'
sent "$F" daemon pace 0.5x
has daemon.pace '{"pace": "0.5x"}'

finish
