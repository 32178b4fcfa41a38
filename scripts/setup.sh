#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test timemory. Idempotent and
# non-interactive; packages already installed are skipped, so a second run costs ~a second.
#   ./scripts/setup.sh            (as root, or as a user with sudo)
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config       # toolchain
    libgtest-dev libbenchmark-dev          # tests and benchmarks
    nlohmann-json3-dev                     # JSON outputs
    libpapi-dev                            # hardware counters (optional at build time)
    python3-dev pybind11-dev               # Python bindings (optional at build time)
)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "setup: all ${#packages[@]} packages already installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "setup: missing packages (${missing[*]}) and not root, no sudo: install them by hand" >&2
    exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
