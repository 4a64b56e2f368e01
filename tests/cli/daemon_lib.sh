# tests/cli/daemon_lib.sh - for the tests of cxl-fabricd's clients
# (test_cli_args.sh, test_daemon_*.sh), which drive the daemon through the
# CLIs only: a daemon of the build under test on a socket of the test's own
# (never the user's), stopped whatever happens; running many CLI calls at
# once; reading their JSON; waiting for a migration to reach a state.
. "$(dirname "$0")/lib.sh"
BIN=${BIN:-build/bin}
F=$BIN/cxl-fabric
M=$BIN/cxl-migrate
SOCK=$TMPD/fabricd.sock
export CXLFAB_SOCKET="$SOCK" # every CLI below talks to this test's daemon
DPID=""

# start_daemon [PACE]: serve $SOCK in the background (pace max unless
# given); returns once the socket listens
start_daemon() {
    if ! "$BIN/cxl-fabricd" --socket "$SOCK" --pace "${1:-max}" --daemon \
        --log "$TMPD/fabricd.log" >"$TMPD/start.out" 2>&1; then
        cat "$TMPD/start.out" >&2
        echo "$(basename "$0"): cannot start cxl-fabricd" >&2
        exit 1
    fi
    DPID=$(sed -n 's/.*(pid \([0-9]*\).*/\1/p' "$TMPD/start.out")
    [ -n "$DPID" ] || { echo "$(basename "$0"): no pid in: $(cat "$TMPD/start.out")" >&2; exit 1; }
}

# stop_daemon: shut it down through the CLI and wait for the process to go;
# the one we started is killed if it will not
stop_daemon() {
    [ -n "$DPID" ] || return 0
    "$F" daemon shutdown >/dev/null 2>&1
    i=0
    while kill -0 "$DPID" 2>/dev/null && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    if kill -0 "$DPID" 2>/dev/null; then
        fail "cxl-fabricd (pid $DPID) did not stop after 'daemon shutdown'"
        kill -9 "$DPID"
    fi
    DPID=""
}

# a daemon that crashed under the sanitizers says so in its log
check_log() {
    if grep -q "Sanitizer\|runtime error" "$TMPD/fabricd.log" 2>/dev/null; then
        fail "cxl-fabricd log reports a sanitizer error"
        cat "$TMPD/fabricd.log" >&2
    fi
}

trap 'stop_daemon; rm -rf "$TMPD"' EXIT
trap 'exit 1' INT TERM HUP

# python3 reads JSON for the checks; the system's starts fastest (a
# version manager's shim can take most of a second per call)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# expect_json WHAT CHECK...: checks on the JSON in $OUT, all in one run of
# python: "PATH = VALUE", "PATH > NUMBER", "PATH absent" (PATH: "ram.total",
# "vms.0.name"; true/false/null as JSON writes them)
expect_json() {
    what=$1
    shift
    bad=$(printf '%s' "$OUT" | "$PY" -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except ValueError as e:
    sys.exit(print("not JSON (%s)" % e))
def get(path):
    v = doc
    for k in path.split("."):
        if isinstance(v, list):
            v = v[int(k)] if int(k) < len(v) else None
        elif isinstance(v, dict):
            v = v.get(k)
    return v
def text(v):
    return "null" if v is None else json.dumps(v) if isinstance(v, bool) else str(v)
for check in sys.argv[1:]:
    path, op, want = (check.split(" ", 2) + [""])[:3]
    v = get(path)
    ok = (op == "absent" and v is None) or (op == "=" and text(v) == want) or \
         (op == ">" and isinstance(v, (int, float)) and v > float(want))
    if not ok:
        print("%s is %s, expected %s %s" % (path, text(v), op, want))' "$@")
    [ -z "$bad" ] || fail "$what: $(echo "$bad" | tr '\n' ';')"
}

# until_status VM STATUS: poll the VM's migration until it has STATUS
# (about 10 s at most); fails the test if it never does
until_status() {
    i=0
    while [ $i -lt 50 ]; do
        run "$M" status "$1" -j
        printf '%s' "$OUT" | grep -q "^  \"status\": \"$2\"," && return 0
        sleep 0.1
        i=$((i + 1))
    done
    fail "migration of $1 never reached $2 (last: $(printf '%s' "$OUT" | grep '^  "status"'))"
    return 1
}

# finish_daemon: stop the daemon (its clean shutdown is part of every
# test), look at its log, then report as finish does
finish_daemon() {
    stop_daemon
    check_log
    finish
}

# in_parallel CHECK PROG < LINES: run PROG with each line's words as its
# arguments, all at once (the CLIs start slowly under the sanitizers, and
# the daemon serves many clients at once), then call `CHECK "PROG ARGS"
# ARGS...` for each with OUT, ERR and RC set as `run` leaves them. A line
# "ARGS | TEXT" also wants TEXT on stderr.
in_parallel() {
    check=$1 prog=$2 n=0
    while IFS= read -r line; do
        n=$((n + 1))
        args=${line%% | *}
        # shellcheck disable=SC2086
        ("$prog" $args >"$TMPD/p$n.out" 2>"$TMPD/p$n.err" </dev/null; echo $? >"$TMPD/p$n.rc") &
        echo "$args" >"$TMPD/p$n.args"
        case $line in *" | "*) echo "${line#* | }" ;; *) : ;; esac >"$TMPD/p$n.want"
    done
    wait
    i=0
    while [ $i -lt $n ]; do
        i=$((i + 1))
        OUT=$(cat "$TMPD/p$i.out") ERR=$(cat "$TMPD/p$i.err") RC=$(cat "$TMPD/p$i.rc")
        args=$(cat "$TMPD/p$i.args")
        # shellcheck disable=SC2086
        $check "$(basename "$prog") $args" $args
        [ -s "$TMPD/p$i.want" ] && expect_err "$(cat "$TMPD/p$i.want")" "$(basename "$prog") $args"
    done
}
