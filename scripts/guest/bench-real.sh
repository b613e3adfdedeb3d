#!/bin/sh
# Real-program benchmark, run inside one guest by scripts/bench.sh (make
# bench): the same Debian binaries on Linux's stack (A) and on wren's under
# wren-run (B), on the same wren_e1000 NIC (eth0), alternating run by run.
# The other end is Linux in netns "peer" (peer0), or, for the lo rows, the
# same stack in the guest over 127.0.0.1.  Per run and stack:
#   iperf_out  iperf3 -c from the guest to iperf3 -s on the peer, Mbit/s
#   iperf_in   the same with -R (the peer sends), Mbit/s
#   ab_k       ab -k -c 20 from the peer against nginx in the guest
#              (Debian's default site, its index page), requests/s
#   ab_conn    the same without keep-alive: a connection a request, conn/s
#   lo_bulk    wt-xfer TCP bulk over 127.0.0.1 in the guest, MB/s
#   lo_rr      wt-xfer 1-byte request/response over 127.0.0.1, trans/s
# printed as "bench-real: run=R stack=S metric=M value=V" lines on stdout.
# For B every guest-side program runs under wren-run; wt-xfer is the same
# static binary for both (its AF_INET sockets become wren's under B).  The
# guest's and the peer's programs are placed as bench-place.sh says; the
# lo rows (both ends in the guest) are left to the scheduler.
# Options on the kernel command line: wt.bench_runs=N (default 5),
# wt.bench_mib=N (lo_bulk size, default 128), wt.bench_secs=N (iperf3 and
# lo_rr seconds, default 5), wt.bench_requests=N (ab, default 2000).
. /usr/lib/wren/bench-place.sh
runs=5 mib=128 secs=5 requests=2000
metrics="iperf_out iperf_in ab_k ab_conn lo_bulk lo_rr"
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	wt.bench_runs=*) runs=${arg#wt.bench_runs=} ;;
	wt.bench_mib=*) mib=${arg#wt.bench_mib=} ;;
	wt.bench_secs=*) secs=${arg#wt.bench_secs=} ;;
	wt.bench_requests=*) requests=${arg#wt.bench_requests=} ;;
	esac
done
gip=192.0.2.1 pip=192.0.2.2 mac=52:54:00:12:00:01 port=5911
R=/tmp/bench-real-ready O=/tmp/bench-real-out

log() { echo "# bench-real: $*"; }

setup() {
	[ -d /sys/module/wren_e1000 ] || insmod /lib/wren/wren_e1000.ko ||
		return 1
	[ -d /sys/module/wren ] || insmod /lib/wren/wren.ko || return 1
	i=0
	until grep -qix "$mac" /sys/class/net/*/address 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done
	/usr/lib/wren/nicnames.sh
	ip addr flush dev eth0
	ip link set eth0 up
	ip -n peer addr flush dev peer0
	ip -n peer addr add $pip/24 dev peer0
	ip -n peer link set peer0 up
}

# eth0's address to stack $1; $W is then how guest programs are run.
up() {
	ip addr flush dev eth0
	if [ "$1" = linux ]; then
		ip addr add $gip/24 dev eth0
		W=
	else
		wrenctl link attach eth0 &&
			wrenctl addr add $gip/24 dev eth0 || return 1
		W=wren-run
	fi
	i=0
	until ip netns exec peer ping -c 1 -W 1 $gip > /dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 30 ] || return 1
	done
}

down() {
	if [ "$1" = linux ]; then
		ip addr flush dev eth0
	else
		wrenctl link detach eth0
	fi
}

# Wait until something listens on TCP port $1 of the guest's stack $2.
listening() {
	i=0
	while :; do
		if [ "$2" = linux ]; then
			ss -Hltn "sport = :$1" | grep -q . && return 0
		else
			wrenstat -ltn | grep -q ":$1 " && return 0
		fi
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done
}

# iperf3 Mbit/s, guest client: $1 = "" (guest sends) or -R (peer sends).
iperf() {
	p=$((port + r))
	ip netns exec peer $P iperf3 -s -1 -p $p > /dev/null 2>&1 &
	spid=$!
	i=0
	until ip netns exec peer ss -Hltn "sport = :$p" | grep -q .; do
		i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
	done
	$G $W iperf3 -c $pip -p $p -t "$secs" -J $1 2>/dev/null |
		awk '/"sum_received"/ { on = 1 }
		     on && /"bits_per_second"/ {
			gsub(/[^0-9.e+]/, "", $2); printf "%.1f\n", $2 / 1e6; exit }'
	wait $spid 2>/dev/null
}

# ab against nginx in the guest: $1 = "-k" or ""; requests/s.
ab_rate() {
	ip netns exec peer $P ab -q -n "$requests" -c 20 $1 "http://$gip/" 2>&1 |
		awk '/^Requests per second:/ { print $4 }'
}

# TCP bulk over 127.0.0.1, MB/s.
lo_bulk() {
	p=$((port + 20 + r))
	rm -f $R
	$W wt-xfer recv --once --no-hash --timeout 300 --bind 127.0.0.1 \
		--ready $R $p > $O &
	spid=$!
	i=0
	until [ -e $R ]; do
		i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
	done
	$W wt-xfer send --no-hash --timeout 300 127.0.0.1 $p ${mib}M \
		> /dev/null
	wait $spid
	sed -n 's/.*MBps=\([0-9.]*\).*/\1/p' $O
}

lo_rr() {
	p=$((port + 40 + r))
	[ "$stack" = wren ] && p=$((p + 20))
	rm -f $R
	$W wt-xfer rr-server --ready $R $p > /dev/null &
	spid=$!
	i=0
	until [ -e $R ]; do
		i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
	done
	$W wt-xfer rr --timeout $((secs + 60)) 127.0.0.1 $p "$secs" |
		sed -n 's/.*rate=\([0-9.]*\).*/\1/p'
	kill $spid 2>/dev/null
	wait $spid 2>/dev/null
}

one() {	# $1 = run (also in $r), $2 = stack: linux (A) or wren (B)
	stack=$2
	up "$2" || { log "run $1: $2 did not come up"; down "$2"; return; }
	$G $W nginx -g 'daemon off;' > /dev/null 2>&1 &
	npid=$!
	listening 80 "$2" || log "run $1: nginx on $2 is not listening"
	for m in $metrics; do
		case $m in
		iperf_out) v=$(iperf "") ;;
		iperf_in) v=$(iperf -R) ;;
		ab_k) v=$(ab_rate -k) ;;
		ab_conn) v=$(ab_rate "") ;;
		lo_bulk) v=$(lo_bulk) ;;
		lo_rr) v=$(lo_rr) ;;
		esac
		echo "bench-real: run=$1 stack=$2 metric=$m value=$v"
	done
	nginx -s stop 2>/dev/null
	kill $npid 2>/dev/null
	wait $npid 2>/dev/null
	down "$2"
}

setup || { log "setup failed"; exit 1; }
place_irqs
log "real runs=$runs lo_bulk=${mib}MiB secs=$secs ab=$requests place=$place"
r=1
while [ $r -le "$runs" ]; do
	if [ $((r % 2)) = 1 ]; then
		one $r linux; one $r wren
	else
		one $r wren; one $r linux
	fi
	r=$((r + 1))
done
log "real done"
