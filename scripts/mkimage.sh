#!/usr/bin/env bash
# Build the guest's initramfs: busybox, the Debian binaries and guest-kernel
# modules the tests need, wren's modules, tools and tests, and the init
# script.  Output: $BUILD/image/initramfs.cpio.gz (see doc/harness.md).
#
# Parameters (the debug lane sets them): KVER (the guest kernel's release,
# default scripts/guest-kver.sh), WREN_MODROOT (the root holding
# lib/modules/$KVER, default /), WREN_KO_DIR (where wren.ko and
# wren_e1000.ko are, default kmod/ and driver/ of this tree), WREN_TOOLS
# (the build directory with bin/ and tests/, default $BUILD).
set -euo pipefail
cd "$(dirname "$0")/.."
KVER=${KVER:-$(scripts/guest-kver.sh)}
BUILD=${BUILD:-$PWD/build}
modroot=${WREN_MODROOT:-}
tools=${WREN_TOOLS:-$BUILD}
out=$BUILD/image
root=$out/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib/wren,lib/wren,tests,etc,proc,sys,dev,tmp,run,var,root,mnt}
ln -s ../run "$root/var/run"

# busybox provides the shell and the small tools
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done

# Real programs, with the shared libraries they need
copy_with_libs() {
	local bin=$1 dst=$2 lib
	cp -L "$bin" "$root$dst"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
# Debian's busybox-static prefers its own applets over PATH inside its shell,
# so /bin/sh is dash: "ip" must mean iproute2's ip, not busybox's.
rm -f "$root/bin/sh" "$root/bin/bash"
copy_with_libs /bin/dash /bin/sh
copy_with_libs /bin/bash /bin/bash
for b in ip tc ss nstat ethtool iperf3 tcpdump socat ping taskset; do
	p=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$b")
	rm -f "$root/usr/bin/$b" "$root/bin/$b"
	copy_with_libs "$p" "/usr/bin/$b"
done
# lib64 symlink expected by the dynamic loader path
[ -e "$root/lib64" ] || { [ -d /lib64 ] && mkdir -p "$root/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"; }
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
printf '127.0.0.1 localhost\n' > "$root/etc/hosts"
echo "tcp 6 TCP" > "$root/etc/protocols"; echo "udp 17 UDP" >> "$root/etc/protocols"
echo "icmp 1 ICMP" >> "$root/etc/protocols"

# Guest-kernel modules (with their dependencies) and modules.dep
mdir=/lib/modules/$KVER
mkdir -p "$root$mdir"
for m in virtio_pci virtio_net veth sch_netem pktgen e1000; do
	for ko in $(modprobe -d "${modroot:-/}" -S "$KVER" --show-depends "$m" |
		    awk '$1 == "insmod" { print $2 }'); do
		rel=${ko#"$modroot"}
		mkdir -p "$root$(dirname "$rel")"
		cp "$ko" "$root$rel"
	done
done
cp "$modroot$mdir"/modules.order "$modroot$mdir"/modules.builtin \
	"$modroot$mdir"/modules.builtin.modinfo "$root$mdir/"
depmod -b "$root" "$KVER"

# wren itself
if [ -n "${WREN_KO_DIR:-}" ]; then
	cp "$WREN_KO_DIR"/wren.ko "$WREN_KO_DIR"/wren_e1000.ko "$root/lib/wren/"
else
	cp kmod/wren.ko driver/wren_e1000.ko "$root/lib/wren/"
fi
[ -d "$tools/bin" ] && cp "$tools"/bin/* "$root/usr/bin/"
[ -d "$tools/tests" ] && cp "$tools"/tests/* "$root/tests/"
cp scripts/guest/init "$root/init"
cp scripts/guest/qmon "$root/usr/bin/qmon"
cp scripts/guest/*.sh "$root/usr/lib/wren/" 2>/dev/null || true
chmod +x "$root/init" "$root/usr/bin/qmon"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
echo "mkimage: $out/initramfs.cpio.gz ($(du -h "$out/initramfs.cpio.gz" | cut -f1))"
