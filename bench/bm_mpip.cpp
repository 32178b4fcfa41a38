// Cost of an MPI call wrapped by libtimemory-mpip (linked), against the bare call (PMPI_Send) and
// a C API region push+pop run in the same process. MPI_Send to MPI_PROC_NULL returns at once, so
// what it measures is the wrapper. One process, no mpirun needed:
//
//   build/bench/timemory-bm-mpip --benchmark_repetitions=5 --benchmark_min_time=0.3
#include "ratio_reporter.hpp"

#include "timemory/core/settings.hpp"
#include "timemory/library.h"

#include <benchmark/benchmark.h>
#include <mpi.h>

#include <string>

namespace {

double g_value = 0.0;

void use_components(const char* mpip_components, bool enabled = true) {
    auto& s = tim::settings::instance();
    s.mpip_components = mpip_components;
    s.enabled = enabled;
    s.changed();
}

void BM_Baseline_PmpiSendProcNull(benchmark::State& state) {
    for (auto _ : state) PMPI_Send(&g_value, 1, MPI_DOUBLE, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
}
BENCHMARK(BM_Baseline_PmpiSendProcNull);

void BM_MpiSend_Default(benchmark::State& state) {  // the regions' components + mpi_bytes
    use_components("");
    for (auto _ : state) MPI_Send(&g_value, 1, MPI_DOUBLE, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
}
BENCHMARK(BM_MpiSend_Default);

void BM_MpiSend_WallClock(benchmark::State& state) {
    use_components("wall_clock");
    for (auto _ : state) MPI_Send(&g_value, 1, MPI_DOUBLE, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
}
BENCHMARK(BM_MpiSend_WallClock);

void BM_MpiSend_Disabled(benchmark::State& state) {  // TIMEMORY_ENABLED=OFF
    use_components("", false);
    for (auto _ : state) MPI_Send(&g_value, 1, MPI_DOUBLE, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
    use_components("", true);
}
BENCHMARK(BM_MpiSend_Disabled);

void BM_PushPop_CApiByName(benchmark::State& state) {  // wall_clock, as a region by name
    for (auto _ : state) {
        timemory_push_region("x");
        timemory_pop_region("x");
    }
}
BENCHMARK(BM_PushPop_CApiByName);

}  // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    // Nothing measured here is worth writing: keep the benchmark output clean.
    auto& s = tim::settings::instance();
    s.auto_output = false;
    s.changed();
    using tim::bench::ratio_reporter;
    const int status = tim::bench::run_with_ratios(argc, argv, "BM_Baseline_PmpiSendProcNull",
                                                   ratio_reporter::statistic::median);
    MPI_Finalize();
    return status;
}
