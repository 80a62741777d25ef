#!/usr/bin/env bash
# Pass-through cost: `videotestsrc ! fakesink` against the same with 10 queues
# between, runs interleaved in one process; prints µs per frame per element.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product wasi-media >/dev/null
exec .build/release/wasi-media bench chain "$@"
