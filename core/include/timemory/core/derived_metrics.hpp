// Metrics computed from hardware-counter totals after measuring: IPC and FLOP/s from PAPI events,
// DRAM bandwidth from CUPTI metrics. They are ratios of totals (a region's summed counts over its
// summed time), never accumulated per lap: the mean of per-lap IPCs is not the region's IPC.
//
//   auto d = tim::derived_metrics({"dram__bytes.sum", "gpu__time_duration.sum"},
//                                 {4.0e9, 2.0e6}, 0.0);   // "DRAM bandwidth" = 2e12 bytes/s
#pragma once

#include <string>
#include <vector>

namespace tim {

struct derived_metric {
    std::string name;  ///< "IPC", "DP FLOP/s", "DRAM bandwidth", ...
    double value = 0.0;
    std::string units;    ///< "instructions/cycle", "FLOP/s", "bytes/s"
    std::string formula;  ///< "PAPI_TOT_INS / PAPI_TOT_CYC"
};

/// Derived metrics for the counters present in `names` (values `totals`, the same order, e.g. a
/// region's papi_array and cupti_counters sums) and `wall_seconds` of wall-clock time (<= 0:
/// the wall-time rates are skipped):
///   IPC            = PAPI_TOT_INS / PAPI_TOT_CYC   (perf::INSTRUCTIONS / perf::CYCLES)
///   DP FLOP/s      = PAPI_DP_OPS / wall_seconds,  SP FLOP/s likewise
///   FLOP/s         = (PAPI_DP_OPS + PAPI_SP_OPS) / wall_seconds   (or PAPI_FP_OPS alone)
///   DRAM bandwidth = dram__bytes.sum / gpu__time_duration.sum    (bytes/s, GPU time in ns)
///   DRAM read / write bandwidth likewise from dram__bytes_read.sum / dram__bytes_write.sum
/// A metric whose inputs are missing or whose denominator is zero is left out.
std::vector<derived_metric> derived_metrics(const std::vector<std::string>& names,
                                            const std::vector<double>& totals, double wall_seconds);

}  // namespace tim
