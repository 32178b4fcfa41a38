// Console reporter that prints, after the usual table, each benchmark's time per iteration as a
// ratio to a baseline benchmark run in the same process: the figures docs/performance.md keeps.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tim::bench {

class ratio_reporter : public benchmark::ConsoleReporter {
  public:
    /// median: the median aggregate of repetitions (or the single run); best: the lowest run,
    /// for benchmarks whose cost moves with machine load (system calls).
    enum class statistic { median, best };

    ratio_reporter(std::string baseline, statistic stat)
        : m_baseline{std::move(baseline)}, m_stat{stat} {}

    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& run : runs) {
            if (run.error_occurred) continue;
            const bool aggregate = run.run_type == Run::RT_Aggregate;
            if (m_stat == statistic::best ? aggregate
                                          : aggregate && run.aggregate_name != "median") {
                continue;
            }
            const double ns = run.GetAdjustedCPUTime();
            auto& entry = m_times[run.run_name.function_name];
            // A median aggregate replaces the single runs before it; otherwise keep the lowest.
            if (aggregate || entry == 0.0 || ns < entry) entry = ns;
        }
    }

    void print_ratios() const {
        auto base = m_times.find(m_baseline);
        if (base == m_times.end() || base->second <= 0.0) return;
        std::printf("\n%-34s %12s %10s\n",
                    m_stat == statistic::best ? "benchmark (best run)" : "benchmark", "ns/iter",
                    "x baseline");
        for (const auto& [name, ns] : m_times) {
            std::printf("%-34s %12.2f %10.2f\n", name.c_str(), ns, ns / base->second);
        }
    }

  private:
    std::string m_baseline;
    statistic m_stat;
    std::map<std::string, double> m_times;
};

/// Runs the benchmarks the command line selects and prints each one's ratio to `baseline`;
/// returns the process's exit status (1 for an argument Google Benchmark does not know).
inline int run_with_ratios(int& argc, char** argv, std::string baseline,
                           ratio_reporter::statistic stat) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    ratio_reporter reporter{std::move(baseline), stat};
    benchmark::RunSpecifiedBenchmarks(&reporter);
    reporter.print_ratios();
    benchmark::Shutdown();
    return 0;
}

}  // namespace tim::bench
