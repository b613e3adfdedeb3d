#!/usr/bin/env bash
# make bench: in ONE guest boot, three benchmarks, each alternating its two
# contenders run by run, each printed as a table of medians with the ratio
# B/A per row:
#  - scripts/guest/bench-drv.sh: wren_e1000 against Linux's in-tree e1000
#    driver -> build/bench/driver.txt (raw lines: build/bench/driver.raw);
#  - scripts/guest/bench-tcp.sh: wren's TCP against Linux's TCP, both on
#    wren_e1000, the peer Linux -> build/bench/tcp.txt (raw: tcp.raw);
#  - scripts/guest/bench-real.sh: Debian's iperf3, nginx/ab and wt-xfer
#    over 127.0.0.1 on Linux against the same under wren-run ->
#    build/bench/real.txt (raw: real.raw).
#
#   scripts/bench.sh [--runs N] [--mib N] [--secs N] [--only drv|tcp|real]
#                    [--metrics M,M] [--place G,P|none]
#
# --secs: length of each rr/crr (and iperf3) run; --only: run one of them;
# --metrics: only these rows of the TCP table (bulk_out,bulk_in,rr,crr);
# --place: the CPUs of the guest's side and of the peer's (default 0,1:
# two one-CPU hosts; none: the scheduler's choice), see guest/bench-place.sh.
#
# Rows: TCP bulk guest->peer and peer->guest (wt-xfer, 64 KiB writes, Linux
# stack at both ends, MB/s) and pktgen TX packets/s with 60- and 1514-byte
# frames.  A = e1000 (in-tree), B = wren_e1000.  Under TCG, absolute numbers
# drift from boot to boot; the ratio within one boot is what to compare.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-$PWD/build}
runs=5 mib=128 secs=5 only= extra=
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift ;;
	--mib) mib=$2; shift ;;
	--secs) secs=$2; shift ;;
	--only) only=$2; shift ;;
	--metrics) extra="$extra wt.bench_metrics=$2"; shift ;;
	--place) extra="$extra wt.bench_place=$2"; shift ;;
	*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

out=$BUILD/bench
mkdir -p "$out"
name=bench-driver
log=$BUILD/logs/$name/tests.log

case "$only" in
'') tests="/usr/lib/wren/bench-drv.sh /usr/lib/wren/bench-tcp.sh /usr/lib/wren/bench-real.sh" ;;
drv) tests=/usr/lib/wren/bench-drv.sh ;;
tcp) tests=/usr/lib/wren/bench-tcp.sh ;;
real) tests=/usr/lib/wren/bench-real.sh ;;
*) echo "bench.sh: --only drv|tcp|real" >&2; exit 2 ;;
esac

echo "bench: $runs alternating runs: e1000 (A) vs wren_e1000 (B); Linux TCP (A) vs wren TCP (B); programs on Linux (A) vs under wren-run (B); ${mib} MiB bulk, ${secs} s rr/crr/iperf3" >&2
# Neither driver nor wren.ko at boot: bench-drv.sh loads the drivers in
# turn, bench-tcp.sh then loads wren_e1000 and wren.ko.
scripts/qemu.sh --name "$name" --nics e1000 --driver none \
	--append "wren.stack=0 wt.bench_runs=$runs wt.bench_mib=$mib wt.bench_secs=$secs$extra" \
	--tests "$tests" --timeout 3600 --quiet || {
	echo "bench.sh: the bench guest failed; see $BUILD/logs/$name/" >&2
	exit 1
}
tr -d '\r' < "$log" | grep -a '^# bench' >&2 || true
tr -d '\r' < "$log" | grep -a '^bench: .* driver=' > "$out/driver.raw" || true
tr -d '\r' < "$log" | grep -a '^bench: .* stack=' > "$out/tcp.raw" || true
tr -d '\r' < "$log" | grep -a '^bench-real: ' > "$out/real.raw" || true
# One table of medians from raw lines "PREFIX: k=v ...": a row per metric,
# A and B told apart by field $2's value ($3 and $4), with the ratio B/A.
#   medians RAW FIELD A B "A label" "B label" TITLE "metric|label ..."
medians() {
	awk -v field="$2" -v an="$3" -v bn="$4" -v al="$5" -v bl="$6" \
	    -v title="$7" -v rows="$8" '
function median(key,   n, i, j, t, a) {
	n = cnt[key]
	for (i = 1; i <= n; i++)
		a[i] = val[key, i]
	for (i = 2; i <= n; i++)	# insertion sort, n is small
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	if (n == 0)
		return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function fmt(v) {
	return v == "" ? "-" : sprintf(v >= 1000 ? "%.0f" : "%.1f", v)
}
{
	delete f
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		f[kv[1]] = kv[2]
	}
	if (f["value"] == "")
		next
	key = f["metric"] SUBSEP f[field]
	val[key, ++cnt[key]] = f["value"] + 0
}
END {
	print title
	printf "%-36s %12s %12s %7s %5s\n", "metric", "A: " al, "B: " bl, "B/A", "n"
	nm = split(rows, row, "\n")
	for (m = 1; m <= nm; m++) {
		k = substr(row[m], 1, index(row[m], "|") - 1)
		a = median(k SUBSEP an)
		b = median(k SUBSEP bn)
		ratio = (a != "" && b != "" && a > 0) ? sprintf("%.2f", b / a) : "-"
		printf "%-36s %12s %12s %7s %2d/%-2d\n",
			substr(row[m], index(row[m], "|") + 1), fmt(a), fmt(b),
			ratio, cnt[k SUBSEP an], cnt[k SUBSEP bn]
	}
}' "$1"
}

# Print and save a table: $1 = name (build/bench/NAME.txt), the rest as
# medians' arguments.
report() {
	local name=$1
	shift
	if ! [ -s "$1" ]; then
		echo "bench.sh: no $name results in $log" >&2
		return 1
	fi
	{
		medians "$@"
		echo "(date: $(date -u '+%Y-%m-%d %H:%M UTC'); raw: $1)"
	} | tee "$out/$name.txt"
	echo "bench: saved $out/$name.txt" >&2
}

rc=0
case "$only" in
''|drv)
	report driver "$out/driver.raw" driver e1000 wren_e1000 e1000 wren \
		"wren_e1000 (B) vs in-tree e1000 (A): medians of $runs alternating runs, one TCG guest, $mib MiB bulk" \
		"tcp_out|TCP bulk guest->peer (MB/s)
tcp_in|TCP bulk peer->guest (MB/s)
pktgen64|pktgen TX 64-byte frames (pkt/s)
pktgen1514|pktgen TX 1518-byte frames (pkt/s)" || rc=1 ;;
esac
case "$only" in
''|tcp)
	report tcp "$out/tcp.raw" stack linux wren Linux wren \
		"wren TCP (B) vs Linux TCP (A), both on wren_e1000, peer Linux: medians of $runs alternating runs, one TCG guest, $mib MiB bulk, $secs s rr/crr" \
		"bulk_out|TCP bulk guest->peer (MB/s)
bulk_in|TCP bulk peer->guest (MB/s)
rr|1-byte request/response (trans/s)
crr|connect+1-byte rr+close (conn/s)" || rc=1 ;;
esac
case "$only" in
''|real)
	report real "$out/real.raw" stack linux wren Linux wren-run \
		"Debian's programs on wren under wren-run (B) vs on Linux (A), both on wren_e1000, peer Linux: medians of $runs alternating runs, one TCG guest" \
		"iperf_out|iperf3 guest->peer (Mbit/s)
iperf_in|iperf3 -R peer->guest (Mbit/s)
ab_k|ab -k -c 20 vs nginx (req/s)
ab_conn|ab -c 20 no keep-alive (conn/s)
lo_bulk|127.0.0.1 TCP bulk (MB/s)
lo_rr|127.0.0.1 1-byte rr (trans/s)" || rc=1 ;;
esac
exit $rc
