// Private to gpu/src: the metric catalogue (counters_catalogue.cpp) and cupti_counters'
// configuration (counters_config.cpp), behind tim::gpu::metrics (timemory/gpu/metrics.hpp).
#pragma once

#include "timemory/gpu/metrics.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tim::gpu::counters {

using metrics::metric_info;
using metrics::metric_set;

// ---- catalogue (counters_catalogue.cpp): the tim::gpu::metrics functions -----------------------
std::string unavailable_reason();
std::vector<std::string> list_chips();
std::string device_chip(int device);
std::vector<metric_info> list(std::string_view chip);
metric_info describe(std::string_view name, std::string_view chip);
metric_set check(const std::vector<std::string>& names, std::string_view chip);

/// cuptiProfilerInitialize, once per process, with a device only (without one it crashes
/// libcupti): "" or why it failed. Target-side profiler calls (the device's chip, counter
/// availability, the range profiler) come after it.
std::string initialize_profiler();

/// How timemory displays a metric's values, from its dimension ("byte", "nanosecond", ...) and
/// the submetric suffix (".sum", ".avg.per_second", ".avg.pct_of_peak_sustained_elapsed", ...).
unit_kind display_kind(std::string_view dim_unit, std::string_view suffix);

// ---- cupti_counters' configuration (counters_config.cpp) --------------------------------------
/// settings.cupti_device.
std::int64_t settings_device();

/// What cupti_counters collects (see tim::gpu::metrics::current_configuration). The first usable
/// list completes cupti_counters' registry entry (one value per metric) and is fixed.
metric_set current_configuration();

/// The fixed list (empty before): what the range profiler collects, with C strings for CUPTI.
struct fixed_metrics {
    std::string chip;
    std::vector<std::string> names;
    std::vector<const char*> c_names;
    std::size_t passes = 0;
    int device = 0;  ///< the CUDA device whose chip they were checked for (settings.cupti_device)
};
const fixed_metrics* fixed_configuration() noexcept;

/// Publish the functions above with the core, as tim::gpu::metrics finds them.
void install_metrics_backend() noexcept;

}  // namespace tim::gpu::counters
