#!/bin/sh
# Dependencies point one way: sim <- cxl-dev <- fabric <- node <- migrate <- ctl <- tools.
# Fail if a file of a layer includes a header of a higher layer.
set -u
LAYERS="sim cxl-dev fabric node migrate ctl"
bad=0
rank=0
for layer in $LAYERS; do
    higher=$(echo "$LAYERS" | tr ' ' '\n' | tail -n +$((rank + 2)) | tr '\n' ' ')
    for up in $higher tools; do
        hits=$(grep -n "#include \"$up/" "$layer"/*.[ch] 2>/dev/null || true)
        if [ -n "$hits" ]; then
            echo "layering: $layer/ includes the higher layer $up/:" >&2
            echo "$hits" >&2
            bad=1
        fi
    done
    rank=$((rank + 1))
done
[ "$bad" -eq 0 ] && echo "layering: dependencies point one way"
exit "$bad"
