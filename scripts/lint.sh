#!/usr/bin/env bash
# checkpatch --strict and sparse over wren's kernel code.
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
[ $rc -eq 0 ] && echo "lint: clean"
exit $rc
