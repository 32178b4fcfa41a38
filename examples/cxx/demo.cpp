// The main demo: a small "simulation" instrumented three ways (compile-time scoped bundles, the
// C API by name, and runtime-chosen components), on two threads. Prints the report at the end and
// writes every output file to timemory-timemory-demo-output/.
#include <timemory/library.h>
#include <timemory/timemory.hpp>

#include <cmath>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

using namespace tim::component;

double fibonacci(int n) {
    TIMEMORY_SCOPED("fibonacci", wall_clock, cpu_clock);
    return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

double stencil(std::vector<double>& grid, int sweeps) {
    TIMEMORY_SCOPED("stencil", wall_clock, cpu_clock, peak_rss);
    double total = 0.0;
    for (int s = 0; s < sweeps; ++s) {
        timemory_push_region("sweep");
        for (std::size_t i = 1; i + 1 < grid.size(); ++i) {
            grid[i] = 0.25 * (grid[i - 1] + 2.0 * grid[i] + grid[i + 1]);
        }
        timemory_pop_region("sweep");
        total += grid[grid.size() / 2];
    }
    return total;
}

void worker(int id) {
    static const tim::label_id label{"worker"};
    tim::scoped<wall_clock, thread_cpu_clock> scope{label};
    std::vector<double> grid(1 << 20, static_cast<double>(id));
    std::printf("worker %d: stencil = %.3f\n", id, stencil(grid, 20));
}

}  // namespace

int main(int argc, char** argv) {
    timemory_init_library(argc, argv);
    timemory_set_default("wall_clock,cpu_clock");

    {
        TIMEMORY_SCOPED("main", wall_clock, cpu_clock, peak_rss);
        std::printf("fibonacci(12) = %.0f\n", fibonacci(12));

        std::vector<std::thread> threads;
        for (int i = 0; i < 2; ++i) threads.emplace_back(worker, i);
        for (auto& t : threads) t.join();

        // Components chosen at run time by id, e.g. from a config file.
        tim::runtime_bundle io{"allocate", tim::registry::parse_list("wall_clock,page_rss")};
        io.start();
        std::vector<double> big(32 << 20, 1.0);
        std::printf("allocated %.0f MB\n", static_cast<double>(big.size() * sizeof(double)) / 1e6);
        io.stop();
    }

    timemory_finalize_library();
    return 0;
}
