#!/usr/bin/env bash
# What `make lint` runs over wren's kernel code: checkpatch --strict, sparse
# and W=1 against the guest's 6.1 headers, the declaration check
# (scripts/lint-decls.py), and a W=1 + sparse build against Debian 12's 6.12
# headers (scripts/kver-6.12.sh), so compat.h's newer branches compile too.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-$PWD/build}
KVER=${KVER:-$(scripts/guest-kver.sh)}
scripts/ksrc.sh "$BUILD/ksrc"
rc=0
echo "== checkpatch --strict"
# CAMELCASE is ignored on purpose: the MIB counters keep the SNMP names that
# /proc/net/snmp prints (WREN_INC(wn, Tcp, InSegs)), so one grep finds both.
src=$(ls kmod/*.[ch] driver/*.[ch] uapi/linux/*.h | grep -v '\.mod\.c$')
perl "$BUILD/ksrc/scripts/checkpatch.pl" --no-tree --strict --terse --file \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE,CAMELCASE \
	$src | grep -v '^total: 0 errors, 0 warnings, 0 checks' || true
perl "$BUILD/ksrc/scripts/checkpatch.pl" --no-tree --strict --terse --file \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE,CAMELCASE \
	$src > /dev/null || rc=1
echo "== sparse"
make -s -C "/lib/modules/$KVER/build" M="$PWD" C=2 W=1 modules 2>&1 |
	grep -E 'warning|error' && rc=1
echo "== declarations"
python3 scripts/lint-decls.py kmod driver || rc=1
echo "== 6.12 build (W=1, sparse)"
if K612=$(scripts/kver-6.12.sh); then
	# Kbuild writes objects beside the sources: build a copy.
	out=$BUILD/b612
	rm -rf "$out" && mkdir -p "$out"
	cp -r Kbuild kmod driver uapi "$out"/
	find "$out" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o \
		-name '*.mod.c' -o -name '.*.cmd' -o -name 'modules.order' -o \
		-name 'Module.symvers' \) -delete
	make -s -C "/usr/src/linux-headers-$K612" M="$out" C=2 W=1 modules \
		> "$out.log" 2>&1 || rc=1
	grep -E 'warning|error' "$out.log" && rc=1
	[ -f "$out/kmod/wren.ko" ] && [ -f "$out/driver/wren_e1000.ko" ] ||
		{ echo "6.12 build failed: $out.log"; rc=1; }
else
	echo "no 6.12 headers (scripts/install-deps.sh installs them)"; rc=1
fi
[ $rc -eq 0 ] && echo "lint: clean"
exit $rc
