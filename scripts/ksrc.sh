#!/usr/bin/env bash
# Extract from Debian's linux-source-6.1 the few files wren builds with but
# must not commit: the kselftest harness headers and checkpatch.pl.
# Usage: scripts/ksrc.sh OUTDIR    (idempotent)
set -euo pipefail
out=${1:?usage: ksrc.sh OUTDIR}
[ -f "$out/.done" ] && exit 0
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || { echo "ksrc: linux-source-6.1 is not installed" >&2; exit 1; }
mkdir -p "$out"
tar -xf "$tarball" -C "$out" --strip-components=1 \
	linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
	linux-source-6.1/tools/testing/selftests/kselftest.h \
	linux-source-6.1/scripts/checkpatch.pl \
	linux-source-6.1/scripts/spelling.txt \
	linux-source-6.1/scripts/const_structs.checkpatch
touch "$out/.done"
