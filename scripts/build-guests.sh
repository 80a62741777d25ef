#!/usr/bin/env bash
# Builds every guest of Guests/ (Embedded Swift for wasm32-unknown-none-wasm)
# into OUTDIR as <Name>.wasm: the examples of Guests/Examples/ and the test
# guests of Guests/Checks/. `wasi-media guest build --all` builds them with
# the one list of compiler and linker flags every guest gets
# (Sources/MediaCommands/GuestToolchain.swift), checks each against the
# host's imports and its world's exports, and prints its size, world and
# imports; then each is checked against docs/guest-abi.md
# (scripts/check-guest.py).
#
#   scripts/build-guests.sh [OUTDIR]     (default: .build/guests/)
#
# Needs a built wasi-media (`swift build --product wasi-media`; WASI_MEDIA
# names another). Incremental: SwiftPM rebuilds only what changed
# (Guests/.build/), and a .wasm in OUTDIR is replaced only when it differs.
# Needs the Debian packages wasi-libc and libclang-rt-14-dev-wasm32
# (scripts/setup.sh installs them) and a Swift 6.3 toolchain with the
# embedded stdlib.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/.build/guests}"

fail() { echo "build-guests: $*" >&2; exit 1; }

# The wasi-media that builds: WASI_MEDIA, else the newer of the debug and release builds.
wasi_media="${WASI_MEDIA:-}"
if [ -z "$wasi_media" ]; then
    for candidate in "$root/.build/debug/wasi-media" "$root/.build/release/wasi-media"; do
        [ -x "$candidate" ] || continue
        if [ -z "$wasi_media" ] || [ "$candidate" -nt "$wasi_media" ]; then wasi_media="$candidate"; fi
    done
fi
[ -n "$wasi_media" ] && [ -x "$wasi_media" ] \
    || fail "no wasi-media in $root/.build/debug or release (it holds the guests' build flags): run 'swift build --product wasi-media' first"
flags="$root/Sources/MediaCommands/GuestToolchain.swift"
[ "$wasi_media" -nt "$flags" ] \
    || echo "build-guests: warning: $wasi_media is older than $flags: rebuild it ('swift build --product wasi-media') if the flags changed" >&2

mkdir -p "$out"
"$wasi_media" guest build "$root/Guests" --all --out-dir "$out" || fail "wasi-media guest build of Guests/ failed"

python="$(command -v python3 || true)"
[ -n "$python" ] || { echo "build-guests: no python3, guests not checked against docs/guest-abi.md" >&2; exit 0; }
for dir in "$root"/Guests/Examples/*/ "$root"/Guests/Checks/*/; do
    name="$(basename "$dir")"
    [ -f "$out/$name.wasm" ] || fail "$out/$name.wasm was not built (is $name a product in Guests/Package.swift?)"
    # ImportCoverage links every import declaration of the SDK: all of them must match the page.
    check=(--quiet); [ "$name" = ImportCoverage ] && check+=(--all-imports)
    "$python" "$root/scripts/check-guest.py" "${check[@]}" "$out/$name.wasm" \
        || fail "$name.wasm does not match docs/guest-abi.md"
done
