#!/usr/bin/env bash
# Build the debug kernel of `make check-debug` from Debian's linux-source-6.1
# with scripts/kconfig/{base,debug}.config, once: the result is cached
# outside the clone under $WREN_CACHE (default /var/cache/wren), keyed by a
# hash of the fragments, this script and the source package's version, so a
# second run on the same machine only prints where it is.
#
#   scripts/debug-kernel.sh [--config-only]
#
# Prints the kernel's directory: vmlinuz, release (its uname -r), mods/
# (a module tree: mods/lib/modules/<release>/) and src/ (the built tree,
# for building wren's modules against it).  --config-only stops after
# checking that every option of the fragments made it into .config.
set -euo pipefail
cd "$(dirname "$0")/.."
tarball=/usr/src/linux-source-6.1.tar.xz
[ -r "$tarball" ] || { echo "debug-kernel: no $tarball (make deps)" >&2; exit 1; }
frags=(scripts/kconfig/base.config scripts/kconfig/debug.config)
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( { cat "${frags[@]}" "$0"; echo "$version"; } | sha256sum | cut -c1-16)
cache=${WREN_CACHE:-/var/cache/wren}
dir=$cache/debug-kernel-$key
config_only=0
[ "${1:-}" = --config-only ] && config_only=1

if [ -e "$dir/.done" ] && [ $config_only = 0 ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$cache"
exec 9> "$cache/.debug-kernel.lock"
flock 9
if [ -e "$dir/.done" ] && [ $config_only = 0 ]; then
	echo "$dir"
	exit 0
fi

tmp=$dir.tmp
rm -rf "$cache"/debug-kernel-*.tmp
mkdir -p "$tmp"
echo "debug-kernel: unpacking $tarball ($version) into $tmp" >&2
tar -xf "$tarball" -C "$tmp"
mv "$tmp/linux-source-6.1" "$tmp/src"
# 6.1 offers the fault-injection stack-trace filter (require-start/end:
# fail only calls from wren's text) everywhere but x86-64, a limit from the
# days before x86-64 had a reliable unwinder; with ORC the filter's
# stack_trace_save() sees every caller, so lift it.
sed -i '/^config FAULT_INJECTION_STACKTRACE_FILTER$/,/^config /{/^\tdepends on !X86_64$/d}' \
	"$tmp/src/lib/Kconfig.debug"
cat "${frags[@]}" > "$tmp/all.config"
make -s -C "$tmp/src" KCONFIG_ALLCONFIG="$tmp/all.config" allnoconfig >&2

# Kconfig drops what it cannot satisfy without a word: check every line.
miss=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qxF "$line" "$tmp/src/.config" || {
		echo "debug-kernel: not in .config: $line" >&2; miss=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" "$tmp/src/.config" || {
			echo "debug-kernel: set anyway: $opt" >&2; miss=1; } ;;
	esac
done < "$tmp/all.config"
[ $miss = 0 ] || exit 1
if [ $config_only = 1 ]; then
	echo "$tmp"
	exit 0
fi

jobs=$(nproc)
start=$SECONDS
echo "debug-kernel: building bzImage and modules with -j$jobs" >&2
make -s -C "$tmp/src" -j"$jobs" bzImage modules >&2
make -s -C "$tmp/src" INSTALL_MOD_PATH="$tmp/mods" INSTALL_MOD_STRIP=1 \
	modules_install >&2
cp "$tmp/src/arch/x86/boot/bzImage" "$tmp/vmlinuz"
make -s -C "$tmp/src" kernelrelease > "$tmp/release"
echo "debug-kernel: built $(cat "$tmp/release") in $((SECONDS - start)) s" >&2
touch "$tmp/.done"
rm -rf "$dir"
mv "$tmp" "$dir"
echo "$dir"
