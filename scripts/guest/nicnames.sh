#!/bin/sh
# Name the NICs by the MACs scripts/qemu.sh gave them: 52:54:00:12:00:0N is
# wren's NIC eth<N-1>; 52:54:00:34:00:0N is its peer, moved to netns "peer"
# as peer<N-1> and brought up.  Safe to run again (after a driver reload).
# Two passes, so that a name another NIC holds for now is never in the way.
for d in /sys/class/net/*; do
	dev=${d##*/}
	mac=$(cat "$d/address" 2>/dev/null)
	case "$mac" in
	52:54:00:12:00:0[1-9])
		ip link set dev "$dev" down
		ip link set dev "$dev" name "wtmp${mac##*:}"
		;;
	52:54:00:34:00:0[1-9])
		ip link set dev "$dev" down
		ip link set dev "$dev" netns peer
		want=peer$((${mac##*:} - 1))
		ip -n peer link set dev "$dev" name "$want"
		ip -n peer link set dev "$want" up
		;;
	esac
done
for d in /sys/class/net/wtmp*; do
	[ -e "$d" ] || continue
	dev=${d##*/}
	want=eth$((${dev#wtmp} - 1))
	ip link set dev "$dev" name "$want"
	ip link set dev "$want" up
done
exit 0
