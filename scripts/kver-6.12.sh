#!/usr/bin/env bash
# Print the version of the newest Debian 6.12 kernel headers installed (the
# second kernel `make lint` builds for); nothing and status 1 if none.
set -euo pipefail
v=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null |
	sed 's|/usr/src/linux-headers-||' | grep -v -- '-rt-\|-cloud-' | sort -V | tail -n 1)
[ -n "$v" ] || exit 1
echo "$v"
