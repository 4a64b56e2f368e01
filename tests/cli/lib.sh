# tests/cli/lib.sh - tiny assertion helpers for the command-line tests.
# Each test script sources this, runs commands with `run`, and checks.

FAILS=0
OUT=""
ERR=""
RC=0
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT

# run CMD...: capture stdout, stderr and exit code
run() {
    "$@" >"$TMPD/out" 2>"$TMPD/err"
    RC=$?
    OUT=$(cat "$TMPD/out")
    ERR=$(cat "$TMPD/err")
}

fail() {
    echo "FAIL: $*" >&2
    echo "  stdout: $(printf '%s' "$OUT" | head -c 600)" >&2
    echo "  stderr: $ERR" >&2
    FAILS=$((FAILS + 1))
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "$2: exit $RC, expected $1"; }
expect_out() { printf '%s' "$OUT" | grep -q -- "$1" || fail "$2: stdout lacks '$1'"; }
expect_err() { printf '%s' "$ERR" | grep -q -- "$1" || fail "$2: stderr lacks '$1'"; }
# bad input: exactly one error line, no stdout
expect_one_error_line() {
    n=$(printf '%s\n' "$ERR" | grep -c .)
    [ "$n" -eq 1 ] || fail "$1: expected one error line, got $n"
    [ -z "$OUT" ] || fail "$1: expected no stdout"
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$(basename "$0"): $FAILS failure(s)" >&2
        exit 1
    fi
    echo "$(basename "$0"): all checks passed"
}
