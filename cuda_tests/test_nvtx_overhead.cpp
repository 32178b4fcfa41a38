// Cost of one region (push + pop) as NVTX mirroring sees it. Run it in the environments to
// compare, e.g.
//
//   timemory-nvtx-overhead                          # plugin loaded, no NVTX tool
//   TIMEMORY_GPU_PLUGIN=off timemory-nvtx-overhead  # no plugin at all
//   NVTX_INJECTION64_PATH=.../libtimemory-nvtx-test-injection.so timemory-nvtx-overhead
//                                                   # a tool attached (counting only)
//
// It prints the environment it found and the best of several rounds in ns per region for a
// region without components (the graph push/pop with the observer branch: what mirroring adds
// to) and for a compile-time bundle with wall_clock. ctest runs it briefly as a smoke test.
#include "timemory/core/observer.hpp"
#include "timemory/core/plugins.hpp"
#include "timemory/timemory.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

template <typename F>
double best_ns(long iterations, int rounds, F&& one_region) {
    double best = 1e300;
    for (int r = 0; r < rounds; ++r) {
        const auto start = std::chrono::steady_clock::now();
        for (long i = 0; i < iterations; ++i) one_region();
        const auto stop = std::chrono::steady_clock::now();
        const double ns = std::chrono::duration<double, std::nano>(stop - start).count();
        best = std::min(best, ns / static_cast<double>(iterations));
    }
    return best;
}

const tim::label_id& label() {
    static const tim::label_id id{"nvtx_overhead_region"};
    return id;
}

}  // namespace

int main(int argc, char** argv) {
    const long iterations = argc > 1 ? std::atol(argv[1]) : 2000000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 7;
    tim::this_thread_graph();  // loads the plugin, installs the observer if it is wanted
    const std::string& plugin = tim::plugins::status("gpu");
    const bool observer = tim::detail::region_observer_now() != nullptr;
    const char* tool = std::getenv("NVTX_INJECTION64_PATH");

    auto& graph = tim::this_thread_graph();
    const double bare = best_ns(iterations, rounds, [&] {
        if (!tim::is_enabled()) return;  // what every bundle checks first
        graph.pop(graph.push(label().hash()));
    });
    const double wall = best_ns(iterations, rounds,
                                [] { tim::scoped<tim::component::wall_clock> region{label()}; });
    std::printf("plugin: %s\nNVTX tool: %s\nregion observer: %s\n",
                plugin.empty() ? "loaded" : plugin.c_str(), tool ? tool : "none",
                observer ? "installed" : "none");
    std::printf("region without components: %.2f ns\nregion with wall_clock:     %.2f ns\n", bare,
                wall);
    tim::settings::instance().enabled = false;  // no report: this program measures timemory
    tim::settings::instance().changed();
    return 0;
}
