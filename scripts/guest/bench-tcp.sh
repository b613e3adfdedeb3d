#!/bin/sh
# TCP benchmark, run inside one guest by scripts/bench.sh (make bench):
# Linux's TCP stack (A) against wren's (B) on the same wren_e1000 NIC
# (eth0), alternating run by run.  The other end is always Linux in netns
# "peer" (peer0).  For A, eth0 has Linux's address; for B, Linux's address
# is flushed and eth0 is attached to wren (wrenctl link attach), detached
# again after the run.  The guest runs the same program (wt-xfer) for both,
# only the family differs (--family wren for B).  Per run and stack:
#   bulk_out   TCP bulk guest -> peer (64 KiB writes), MB/s
#   bulk_in    TCP bulk peer -> guest (the guest receives), MB/s
#   rr         1-byte request/response on one connection, transactions/s
#   crr        connect, 1-byte request/response, close; connections/s
# printed as "bench: run=R stack=S metric=M value=V" lines on stdout.
# Loads wren_e1000 and wren.ko if the boot did not.  Options on the kernel
# command line: wt.bench_runs=N (default 5), wt.bench_mib=N (default 128,
# the bulk size), wt.bench_secs=N (default 5, each rr/crr run),
# wt.bench_metrics=a,b (default all four), wt.bench_place (bench-place.sh).
. /usr/lib/wren/bench-place.sh
runs=5 mib=128 secs=5 metrics="bulk_out bulk_in rr crr"
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	wt.bench_metrics=*) metrics=$(echo "${arg#*=}" | tr , ' ') ;;
	wt.bench_runs=*) runs=${arg#wt.bench_runs=} ;;
	wt.bench_mib=*) mib=${arg#wt.bench_mib=} ;;
	wt.bench_secs=*) secs=${arg#wt.bench_secs=} ;;
	esac
done
gip=192.0.2.1 pip=192.0.2.2 mac=52:54:00:12:00:01 port=5811
R=/tmp/bench-tcp-ready O=/tmp/bench-tcp-out

log() { echo "# bench: $*"; }

setup() {
	[ -d /sys/module/wren_e1000 ] || insmod /lib/wren/wren_e1000.ko ||
		return 1
	[ -d /sys/module/wren ] || insmod /lib/wren/wren.ko || return 1
	i=0
	until grep -qix "$mac" /sys/class/net/*/address 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done
	/usr/lib/wren/nicnames.sh
	driver=$(ethtool -i eth0 | sed -n 's/^driver: //p')
	[ "$driver" = wren_e1000 ] ||
		{ log "eth0 is driven by '$driver', not wren_e1000"; return 1; }
	ip addr flush dev eth0
	ip link set eth0 up
	ip -n peer addr flush dev peer0
	ip -n peer addr add $pip/24 dev peer0
	ip -n peer link set peer0 up
}

# Give eth0's address to stack $1 (linux or wren) and wait for the peer.
up() {
	ip addr flush dev eth0
	if [ "$1" = linux ]; then
		ip addr add $gip/24 dev eth0
		i=0
		until ping -c 1 -W 1 $pip > /dev/null 2>&1; do
			i=$((i + 1)); [ $i -lt 30 ] || return 1
		done
		fam=inet
	else
		wrenctl link attach eth0 &&
			wrenctl addr add $gip/24 dev eth0 || return 1
		fam=wren
	fi
}

down() {
	if [ "$1" = linux ]; then
		ip addr flush dev eth0
	else
		wrenctl link detach eth0
	fi
}

# Start "$@" in the background, its stdout in $O, and wait until it
# created $R.
start_ready() {
	rm -f $R $O
	"$@" > $O &
	spid=$!
	i=0
	until [ -e $R ]; do
		i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
	done
}

# TCP bulk: $1 = out (guest sends) or in (peer sends); prints MB/s.
bulk() {
	if [ "$1" = out ]; then
		start_ready ip netns exec peer $P wt-xfer recv --once --no-hash \
			--timeout 300 --ready $R $port
		out=$($G wt-xfer send --family $fam --no-hash --timeout 300 \
			$pip $port ${mib}M)
		wait $spid
	else
		start_ready $G wt-xfer recv --family $fam --once --no-hash \
			--timeout 300 --ready $R $((port + 1))
		ip netns exec peer $P wt-xfer send --no-hash --timeout 300 \
			$gip $((port + 1)) ${mib}M > /dev/null
		wait $spid
		out=$(cat $O)
	fi
	echo "$out" | sed -n 's/.*MBps=\([0-9.]*\).*/\1/p'
}

# $1 = rr or crr against the peer's server; prints transactions/s.
# Each run and stack gets server ports of its own: the peer closes first
# in crr, so it keeps a TIME_WAIT entry per connection, and a SYN landing
# on one left by the other stack's run (other timestamps, other ISNs) can
# be refused by PAWS and retransmitted a second later.
trans() {
	p=$((port + 10 + 10 * r))
	[ "$fam" = wren ] && p=$((p + 5))
	[ "$1" = rr ] || p=$((p + 1))
	start_ready ip netns exec peer $P wt-xfer $1-server --ready $R $p
	out=$($G wt-xfer $1 --family $fam --timeout $((secs + 60)) \
		$pip $p $secs)
	kill $spid 2>/dev/null
	wait $spid 2>/dev/null
	echo "$out" | sed -n 's/.*rate=\([0-9.]*\).*/\1/p'
}

# Log eth0's packets and bytes each way since the last call ($1: a label),
# to compare the segments the two stacks put on the wire for the same work.
c0="0 0 0 0"
counters() {
	c1=$(ip -s link show eth0 |
		awk '/RX:|TX:/ { getline; printf "%s %s ", $2, $1 }')
	log "$1: eth0 $(echo "$c0 $c1" | awk '{
		printf "rx %d pkts %d bytes, tx %d pkts %d bytes",
			$5 - $1, $6 - $2, $7 - $3, $8 - $4 }')"
	c0=$c1
}

one() {	# $1 = run (also in $r), $2 = stack: linux (A) or wren (B)
	up "$2" || { log "run $1: $2 did not come up"; down "$2"; return; }
	for m in $metrics; do
		case $m in
		bulk_out) v=$(bulk out) ;;
		bulk_in) v=$(bulk in) ;;
		*) v=$(trans $m) ;;
		esac
		echo "bench: run=$1 stack=$2 metric=$m value=$v"
	done
	counters "run $1 $2"
	down "$2"
}

setup || { log "setup failed"; exit 1; }
place_irqs
counters setup
log "tcp runs=$runs bulk=${mib}MiB rr/crr=${secs}s metrics=$metrics place=$place"
r=1
while [ $r -le "$runs" ]; do
	# Alternate which stack goes first, so drift hits both alike.
	if [ $((r % 2)) = 1 ]; then
		one $r linux; one $r wren
	else
		one $r wren; one $r linux
	fi
	r=$((r + 1))
done
log "tcp done"
