#!/bin/sh
# cxl-fabricd --scenario: every shipped scenario (tools/scenarios/*.json)
# ends with the outcome it states, and its --json result parses and carries
# that integrity verdict; bad scenario files give one error line and exit 2;
# a scenario whose expectation is wrong exits 1.
#
# The shipped scenarios run with the optimised build (OPT_BIN, default
# build/bin): they are experiments, and the sanitizers would make them
# slow. The bad files run with BIN (the sanitized build under make check).
. "$(dirname "$0")/lib.sh"
OPT=${OPT_BIN:-build/bin}/cxl-fabricd
D=${BIN:-build/bin}/cxl-fabricd
DATA=tests/data/scenarios

n=0
for f in tools/scenarios/*.json; do
    n=$((n + 1))
    run "$OPT" --scenario "$f" --json
    expect_rc 0 "$f"
    [ -z "$ERR" ] || fail "$f: unexpected stderr"
    printf '%s' "$OUT" >"$TMPD/result-$n.json"
    echo "$f $TMPD/result-$n.json" >>"$TMPD/results"
done
[ "$n" -ge 15 ] || fail "only $n scenarios in tools/scenarios"
# each --json result parses, passed, and has the integrity its file expects
# (one python for all: it is most of this test's time otherwise)
python3 - "$TMPD/results" <<'PY' || fail "--json results (above)"
import json, sys
bad = 0
for line in open(sys.argv[1]):
    scenario, result = line.split()
    want = json.load(open(scenario))["expect"]["integrity"]
    try:
        r = json.load(open(result))
        got = r["integrity"] if r["pass"] else "a failed run"
    except (ValueError, KeyError) as e:
        got = "unreadable JSON (%s)" % e
    if got != want:
        print("%s: --json result: integrity %s, the scenario expects %s" % (scenario, got, want),
              file=sys.stderr)
        bad = 1
sys.exit(bad)
PY

# the summary for a person
run "$OPT" --scenario tools/scenarios/precopy-kv.json
expect_rc 0 "summary"
for word in "scenario:  *precopy-kv" "expected:  *status completed" "got:  *status completed" \
    "downtime:" "transferred:" "integrity:  *match" "result:  *PASS"; do
    expect_out "$word" "summary"
done

# a wrong expectation: the run reports the difference and exits 1
run "$D" --scenario "$DATA/wrong-expect.json"
expect_rc 1 "wrong expectation"
expect_out "result:  *FAIL" "wrong expectation"
expect_out "status: expected failed, got completed" "wrong expectation"
run "$D" --scenario "$DATA/wrong-expect.json" --json
expect_rc 1 "wrong expectation --json"
printf '%s' "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(r["pass"] or len(r["failures"]) != 3)' ||
    fail "wrong expectation --json: pass should be false with 3 failures"

# bad scenario files: one line "cxl-fabricd: FILE: message", exit 2, no stdout
bad() {
    run "$D" --scenario "$1" --json
    expect_rc 2 "$1"
    expect_one_error_line "$1"
    expect_err "^cxl-fabricd: $1: $2" "$1"
}
bad "$DATA/unknown-key.json" "scenario: unknown argument 'tial'"
bad "$DATA/bad-duration.json" "actions\[0\]: argument 'at' must be a duration"
bad "$DATA/unknown-command.json" "actions\[0\]: unknown command 'migrate.teleport'"
bad "$DATA/unknown-arg.json" "actions\[2\].args: unknown argument 'lnk' (known: link)"
bad "$DATA/malformed.json" "not valid JSON at line 2, column 34"
bad "$DATA/action-fails.json" "actions\[0\] (migrate.start at 100 us): argument 'mode' must be one of"
bad "$DATA/missing.json" "No such file or directory"
bad "$DATA" "is a directory"

finish
