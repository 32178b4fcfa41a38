// papi_array region overhead against its floor measured in the same process: a region reads the
// counters twice (push and pop), so two bare PAPI_read calls on an event set holding the same
// events are the baseline. Prints each benchmark's best time and its ratio to the baseline's
// after the Google Benchmark table (target: push+pop of a papi_array region <= 1.3x the two
// bare reads).
//
//   TIMEMORY_PAPI_EVENTS="perf::TASK-CLOCK,perf::PAGE-FAULTS"   (the default here)
//   build/bench/timemory-bm-papi --benchmark_repetitions=5 --benchmark_min_time=0.2
//
// PAPI runs one event set per thread at a time, and papi_array's set runs for the rest of the
// thread once it started: the baseline is registered first and must run first (no
// --benchmark_enable_random_interleaving); it reports an error otherwise.
#include "ratio_reporter.hpp"

#include <benchmark/benchmark.h>
#include <papi.h>
#include <timemory/components/papi.hpp>
#include <timemory/timemory.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace {

void BM_Baseline_TwoPapiReads(benchmark::State& state) {
    int set = PAPI_NULL;
    PAPI_create_eventset(&set);
    for (const auto& name : tim::papi::current_configuration().events) {
        int code = PAPI_NULL;
        if (PAPI_event_name_to_code(name.c_str(), &code) != PAPI_OK ||
            PAPI_add_event(set, code) != PAPI_OK) {
            state.SkipWithError(("cannot add " + name).c_str());
            return;
        }
    }
    if (const int rc = PAPI_start(set); rc != PAPI_OK) {
        state.SkipWithError(("PAPI_start: " + std::string{PAPI_strerror(rc)} +
                             " (papi_array's set already runs on this thread?)")
                                .c_str());
        return;
    }
    long long a[tim::max_component_raw];
    long long b[tim::max_component_raw];
    for (auto _ : state) {
        PAPI_read(set, a);
        benchmark::DoNotOptimize(a);
        PAPI_read(set, b);
        benchmark::DoNotOptimize(b);
    }
    PAPI_stop(set, a);
    PAPI_cleanup_eventset(set);
    PAPI_destroy_eventset(&set);
}
BENCHMARK(BM_Baseline_TwoPapiReads);

void BM_PushPop_PapiArray(benchmark::State& state) {
    tim::runtime_bundle bundle{"bm_papi", tim::registry::parse_list("papi_array")};
    for (auto _ : state) {
        bundle.start();
        bundle.stop();
    }
}
BENCHMARK(BM_PushPop_PapiArray);

void BM_PushPop_PapiArrayNewBundle(benchmark::State& state) {
    const auto components = tim::registry::parse_list("papi_array");
    const auto label = tim::add_label("bm_papi_new");
    for (auto _ : state) {
        tim::runtime_bundle bundle{label, components};
        bundle.start();
        bundle.stop();
    }
}
BENCHMARK(BM_PushPop_PapiArrayNewBundle);

void BM_PushPop_RegionByName(benchmark::State& state) {
    tim::region::set_default("papi_array");
    for (auto _ : state) {
        tim::region::push("bm_papi_region");
        tim::region::pop("bm_papi_region");
    }
}
BENCHMARK(BM_PushPop_RegionByName);

}  // namespace

int main(int argc, char** argv) {
    // Nothing measured here is worth writing: keep the benchmark output clean.
    auto& s = tim::settings::instance();
    s.auto_output = false;
    if (s.papi_events.empty()) s.papi_events = "perf::TASK-CLOCK,perf::PAGE-FAULTS";
    s.changed();
    // Fix papi_array's events now (no event set starts until the first region).
    const auto config = tim::papi::current_configuration();
    if (config.events.empty()) {
        std::fprintf(stderr, "papi_array cannot count here: %s\n", config.reason.c_str());
        return 1;
    }
    std::string events;
    for (const auto& e : config.events) events += (events.empty() ? "" : ",") + e;
    std::printf("papi_array events: %s\n", events.c_str());

    using tim::bench::ratio_reporter;
    return tim::bench::run_with_ratios(argc, argv, "BM_Baseline_TwoPapiReads",
                                       ratio_reporter::statistic::best);
}
