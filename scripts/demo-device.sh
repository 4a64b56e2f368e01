#!/bin/sh
# Device-model demo: a 2 GiB type-3 MLD with two LDs, poison injected and
# listed through the mailbox, and an HPA decoded through a 3-way interleave.
set -eu
BIN=${BIN:-build/bin}

echo "== Identify a 2 GiB MLD's LD 1, inject poison, list it and read the event log"
"$BIN/cxl-devctl" mbox --capacity 2G --lds 2 --ld 1 \
    identify-memory-device + inject-poison 0x1000 + inject-poison 0x1040 + \
    get-poison-list + get-event-records info

echo "== Where does HPA 0x30000a7f go in a 3-way, 256 B interleave at 768 MiB?"
for pos in 0 1 2; do
    "$BIN/cxl-devctl" decode --ways 3 --granularity 256 --base 768M --size 768M \
        --position "$pos" 0x30000a7f || true
done
