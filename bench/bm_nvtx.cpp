// Cost of one region (push + pop) as NVTX mirroring sees it. Mirroring is decided once per process
// from the environment, so run it once per environment to compare:
//
//   build/bench/timemory-bm-nvtx                          # plugin loaded, no NVTX tool
//   TIMEMORY_GPU_PLUGIN=off build/bench/timemory-bm-nvtx  # no plugin at all
//   NVTX_INJECTION64_PATH=$PWD/build/cuda_tests/libtimemory-nvtx-test-injection.so
//       build/bench/timemory-bm-nvtx                      # a tool attached (the tests' logger)
//
// The context above the table names what the process found: the plugin, the NVTX tool and
// whether a region observer is installed. BM_PushPop_NoComponents is the graph's push and pop
// with the observer branch (what mirroring adds to); BM_PushPop_WallClock a compile-time bundle
// with wall_clock; BM_Baseline_EmptyLoop the benchmark loop alone.
#include "timemory/core/observer.hpp"
#include "timemory/core/plugins.hpp"
#include "timemory/timemory.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

namespace {

const tim::label_id& label() {
    static const tim::label_id id{"bm_nvtx_region"};
    return id;
}

void BM_Baseline_EmptyLoop(benchmark::State& state) {
    for (auto _ : state) benchmark::ClobberMemory();
}
BENCHMARK(BM_Baseline_EmptyLoop);

void BM_PushPop_NoComponents(benchmark::State& state) {
    auto& graph = tim::this_thread_graph();
    for (auto _ : state) {
        if (!tim::is_enabled()) continue;  // what every bundle checks first
        graph.pop(graph.push(label().hash()));
    }
}
BENCHMARK(BM_PushPop_NoComponents);

void BM_PushPop_WallClock(benchmark::State& state) {
    for (auto _ : state) {
        tim::scoped<tim::component::wall_clock> region{label()};
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_PushPop_WallClock);

}  // namespace

int main(int argc, char** argv) {
    // Nothing measured here is worth writing: keep the benchmark output clean.
    auto& s = tim::settings::instance();
    s.auto_output = false;
    s.changed();
    tim::this_thread_graph();  // loads the plugin, installs the observer if it is wanted
    const std::string& plugin = tim::plugins::status("gpu");
    const char* tool = std::getenv("NVTX_INJECTION64_PATH");
    benchmark::AddCustomContext("plugin", plugin.empty() ? "loaded" : plugin);
    benchmark::AddCustomContext("NVTX tool", tool ? tool : "none");
    benchmark::AddCustomContext("region observer",
                                tim::detail::region_observer_now() ? "installed" : "none");
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
