#!/usr/bin/env bash
# A stand-in for Apple's linker on Linux, as cargo's linker for the macOS
# targets: LLVM's Mach-O linker (ld64.lld, Debian's lld), with stub system
# libraries (no macOS SDK here), every undefined symbol left to dyld, and
# an ad-hoc "linker-signed" signature as Apple's ld64 writes on arm64. The
# programs it links cannot run here; the tests read and rewrite them.
set -euo pipefail
lld=$(command -v ld64.lld || command -v ld64.lld-14 || command -v ld64.lld-16) || {
    echo "ld64.sh: no ld64.lld (Debian package lld)" >&2
    exit 1
}
sdk="${TMPDIR:-/tmp}/fastboot-macos-sdk"
mkdir -p "$sdk/usr/lib"
for lib in System c m iconv resolv objc; do
    stub="$sdk/usr/lib/lib$lib.tbd"
    [ -e "$stub" ] || cat > "$stub" <<TBD
--- !tapi-tbd
tbd-version: 4
targets: [ arm64-macos, x86_64-macos ]
install-name: /usr/lib/lib$lib.dylib
current-version: 1
exports:
  - targets: [ arm64-macos, x86_64-macos ]
    symbols: [ _fastboot_stub_$lib ]
...
TBD
done
# rustc calls Apple's linker through cc on some targets: translate.
args=()
for arg in "$@"; do
    case "$arg" in
        -Wl,*) IFS=, read -ra parts <<< "${arg#-Wl,}"; args+=("${parts[@]}") ;;
        -mmacosx-version-min=*) v="${arg#*=}"; args+=(-platform_version macos "$v" "$v") ;;
        -nodefaultlibs) ;;
        -dynamiclib) args+=(-dylib) ;;
        *) args+=("$arg") ;;
    esac
done
exec "$lld" -syslibroot "$sdk" -undefined dynamic_lookup -adhoc_codesign "${args[@]}"
