#!/usr/bin/env bash
# Sets up a fresh machine and runs the main job on embedded defaults:
# makes a synthetic clip with the project's own encoders, transcodes it,
# prints the output path and its inspect summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product wasi-media >/dev/null
exec .build/release/wasi-media demo --output-dir out
