// Region overhead against a baseline measured in the same process: two clock_gettime calls are
// the floor of any wall-clock region (one read at push, one at pop). Prints each benchmark's
// ratio to that baseline after the normal Google Benchmark table.
//
//   build/bench/timemory-bm-overhead --benchmark_repetitions=5 --benchmark_min_time=0.2
#include "ratio_reporter.hpp"

#include <benchmark/benchmark.h>
#include <timemory/library.h>
#include <timemory/timemory.hpp>

#include <cstdio>
#include <ctime>
#include <map>
#include <string>

namespace {

using tim::component::wall_clock;

void BM_Baseline_TwoClockGettime(benchmark::State& state) {
    timespec a{}, b{};
    for (auto _ : state) {
        ::clock_gettime(CLOCK_MONOTONIC, &a);
        benchmark::DoNotOptimize(a);
        ::clock_gettime(CLOCK_MONOTONIC, &b);
        benchmark::DoNotOptimize(b);
    }
}
BENCHMARK(BM_Baseline_TwoClockGettime);

void BM_PushPop_WallClock(benchmark::State& state) {
    static const tim::label_id label{"bm_scoped"};
    for (auto _ : state) {
        tim::scoped<wall_clock> scope{label};
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_PushPop_WallClock);

void BM_PushPop_Macro(benchmark::State& state) {
    for (auto _ : state) {
        TIMEMORY_SCOPED("bm_macro", wall_clock);
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_PushPop_Macro);

void BM_PushPop_CApiByName(benchmark::State& state) {
    timemory_set_default("wall_clock");
    for (auto _ : state) {
        timemory_push_region("bm_c_api");
        timemory_pop_region("bm_c_api");
    }
}
BENCHMARK(BM_PushPop_CApiByName);

void BM_PushPop_RuntimeBundle(benchmark::State& state) {
    const auto components = tim::registry::parse_list("wall_clock");
    const auto label = tim::add_label("bm_runtime");
    for (auto _ : state) {
        tim::runtime_bundle bundle{label, components};
        bundle.start();
        bundle.stop();
    }
}
BENCHMARK(BM_PushPop_RuntimeBundle);

// The same bundle started and stopped again: the steady state of a runtime bundle kept per region.
void BM_PushPop_RuntimeBundleReused(benchmark::State& state) {
    tim::runtime_bundle bundle{tim::add_label("bm_runtime_reused"),
                               tim::registry::parse_list("wall_clock")};
    for (auto _ : state) {
        bundle.start();
        bundle.stop();
    }
}
BENCHMARK(BM_PushPop_RuntimeBundleReused);

void BM_PushPop_RuntimeDisabled(benchmark::State& state) {
    static const tim::label_id label{"bm_disabled"};
    auto& s = tim::settings::instance();
    s.enabled = false;
    s.changed();
    for (auto _ : state) {
        tim::scoped<wall_clock> scope{label};
        benchmark::ClobberMemory();
    }
    s.enabled = true;
    s.changed();
}
BENCHMARK(BM_PushPop_RuntimeDisabled);

void BM_PushPop_CApiDisabled(benchmark::State& state) {
    auto& s = tim::settings::instance();
    s.enabled = false;
    s.changed();
    for (auto _ : state) {
        timemory_push_region("bm_c_disabled");
        timemory_pop_region("bm_c_disabled");
    }
    s.enabled = true;
    s.changed();
}
BENCHMARK(BM_PushPop_CApiDisabled);

}  // namespace

int main(int argc, char** argv) {
    // Nothing measured here is worth writing: keep the benchmark output clean.
    auto& s = tim::settings::instance();
    s.auto_output = false;
    s.changed();
    using tim::bench::ratio_reporter;
    return tim::bench::run_with_ratios(argc, argv, "BM_Baseline_TwoClockGettime",
                                       ratio_reporter::statistic::median);
}
