// tim::gpu::metrics (gpu/include/timemory/gpu/metrics.hpp) implemented with CUPTI's
// Profiler Host API: chips, metric listing and description, validation and pass counting.
// Everything here works from a chip name alone, without a GPU; only "the device's chip" needs
// one. One host object per chip is kept for the process (creating the first one loads
// libnvperf_host, ~150 ms); a fresh one is made for each pass count, because a host object
// accumulates every metric added to it.
#include "counters/counters_catalogue.hpp"

#include "counters/counters_host.hpp"
#include "cupti/cupti_api.hpp"
#include "cupti/cupti_subscriber.hpp"

#include "timemory/core/close_matches.hpp"
#include "timemory/core/component_info.hpp"
#include "timemory/gpu/device.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace tim::gpu::counters {
namespace {

struct chip_catalogue {
    explicit chip_catalogue(const std::string& chip) : object{chip} {
        for (auto& m : object.base_metrics()) {
            types.emplace(m.name, m.type);
            names.push_back(std::move(m.name));
        }
    }
    host_object object;
    std::vector<std::string> names;  ///< base metrics, CUPTI's order
    std::unordered_map<std::string, CUpti_MetricType> types;
};

std::mutex& catalogue_mutex() {
    static auto* m = new std::mutex{};
    return *m;
}

std::string type_name(CUpti_MetricType type) {
    switch (type) {
        case CUPTI_METRIC_TYPE_COUNTER:
            return "counter";
        case CUPTI_METRIC_TYPE_RATIO:
            return "ratio";
        case CUPTI_METRIC_TYPE_THROUGHPUT:
            return "throughput";
        default:
            return "unknown";
    }
}

// "a, b, ..." of at most `max` items (0: all), saying how many there are when cut.
std::string join(const std::vector<std::string>& items, std::size_t max = 0) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (max != 0 && i == max)
            return out + ", ... (" + std::to_string(items.size()) + " in all)";
        out += (i ? ", " : "") + items[i];
    }
    return out;
}

const std::vector<std::string>& chips_locked() {
    static const auto* chips = new std::vector<std::string>{supported_chips()};
    return *chips;
}

// The catalogue of `chip` ("" = the device's), created on first use. Caller holds the mutex.
chip_catalogue& catalogue_locked(std::string_view chip_name) {
    static auto* cache = new std::map<std::string, std::unique_ptr<chip_catalogue>>{};
    std::string chip{chip_name};
    if (chip.empty()) {
        if (!has_device()) {
            throw std::runtime_error(device_unavailable_reason() +
                                     "; name a chip to use CUPTI's metric tables offline, e.g. "
                                     "GH100");
        }
        chip = device_chip(static_cast<int>(settings_device()));
    }
    if (auto it = cache->find(chip); it != cache->end()) return *it->second;
    const auto& chips = chips_locked();
    if (std::find(chips.begin(), chips.end(), chip) == chips.end()) {
        throw std::invalid_argument("unknown chip '" + chip + "'" +
                                    did_you_mean(close_matches(chip, chips)) +
                                    " (chips CUPTI knows: " + join(chips) + ")");
    }
    auto& slot = (*cache)[chip];
    slot = std::make_unique<chip_catalogue>(chip);
    return *slot;
}

// "" when the host API can be used in this process.
std::string host_api_reason() {
#if defined(__SANITIZE_ADDRESS__)
    // The process would abort: ASan refuses RTLD_DEEPBIND, and libcupti opens its metric
    // library (libnvperf_host) with it.
    return "CUPTI's metric tables cannot be loaded under AddressSanitizer (libcupti dlopens "
           "libnvperf_host with RTLD_DEEPBIND)";
#else
    return cupti::load() == nullptr ? cupti::load_error() : std::string{};
#endif
}

void require_library() {
    if (auto why = host_api_reason(); !why.empty()) throw std::runtime_error(why);
}

metric_info describe_locked(chip_catalogue& c, std::string_view name_text) {
    metric_info out;
    out.name = std::string{name_text};
    const auto dot = out.name.find('.');
    out.base = out.name.substr(0, dot);
    const auto type = c.types.find(out.base);
    if (type == c.types.end()) {
        out.reason = "unknown metric '" + out.base + "' on " + c.object.chip() +
                     did_you_mean(close_matches(out.base, c.names)) +
                     " (timemory-avail -H --chip " + c.object.chip() + " lists them)";
        return out;
    }
    out.submetrics = c.object.submetrics(out.base, type->second);
    CUptiResult r = CUPTI_SUCCESS;
    const auto props = c.object.describe(out.base, r);
    out.description = props.description;
    out.hw_unit = props.hw_unit;
    out.dim_unit = props.dim_unit;
    out.type = type_name(type->second);
    const std::string suffix = dot == std::string::npos ? std::string{} : out.name.substr(dot);
    out.kind = display_kind(out.dim_unit, suffix);
    if (!suffix.empty() &&
        std::find(out.submetrics.begin(), out.submetrics.end(), suffix) == out.submetrics.end()) {
        out.reason = "'" + suffix + "' is not a submetric of " + out.base +
                     did_you_mean(close_matches(suffix, out.submetrics)) +
                     " (valid: " + join(out.submetrics, 12) + ")";
        return out;
    }
    out.valid = true;
    return out;
}

// The passes of `names` together, from a fresh host object; CUPTI's error as `why`.
std::size_t passes_locked(const std::string& chip, const std::vector<std::string>& names,
                          std::string& why) {
    host_object object{chip};
    if (const auto r = object.add(names); r != CUPTI_SUCCESS) {
        why = error_text("cuptiProfilerHostConfigAddMetrics", r);
        return 0;
    }
    auto image = object.config_image();
    return host_object::passes(image);
}

}  // namespace

unit_kind display_kind(std::string_view dim_unit, std::string_view suffix) {
    const auto has = [&](std::string_view part) {
        return suffix.find(part) != std::string_view::npos;
    };
    if (has("pct")) return unit_kind::percent;
    if (has("per_second")) return dim_unit == "byte" ? unit_kind::rate : unit_kind::count;
    if (has("per_cycle") || has("peak_sustained") || has("ratio") || has("max_rate")) {
        return unit_kind::count;
    }
    if (dim_unit == "nanosecond") return unit_kind::timing;
    if (dim_unit == "byte") return unit_kind::memory;
    if (dim_unit == "percent") return unit_kind::percent;
    return unit_kind::count;
}

std::string unavailable_reason() {
    return host_api_reason();
}

std::vector<std::string> list_chips() {
    require_library();
    std::lock_guard<std::mutex> lock{catalogue_mutex()};
    return chips_locked();
}

std::string initialize_profiler() {
    static const std::string error = []() -> std::string {
        if (!has_device()) return device_unavailable_reason();
        if (auto why = host_api_reason(); !why.empty()) return why;
        auto init = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Initialize_Params);
        const auto r = cupti::api().cuptiProfilerInitialize(&init);
        return r == CUPTI_SUCCESS ? std::string{} : error_text("cuptiProfilerInitialize", r);
    }();
    return error;
}

std::string device_chip(int device) {
    if (!has_device()) throw std::runtime_error(device_unavailable_reason());
    require_library();
    if (auto why = initialize_profiler(); !why.empty()) throw std::runtime_error(why);
    auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Device_GetChipName_Params);
    p.deviceIndex = static_cast<std::size_t>(device);
    if (const auto r = cupti::api().cuptiDeviceGetChipName(&p); r != CUPTI_SUCCESS) {
        throw std::runtime_error("no chip name for CUDA device " + std::to_string(device) + ": " +
                                 error_text("cuptiDeviceGetChipName", r));
    }
    return p.pChipName;
}

std::vector<metric_info> list(std::string_view chip) {
    require_library();
    std::lock_guard<std::mutex> lock{catalogue_mutex()};
    auto& c = catalogue_locked(chip);
    std::vector<metric_info> out;
    out.reserve(c.names.size());
    for (const auto& name : c.names) out.push_back(describe_locked(c, name));
    return out;
}

metric_info describe(std::string_view name, std::string_view chip) {
    require_library();
    std::lock_guard<std::mutex> lock{catalogue_mutex()};
    return describe_locked(catalogue_locked(chip), name);
}

metric_set check(const std::vector<std::string>& names, std::string_view chip) {
    require_library();
    std::lock_guard<std::mutex> lock{catalogue_mutex()};
    auto& c = catalogue_locked(chip);
    metric_set out;
    out.chip = c.object.chip();
    out.requested = names;
    for (const auto& name : names) {
        const auto seen = [&](const auto& entry) { return entry.first == name; };
        if (std::find(out.metrics.begin(), out.metrics.end(), name) != out.metrics.end() ||
            std::any_of(out.rejected.begin(), out.rejected.end(), seen)) {
            continue;  // asked twice: reported once
        }
        auto info = describe_locked(c, name);
        std::string why = info.reason;
        if (why.empty() && name.find('.') == std::string::npos) {
            why = "'" + name + "' is a base metric: add a submetric to collect it, e.g. " + name +
                  (info.submetrics.empty() ? std::string{".sum"} : info.submetrics.front()) +
                  " (valid: " + join(info.submetrics, 12) + ")";
        }
        if (why.empty() && out.metrics.size() >= max_component_values) {
            why = "cupti_counters collects at most " + std::to_string(max_component_values) +
                  " metrics";
        }
        std::size_t passes = 0;
        if (why.empty()) passes = passes_locked(out.chip, {name}, why);
        if (!why.empty()) {
            out.rejected.emplace_back(name, std::move(why));
            continue;
        }
        out.metrics.push_back(name);
        out.kinds.push_back(info.kind);
        out.descriptions.push_back(info.description);
        out.passes_each.push_back(passes);
    }
    if (out.metrics.empty()) {
        out.reason = names.empty()
                         ? std::string{"no CUPTI metrics requested"}
                         : "none of the CUPTI metrics can be collected on " + out.chip + ":";
        for (const auto& [name, why] : out.rejected) out.reason += " " + name + " (" + why + ");";
        if (out.reason.back() == ';') out.reason.pop_back();
        return out;
    }
    std::string why;
    out.passes = passes_locked(out.chip, out.metrics, why);
    if (!why.empty())
        throw std::runtime_error("CUPTI metrics " + join(out.metrics) + " on " + out.chip + ": " +
                                 why);
    return out;
}

}  // namespace tim::gpu::counters
