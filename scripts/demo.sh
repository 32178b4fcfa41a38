#!/usr/bin/env bash
# Installs what the machine lacks, builds timemory (Release, Ninja, build/) and runs the
# instrumented demo, which prints its report; result files land in build/.
#   ./scripts/demo.sh [extra demo arguments]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

./scripts/setup.sh

launcher=()
if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}"
cmake --build build -j2

demo="$root/build/examples/cxx/timemory-demo"
if [ ! -x "$demo" ]; then
    echo "demo: $demo was not built" >&2
    exit 1
fi

cd build
echo "demo: running $demo $*"
"$demo" "$@"
echo
echo "demo: result files are in $root/build/timemory-timemory-demo-output/"
