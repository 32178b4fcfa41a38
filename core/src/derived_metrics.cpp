#include "timemory/core/derived_metrics.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

namespace tim {

std::vector<derived_metric> derived_metrics(const std::vector<std::string>& names,
                                            const std::vector<double>& totals,
                                            double wall_seconds) {
    struct found {
        std::string_view name;
        double value;
    };
    // The first of `names` present in `events`.
    const auto find =
        [&](std::initializer_list<std::string_view> candidates) -> std::optional<found> {
        const std::size_t n = std::min(names.size(), totals.size());
        for (auto name : candidates) {
            for (std::size_t i = 0; i < n; ++i) {
                if (names[i] == name) return found{name, totals[i]};
            }
        }
        return std::nullopt;
    };
    const auto text = [](std::string_view s) { return std::string{s}; };

    std::vector<derived_metric> out;
    // GPU: bytes over the kernels' own time (nanoseconds), not over the host's wall time.
    if (const auto ns = find({"gpu__time_duration.sum"}); ns && ns->value > 0.0) {
        const double seconds = ns->value * 1.0e-9;
        for (auto [metric, label] : {std::pair{"dram__bytes.sum", "DRAM bandwidth"},
                                     std::pair{"dram__bytes_read.sum", "DRAM read bandwidth"},
                                     std::pair{"dram__bytes_write.sum", "DRAM write bandwidth"}}) {
            if (const auto bytes = find({metric})) {
                out.push_back({label, bytes->value / seconds, "bytes/s",
                               text(metric) + " / gpu__time_duration.sum"});
            }
        }
    }
    const auto ins = find({"PAPI_TOT_INS", "perf::INSTRUCTIONS"});
    const auto cyc = find({"PAPI_TOT_CYC", "perf::CYCLES"});
    if (ins && cyc && cyc->value > 0.0) {
        out.push_back({"IPC", ins->value / cyc->value, "instructions/cycle",
                       text(ins->name) + " / " + text(cyc->name)});
    }
    if (wall_seconds <= 0.0) return out;
    const auto dp = find({"PAPI_DP_OPS"});
    const auto sp = find({"PAPI_SP_OPS"});
    const auto fp = find({"PAPI_FP_OPS"});
    if (dp)
        out.push_back({"DP FLOP/s", dp->value / wall_seconds, "FLOP/s", "PAPI_DP_OPS / wall time"});
    if (sp)
        out.push_back({"SP FLOP/s", sp->value / wall_seconds, "FLOP/s", "PAPI_SP_OPS / wall time"});
    if (dp && sp) {
        out.push_back({"FLOP/s", (dp->value + sp->value) / wall_seconds, "FLOP/s",
                       "(PAPI_DP_OPS + PAPI_SP_OPS) / wall time"});
    } else if (fp) {
        out.push_back({"FLOP/s", fp->value / wall_seconds, "FLOP/s", "PAPI_FP_OPS / wall time"});
    }
    return out;
}

}  // namespace tim
