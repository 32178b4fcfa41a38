#!/usr/bin/env bash
# The GPU checks, on any machine with a CUDA device, the CUDA toolkit (nvcc) and the build's
# dependencies: configures and builds timemory with the nvcc-built tests and examples, runs every
# test labelled gpu (`ctest -L gpu`: device tests skip with the reason when there is no device),
# then the CUDA example with `wall_clock,cupti_counters`. One log per step in LOG_DIR, a summary
# on stdout; the exit status is 0 when every step passed.
#
#   scripts/gpu-check.sh LOG_DIR [BUILD_DIR]     # BUILD_DIR defaults to build-gpu
#
# More configure options in TIMEMORY_GPU_CHECK_CMAKE_ARGS (e.g. "-DTIMEMORY_USE_PAPI=OFF").
set -uo pipefail
if [ $# -lt 1 ]; then
    echo "usage: $0 LOG_DIR [BUILD_DIR]" >&2
    exit 2
fi
mkdir -p "$1" && logs=$(cd "$1" && pwd) || exit 2
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
build=${2:-build-gpu}
status=0

step() { # step NAME COMMAND...: runs COMMAND with its output in LOG_DIR/NAME.log
    local name=$1
    shift
    local t0=$SECONDS
    "$@" >"$logs/$name.log" 2>&1
    local rc=$?
    echo "[$name] exit $rc ($((SECONDS - t0)) s): $(grep -E 'tests passed|tests failed|FAILED|Error' \
        "$logs/$name.log" | tail -n 1)"
    [ $rc -eq 0 ] || status=1
    return $rc
}

nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | tee "$logs/device.log"
# shellcheck disable=SC2086 # TIMEMORY_GPU_CHECK_CMAKE_ARGS is a list of options
step configure cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DTIMEMORY_BUILD_TESTING=ON \
    -DTIMEMORY_BUILD_EXAMPLES=ON -DTIMEMORY_USE_CUDA=ON -DTIMEMORY_USE_NVCC=ON \
    ${TIMEMORY_GPU_CHECK_CMAKE_ARGS:-} || exit 1
step build cmake --build "$build" --parallel || exit 1
# Serial: the device tests time kernels and fix per-process CUPTI state (one process per case).
step ctest ctest --test-dir "$build" -L gpu --output-on-failure
TIMEMORY_OUTPUT_PATH="$logs/example-output" step example-counters \
    "$build/examples/cuda/timemory-cuda-example" wall_clock,cupti_counters
exit $status
