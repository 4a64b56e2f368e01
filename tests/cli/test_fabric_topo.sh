#!/bin/sh
# cxl-fabric topo offline (no daemon): tables and JSON for the built-in
# default topology (--default) and a config file (-c), one-line errors and
# exit 2 for bad arguments and bad configs. The daemon's live topology is
# in test_daemon_vm.sh.
. "$(dirname "$0")/lib.sh"
F=${BIN:-build/bin}/cxl-fabric

run "$F" topo --default
expect_rc 0 "topo default"
for word in node0 node1 pool0 pool1 sw0 node0-cxl "Hosts and windows" "Switch sw0" "Switch ports" \
    "vPPB bindings" "Devices and logical devices" "Memory bridges" "Regions" region1; do
    expect_out "$word" "topo default table"
done
expect_out "pool0.ld0,pool1.ld0" "topo default region targets"
case $OUT in *Links*) fail "topo offline: no links table without the daemon" ;; esac

run "$F" topo --default -j
expect_rc 0 "topo -j"
printf '%s' "$OUT" | python3 -m json.tool >/dev/null 2>&1 || fail "topo -j: not valid JSON"
for key in '"memdev": "pool0"' '"interleave_ways": 2' '"interleave_granularity": 4096' \
    '"region": "region0"' '"kind": "fabric"' '"bound_to"' '"fabric_base": "0x200000000"' \
    '"dram_size": 8589934592'; do
    expect_out "$key" "topo -j keys"
done

# a topology from a file
cat >"$TMPD/one.json" <<'JSON'
{
  "hosts": [{"name": "solo", "dram": "1G",
             "host-bridges": [{"root-ports": [{"switch-port": 0}]}],
             "windows": [{"name": "solo-cxl", "base": "64G", "size": "16G", "targets": [0]}]}],
  "devices": [{"name": "mem0", "switch-port": 1, "volatile": "1G"}],
  "bindings": [{"host": "solo", "vppb": 0, "device": "mem0"}],
  "regions": [{"host": "solo", "targets": [{"device": "mem0"}]}]
}
JSON
run "$F" topo --config "$TMPD/one.json" --json
expect_rc 0 "topo config file"
expect_out '"memdev": "mem0"' "topo config file"
expect_out '"status": "bound-port"' "topo config file"
run "$F" topo -c "$TMPD/one.json"
expect_rc 0 "topo config file table"
expect_out "solo-cxl" "topo config file table"

# bad configs and arguments: one line on stderr, exit 2, nothing on stdout
printf '{"hosts": [{"name": "h0", "dram": "12X"}]}' >"$TMPD/bad.json"
printf '' >"$TMPD/empty.json"
printf '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]' \
    >"$TMPD/deep.json"
run "$F" topo -c "$TMPD/bad.json"
expect_rc 2 "bad config"
expect_one_error_line "bad config"
expect_err "^cxl-fabric: .*bad.json: hosts\[0\].dram: \"12X\" is not a size" "bad config"
run "$F" topo -c "$TMPD/deep.json"
expect_err "too deeply nested" "deep config"
run "$F" topo -c "$TMPD/missing.json"
expect_rc 2 "missing config"
expect_one_error_line "missing config"
expect_err "missing.json" "missing config"
for args in "topo -c $TMPD/empty.json" "topo -c $TMPD/deep.json" "topo -c $TMPD" "topo -c" \
    "topo --bogus" "topo -x" "topo extra" "topo --default -c $TMPD/one.json" "nosuchcommand" ""; do
    # shellcheck disable=SC2086
    run "$F" $args
    expect_rc 2 "bad args: '$args'"
    expect_one_error_line "bad args: '$args'"
    expect_err "^cxl-fabric: " "bad args: '$args'"
done

run "$F" --help
expect_rc 0 help
expect_out "usage:" help
expect_out "topo" help
run "$F" topo --help
expect_rc 0 "topo help"
expect_out "CONFIG" "topo help"
expect_out "--default" "topo help"

finish
