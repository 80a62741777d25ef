#!/usr/bin/env bash
# What running a filter as a WebAssembly guest costs, on Wasmtime and WasmKit
# in one run (Wasmtime is skipped, saying why, when libwasmtime is absent).
# Builds the guests and the release binary, then prints each measurement
# with its target, its ratio and whether it was met:
#   - compiling Grayscale.wasm, and compiling the same bytes again;
#   - instantiating the compiled module (target <= 1 ms);
#   - PassThrough, the host<->guest round trip per 1920x1080 RGBA frame (<= 2 ms);
#   - Grayscale on Wasmtime against native Swift running the same kernel
#     source (<= 2.0x), and Wasmtime against WasmKit on the same module (>= 10x);
#   - a 1080p pipeline into H.264 with the wasm Grayscale step against the
#     same pipeline without it (>= 90% of its frames per second).
# About a minute and a half; extra arguments go to `wasi-media bench guest`
# (--help lists them). Close other work first: the numbers are noisy on a busy machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The release binary first: build-guests.sh builds the guests with it (`guest build`).
swift build -c release --product wasi-media >/dev/null
bash scripts/build-guests.sh .build/guests >/dev/null
exec .build/release/wasi-media bench guest --guests .build/guests "$@"
