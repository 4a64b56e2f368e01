#!/bin/sh
# Faults injected with cxl-fabric into a running cxl-fabricd while
# cxl-migrate moves VMs: a link down during post-copy pauses it
# (postcopy-paused) and, once the link is back, it completes with the
# memory intact; a source node failing during post-copy loses the VM, and
# every tool says so honestly; poison lands on pool lines only.
. "$(dirname "$0")/daemon_lib.sh"

# A slow pace, so a migration stays in post-copy long enough to be caught
# there by a poll.
start_daemon 0.01x
run "$F" vm create lnk --mem 32M --workload kv:keys=20000 --ops 100000
expect_rc 0 "vm create lnk"
run "$F" vm create lost --mem 32M --workload kv:keys=20000 --no-start
expect_rc 0 "vm create lost"
run "$F" vm create stay --node node1 --mem 16M --workload kv:keys=5000 --ops 50000
expect_rc 0 "vm create stay"

# ------------------------------------------- a link down during post-copy
run "$M" start lnk --to node1 --max-bandwidth 200MB/s
expect_rc 0 "start lnk"
until_status lnk postcopy-active
run "$F" fault link-down node0.bridge
expect_rc 0 "link-down"
expect_out "^link node0.bridge is down$" "link-down"
until_status lnk postcopy-paused
run "$M" status lnk
expect_out "Migration status: *postcopy-paused" "status while the link is down"
expect_out "VM outcome: *running-on-destination" "status while the link is down"
run "$F" topo
expect_out "node0.bridge  *x16 .* down" "topo shows the link down"
run "$F" fault link-up node0.bridge
expect_out "^link node0.bridge is up$" "link-up"
run "$F" daemon pace max
run "$M" wait lnk
expect_rc 0 "post-copy completes after the link is back"
expect_out "^lnk: completed: postcopy migration .*; the VM runs on node1$" "wait lnk"
run "$F" vm pause lnk
run "$F" vm verify lnk
expect_rc 0 "verify after a paused post-copy"
expect_out "^lnk: integrity match (" "verify after a paused post-copy"

# ------------------------------------ the source node fails in post-copy
run "$F" daemon pace 0.01x
run "$F" vm resume lost
expect_rc 0 "resume lost"
run "$M" start lost --to node1 --max-bandwidth 200MB/s
expect_rc 0 "start lost"
until_status lost postcopy-active
run "$F" fault node-fail node0
expect_rc 0 "node-fail"
expect_out "^node node0 is failed$" "node-fail"
run "$F" daemon pace max
run "$M" wait lost
expect_rc 1 "wait on a migration whose source failed"
expect_one_error_line "wait on a migration whose source failed"
expect_err "^cxl-migrate: lost: migration failed (.*); the VM is lost$" "wait on a lost VM"
run "$M" status lost -j
expect_json "status of a lost VM" "status = failed" "vm-outcome = lost"
run "$F" vm verify lost
expect_rc 1 "verify a lost VM"
expect_out "^lost: integrity vm-lost" "verify a lost VM"
run "$F" fault node-fail node0
expect_rc 1 "fail a failed node"
expect_err "has failed already" "fail a failed node"
run "$F" vm create late --node node0 --mem 1M
expect_rc 1 "a VM on a failed node"
expect_err "node node0 has failed: it runs no VM" "a VM on a failed node"
expect_one_error_line "a VM on a failed node"
run "$F" topo -j
expect_json "topo after node-fail" "hosts.0.failed = true" "hosts.1.failed = false"
run "$F" vm list
expect_out "stay *node1 *\(running\|done\)" "a VM on another node keeps going"

# -------------------------------------------------------------- poison
run "$F" fault poison --memdev pool1 --dpa 0x1050
expect_rc 0 "poison a DPA"
expect_out "^poisoned the 64-byte line at DPA 0x0*1040 of pool1$" "poison a DPA"
run "$F" fault poison --vm stay --gpa 0
expect_rc 1 "poison node DRAM"
expect_err "not pool memory" "poison node DRAM"
run "$F" fault poison --memdev pool9 --dpa 0
expect_rc 1 "poison an unknown device"
expect_one_error_line "poison an unknown device"

finish_daemon
