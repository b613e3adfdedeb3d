#!/usr/bin/env bash
# Install, from Debian's archive, whatever wren's build and tests need and the
# machine does not have yet.  Idempotent: a second run does nothing but check.
set -euo pipefail

pkgs=(
	build-essential bc flex bison libelf-dev libssl-dev kmod
	qemu-system-x86 busybox-static cpio xz-utils zstd
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	iproute2 iputils-ping ethtool iperf3 tcpdump socat sparse python3
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The guest kernel and the headers we build against must be the same ABI.
kver=$(scripts/guest-kver.sh)
if [ ! -d "/usr/src/linux-headers-$kver" ] || [ ! -f "/boot/vmlinuz-$kver" ]; then
	echo "install-deps: kernel $kver lacks image or headers" >&2
	exit 1
fi
