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

# Debian's clients and servers, for wren-run's tests (tools/tests/real_*.c),
# with what ldd does not show: config trees, PAM's dlopen'ed modules, the
# users they run as.  Host keys and large files are made at run time.
for b in curl wget ab getent ssh scp ssh-keygen setpriv; do
	copy_with_libs "/usr/bin/$b" "/usr/bin/$b"
done
for b in nginx sshd dnsmasq; do
	copy_with_libs "/usr/sbin/$b" "/usr/sbin/$b"
done
mkdir -p "$root/usr/lib/openssh"
copy_with_libs /usr/lib/openssh/sftp-server /usr/lib/openssh/sftp-server
cp -a /etc/nginx "$root/etc/nginx"
mkdir -p "$root"/var/{log/nginx,lib/nginx,www/html} "$root/etc/ssh"
cp /var/www/html/index.nginx-debian.html "$root/var/www/html/"
cp -a /etc/ssh/sshd_config /etc/ssh/sshd_config.d /etc/ssh/ssh_config \
	/etc/ssh/ssh_config.d /etc/ssh/moduli "$root/etc/ssh/"
mkdir -p "$root/etc/pam.d" "$root/etc/security" "$root/etc/default"
for f in sshd other common-auth common-account common-session \
	 common-password; do
	cp "/etc/pam.d/$f" "$root/etc/pam.d/"
done
cp -a /etc/security/. "$root/etc/security/"
: > "$root/etc/environment"
: > "$root/etc/default/locale"
pamdir=/lib/x86_64-linux-gnu/security
mkdir -p "$root$pamdir"
for m in $(cat "$root"/etc/pam.d/* | grep -o 'pam_[a-z_]*\.so' | sort -u); do
	[ -e "$pamdir/$m" ] && copy_with_libs "$pamdir/$m" "$pamdir/$m"
done
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' \
	> "$root/etc/nsswitch.conf"

cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
sshd:x:104:65534::/run/sshd:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/:/bin/false
PASSWD
printf 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n' > "$root/etc/group"
printf '%s:*:19000:0:99999:7:::\n' root www-data sshd nobody > "$root/etc/shadow"
chmod 640 "$root/etc/shadow"
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
# Debug info stays in the build tree (symbols stay for stack traces): it
# was half the image, and each boot unpacks all of it.
strip --strip-debug "$root"/lib/wren/*.ko "$root"/tests/* \
	"$root"/usr/bin/wren* "$root"/usr/bin/wt-* 2>/dev/null || true
cp scripts/guest/init "$root/init"
cp scripts/guest/qmon "$root/usr/bin/qmon"
cp scripts/guest/*.sh "$root/usr/lib/wren/" 2>/dev/null || true
chmod +x "$root/init" "$root/usr/bin/qmon"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
echo "mkimage: $out/initramfs.cpio.gz ($(du -h "$out/initramfs.cpio.gz" | cut -f1))"
