#!/usr/bin/env bash
# Install, from Debian's archive, whatever wren's build and tests need and the
# machine does not have yet.  Idempotent: a second run does nothing but check.
set -euo pipefail

pkgs=(
	build-essential bc flex bison libelf-dev libssl-dev kmod
	qemu-system-x86 busybox-static cpio xz-utils zstd
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	iproute2 iputils-ping ethtool iperf3 tcpdump socat sparse python3
	libseccomp-dev
	curl wget nginx openssh-server openssh-client dnsmasq-base apache2-utils
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# The servers (nginx, sshd) are for the guest image only: Debian's
	# policy-rc.d protocol keeps their postinst from starting them here.
	norc=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		norc=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee $norc >/dev/null
		$SUDO chmod 755 $norc
	fi
	$SUDO apt-get update -qq
	rc=0
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
	[ -z "$norc" ] || $SUDO rm -f "$norc"
	[ $rc = 0 ] || exit $rc
fi

# Debian 12's 6.12 line: `make lint` also builds both modules against it,
# so compat.h's newer branches are compiled.  The newest 6.12 headers the
# archive has (versions come and go; the -common package is a dependency).
if [ -z "$(scripts/kver-6.12.sh 2>/dev/null)" ]; then
	h612=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sort -V | tail -n 1)
	if [ -z "$h612" ]; then
		$SUDO apt-get update -qq
		h612=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
			awk '{print $1}' | sort -V | tail -n 1)
	fi
	[ -n "$h612" ] || { echo "install-deps: no 6.12 headers in the archive" >&2; exit 1; }
	echo "install-deps: installing $h612"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$h612" >/dev/null
fi

# The guest kernel and the headers we build against must be the same ABI.
kver=$(scripts/guest-kver.sh)
if [ ! -d "/usr/src/linux-headers-$kver" ] || [ ! -f "/boot/vmlinuz-$kver" ]; then
	echo "install-deps: kernel $kver lacks image or headers" >&2
	exit 1
fi
