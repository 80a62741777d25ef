#!/usr/bin/env bash
# Transcode benchmark: wasi-media against the ffmpeg CLI on a 10 s 1280x720
# 30 fps H.264 + AAC input, runs interleaved; prints fps, peak memory and ratios.
# Usage: benchmarks/transcode.sh [--runs N] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product wasi-media >/dev/null
exec .build/release/wasi-media bench transcode --work-dir out/bench "$@"
