#!/bin/sh
# Run each unit-test binary, report a summary, fail if any failed.
set -u
failed=""
for t in "$@"; do
    if ! "$t"; then
        failed="$failed $(basename "$t")"
    fi
done
if [ -n "$failed" ]; then
    echo "unit tests FAILED:$failed" >&2
    exit 1
fi
echo "unit tests: all $# binaries passed"
