#!/usr/bin/env bash
# Installs what the machine lacks, then runs the whole test suite three times:
#   1. Release build (build/):            every test (ctest -j2)
#   2. ASan+UBSan build (build-asan/):    every test
#   3. TSan build (build-tsan/):          the threading tests (ctest -R Thread)
# and ends with one line "N passed, N failed[, N skipped]" over the three runs. Exits non-zero
# if a build failed or any test failed.
#   ./scripts/test.sh
# Environment: TIMEMORY_TEST_STAGES="release asan tsan" picks stages; JOBS (default 2).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

./scripts/setup.sh || { echo "test: setup failed"; echo "0 passed, 1 failed"; exit 1; }

jobs=${JOBS:-2}
stages=${TIMEMORY_TEST_STAGES:-release asan tsan}
logdir=$(mktemp -d "${TMPDIR:-/tmp}/timemory-test.XXXXXX")
trap 'rm -rf "$logdir"' EXIT

launcher=()
if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

# Sanitizer runtime options: stop at the first report, with stacks. protect_shadow_gap=0 lets
# the CUDA runtime map its memory under ASan (harmless without CUDA).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:protect_shadow_gap=0:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

total_pass=0
total_fail=0
total_skip=0
summary=()

# run_stage NAME BUILD_DIR "CMAKE ARGS" "CTEST ARGS"
run_stage() {
    local name=$1 dir=$2 cfg=$3 ctest_args=$4
    local log="$logdir/$name.log"
    echo
    local t0=$SECONDS
    echo "==== [$name] configure + build ($dir) ===="
    # shellcheck disable=SC2086
    if ! cmake -S . -B "$dir" -G Ninja $cfg "${launcher[@]}" ||
        ! cmake --build "$dir" -j "$jobs"; then
        echo "test: [$name] build FAILED"
        total_fail=$((total_fail + 1))
        summary+=("$name: build failed ($((SECONDS - t0)) s)")
        return
    fi
    echo "==== [$name] ctest $ctest_args ===="
    # shellcheck disable=SC2086
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" $ctest_args 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}

    # "100% tests passed, 0 tests failed out of 57"; "No tests were found!!!" counts as 0 of 0.
    local line failed total skipped
    line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n1)
    if [ -n "$line" ]; then
        failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
        total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
    elif grep -q 'No tests were found' "$log"; then
        failed=0
        total=0
    else
        failed=1
        total=1
        echo "test: [$name] ctest printed no summary (exit $rc)"
    fi
    skipped=$(grep -cE '\(Skipped\)$|\(Disabled\)$' "$log" || true)
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1  # ctest failed for a reason its summary does not count
        total=$((total + 1))
    fi
    local passed=$((total - failed - skipped))
    [ "$passed" -lt 0 ] && passed=0
    total_pass=$((total_pass + passed))
    total_fail=$((total_fail + failed))
    total_skip=$((total_skip + skipped))
    summary+=("$name: $passed passed, $failed failed, $skipped skipped ($((SECONDS - t0)) s)")
}

# Sanitizer builds use Debug (-O0 -g): about 4x faster to compile than -O2 with the
# instrumentation, keeps asserts on and gives exact stack traces; the tests still run in seconds.
san_common="-DCMAKE_BUILD_TYPE=Debug -DTIMEMORY_BUILD_TESTING=ON"
san_common+=" -DTIMEMORY_BUILD_BENCHMARKS=OFF -DTIMEMORY_BUILD_EXAMPLES=OFF"
# An uninstrumented python3 cannot load a sanitized extension module (the sanitizer runtime must
# come first); the Python suite runs in the release stage.
san_common+=" -DTIMEMORY_USE_PYTHON=OFF"
# The GPU plugin and its CPU tests are built with the sanitizers; the nvcc-built kernel tests
# only skip without a GPU, and nvcc compiles slowly, so they are left to the release stage.
san_common+=" -DTIMEMORY_USE_NVCC=OFF"

for stage in $stages; do
    case $stage in
        release)
            run_stage release build "-DCMAKE_BUILD_TYPE=Release -DTIMEMORY_BUILD_TESTING=ON" "" ;;
        asan)
            run_stage asan build-asan "$san_common -DTIMEMORY_SANITIZER=address" "" ;;
        tsan)
            run_stage tsan build-tsan "$san_common -DTIMEMORY_SANITIZER=thread" "-R Thread" ;;
        *)
            echo "test: unknown stage '$stage' (release, asan, tsan)"
            total_fail=$((total_fail + 1)) ;;
    esac
done

echo
echo "==== summary ===="
for line in "${summary[@]}"; do echo "  $line"; done
if [ "$total_skip" -gt 0 ]; then
    echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
    echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]
