// Derived metrics from event totals (timemory/components/papi.hpp). They are ratios of totals
// (a region's summed counts over its summed time), so they are computed after measuring, never
// accumulated per lap: the mean of per-lap IPCs is not the region's IPC.
#include "timemory/components/papi.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

namespace tim::papi {

std::vector<derived_metric> derived_metrics(const std::vector<std::string>& events,
                                            const std::vector<double>& totals,
                                            double wall_seconds) {
    struct found {
        std::string_view name;
        double value;
    };
    // The first of `names` present in `events`.
    const auto find = [&](std::initializer_list<std::string_view> names) -> std::optional<found> {
        const std::size_t n = std::min(events.size(), totals.size());
        for (auto name : names) {
            for (std::size_t i = 0; i < n; ++i) {
                if (events[i] == name) return found{name, totals[i]};
            }
        }
        return std::nullopt;
    };
    const auto text = [](std::string_view s) { return std::string{s}; };

    std::vector<derived_metric> out;
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

}  // namespace tim::papi
