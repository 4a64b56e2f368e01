#!/bin/sh
# cxl-migrate against a real cxl-fabricd: every mode (pre-copy, post-copy
# with each pull policy, hybrid, pool-staged, the network transport)
# started while the VMs run, waited for, reported QEMU-style, and verified
# bit for bit against a replay never migrated; wait's timeout; cancel; the
# daemon's refusals.
. "$(dirname "$0")/daemon_lib.sh"

# Virtual time crawls while the VMs are created and their migrations
# started (each CLI call takes a while under the sanitizers), so every
# migration begins early in its VM's run; then it runs flat out.
start_daemon 0.002x

# VM, then its migration's options
cat >"$TMPD/modes" <<'EOF'
pre --precopy --max-rounds 4
post --postcopy
hot --postcopy --policy hot-first --touch-threshold 2
pf --postcopy --policy prefetch --prefetch-window 16
hyb --hybrid=2 --downtime-limit 1us
pool --pool-staged
net --transport net:10Gbit --net-latency 20us --batch-pages 64
EOF

created() {
    expect_rc 0 "$1"
    expect_out "running" "$1"
}
# each list of command lines is a file: in_parallel must not run in a
# pipeline's subshell, where its failures would not count
seed=0
while read -r vm opts; do
    seed=$((seed + 1))
    echo "vm create $vm --mem 32M --vcpus 2 --workload kv:keys=20000 --seed $seed --ops 60000"
done <"$TMPD/modes" >"$TMPD/creates"
in_parallel created "$F" <"$TMPD/creates"
# a slow one to cancel
run "$F" vm create slow --mem 32M --workload kv:keys=20000 --ops 60000
expect_rc 0 "vm create slow"

started() {
    expect_rc 0 "$1"
    expect_out "^${3}: .* migration [0-9]* from node0 to node1 started" "$1"
}
sed 's/^\([a-z]*\)\(.*\)/start \1 --to node1 --max-bandwidth 2GB\/s\2/' "$TMPD/modes" \
    >"$TMPD/starts"
in_parallel started "$M" <"$TMPD/starts"

# the daemon's own refusals are exit 1 with its one line
run "$M" start post --to node1
expect_rc 1 "second migration of a VM"
expect_one_error_line "second migration of a VM"
run "$M" start slow --to node7
expect_rc 1 "unknown node"
expect_err "^cxl-migrate: no node named 'node7'" "unknown node"
run "$M" status slow
expect_rc 1 "never migrated"
expect_err "has never migrated" "never migrated"

# wait with a timeout of virtual time, then cancel before the switch-over
run "$M" start slow --to node1 --precopy --max-bandwidth 10MB/s
expect_rc 0 "start slow"
run "$M" wait slow --timeout 100us
expect_rc 1 "wait timeout"
expect_one_error_line "wait timeout"
expect_err "still" "wait timeout"
run "$M" cancel slow
expect_rc 0 "cancel"
expect_out "slow: migration [0-9]* is cancell" "cancel"
run "$M" wait slow
expect_rc 1 "wait on a cancelled migration"
expect_one_error_line "wait on a cancelled migration"
expect_err "^cxl-migrate: slow: migration cancelled.*; the VM runs on node0$" "wait cancelled"
run "$M" cancel slow
expect_rc 1 "cancel twice"

run "$F" daemon pace max
expect_rc 0 "pace max"

# every mode completes with the VM on the destination
completed() {
    expect_rc 0 "$1"
    expect_out "^${3}: completed: .* migration from node0 to node1 in .*; the VM runs on node1$" "$1"
}
cut -d' ' -f1 "$TMPD/modes" | sed 's/^/wait /' >"$TMPD/waits"
in_parallel completed "$M" <"$TMPD/waits"

# what each mode reports
run "$M" status pre -j
expect_json "precopy status" "mode = precopy" "status = completed" "rounds > 0" \
    "ram.dirty-sync-count > 0" "ram.postcopy-requests = 0" "postcopy absent" "ram.remaining = 0" \
    "ram.precopy-bytes > 0" "vm-outcome = running-on-destination"
for vm in post hot pf; do
    run "$M" status $vm -j
    expect_json "$vm status" "mode = postcopy" "postcopy.remote-accesses > 0" \
        "ram.postcopy-bytes > 0" "ram.postcopy-requests > 0" "postcopy.pages-pulled.touch > 0" \
        "throughput.during > 0"
done
expect_json "prefetch policy status" "postcopy.pages-pulled.prefetch > 0"
run "$M" status hot -j
expect_json "hot-first policy status" "postcopy.pages-pulled.push > 0" \
    "postcopy.pages-pulled.prefetch = 0"
run "$M" status hyb -j
expect_json "hybrid status" "mode = hybrid" "rounds = 2" "ram.precopy-bytes > 0" \
    "ram.postcopy-bytes > 0"
run "$M" status pool -j
expect_json "pool-staged status" "mode = pool-staged" "vm-outcome = running-on-destination"

# the human view uses QEMU's words
run "$M" status post
expect_rc 0 "status post"
for field in "Migration [0-9]* of post: postcopy from node0 to node1" "Migration status: *completed" \
    "total time:" "downtime:" "transferred ram: *[0-9]* kbytes" "remaining ram: *0 kbytes" \
    "total ram:" "pages-per-second:" "dirty sync count:" "postcopy request count: *[1-9]" \
    "remote accesses: *[1-9]" "remote access latency: *p50 [0-9]* ns" \
    "pages pulled: *push [0-9]*, touch [0-9]*, prefetch 0" \
    "VM throughput: *before .*, during .*, after .* ops/s"; do
    expect_out "$field" "status post"
done
run "$M" status
expect_rc 0 "status table"
for vm in pre post hot pf hyb pool net slow; do
    expect_out "^  [0-9]* *$vm " "status table"
done
expect_out "slow .*cancelled *running-on-source" "status table"
run "$M" status --watch pool
expect_rc 0 "watch a finished migration"
expect_out "pool completed \[#*\] 100%" "watch a finished migration"
expect_out "^pool: completed: pool-staged migration" "watch a finished migration"
run "$M" cancel post
expect_rc 1 "cancel after the end"
expect_one_error_line "cancel after the end"

# each VM ends with exactly the memory of a run never migrated
cut -d' ' -f1 "$TMPD/modes" | sed 's/^/vm pause /' >"$TMPD/pauses"
in_parallel true "$F" <"$TMPD/pauses"
matched() {
    expect_rc 0 "$1"
    expect_out "^${4}: integrity match (" "$1"
}
# the daemon runs two verifications at a time
cut -d' ' -f1 "$TMPD/modes" | sed 's/^/vm verify /' | split -l 2 - "$TMPD/verify."
for pair in "$TMPD"/verify.*; do
    in_parallel matched "$F" <"$pair"
done
run "$F" vm list
expect_out "slow *node0 " "the cancelled VM stays on the source"
expect_out "pool *node1 " "migrated VMs are on the destination"

# a paused VM's "after" throughput ends at its pause: it does not sink
run "$M" status post -j
after1=$(printf '%s' "$OUT" | grep '"after"')
sleep 0.3
run "$M" status post -j
after2=$(printf '%s' "$OUT" | grep '"after"')
[ -n "$after1" ] && [ "$after1" = "$after2" ] || fail "after throughput moves: $after1 / $after2"

# the cancelled VM migrates again; the first migration's report stays
# readable once the second frees the VM it pointed at
run "$M" start slow --to node1 --postcopy
expect_rc 0 "migrate slow again"
run "$M" wait slow
expect_rc 0 "wait slow again"
run "$M" status
expect_rc 0 "every migration after a VM's second"
expect_out "slow .*cancelled *running-on-source" "the first migration of slow"
expect_out "slow .*completed *running-on-destination" "the second migration of slow"

finish_daemon
