// NVIDIA GPU metrics, as CUPTI's Profiler Host API describes them for a chip: the catalogue
// behind `timemory-avail -H --chip GH100`, Python's timemory.hardware_counters (api.cupti) and
// the cupti_counters component's configuration.
//
//   auto set = tim::gpu::metrics::check({"dram__bytes.sum", "sm__throughput.avg.pct_of_peak_"
//                                        "sustained_elapsed"}, "GH100");
//   set.passes;  // 8: sm__throughput needs replay; dram__bytes.sum alone fits in one pass
//
// The host half of CUPTI's profiler needs no GPU and no driver: a chip name is enough to list its
// metrics, validate names and count replay passes, so all of this works (and is tested) on a
// machine without a GPU. An empty chip name means the chip of settings.cupti_device, which needs
// a device.
//
// This header includes no CUDA: every build has it, with or without the GPU plugin. The catalogue
// itself is in the plugin (gpu/src/counters/); the functions below reach it at run time through
// the table it publishes with the core (tim::plugins::find), and without it each one reports why
// (built without CUDA, plugin not loaded, libcupti missing). Nothing needs to link the plugin.
#pragma once

#include "timemory/core/component_info.hpp"
#include "timemory/core/plugins.hpp"
#include "timemory/core/settings.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tim::gpu::metrics {

/// One metric as CUPTI describes it on a chip.
struct metric_info {
    std::string name;         ///< as asked: a base metric "dram__bytes" or a full "dram__bytes.sum"
    std::string base;         ///< the base metric ("dram__bytes")
    std::string description;  ///< CUPTI's description
    std::string hw_unit;      ///< the unit of hardware counting it: "dram", "sm", "gpu", ...
    std::string dim_unit;     ///< "byte", "nanosecond", "percent", "cycle", "" (a pure number) ...
    std::string type;         ///< "counter", "ratio" or "throughput"
    std::vector<std::string>
        submetrics;                     ///< the suffixes that make full names: ".sum", ".avg", ...
    unit_kind kind = unit_kind::count;  ///< how timemory displays its values (from dim_unit)
    bool valid = false;                 ///< the chip knows it (and the suffix, for a full name)
    std::string reason;                 ///< why not, when !valid
};

/// A list of metrics checked together for a chip: what cupti_counters collects.
struct metric_set {
    std::string chip;                       ///< "GH100", ...
    std::vector<std::string> requested;     ///< the names asked for
    std::vector<std::string> metrics;       ///< accepted, in value order
    std::vector<unit_kind> kinds;           ///< display kind of each accepted metric
    std::vector<std::string> descriptions;  ///< CUPTI's description of each accepted metric
    std::vector<std::pair<std::string, std::string>> rejected;  ///< (name, why)
    std::vector<std::size_t> passes_each;  ///< replay passes each accepted metric needs alone
    std::size_t passes = 0;                ///< replay passes for all accepted metrics together
    std::string reason;                    ///< "" when metrics is not empty, else why nothing
    bool fixed = false;                    ///< cupti_counters' list, fixed for the process
};

/// Metrics cupti_counters collects when settings.cupti_metrics is empty: one replay pass on
/// Ampere and Hopper, and enough for DRAM bandwidth (dram__bytes / gpu__time_duration).
inline constexpr const char* default_metrics =
    "gpu__time_duration.sum,dram__bytes.sum,smsp__inst_executed.sum,sm__cycles_elapsed.avg";

/// The plugin's implementation of the functions below (each may throw as documented). The plugin
/// publishes one, for the process, under backend_service (tim::plugins::publish).
struct backend {
    std::vector<std::string> (*supported_chips)() = nullptr;
    std::string (*device_chip)(int device) = nullptr;
    std::vector<metric_info> (*list)(std::string_view chip) = nullptr;
    metric_info (*describe)(std::string_view name, std::string_view chip) = nullptr;
    metric_set (*check)(const std::vector<std::string>& names, std::string_view chip) = nullptr;
    metric_set (*current_configuration)() = nullptr;
    std::string (*unavailable_reason)() = nullptr;
};
inline constexpr std::string_view backend_service = "gpu.metrics";

namespace detail {
/// The plugin's table, or nullptr when it is not loaded (loads plugins on first use).
inline const backend* installed() {
    return static_cast<const backend*>(plugins::find(backend_service));
}
/// Why there is no table: the plugin's status, or that it published none.
inline std::string missing_reason() {
    const auto& status = plugins::status("gpu");
    return status.empty() ? std::string{"GPU plugin loaded without CUPTI metrics"} : status;
}
inline const backend& require() {
    const auto* b = installed();
    if (b == nullptr) throw std::runtime_error("CUPTI metrics unavailable: " + missing_reason());
    return *b;
}
}  // namespace detail

/// settings.cupti_metrics split into names, or default_metrics when it is empty: what
/// cupti_counters is asked to collect.
inline std::vector<std::string> requested_metrics() {
    auto names = settings::split_list(settings::instance().cupti_metrics);
    return names.empty() ? settings::split_list(default_metrics) : names;
}

/// "" when the catalogue works here (libcupti and its host library load); else why not:
/// "built without CUDA", "GPU plugin not loaded: ...", "CUPTI not loaded: ...".
inline std::string unavailable_reason() {
    const auto* b = detail::installed();
    return b == nullptr ? detail::missing_reason() : b->unavailable_reason();
}

/// Chips CUPTI can describe offline ("GV100", ..., "GH100", "GB100", ...). Throws
/// std::runtime_error with unavailable_reason() when the catalogue does not work.
inline std::vector<std::string> supported_chips() {
    return detail::require().supported_chips();
}

/// The chip of CUDA device `device` ("GH100" on an H100 or H200). Throws std::runtime_error
/// naming why there is none (no CUDA device, CUPTI's error).
inline std::string device_chip(int device) {
    return detail::require().device_chip(device);
}

/// Every base metric of `chip` ("" = the chip of settings.cupti_device), with description, units
/// and submetrics. Throws std::invalid_argument for a chip CUPTI does not know (naming the valid
/// ones) and std::runtime_error when the catalogue does not work or no chip is given and there is
/// no device.
inline std::vector<metric_info> list(std::string_view chip) {
    return detail::require().list(chip);
}

/// One metric, base or full name. An unknown name gives valid == false and the reason (with close
/// matches); the chip errors are those of list().
inline metric_info describe(std::string_view name, std::string_view chip) {
    return detail::require().describe(name, chip);
}

/// Validate each name on its own (a full name is needed: "dram__bytes.sum", not "dram__bytes"),
/// count the passes each one needs and the passes of all accepted together. Rejected names are
/// listed with the reason; the rest are kept. Chip errors as list().
inline metric_set check(const std::vector<std::string>& names, std::string_view chip) {
    return detail::require().check(names, chip);
}

/// What cupti_counters collects: requested_metrics() checked for the chip of
/// settings.cupti_device. Like papi_array, the list is re-read until it is usable and then fixed
/// for the process: calling this (as looking cupti_counters up does) fixes it once it is usable,
/// and completes cupti_counters' registry entry. Without a device: reason says so, metrics empty.
inline metric_set current_configuration() {
    if (const auto* b = detail::installed(); b != nullptr) return b->current_configuration();
    metric_set out;
    out.reason = detail::missing_reason();
    return out;
}

}  // namespace tim::gpu::metrics
