#!/usr/bin/env bash
# The guest SDK's reference, generated from its source with DocC: one
# static site per module (WasiMedia, and the four world modules) in OUTDIR
# (default .build/sdk-reference/), from the symbol graphs the Swift
# compiler emits while building the SDK for wasm32. Open
# OUTDIR/<Module>/documentation/<module>/index.html through any static web
# server (python3 -m http.server -d OUTDIR/WasiMedia), or read the same
# pages as JSON under OUTDIR/<Module>/data/.
#
#   scripts/sdk-reference.sh [OUTDIR]
#
# The build goes to its own scratch folder (.build/sdk-reference-build/),
# so it leaves the guests' own build as it was. Needs what
# scripts/build-guests.sh needs, and `docc` from the Swift toolchain.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/.build/sdk-reference}"
fail() { echo "sdk-reference: $*" >&2; exit 1; }

swift_bin="$(command -v swift || true)"
[ -z "$swift_bin" ] && [ -x /opt/swift/usr/bin/swift ] && swift_bin=/opt/swift/usr/bin/swift
[ -n "$swift_bin" ] || fail "no swift on PATH (Swift 6.3 toolchain needed)"
docc="$(dirname "$(readlink -f "$swift_bin")")/docc"
[ -x "$docc" ] || docc="$(command -v docc || true)"
[ -n "$docc" ] && [ -x "$docc" ] || fail "no docc beside $swift_bin or on PATH"

graphs="$root/.build/sdk-reference-graphs"
rm -rf "$graphs" && mkdir -p "$graphs"
modules=(WasiMedia WasiMediaVideoFilter WasiMediaAudioFilter WasiMediaEncodedTransform WasiMediaApp)
for module in "${modules[@]:1}"; do
    "$swift_bin" build --package-path "$root/Guests" --scratch-path "$root/.build/sdk-reference-build" \
        --triple wasm32-unknown-none-wasm -c release --target "$module" -q \
        -Xswiftc -Xfrontend -Xswiftc -disable-stack-protector \
        -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$graphs" \
        || fail "swift build of $module failed"
done
mkdir -p "$out"
for module in "${modules[@]}"; do
    [ -f "$graphs/$module.symbols.json" ] || fail "no symbol graph for $module"
    one="$graphs/only-$module" && mkdir -p "$one" && cp "$graphs/$module.symbols.json" "$one/"
    rm -rf "$out/$module"
    "$docc" convert --additional-symbol-graph-dir "$one" --output-path "$out/$module" \
        --fallback-display-name "$module" --fallback-bundle-identifier "media.wasi.sdk.$module" \
        --transform-for-static-hosting --hosting-base-path "/" >/dev/null 2>"$graphs/$module.docc.log" \
        || { cat "$graphs/$module.docc.log" >&2; fail "docc convert of $module failed"; }
    pages="$(find "$out/$module/data/documentation" -name '*.json' | wc -l)"
    printf '%-28s %4d pages  %s\n' "$module" "$pages" "$out/$module/documentation/$(echo "$module" | tr 'A-Z' 'a-z')/index.html"
done
