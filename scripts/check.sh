#!/usr/bin/env bash
# Run every boot of tools/tests/boots.list in QEMU, collect TAP, check the
# kernel logs, and end with "N passed, N failed" (see doc/harness.md).
#   scripts/check.sh [BOOT...]    only the named boots
#
# WREN_DEBUG=1 (scripts/check-debug.sh) runs the boots under the debug
# kernel: each boot's debug timeout and slowness factor come from its fifth
# boots.list column (debug-timeout=S, debug-scale=N; default 8 times the
# timeout, scale 8; a debug-only boot runs only there), guests start WREN_STAGGER seconds apart (early boot
# of two debug guests at once can hang), a boot that hung before its first
# test is tried once more, and kmemleak's report on wren's objects fails it.
#
# WREN_CI=1 (.ci/run) with WREN_DEBUG=1 gives a boot the environment
# variable its ci-env=VAR=value says (on the kernel command line, which
# hands it to init and the tests): CI's smaller workload for that boot.
#
# WREN_DEADLINE (seconds since the epoch; .ci/run sets it) ends the run in
# time to report: a boot's timeout is cut to what is left before it, and a
# boot with less than two minutes left is not started and counts as failed,
# so a hung guest costs a failure with its log rather than CI's whole limit.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-$PWD/build}
list=tools/tests/boots.list
debug=${WREN_DEBUG:-0}
stagger=${WREN_STAGGER:-0}
# The kernel's own reports.  Lockdep's are matched by their headers, not by
# "lockdep", which its boot banner also prints.
bad='BUG:|WARNING:|Oops|general protection|Call Trace|Kernel panic'
bad+='|list_add corruption|list_del corruption|blocked for more than|hung_task'
bad+='|KASAN|KFENCE|UBSAN|ODEBUG|refcount_t:|sleeping function called'
bad+='|possible circular locking|inconsistent lock state'
bad+='|possible recursive locking|suspicious RCU usage|bad unlock balance'
bad+='|lock held when returning|held lock freed'
bad+='|nobody cared|detected stall|page allocation failure'

passed=0 failed=0 skipped=0
failures=()
# The first kernel report of the run, with the lines around it, printed
# again just above the summary: CI shows only a run's last lines.
report=

# Objects of kmemleak's end-of-boot report (guest init prints it under
# "=== wren: kmemleak ===") whose allocation backtrace runs through wren.ko
# or wren_e1000.ko; the core kernel's own boot-time objects are not ours.
wren_leaks() {
	tr -d '\r' < "$1" | awk '
		/^=== wren: kmemleak ===/ { on = 1; next }
		/^=== wren: / { on = 0 }
		!on { next }
		/^unreferenced object/ { if (cur) n++; cur = 0; obj = 1; next }
		obj && /\[wren(_e1000)?\]/ { cur = 1 }
		END { if (cur) n++; print n + 0 }'
}

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
		f=$((f + 1)); failures+=("$boot: guest did not power off cleanly (status $rc; last test begun: $(grep -a '^# wren-test: ' "$log" 2>/dev/null | tail -n 1 | tr -d '\r' | cut -c14-))")
	elif ! grep -aq '# wren-done' "$log"; then
		f=$((f + 1)); failures+=("$boot: guest did not finish its tests")
	fi
	if grep -aEq "$bad" "$con"; then
		f=$((f + 1)); failures+=("$boot: kernel log has: $(grep -aE "$bad" "$con" | head -n 1 | tr -d '\r')")
		[ -n "$report" ] || report=$(printf '== first kernel report, boot %s:\n' "$boot"
			tr -d '\r' < "$con" | grep -aE -m 1 -B 6 -A 14 "$bad")
	fi
	local leaks
	leaks=$(wren_leaks "$con")
	if [ "$leaks" -gt 0 ]; then
		f=$((f + 1)); failures+=("$boot: kmemleak: $leaks unreferenced objects allocated by wren")
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
run_boot() {	# name nics tests timeout scale [VAR=value for the tests]
	local rc=1 try t0=$SECONDS to left
	for try in 1 2; do
		to=${4:-600}
		if [ -n "${WREN_DEADLINE:-}" ]; then
			left=$((WREN_DEADLINE - $(date +%s)))
			[ $left -ge 120 ] || break
			[ "$to" -le $left ] || to=$left
		fi
		rc=0
		scripts/qemu.sh --name "$1" --nics "$2" --tests "$3" \
			--timeout "$to" --append "wren.scale=${5:-1}${6:+ $6}" \
			--quiet > /dev/null 2> "$BUILD/logs/$1.stderr" || rc=$?
		# Only the debug lane retries, and only a guest that hung in
		# early boot, before its first test began.
		[ "$debug" = 1 ] && [ $rc != 0 ] && [ $try = 1 ] &&
			! grep -aq '# wren-test: ' "$BUILD/logs/$1/tests.log" ||
			break
		echo "== boot $1 hung before its first test: once more" >&2
	done
	echo $rc > "$BUILD/logs/$1.rc"
	echo $((SECONDS - t0)) > "$BUILD/logs/$1.time"
}
# The value of key=value @2 in the word list @1, or @3.
opt() { local w; for w in $1; do [ "${w%%=*}" = "$2" ] && { echo "${w#*=}"; return; }; done; echo "$3"; }
mkdir -p "$BUILD/logs"
while IFS='|' read -r name nics tests timeout extra; do
	name=$(trim "$name")
	case "$name" in ""|"#"*) continue ;; esac
	nics=$(trim "$nics"); tests=$(trim "$tests"); timeout=$(trim "$timeout")
	timeout=${timeout:-600} scale=1 env=
	case " ${extra:-} " in *" debug-only "*) [ "$debug" = 1 ] || continue ;; esac
	if [ "$debug" = 1 ]; then
		scale=$(opt "${extra:-}" debug-scale 8)
		timeout=$(opt "${extra:-}" debug-timeout $((timeout * scale)))
		# CI's share only: a smaller workload where it says so.
		[ "${WREN_CI:-0}" = 1 ] && env=$(opt "${extra:-}" ci-env "")
	fi
	[ $# -gt 0 ] && [ "${want/ $name /}" = "$want" ] && continue
	names+=("$name")
	queue+=("$timeout|$name|$nics|$tests|$scale|$env")
done < "$list"
while IFS='|' read -r timeout name nics tests scale env; do
	[ -n "$name" ] || continue
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	rm -f "$BUILD/logs/$name.rc" "$BUILD/logs/$name.time"
	if [ -n "${WREN_DEADLINE:-}" ]; then
		left=$((WREN_DEADLINE - $(date +%s)))
		if [ $left -lt 120 ]; then
			echo "== boot $name not started: ${left} s left before WREN_DEADLINE"
			continue
		fi
		[ "$timeout" -le $left ] || timeout=$left
	fi
	echo "== boot $name started: nics $nics; tests: $tests (timeout ${timeout} s)"
	run_boot "$name" "$nics" "$tests" "$timeout" "$scale" "$env" < /dev/null &
	[ "$stagger" -gt 0 ] && sleep "$stagger"
done < <(printf '%s\n' "${queue[@]}" | sort -t'|' -k1,1nr -s)
wait

times=
for name in "${names[@]}"; do
	if [ ! -e "$BUILD/logs/$name.rc" ]; then
		failed=$((failed + 1)); failures+=("$name: not started (WREN_DEADLINE)")
		continue
	fi
	times+=" $name $(cat "$BUILD/logs/$name.time" 2>/dev/null || echo '?') s,"
	echo
	echo "== boot $name"
	tr -d '\r' < "$BUILD/logs/$name/tests.log" | grep -av '^# init:' || true
	cat "$BUILD/logs/$name.stderr" 2>/dev/null
	count_boot "$name" "$(cat "$BUILD/logs/$name.rc" 2>/dev/null || echo 1)"
done

echo
[ -z "$report" ] || printf '%s\n\n' "$report"
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "boot times:${times%,}"
echo "check took $((SECONDS - start)) s; logs in $BUILD/logs/"
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ] && [ $passed -gt 0 ]
