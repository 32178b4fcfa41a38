#!/usr/bin/env bash
# The GPU checks, in one command for the device tool (binaries from scripts/gpu-pack.sh in
# .gpurun/): kernel attribution tests, cupti_counters on a device, the CUDA example, the launch
# overhead benchmark and the device's metric listing. Logs go to $OUT (what comes back: at most 8
# files, which these steps make), one file per step, and a summary to stdout. Each step has its own time limit so one hang cannot eat the
# lease.   ./scripts/gpu-check.sh [STEP ...]   (steps: info counters example kernels bench python)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.gpurun" || { echo "no .gpurun/: run scripts/gpu-pack.sh"; exit 1; }
out=${OUT:-/tmp/gpu-check}
mkdir -p "$out"
export LD_LIBRARY_PATH=$PWD:/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:${LD_LIBRARY_PATH:-}
export TIMEMORY_OUTPUT_PATH=$out/timemory-output TIMEMORY_FILE_OUTPUT=OFF
steps=${*:-info counters example kernels bench python}

step() {  # step NAME SECONDS COMMAND...
    local name=$1 limit=$2
    shift 2
    local t0=$SECONDS
    timeout "$limit" "$@" >"$out/$name.log" 2>&1
    local rc=$?
    echo "[$name] rc=$rc ($((SECONDS - t0)) s): $(grep -E 'PASSED|FAILED|passed|failed' "$out/$name.log" | tail -n 2 | tr '\n' ' ')"
}

for s in $steps; do
    case $s in
        info)  # the GPU, and its metrics as timemory-avail lists them
            step info 45 bash -c "nvidia-smi --query-gpu=name,driver_version --format=csv,noheader;
                ./timemory-avail -H -f '^(dram__bytes|gpu__time_duration|cupti_counters)$'"
            cat "$out/info.log" ;;
        kernels)
            step kernels 150 ./timemory-cuda-kernel-tests
            TIMEMORY_CUPTI_ATTRIBUTION=external step kernels-external 150 \
                ./timemory-cuda-kernel-tests --gtest_filter='CudaKernels.*' ;;
        # One process per case (the metric list is fixed per process), all in one log.
        counters)
            step counters 240 bash -c 'rc=0; for t in DramBytesOfACopyKernelMatchTheBytesItMoves \
                MultiPassMetricsReplayKernelsWithoutChangingTheirResults \
                KernelsFromTwoHostThreadsStayUnderTheirThreadsRegions \
                KernelsAroundACapturedGraphKeepTheirValues; do
                timeout 60 ./timemory-cuda-counters-tests --gtest_filter="CuptiCounters.$t" || rc=1
                done; exit $rc' ;;
        example)
            step example 60 ./timemory-cuda-example
            step example-counters 60 ./timemory-cuda-example wall_clock,cupti_counters ;;
        bench)  # one process per mode (CUPTI stays on once started), all in one log
            # Three rounds, modes interleaved: the VM's launch cost drifts between processes.
            # "kernels-only": timemory asking CUPTI for what cupti-both asks (kernel records and
            # the launch callbacks), so the two differ by timemory's own work.
            step bench 180 bash -c 'for round in 1 2 3; do
                for m in timemory kernels-only external cupti-kernels cupti-callbacks cupti-both; do
                echo "== $m (round $round)"
                if [ $m = kernels-only ]; then
                    TIMEMORY_CUPTI_ACTIVITY_KINDS=concurrent_kernel ./timemory-bench-cuda-launch 20000 5
                else ./timemory-bench-cuda-launch 20000 5 $m; fi
                done; done' ;;
        python)  # the Python GPU tests, with the machine's Python (PyTorch and CuPy in it);
                 # needs a pack made with GPU_PYTHON (scripts/gpu-pack.sh)
            if [ -d python ]; then
                PYTHONPATH=$PWD/python step python 240 python3 -m pytest -q -p no:cacheprovider \
                    -rs ../tests/python/test_gpu.py ../tests/python/test_hardware_counters.py
            else echo "[python] no .gpurun/python: pack with GPU_PYTHON=python3.12"; fi ;;
        *) echo "unknown step '$s' (info counters example kernels bench python)" ;;
    esac
done
