#!/usr/bin/env bash
# make check-debug: every boot of tools/tests/boots.list under the debug
# kernel (scripts/debug-kernel.sh builds it once and caches it), with
# wren's modules built against that kernel.  Logs and the image go to
# build/debug/; the tools and tests are the ones `make all` built.
# See doc/reliability.md.
#   scripts/check-debug.sh [BOOT...]    only the named boots
set -euo pipefail
cd "$(dirname "$0")/.."
kdir=$(scripts/debug-kernel.sh)
rel=$(cat "$kdir/release")
dbuild=$PWD/build/debug

# Kbuild writes objects beside the sources: build a copy.
src=$dbuild/src
rm -rf "$src" "$dbuild/ko"
mkdir -p "$src" "$dbuild/ko"
cp -r Kbuild kmod driver uapi "$src"/
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o \
	-name '*.mod.c' -o -name '.*.cmd' -o -name 'modules.order' -o \
	-name 'Module.symvers' \) -delete
make -s -C "$kdir/src" M="$src" modules
cp "$src/kmod/wren.ko" "$src/driver/wren_e1000.ko" "$dbuild/ko/"

KVER=$rel BUILD=$dbuild WREN_MODROOT=$kdir/mods WREN_KO_DIR=$dbuild/ko \
	WREN_TOOLS=$PWD/build scripts/mkimage.sh

# q35: i440fx's ACPI _PRT times out under a kernel this slow.
# kasan_multi_shot: every KASAN report, not just the first.
export BUILD=$dbuild WREN_DEBUG=1 WREN_STAGGER=${WREN_STAGGER:-60}
export WREN_KERNEL=$kdir/vmlinuz WREN_MACHINE=q35 WREN_MEM=2048
export WREN_APPEND="kasan_multi_shot"
exec scripts/check.sh "$@"
