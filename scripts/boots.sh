#!/usr/bin/env bash
# The names of the boots of tools/tests/boots.list whose fifth column holds
# the word @1 (e.g. "ci": the boots CI runs under the debug kernel), one
# line, space-separated.
#   scripts/boots.sh WORD
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# = 1 ] || { echo "usage: scripts/boots.sh WORD" >&2; exit 2; }
awk -F'|' -v w="$1" '
	/^[[:space:]]*(#|$)/ { next }
	{ n = split($5, a, /[[:space:]]+/)
	  for (i = 1; i <= n; i++) if (a[i] == w) { gsub(/[[:space:]]/, "", $1); printf "%s%s", sep, $1; sep = " " } }
	END { print "" }' tools/tests/boots.list
