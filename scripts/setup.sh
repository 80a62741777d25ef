#!/usr/bin/env bash
# Installs what wasi-media needs on a fresh Debian 12 machine. Idempotent:
# packages already present are not touched, and nothing is downloaded
# outside Debian's package registry.
set -euo pipefail

packages=(
    pkg-config
    libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libavdevice-dev
    ffmpeg            # the ffmpeg/ffprobe CLIs: the benchmark's peer and the tests' independent checker
    time              # /usr/bin/time, peak-memory measurement in benchmarks
    wasi-libc         # malloc for Embedded Swift guests (scripts/build-guests.sh)
    libclang-rt-14-dev-wasm32   # compiler builtins for wasm32 guests
    python3           # scripts/check-guest.py
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
echo "setup: dependencies present" >&2
