#!/bin/sh
# cxl-fabric against a real cxl-fabricd: the live topology with its links,
# VMs from creation to destruction (stats, pause, resume, verify), the
# fabric-manager commands, the daemon's own commands, and the daemon's
# refusals as exit 1 with its one line.
. "$(dirname "$0")/daemon_lib.sh"
start_daemon

run "$F" daemon info
expect_rc 0 "daemon info"
for field in "daemon: *cxl-fabricd" "protocol: *1" "socket: *$SOCK" "pace: *max" \
    "configuration: *embedded default" "virtual time:" "clients: *1"; do
    expect_out "$field" "daemon info"
done
run "$F" daemon pace 10x -j
expect_json "daemon pace" "pace = 10x"
run "$F" daemon pace max
expect_out "pace: *max" "daemon pace back"

# the topology the daemon runs: the offline tables plus links and config
run "$F" topo
expect_rc 0 "topo"
for word in "Switch sw0 (configuration: embedded default)" "Hosts and windows" "vPPB bindings" \
    "Memory bridges" "Links" "node0.bridge  *x16 *5 *[0-9.]* GB/s up"; do
    expect_out "$word" "topo"
done
run "$F" topo -j
expect_json "topo -j" "config = embedded default" "links.0.state = up" "memdevs.0.memdev = pool0"

# VMs
run "$F" vm create vm0 --mem 32M --vcpus 2 --workload kv:keys=20000 --seed 5
expect_rc 0 "vm create"
expect_out "vm0 *node0 *running *32 MiB *2 *kv:keys=20000" "vm create"
run "$F" vm create idle0 --node node1 --mem 16M --devices "" --no-start -j
expect_json "vm create --no-start" "state = created" "node = node1" "devices = " \
    "memory = 16777216"
run "$F" vm list
expect_out "vm0 .*running" "vm list"
expect_out "idle0 *node1 *created" "vm list"
run "$F" vm list -j
expect_json "vm list -j" "vms.0.name = vm0" "vms.1.name = idle0" "vms.1.state = created"
run "$F" vm resume idle0
expect_out "idle0 *node1 *running" "vm resume"
run "$F" vm pause idle0
expect_out "idle0 *node1 *paused" "vm pause"
run "$F" vm verify idle0
expect_rc 0 "verify a VM never migrated"
expect_out "^idle0: integrity match (.*verifier none)$" "verify a VM never migrated"

run "$F" vm stats vm0 --timeline
expect_rc 0 "vm stats"
for word in "^VM: *vm0" "state: *running" "ops: *[1-9]" "virtual time:" "stall:" \
    "Memory accesses by class" "CLASS *ACCESSES *SHARE *MEAN-NS *P50-NS .*P99.9-NS *MAX-NS" \
    "llc *[0-9]* *[0-9.]*% *-" "local *[1-9][0-9]* *[0-9.]*% *[0-9]" "Operations per 1.000 ms"; do
    expect_out "$word" "vm stats"
done
run "$F" vm stats vm0 -j
expect_json "vm stats -j" "name = vm0" "ops > 0" "accesses.local > 0" \
    "memory_latency_ns.local.p99 > 0" "timeline absent"

# the daemon's refusals: exit 1, its one line
refused() {
    expect_rc 1 "$1"
    expect_one_error_line "$1"
    expect_err "^cxl-fabric: " "$1"
}
in_parallel refused "$F" <<'EOF'
vm create vm0 | a VM named 'vm0' exists already
vm create big --mem 1T | argument 'mem' must be from
vm create w --workload nosuch | nosuch
vm create n --node node9 | no node named 'node9' (nodes: node0, node1)
vm stats nosuch | no VM named 'nosuch'
vm pause idle0 | not running
vm verify vm0 | pause it (or let it finish) before verifying
fault link-down nosuch | no link named 'nosuch'
fm ld-info --port 0 | the port has no MLD
fm bind --vcs 0 --vppb 0 --port 2 --ld 2 | Invalid Input
EOF

run "$F" vm destroy idle0
expect_out "destroyed VM idle0" "vm destroy"
run "$F" vm stats idle0
expect_rc 1 "stats of a destroyed VM"

# the fabric manager: bind an unused LD of pool0 to node1's free vPPB,
# see it, give it back
run "$F" fm identify
expect_out "ports: *6" "fm identify"
expect_out "bound vPPBs: *4" "fm identify"
run "$F" fm ports --ports 2,3
expect_out "2 *dsp *cxl-type3-mld *x8 of x8" "fm ports"
expect_out "3 *dsp" "fm ports"
run "$F" fm bind --vcs 1 --vppb 2 --port 2 --ld 2
expect_rc 0 "fm bind"
expect_out "fm bind: Background Command Started; background operation 5201h: 100% complete, Success" \
    "fm bind"
run "$F" fm vcs --vcs 1 -j
expect_json "fm vcs after bind" "vcs.0.vppbs.2.status = bound-ld" "vcs.0.vppbs.2.port = 2" \
    "vcs.0.vppbs.2.ld = 2"
run "$F" fm unbind --vcs 1 --vppb 2 --option managed
expect_rc 0 "fm unbind"
run "$F" fm vcs
expect_out "^  1 *enabled *1 *0 *bound-ld *2 *1" "fm vcs after unbind"
expect_out "^  *2 *unbound" "fm vcs after unbind"
run "$F" fm ld-info --port 2
expect_out "memory size: *4 GiB" "fm ld-info"
expect_out "LDs: *4" "fm ld-info"
run "$F" fm ld-alloc --port 3
expect_out "LD allocations of port 3 (granularity 256 MiB)" "fm ld-alloc"
expect_out "^  3 *1 GiB *0 B" "fm ld-alloc"
run "$F" fm set-ld-alloc --port 3 --start-ld 3 --lds 512M
expect_rc 0 "fm set-ld-alloc"
expect_out "^  3 *512 MiB *0 B" "fm set-ld-alloc"

finish_daemon
