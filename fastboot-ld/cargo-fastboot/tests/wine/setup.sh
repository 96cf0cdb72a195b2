#!/usr/bin/env bash
# Prepares a wine prefix (WINEPREFIX, else ~/.wine) to run Rust programs
# built for x86_64-pc-windows-gnu: creates it, then installs a
# bcryptprimitives.dll exporting ProcessPrng (see bcryptprimitives.c),
# built with mingw-w64, in its system32.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${WINEPREFIX:-$HOME/.wine}"
WINEDEBUG=-all wineboot --init >/dev/null 2>&1
system32="$prefix/drive_c/windows/system32"
test -d "$system32" || { echo "setup.sh: no $system32 after wineboot" >&2; exit 1; }
x86_64-w64-mingw32-gcc -shared -O2 -o "$system32/bcryptprimitives.dll" \
    "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -ladvapi32
