#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test timemory. Idempotent and
# non-interactive; packages already installed are skipped, so a second run costs ~a second.
#   ./scripts/setup.sh            (as root, or as a user with sudo)
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config       # toolchain
    clang-format-14                        # the format check (scripts/check-format.sh)
    libgtest-dev libbenchmark-dev          # tests and benchmarks
    nlohmann-json3-dev                     # JSON outputs
    libpapi-dev                            # hardware counters (optional at build time)
    python3-dev pybind11-dev               # Python bindings (optional at build time)
    libopenmpi-dev openmpi-bin             # MPI plugin, PMPI wrappers and the mpirun tests
)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$pkg")
    fi
done

# Python packages the examples and the test suite import, for the python3 on PATH (the one CMake
# finds), as "import-name:pip-name" pairs. numpy: the profiler/tracer examples of timemory 3's
# Python documentation; hatchet: the test that loads our .tree.json files; mpi4py: the Python
# MPI tests; perfetto: the test that decodes our Perfetto trace with its protobuf classes.
pip_packages=(pytest:pytest numpy:numpy hatchet:llnl-hatchet mpi4py:mpi4py perfetto:perfetto)

install_pip_packages() {
    command -v python3 >/dev/null 2>&1 || return 0
    local pip_missing=()
    for pair in "${pip_packages[@]}"; do
        python3 -c "import ${pair%%:*}" >/dev/null 2>&1 || pip_missing+=("${pair#*:}")
    done
    [ "${#pip_missing[@]}" -eq 0 ] && return 0
    echo "setup: pip installing ${pip_missing[*]}"
    # Debian's own python3 refuses pip installs into the system (PEP 668) unless told otherwise.
    python3 -m pip install -q --disable-pip-version-check "${pip_missing[@]}" ||
        python3 -m pip install -q --disable-pip-version-check --break-system-packages \
            "${pip_missing[@]}"
}

if [ "${#missing[@]}" -eq 0 ]; then
    echo "setup: all ${#packages[@]} Debian packages already installed"
    install_pip_packages
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
install_pip_packages
echo "setup: done"
