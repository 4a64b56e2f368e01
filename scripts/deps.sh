#!/bin/sh
# Install the Debian packages the build needs, only those missing.
# Usage: scripts/deps.sh [PACKAGE...]   (default: the build's package list)
# Uses sudo when not root. Prints what it checks and what it installs.
set -eu

PACKAGES=${*:-"gcc make pkg-config libcmocka-dev libjson-c-dev libnuma-dev"}

missing=""
for p in $PACKAGES; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        :
    else
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "deps: all present ($(echo $PACKAGES | wc -w) packages)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: missing packages:$missing; apt-get not found: install them by hand" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "deps: missing packages:$missing; not root and no sudo: install them as root" >&2
        exit 1
    fi
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends $missing; then
    echo "deps: install failed; refreshing package lists (apt-get update) and retrying"
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends $missing
fi
