#!/bin/sh
# cxl-devctl: results, exit codes and one-line errors for bad input.
. "$(dirname "$0")/lib.sh"
D=${BIN:-build/bin}/cxl-devctl

run "$D" mbox identify-memory-device
expect_rc 0 identify
expect_out '"total-capacity": 1073741824' identify
expect_out '"status": "Success"' identify

run "$D" mbox --capacity 2G --lds 2 --ld 1 inject-poison 0x1000 + inject-poison 0x1040 + get-poison-list
expect_rc 0 "poison chain"
expect_out '"dpa": "0x1000"' "poison chain"
expect_out '"length": 128' "poison chain"
expect_out '"source": "injected"' "poison chain"

run "$D" mbox inject-poison 0x1001
expect_rc 1 "unaligned inject"
expect_out '"status": "Invalid Input"' "unaligned inject"

run "$D" mbox inject-poison 1G
expect_rc 1 "inject past end"
expect_out '"status": "Invalid Physical Address"' "inject past end"

run "$D" mbox raw 0x4300 00
expect_rc 1 "raw short payload"
expect_out '"return-code": "0x0016"' "raw short payload"

run "$D" mbox raw 0x9999
expect_rc 1 "raw unknown opcode"
expect_out '"status": "Unsupported"' "raw unknown opcode"

run "$D" mbox set-lsa 16 deadbeef + get-lsa 16 4
expect_rc 0 "lsa round trip"
expect_out '"data": "deadbeef"' "lsa round trip"

run "$D" mbox get-log cel
expect_rc 0 "cel"
expect_out '"command": "inject-poison"' "cel"

run "$D" mbox clear-event-records info --all
expect_rc 1 "clear all without overflow"
expect_out '"status": "Invalid Input"' "clear all without overflow"

# bad arguments: one line on stderr, exit 64 (EX_USAGE), nothing on stdout
for args in "mbox" "mbox frobnicate" "mbox --capacity 3X identify-memory-device" \
    "mbox --capacity 100M identify-memory-device" "mbox --lds 17 identify-memory-device" \
    "mbox --ld 3 identify-memory-device" "mbox get-lsa zz" "mbox set-lsa 0 abc" \
    "mbox identify-memory-device extra" "mbox identify-memory-device +" \
    "mbox get-event-records nosuchlog" "mbox get-log not-a-uuid" "mbox --bogus x" \
    "decode --ways 2" "decode --ways 2 --granularity 256 --base 0 --size 1G --position 0" \
    "decode --ways 3 --granularity 256 --base 0 --size 1G --position 0 0" \
    "decode --ways 2 --granularity 300 --base 0 --size 1G --position 0 0" \
    "mbox -xyz identify-memory-device" "mbox --lds 1K identify-memory-device" \
    "mbox clear-poison 0 abcd" "mbox --capacity" \
    "decode --ways 3 --granularity 256 --base 256M --size 768M --position 0 0" \
    "nosuchsubcommand"; do
    # shellcheck disable=SC2086
    run "$D" $args
    expect_rc 64 "bad args: $args"
    expect_one_error_line "bad args: $args"
done

run "$D" decode --ways 8 --granularity 512 --base 128G --size 4G --position 2 0x2040000404
expect_rc 0 "decode spec example"
expect_out "DPA 0x8000004" "decode spec example"

run "$D" decode --ways 3 --granularity 256 --base 0 --size 768M --position 0 0xa7f -j
expect_rc 1 "decode other position"
expect_out '"position": 1' "decode other position"

run "$D" decode --ways 3 --granularity 256 --base 0 --size 768M --position 0 1G
expect_rc 2 "decode outside"
expect_out "outside the decoder" "decode outside"

# the error names the offending option
run "$D" mbox -xyz identify-memory-device
expect_err "unknown option -x" "clustered option"
run "$D" mbox --capacity
expect_err "option --capacity needs a value" "missing value"

# every device command has a way in through the tool
run "$D" mbox get-log cel
for cmd in $(printf '%s' "$OUT" | sed -n 's/.*"command": "\([a-z-]*\)".*/\1/p' | grep -v get-log); do
    run "$D" mbox "$cmd"
    case "$ERR" in *"unknown mailbox command"*) fail "no tool entry for $cmd" ;; esac
done

# no label area: Get LSA is unsupported
run "$D" mbox --lsa 0 get-lsa
expect_rc 1 "no lsa"
expect_out '"status": "Unsupported"' "no lsa"

run "$D" --help
expect_rc 0 help
expect_out "usage:" help

finish
