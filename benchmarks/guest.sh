#!/usr/bin/env bash
# Guest cost per 1920x1080 RGBA frame on WasmKit: PassThrough (the host<->guest
# round trip, target <= 2 ms) and Grayscale against native Swift; prints ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-guests.sh .build/guests >/dev/null
swift build -c release --product wasi-media >/dev/null
exec .build/release/wasi-media bench guest --guests .build/guests "$@"
