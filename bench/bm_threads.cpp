// Memory kept by threads that end: 20,000 short-lived threads (16 at a time) each time three
// regions, as a program that starts a thread per task does. Reports the growth of the resident
// set over the run and the graphs still registered afterwards (one per running thread: the ended
// threads' measurements are merged by call path and their graphs freed).
//
//   build/bench/timemory-bm-threads
#include <benchmark/benchmark.h>
#include <timemory/core/graph_registry.hpp>
#include <timemory/timemory.hpp>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using tim::component::wall_clock;

/// VmRSS of this process in KiB (0 where /proc is missing).
double resident_kib() {
    std::ifstream in{"/proc/self/status"};
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6));
    }
    return 0.0;
}

void BM_ShortLivedThreads_Resident(benchmark::State& state) {
    static const tim::label_id task{"bm_task"};
    static const tim::label_id step{"bm_step"};
    const int total = static_cast<int>(state.range(0));
    constexpr int at_once = 16;
    for (auto _ : state) {
        tim::clear_results();
        const double before = resident_kib();
        for (int started = 0; started < total; started += at_once) {
            std::vector<std::thread> threads;
            for (int t = 0; t < at_once; ++t) {
                threads.emplace_back([] {
                    tim::scoped<wall_clock> outer{task};
                    for (int n = 0; n < 2; ++n) tim::scoped<wall_clock> inner{step};
                });
            }
            for (auto& t : threads) t.join();
        }
        state.counters["rss_growth_MiB"] = (resident_kib() - before) / 1024.0;
        state.counters["graphs_kept"] = static_cast<double>(tim::detail::all_graphs().size());
        state.counters["result_nodes"] = static_cast<double>(tim::collect_results().nodes.size());
    }
}
BENCHMARK(BM_ShortLivedThreads_Resident)->Arg(20000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
