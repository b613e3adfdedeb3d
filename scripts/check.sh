#!/usr/bin/env bash
# Run every boot of tools/tests/boots.list in QEMU, collect TAP, check the
# kernel logs, and end with "N passed, N failed" (see doc/harness.md).
#   scripts/check.sh [BOOT...]    only the named boots
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-$PWD/build}
list=tools/tests/boots.list
bad='BUG:|WARNING:|Oops|general protection|Call Trace|Kernel panic|list_add corruption|list_del corruption|blocked for more than|hung_task|KASAN|UBSAN|possible circular locking|lockdep'

passed=0 failed=0 skipped=0
failures=()

count_boot() {	# $1 = boot name, $2 = qemu.sh exit status
	local boot=$1 rc=$2 log=$BUILD/logs/$1/tests.log con=$BUILD/logs/$1/console.log
	local t= p=0 f=0 s=0 line prog_fail=0 seen_any=0
	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		"# wren-test: "*)
			t=${line#\# wren-test: }; prog_fail=0; seen_any=0 ;;
		"# wren-exit: "*)
			local code=${line##* }
			if [ "$code" != 0 ] && [ $prog_fail = 0 ]; then
				f=$((f + 1)); failures+=("$boot: $t exited $code")
			elif [ $seen_any = 0 ] && [ "$code" = 0 ]; then
				f=$((f + 1)); failures+=("$boot: $t ran no test")
			fi ;;
		"ok "*"# SKIP"*)
			s=$((s + 1)); seen_any=1 ;;
		"ok "*)
			p=$((p + 1)); seen_any=1 ;;
		"not ok "*)
			f=$((f + 1)); prog_fail=1; seen_any=1
			failures+=("$boot: $t: ${line}") ;;
		esac
	done < <(grep -aE '^(# wren-(test|exit): |ok |not ok )' "$log" 2>/dev/null)
	if [ "$rc" != 0 ]; then
		f=$((f + 1)); failures+=("$boot: guest did not power off cleanly (status $rc)")
	elif ! grep -aq '# wren-done' "$log"; then
		f=$((f + 1)); failures+=("$boot: guest did not finish its tests")
	fi
	if grep -aEq "$bad" "$con"; then
		f=$((f + 1)); failures+=("$boot: kernel log has: $(grep -aE "$bad" "$con" | head -n 1 | tr -d '\r')")
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	echo "== boot $boot: $p passed, $f failed, $s skipped (logs: $BUILD/logs/$boot/)"
}

# Boots run WREN_CHECK_JOBS at a time (default 2: one per core), the
# longest (by timeout) first so the slow TCP boots overlap the rest; results
# are printed and counted in boots.list order.
jobs=${WREN_CHECK_JOBS:-2}
want=" $* "
start=$SECONDS
names=()
queue=()
trim() { local v=$1; v=${v#"${v%%[![:space:]]*}"}; echo "${v%"${v##*[![:space:]]}"}"; }
run_boot() {	# name nics tests timeout
	local rc=0
	scripts/qemu.sh --name "$1" --nics "$2" --tests "$3" \
		--timeout "${4:-600}" --quiet > /dev/null 2> "$BUILD/logs/$1.stderr" || rc=$?
	echo $rc > "$BUILD/logs/$1.rc"
}
mkdir -p "$BUILD/logs"
while IFS='|' read -r name nics tests timeout; do
	name=$(trim "$name")
	case "$name" in ""|"#"*) continue ;; esac
	nics=$(trim "$nics"); tests=$(trim "$tests"); timeout=$(trim "$timeout")
	[ $# -gt 0 ] && [ "${want/ $name /}" = "$want" ] && continue
	names+=("$name")
	queue+=("${timeout:-600}|$name|$nics|$tests")
done < "$list"
while IFS='|' read -r timeout name nics tests; do
	[ -n "$name" ] || continue
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	echo "== boot $name started: nics $nics; tests: $tests"
	rm -f "$BUILD/logs/$name.rc"
	run_boot "$name" "$nics" "$tests" "$timeout" < /dev/null &
done < <(printf '%s\n' "${queue[@]}" | sort -t'|' -k1,1nr -s)
wait

for name in "${names[@]}"; do
	echo
	echo "== boot $name"
	tr -d '\r' < "$BUILD/logs/$name/tests.log" | grep -av '^# init:' || true
	cat "$BUILD/logs/$name.stderr" 2>/dev/null
	count_boot "$name" "$(cat "$BUILD/logs/$name.rc" 2>/dev/null || echo 1)"
done

echo
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "check took $((SECONDS - start)) s; logs in $BUILD/logs/"
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ] && [ $passed -gt 0 ]
