#!/usr/bin/env bash
# Boot the wren test guest under QEMU (TCG).  See doc/harness.md.
#
#   scripts/qemu.sh [--name BOOT] [--nics MODEL[,MODEL...]] [--tests "T1 T2"]
#                   [--driver wren|e1000|none] [--timeout SECONDS] [--mem MiB]
#                   [--smp N] [--interactive] [--quiet] [--append "ARGS"]
#                   [--tap]
#
# MODEL is one of e1000 (82540EM), e1000-82544gc, e1000-82545em.  NIC i gets
# MAC 52:54:00:12:00:0<i+1> and device id nic<i>; a virtio-net peer NIC with
# MAC 52:54:00:34:00:0<i+1> shares QEMU hub i with it.  Logs go to
# build/logs/BOOT/{console,tests}.log.  --tap also joins hub 0 to a tap device
# wtap0 (203.0.113.254/24) inside a private host network namespace
# wren-host-<pid>, so the host's own stack can be a peer there
# (ip netns exec wren-host-<pid> ...); the namespace is deleted afterwards.
# Exit status: 0 when the guest powered off by itself in time, 124 on
# timeout, else QEMU's.
#
# The kernel and image are parameters (the debug lane, scripts/check-debug.sh,
# sets them): WREN_KERNEL (default /boot/vmlinuz-$KVER), WREN_INITRD (default
# $BUILD/image/initramfs.cpio.gz), WREN_MACHINE (QEMU machine, default pc;
# the debug kernel needs q35, see doc/reliability.md), WREN_MEM (MiB, default
# 1024) and WREN_APPEND (more kernel command line).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-$PWD/build}
if [ -z "${WREN_KERNEL:-}" ]; then
	KVER=${KVER:-$(scripts/guest-kver.sh)}
	WREN_KERNEL=/boot/vmlinuz-$KVER
fi
initrd=${WREN_INITRD:-$BUILD/image/initramfs.cpio.gz}
machine=${WREN_MACHINE:-pc}

name=run nics=e1000 tests= driver=wren timeout=600 mem=${WREN_MEM:-1024} smp=2
interactive=0 quiet=0 append= tap=0
while [ $# -gt 0 ]; do
	case "$1" in
	--name) name=$2; shift ;;
	--nics) nics=$2; shift ;;
	--tests) tests=$2; shift ;;
	--driver) driver=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--mem) mem=$2; shift ;;
	--smp) smp=$2; shift ;;
	--append) append=$2; shift ;;
	--interactive) interactive=1 ;;
	--quiet) quiet=1 ;;
	--tap) tap=1 ;;
	*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

logs=$BUILD/logs/$name
rm -rf "$logs"
mkdir -p "$logs"
# UNIX socket paths must be short: keep them in /tmp.
sockdir=$(mktemp -d /tmp/wren-qemu.XXXXXX)
relay_pid= hostns=
cleanup() {
	[ -z "$relay_pid" ] || kill "$relay_pid" 2>/dev/null || true
	[ -z "$hostns" ] || ip netns del "$hostns" 2>/dev/null || true
	rm -rf "$sockdir"
}
trap cleanup EXIT

netargs=() macs=() i=0
IFS=, read -r -a models <<< "$nics"
for model in "${models[@]}"; do
	case "$model" in
	e1000|e1000-82544gc|e1000-82545em) ;;
	*) echo "qemu.sh: unknown NIC model $model" >&2; exit 2 ;;
	esac
	[ $i -lt 9 ] || { echo "qemu.sh: at most 9 NICs" >&2; exit 2; }
	mac=52:54:00:12:00:0$((i + 1))
	pmac=52:54:00:34:00:0$((i + 1))
	macs+=("$mac")
	netargs+=(-netdev "hubport,id=hn$i,hubid=$i"
		  -device "$model,netdev=hn$i,mac=$mac,id=nic$i"
		  -netdev "hubport,id=hp$i,hubid=$i"
		  -device "virtio-net-pci,netdev=hp$i,mac=$pmac,id=peer$i")
	i=$((i + 1))
done

launch=()
if [ "$tap" = 1 ]; then
	hostns=wren-host-$$
	ip netns add "$hostns"
	ip -n "$hostns" link set lo up
	ip -n "$hostns" tuntap add dev wtap0 mode tap
	ip -n "$hostns" addr add 203.0.113.254/24 dev wtap0
	ip -n "$hostns" link set wtap0 up
	netargs+=(-netdev "tap,id=ht0,ifname=wtap0,script=no,downscript=no"
		  -netdev "hubport,id=hh0,hubid=0,netdev=ht0")
	launch=(ip netns exec "$hostns")
	echo "qemu.sh: host peer namespace $hostns (wtap0 203.0.113.254/24)" >&2
fi

cmdline="console=ttyS0 loglevel=5 panic=-1 oops=panic"
cmdline+=" wren.driver=$driver wren.models=$nics"
cmdline+=" wren.macs=$(IFS=,; echo "${macs[*]}")"
[ -n "$tests" ] && cmdline+=" wren.tests=$(echo $tests | tr ' ' ',')"
[ "$interactive" = 1 ] && cmdline+=" wren.interactive=1"
[ -n "${WREN_APPEND:-}" ] && cmdline+=" $WREN_APPEND"
[ -n "$append" ] && cmdline+=" $append"

qemu=(qemu-system-x86_64 -machine "$machine" -accel tcg -cpu max
      -smp "$smp" -m "$mem" -kernel "$WREN_KERNEL" -initrd "$initrd"
      -append "$cmdline" -no-reboot -nodefaults -display none
      -qmp "unix:$sockdir/qmp.sock,server=on,wait=off"
      -chardev "socket,id=ctl,path=$sockdir/ctl.sock,server=on,wait=off"
      "${netargs[@]}")

if [ "$interactive" = 1 ]; then
	qemu+=(-serial mon:stdio -serial "file:$logs/tests.log" -serial chardev:ctl)
else
	qemu+=(-serial "file:$logs/console.log" -serial "file:$logs/tests.log"
	       -serial chardev:ctl)
fi

printf '%q ' "${qemu[@]}" > "$logs/qemu.cmd"
"${launch[@]}" "${qemu[@]}" < /dev/null 2> "$logs/qemu.err" &
qpid=$!
python3 scripts/qmon-relay.py "$sockdir/ctl.sock" "$sockdir/qmp.sock" \
	> "$logs/relay.log" 2>&1 &
relay_pid=$!

if [ "$interactive" = 1 ]; then
	wait $qpid
	exit $?
fi

# Wait for the guest to power off; show test output as it comes.
tailpid=
if [ "$quiet" = 0 ]; then
	tail -n +1 -s 0.2 -F "$logs/tests.log" 2>/dev/null &
	tailpid=$!
fi
rc=0
deadline=$((SECONDS + timeout))
while kill -0 $qpid 2>/dev/null; do
	if [ $SECONDS -ge $deadline ]; then
		echo "qemu.sh: $name: guest did not power off within ${timeout}s" >&2
		kill $qpid 2>/dev/null; sleep 1; kill -9 $qpid 2>/dev/null
		rc=124
		break
	fi
	sleep 1
done
[ $rc -eq 0 ] && { wait $qpid || rc=$?; }
sleep 0.8
[ -z "$tailpid" ] || kill "$tailpid" 2>/dev/null || true
grep -v 'is not connected to host network' "$logs/qemu.err" >&2 || true
exit $rc
