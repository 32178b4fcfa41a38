#include "timemory/hardware_counters.hpp"

#include "timemory/core/settings.hpp"
#include "timemory/gpu/metrics.hpp"

#include <exception>
#include <stdexcept>
#include <utility>

namespace tim::hardware_counters {
namespace {

namespace metrics = gpu::metrics;

counter from_metric(metrics::metric_info m, const std::string& chip, const std::string& why) {
    counter out;
    out.source = api::cupti;
    out.event.name = std::move(m.name);
    out.event.description = std::move(m.description);
    out.event.units = std::move(m.dim_unit);
    out.event.component = "cupti";
    out.event.kind = m.kind;
    out.event.available = m.valid && why.empty();
    out.event.reason = m.valid ? why : m.reason;
    out.chip = chip;
    out.metric_type = std::move(m.type);
    out.submetrics = std::move(m.submetrics);
    return out;
}

std::vector<counter> cupti_metrics(std::string_view chip_arg, bool only_available) {
    if (!metrics::unavailable_reason().empty()) return {};  // no CUDA or no libcupti
    std::string chip{chip_arg};
    if (chip.empty()) {
        std::string why;
        chip = device_chip(why);
        if (chip.empty()) return {};  // no GPU here: name a chip to list one offline
    }
    std::vector<counter> out;
    const auto why = chip_unavailable_reason(chip);
    if (only_available && !why.empty()) return out;
    for (auto& m : metrics::list(chip)) out.push_back(from_metric(std::move(m), chip, why));
    return out;
}

}  // namespace

std::string device_chip(std::string& why) {
    try {
        return metrics::device_chip(static_cast<int>(settings::instance().cupti_device));
    } catch (const std::exception& e) {
        why = e.what();
        return {};
    }
}

std::string chip_or_device(std::string_view chip) {
    if (!chip.empty()) return std::string{chip};
    std::string why;
    auto here = device_chip(why);
    if (here.empty()) throw std::runtime_error(why + "; name a chip, e.g. GH100");
    return here;
}

std::string chip_unavailable_reason(const std::string& chip) {
    std::string why;
    const auto here = device_chip(why);
    if (!why.empty()) return why;
    return here == chip ? std::string{} : "this machine's GPU is " + here + ", not " + chip;
}

std::string cupti_unavailable_reason() {
    if (auto why = metrics::unavailable_reason(); !why.empty()) return why;
    std::string why;
    device_chip(why);
    return why;
}

std::vector<counter> available(api which, bool only_available, std::string_view chip) {
    std::vector<counter> out;
    if (which != api::cupti) {
        for (auto& e : papi::list_events()) {
            if (!only_available || e.available)
                out.push_back({api::papi, std::move(e), {}, {}, {}});
        }
    }
    if (which != api::papi) {
        for (auto& c : cupti_metrics(chip, only_available)) out.push_back(std::move(c));
    }
    return out;
}

counter info(std::string_view name, api which, std::string_view chip_arg) {
    if (which == api::unknown) {
        which = name.find("__") != std::string_view::npos ? api::cupti : api::papi;
    }
    if (which == api::papi) return {api::papi, papi::query_event(name), {}, {}, {}};
    if (const auto why = metrics::unavailable_reason(); !why.empty()) {
        counter out;
        out.source = api::cupti;
        out.event.name = std::string{name};
        out.event.reason = "CUPTI metrics unavailable: " + why;
        return out;
    }
    const auto chip = chip_or_device(chip_arg);
    return from_metric(metrics::describe(name, chip), chip, chip_unavailable_reason(chip));
}

}  // namespace tim::hardware_counters
