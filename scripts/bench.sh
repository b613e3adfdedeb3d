#!/usr/bin/env bash
# make bench: in ONE guest boot, two benchmarks, each alternating its two
# contenders run by run, each printed as a table of medians with the ratio
# B/A per row:
#  - scripts/guest/bench-drv.sh: wren_e1000 against Linux's in-tree e1000
#    driver -> build/bench/driver.txt (raw lines: build/bench/driver.raw);
#  - scripts/guest/bench-tcp.sh: wren's TCP against Linux's TCP, both on
#    wren_e1000, the peer Linux -> build/bench/tcp.txt (raw: tcp.raw).
#
#   scripts/bench.sh [--runs N] [--mib N] [--secs N] [--only drv|tcp]
#                    [--metrics M,M] [--place G,P|none]
#
# --secs: length of each rr/crr run; --only: run one of the two;
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
'') tests="/usr/lib/wren/bench-drv.sh /usr/lib/wren/bench-tcp.sh" ;;
drv) tests=/usr/lib/wren/bench-drv.sh ;;
tcp) tests=/usr/lib/wren/bench-tcp.sh ;;
*) echo "bench.sh: --only drv|tcp" >&2; exit 2 ;;
esac

echo "bench: $runs alternating runs: e1000 (A) vs wren_e1000 (B); Linux TCP (A) vs wren TCP (B); ${mib} MiB bulk, ${secs} s rr/crr" >&2
# Neither driver nor wren.ko at boot: bench-drv.sh loads the drivers in
# turn, bench-tcp.sh then loads wren_e1000 and wren.ko.
scripts/qemu.sh --name "$name" --nics e1000 --driver none \
	--append "wren.stack=0 wt.bench_runs=$runs wt.bench_mib=$mib wt.bench_secs=$secs$extra" \
	--tests "$tests" --timeout 3600 --quiet || {
	echo "bench.sh: the bench guest failed; see $BUILD/logs/$name/" >&2
	exit 1
}
tr -d '\r' < "$log" | grep -a '^# bench: ' >&2 || true
tr -d '\r' < "$log" | grep -a '^bench: .* driver=' > "$out/driver.raw" || true
tr -d '\r' < "$log" | grep -a '^bench: .* stack=' > "$out/tcp.raw" || true
rc=0
if [ "$only" != tcp ]; then
if ! [ -s "$out/driver.raw" ]; then
	echo "bench.sh: no driver results in $log" >&2
	rc=1
else

# Median of each (metric, driver); then one row a metric.
table=$(awk -v runs="$runs" -v mib="$mib" '
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
{
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		f[kv[1]] = kv[2]
	}
	if (f["value"] == "")
		next
	key = f["metric"] SUBSEP f["driver"]
	val[key, ++cnt[key]] = f["value"] + 0
}
END {
	nm = split("tcp_out tcp_in pktgen64 pktgen1514", order, " ")
	label["tcp_out"] = "TCP bulk guest->peer (MB/s)"
	label["tcp_in"] = "TCP bulk peer->guest (MB/s)"
	label["pktgen64"] = "pktgen TX 64-byte frames (pkt/s)"
	label["pktgen1514"] = "pktgen TX 1518-byte frames (pkt/s)"
	printf "wren_e1000 (B) vs in-tree e1000 (A): medians of %d alternating runs, one TCG guest, %d MiB bulk\n", runs, mib
	printf "%-36s %12s %12s %7s %5s\n", "metric", "A: e1000", "B: wren", "B/A", "n"
	for (m = 1; m <= nm; m++) {
		k = order[m]
		a = median(k SUBSEP "e1000")
		b = median(k SUBSEP "wren_e1000")
		ratio = (a != "" && b != "" && a > 0) ? sprintf("%.2f", b / a) : "-"
		printf "%-36s %12s %12s %7s %2d/%-2d\n", label[k], \
			a == "" ? "-" : sprintf(a >= 1000 ? "%.0f" : "%.1f", a), \
			b == "" ? "-" : sprintf(b >= 1000 ? "%.0f" : "%.1f", b), ratio, \
			cnt[k SUBSEP "e1000"], cnt[k SUBSEP "wren_e1000"]
	}
}' "$out/driver.raw")
{
	echo "$table"
	echo "(date: $(date -u '+%Y-%m-%d %H:%M UTC'); raw: $out/driver.raw)"
} | tee "$out/driver.txt"
echo "bench: saved $out/driver.txt" >&2
fi
fi
[ "$only" = drv ] && exit $rc
if ! [ -s "$out/tcp.raw" ]; then
	echo "bench.sh: no TCP results in $log" >&2
	exit 1
fi

# The same medians for the TCP rows: A = Linux's stack, B = wren's.
table=$(awk -v runs="$runs" -v mib="$mib" -v secs="$secs" '
function median(key,   n, i, j, t, a) {
	n = cnt[key]
	for (i = 1; i <= n; i++)
		a[i] = val[key, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	if (n == 0)
		return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	delete f
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		f[kv[1]] = kv[2]
	}
	if (f["value"] == "")
		next
	key = f["metric"] SUBSEP f["stack"]
	val[key, ++cnt[key]] = f["value"] + 0
}
END {
	nm = split("bulk_out bulk_in rr crr", order, " ")
	label["bulk_out"] = "TCP bulk guest->peer (MB/s)"
	label["bulk_in"] = "TCP bulk peer->guest (MB/s)"
	label["rr"] = "1-byte request/response (trans/s)"
	label["crr"] = "connect+1-byte rr+close (conn/s)"
	printf "wren TCP (B) vs Linux TCP (A), both on wren_e1000, peer Linux: medians of %d alternating runs, one TCG guest, %d MiB bulk, %d s rr/crr\n", runs, mib, secs
	printf "%-36s %12s %12s %7s %5s\n", "metric", "A: Linux", "B: wren", "B/A", "n"
	for (m = 1; m <= nm; m++) {
		k = order[m]
		a = median(k SUBSEP "linux")
		b = median(k SUBSEP "wren")
		ratio = (a != "" && b != "" && a > 0) ? sprintf("%.2f", b / a) : "-"
		printf "%-36s %12s %12s %7s %2d/%-2d\n", label[k], \
			a == "" ? "-" : sprintf(a >= 1000 ? "%.0f" : "%.1f", a), \
			b == "" ? "-" : sprintf(b >= 1000 ? "%.0f" : "%.1f", b), ratio, \
			cnt[k SUBSEP "linux"], cnt[k SUBSEP "wren"]
	}
}' "$out/tcp.raw")
{
	echo "$table"
	echo "(date: $(date -u '+%Y-%m-%d %H:%M UTC'); raw: $out/tcp.raw)"
} | tee "$out/tcp.txt"
echo "bench: saved $out/tcp.txt" >&2
exit $rc
