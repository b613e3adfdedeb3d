#!/bin/sh
# Driver benchmark, run inside one guest by scripts/bench.sh (make bench):
# the in-tree e1000 driver (A) against wren_e1000 (B) on NIC 0, alternating,
# with Linux's own stack on both sides.  Per run and driver it measures
#   tcp_out    TCP bulk guest eth0 -> peer0 (wt-xfer, 64 KiB writes), MB/s
#   tcp_in     TCP bulk peer0 -> guest eth0, MB/s
#   pktgen64   pktgen TX of 60-byte frames (64 on the wire), packets/s
#   pktgen1514 pktgen TX of 1514-byte frames, packets/s
# and prints "bench: run=R driver=D metric=M value=V" lines on stdout.
# The boot must load neither driver (wren.driver=none).  Options on the
# kernel command line: wt.bench_runs=N (default 5), wt.bench_mib=N (default
# 128, the bulk size), wt.bench_place (bench-place.sh).
. /usr/lib/wren/bench-place.sh
runs=5 mib=128
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	wt.bench_runs=*) runs=${arg#wt.bench_runs=} ;;
	wt.bench_mib=*) mib=${arg#wt.bench_mib=} ;;
	esac
done
gip=192.0.2.1 pip=192.0.2.2 mac=52:54:00:12:00:01 port=5801
PG=/proc/net/pktgen
# pktgen's thread on the guest side's CPU
PGT=kpktgend_0
[ "$place" = none ] || PGT=kpktgend_${place%,*}

log() { echo "# bench: $*"; }

# Load driver $1, name its NIC eth0 and wait until the peer answers.
load() {
	case "$1" in
	e1000) modprobe e1000 ;;
	wren_e1000) insmod /lib/wren/wren_e1000.ko ;;
	esac || return 1
	i=0
	until grep -qix "$mac" /sys/class/net/*/address 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done
	/usr/lib/wren/nicnames.sh
	ip addr flush dev eth0
	ip addr add $gip/24 dev eth0
	ip link set eth0 up
	ip -n peer addr flush dev peer0
	ip -n peer addr add $pip/24 dev peer0
	ip -n peer link set peer0 up
	i=0
	until ping -c 1 -W 1 $pip > /dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 30 ] || return 1
	done
	driver=$(ethtool -i eth0 | sed -n 's/^driver: //p')
	[ "$driver" = "$1" ] || { log "eth0 is driven by '$driver', not $1"; return 1; }
	place_irqs
}

unload() {
	ip link set eth0 down 2>/dev/null
	rmmod "$1"
}

# TCP bulk: $1 = out (guest sends) or in (peer sends); prints MB/s.
tcp() {
	rm -f /tmp/bench-ready
	if [ "$1" = out ]; then
		ip netns exec peer $P wt-xfer recv --once --no-hash \
			--timeout 300 --ready /tmp/bench-ready $port \
			> /tmp/bench-recv &
		snd="$G wt-xfer send --no-hash --timeout 300 $pip $port ${mib}M"
	else
		$G wt-xfer recv --once --no-hash --timeout 300 \
			--ready /tmp/bench-ready $port > /tmp/bench-recv &
		snd="ip netns exec peer $P wt-xfer send --no-hash --timeout 300 $gip $port ${mib}M"
	fi
	rpid=$!
	i=0
	until [ -e /tmp/bench-ready ]; do
		i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
	done
	out=$($snd)
	wait $rpid
	echo "$out" | sed -n 's/.*MBps=\([0-9.]*\).*/\1/p'
}

# pktgen TX from eth0, frames of $1 bytes (without FCS); prints packets/s.
# The destination MAC is nobody's, so the peer drops the frames unread.
pktgen() {
	echo "rem_device_all" > $PG/$PGT
	echo "add_device eth0" > $PG/$PGT
	echo "count 200000" > $PG/eth0
	echo "clone_skb 0" > $PG/eth0
	echo "pkt_size $1" > $PG/eth0
	echo "delay 0" > $PG/eth0
	echo "dst $pip" > $PG/eth0
	echo "dst_mac 52:54:00:99:99:99" > $PG/eth0
	echo "start" > $PG/pgctrl
	sed -n 's/.* \([0-9]*\)pps.*/\1/p' $PG/eth0
	echo "rem_device_all" > $PG/$PGT
}

one() {	# $1 = run, $2 = driver: A = e1000, B = wren_e1000
	load "$2" || { log "run $1: $2 did not come up"; unload "$2"; return; }
	echo "bench: run=$1 driver=$2 metric=tcp_out value=$(tcp out)"
	echo "bench: run=$1 driver=$2 metric=tcp_in value=$(tcp in)"
	echo "bench: run=$1 driver=$2 metric=pktgen64 value=$(pktgen 60)"
	echo "bench: run=$1 driver=$2 metric=pktgen1514 value=$(pktgen 1514)"
	unload "$2"
}

modprobe pktgen || log "no pktgen"
log "runs=$runs bulk=${mib}MiB place=$place"
r=1
while [ $r -le "$runs" ]; do
	# Alternate which driver goes first, so drift hits both alike.
	if [ $((r % 2)) = 1 ]; then
		one $r e1000; one $r wren_e1000
	else
		one $r wren_e1000; one $r e1000
	fi
	r=$((r + 1))
done
log "done"
