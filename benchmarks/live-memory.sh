#!/usr/bin/env bash
# Memory over a long live run: a live 720p source feeding x264 at its slowest
# (slower than real time) through a leaky queue. Prints the first and last
# minute's resident memory and their ratio (target: within 5% over 10 minutes).
#   bash benchmarks/live-memory.sh [--minutes 10] [--consumer '...']
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product wasi-media >/dev/null
exec .build/release/wasi-media bench live "$@"
