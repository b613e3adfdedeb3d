#!/usr/bin/env bash
# make bench: wren_e1000 against Linux's in-tree e1000 driver, in ONE guest
# boot (scripts/guest/bench-drv.sh runs inside it), alternating the drivers
# run by run.  Prints a table of medians with the ratio B/A per row and
# saves it to build/bench/driver.txt (raw lines: build/bench/driver.raw).
#
#   scripts/bench.sh [--runs N] [--mib N]
#
# Rows: TCP bulk guest->peer and peer->guest (wt-xfer, 64 KiB writes, Linux
# stack at both ends, MB/s) and pktgen TX packets/s with 60- and 1514-byte
# frames.  A = e1000 (in-tree), B = wren_e1000.  Under TCG, absolute numbers
# drift from boot to boot; the ratio within one boot is what to compare.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-$PWD/build}
runs=5 mib=128
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift ;;
	--mib) mib=$2; shift ;;
	*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

out=$BUILD/bench
mkdir -p "$out"
name=bench-driver
log=$BUILD/logs/$name/tests.log

echo "bench: $runs alternating runs of e1000 (A) and wren_e1000 (B), ${mib} MiB bulk" >&2
scripts/qemu.sh --name "$name" --nics e1000 --driver none \
	--append "wren.stack=0 wt.bench_runs=$runs wt.bench_mib=$mib" \
	--tests /usr/lib/wren/bench-drv.sh --timeout 3600 --quiet || {
	echo "bench.sh: the bench guest failed; see $BUILD/logs/$name/" >&2
	exit 1
}
tr -d '\r' < "$log" | grep -a '^bench: ' > "$out/driver.raw" || true
tr -d '\r' < "$log" | grep -a '^# bench: ' >&2 || true
if ! [ -s "$out/driver.raw" ]; then
	echo "bench.sh: no results in $log" >&2
	exit 1
fi

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
