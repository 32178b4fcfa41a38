#!/usr/bin/env bash
# Builds what the GPU checks run and copies it into .gpurun/ (ignored by git), so that a GPU
# session spends its few device minutes running, not building: the device machines have the CUDA
# toolkit but not this project's build dependencies (GoogleTest, PAPI, ...).
#   ./scripts/gpu-pack.sh [BUILD_DIR]      # default build-gpu/; PAPI off (the GPU machines lack it)
#   GPU_PYTHON=python3.12 ./scripts/gpu-pack.sh ...   # also the Python package, built for the
#                                          # GPU machines' Python (3.12: its PyTorch and CuPy)
# Then, with the device tool: run(command="./scripts/gpu-check.sh", carry=[".gpurun"]).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build-gpu}
targets=(timemory timemory-gpu timemory-avail timemory-cuda-kernel-tests timemory-cuda-counters-tests
         timemory-cuda-example timemory-bench-cuda-launch timemory-nvtx-overhead)
python_options=(-DTIMEMORY_USE_PYTHON=OFF)
if [ -n "${GPU_PYTHON:-}" ]; then
    python=$(command -v "$GPU_PYTHON") || { echo "gpu-pack: GPU_PYTHON=$GPU_PYTHON not found"; exit 1; }
    python_options=(-DTIMEMORY_USE_PYTHON=ON "-DPython3_EXECUTABLE=$python")
    targets+=(libpytimemory)
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTIMEMORY_BUILD_TESTING=ON \
    -DTIMEMORY_BUILD_BENCHMARKS=ON -DTIMEMORY_BUILD_EXAMPLES=ON -DTIMEMORY_USE_PAPI=OFF \
    "${python_options[@]}" -DTIMEMORY_USE_NVCC=ON >/dev/null
cmake --build "$build" --target "${targets[@]}"
mkdir -p .gpurun
grep -qx '/.gpurun/' .git/info/exclude 2>/dev/null || echo '/.gpurun/' >>.git/info/exclude
rm -rf .gpurun/*
# The libraries under their sonames (what the executables ask the loader for).
cp -L "$build"/core/libtimemory.so.4 "$build"/core/libtimemory-gpu.so.4 .gpurun/
for exe in tools/timemory-avail/timemory-avail cuda_tests/timemory-cuda-kernel-tests \
    cuda_tests/timemory-cuda-counters-tests examples/cuda/timemory-cuda-example \
    bench/timemory-bench-cuda-launch cuda_tests/timemory-nvtx-overhead; do
    cp "$build/$exe" .gpurun/
done
# The importable package (its extension finds libtimemory through LD_LIBRARY_PATH there).
[ -n "${GPU_PYTHON:-}" ] && cp -r "$build/python" .gpurun/python
du -sh .gpurun
