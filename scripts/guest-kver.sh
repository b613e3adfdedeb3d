#!/usr/bin/env bash
# Print the version of the newest Debian 6.1 kernel image installed: the one
# the guest boots and the modules are built against.
set -euo pipefail
v=$(ls /boot/vmlinuz-6.1.* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n 1)
[ -n "$v" ] || { echo "no Debian 6.1 kernel in /boot (run scripts/install-deps.sh)" >&2; exit 1; }
echo "$v"
