#!/usr/bin/env bash
# Builds every guest of Guests/ (Embedded Swift for wasm32-unknown-none-wasm)
# into OUTDIR as <Name>.wasm: the examples of Guests/Examples/ and the test
# guests of Guests/Checks/. Checks each against docs/guest-abi.md
# (scripts/check-guest.py) and prints its size.
#
#   scripts/build-guests.sh [OUTDIR]     (default: .build/guests/)
#
# Incremental: SwiftPM rebuilds only what changed (Guests/.build/), and a
# .wasm in OUTDIR is replaced only when it differs. Needs the Debian
# packages wasi-libc and libclang-rt-14-dev-wasm32 (scripts/setup.sh
# installs them) and a Swift 6.3 toolchain with the embedded stdlib.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/.build/guests}"

fail() { echo "build-guests: $*" >&2; exit 1; }

swift_bin="$(command -v swift || true)"
[ -z "$swift_bin" ] && [ -x /opt/swift/usr/bin/swift ] && swift_bin=/opt/swift/usr/bin/swift
[ -n "$swift_bin" ] || fail "no swift on PATH (Swift 6.3 toolchain needed)"
toolchain="$(cd "$(dirname "$(readlink -f "$swift_bin")")/.." && pwd)"
embedded="$toolchain/lib/swift/embedded/wasm32-unknown-none-wasm"
[ -d "$toolchain/lib/swift/embedded/Swift.swiftmodule" ] && [ -d "$embedded" ] \
    || fail "$toolchain has no embedded Swift stdlib for wasm32 (Swift 6.3 or later needed)"

libc_dir=/usr/lib/wasm32-wasi
[ -f "$libc_dir/libc.a" ] || fail "$libc_dir/libc.a missing: apt-get install wasi-libc (or run scripts/setup.sh)"
builtins="$(ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a 2>/dev/null | head -n 1 || true)"
[ -n "$builtins" ] || fail "libclang_rt.builtins-wasm32.a missing: apt-get install libclang-rt-14-dev-wasm32 (or run scripts/setup.sh)"

link=(-Xlinker "-L$libc_dir" -Xlinker -lc -Xlinker "$builtins")
# Only pulled in when a guest compares or normalizes strings.
[ -f "$embedded/libswiftUnicodeDataTables.a" ] && link+=(-Xlinker "$embedded/libswiftUnicodeDataTables.a")

"$swift_bin" build --package-path "$root/Guests" --triple wasm32-unknown-none-wasm -c release \
    -Xswiftc -Xfrontend -Xswiftc -disable-stack-protector "${link[@]}" -q \
    || fail "swift build of Guests/ failed"

bin="$("$swift_bin" build --package-path "$root/Guests" --triple wasm32-unknown-none-wasm -c release --show-bin-path)"
mkdir -p "$out"
python="$(command -v python3 || true)"
[ -n "$python" ] || echo "build-guests: no python3, guests not checked against docs/guest-abi.md" >&2
for dir in "$root"/Guests/Examples/*/ "$root"/Guests/Checks/*/; do
    name="$(basename "$dir")"
    [ -f "$bin/$name.wasm" ] || fail "$bin/$name.wasm was not built (is $name a product in Guests/Package.swift?)"
    if [ -n "$python" ]; then
        # ImportCoverage links every import declaration of the SDK: all 88 must match the page.
        flags=(--quiet); [ "$name" = ImportCoverage ] && flags+=(--all-imports)
        "$python" "$root/scripts/check-guest.py" "${flags[@]}" "$bin/$name.wasm" \
            || fail "$name.wasm does not match docs/guest-abi.md"
    fi
    cmp -s "$bin/$name.wasm" "$out/$name.wasm" || cp "$bin/$name.wasm" "$out/$name.wasm"
    printf '%-24s %7d bytes\n' "$name.wasm" "$(stat -c %s "$out/$name.wasm")"
done
