// cupti_counters' metric list: settings.cupti_metrics (metrics::default_metrics when empty),
// checked for the chip of settings.cupti_device, fixed once usable. The same rules as papi_array
// (host/src/papi_config.cpp): the list is read each time cupti_counters is looked up for
// measuring until one with a collectable metric is found, then fixed for the process, because
// bundles and call graphs size their columns from the registry entry completed here.
#include "counters/counters_catalogue.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/gpu/device.hpp"
#include "timemory/gpu/indices.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <set>

namespace tim::gpu::counters {
namespace {

struct config_state {
    std::mutex mutex;
    bool validated = false;  ///< `current` reflects `current.requested`
    metric_set current;
    std::set<std::vector<std::string>> ignored;  ///< lists already warned about once fixed
};

config_state& state() {
    static auto* instance = new config_state{};
    return *instance;
}

// Set once, never destroyed: the registry's value labels point into it.
std::atomic<const fixed_metrics*> fixed{nullptr};

metric_set validate(const std::vector<std::string>& names) {
    metric_set out;
    out.requested = names;
    if (!has_device()) {
        out.reason = device_unavailable_reason();
        return out;
    }
    try {
        const auto chip = device_chip(static_cast<int>(settings_device()));
        out = check(names, chip);
    } catch (const std::exception& e) {
        out.reason = e.what();
    }
    return out;
}

void report(const metric_set& c) {
    const std::string collected = c.metrics.empty() ? ""
                                                    : "; cupti_counters collects the others: " +
                                                          settings::join_list(c.metrics);
    for (const auto& [name, why] : c.rejected) {
        log::warning("CUPTI metric '", name, "' is not collected: ", why, collected);
    }
}

void fix(const metric_set& c) {
    auto* kept =
        new fixed_metrics{c.chip, c.metrics, {}, c.passes, static_cast<int>(settings_device())};
    for (const auto& n : kept->names) kept->c_names.push_back(n.c_str());
    // The descriptions live as long as the labels: keep them beside the names.
    auto* descriptions = new std::vector<std::string>{c.descriptions};
    std::vector<value_info> values;
    for (std::size_t i = 0; i < kept->names.size(); ++i) {
        values.push_back({kept->names[i], (*descriptions)[i], c.kinds[i]});
    }
    registry::set_value_layout(cupti_counters_index, std::move(values), 0);
    fixed.store(kept, std::memory_order_release);
}

}  // namespace

std::int64_t settings_device() {
    return settings::instance().cupti_device;
}

metric_set current_configuration() {
    const auto names = metrics::requested_metrics();
    auto& st = state();
    std::lock_guard<std::mutex> lock{st.mutex};
    if (st.current.fixed) {
        if (names != st.current.requested && st.ignored.insert(names).second) {
            log::warning("settings.cupti_metrics changed to '", settings::join_list(names),
                         "' after cupti_counters' metrics were fixed; it keeps collecting ",
                         settings::join_list(st.current.metrics),
                         " (the list is fixed for the process once cupti_counters is in use)");
        }
        return st.current;
    }
    if (st.validated && names == st.current.requested) return st.current;
    st.current = validate(names);
    // Without a device nothing was checked: check again once there might be one (never, in
    // practice; the answer is cached by has_device()).
    st.validated = has_device();
    report(st.current);
    if (!st.current.metrics.empty()) {
        try {
            fix(st.current);
            st.current.fixed = true;
        } catch (const std::exception& e) {
            st.current.reason = std::string{"cupti_counters: "} + e.what();
            st.current.metrics.clear();
        }
    }
    return st.current;
}

const fixed_metrics* fixed_configuration() noexcept {
    return fixed.load(std::memory_order_acquire);
}

void install_metrics_backend() noexcept {
    static const metrics::backend table = [] {
        metrics::backend b;
        b.supported_chips = &list_chips;
        b.device_chip = &device_chip;
        b.list = &list;
        b.describe = &describe;
        b.check = &check;
        b.current_configuration = &current_configuration;
        b.unavailable_reason = &unavailable_reason;
        return b;
    }();
    plugins::publish(metrics::backend_service, &table);
}

}  // namespace tim::gpu::counters
