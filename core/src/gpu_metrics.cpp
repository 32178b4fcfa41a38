// Forwards tim::gpu::metrics to the GPU plugin (gpu/src/counters_catalogue.cpp), or says why it
// cannot.
#include "timemory/core/gpu_metrics.hpp"

#include "timemory/core/gpu_components.hpp"
#include "timemory/core/settings.hpp"

#include <atomic>
#include <stdexcept>

namespace tim::gpu::metrics {
namespace {

std::atomic<const backend*> installed{nullptr};

const backend* get() {
    detail::load_plugins();
    return installed.load(std::memory_order_acquire);
}

// The plugin's own reason when it is there, else why it is not.
std::string missing_reason() {
    const auto& status = plugin_status();
    return status.empty() ? std::string{"GPU plugin loaded without CUPTI metrics"} : status;
}

const backend& require() {
    const auto* b = get();
    if (b == nullptr) throw std::runtime_error("CUPTI metrics unavailable: " + missing_reason());
    return *b;
}

}  // namespace

void set_backend(const backend* b) noexcept {
    installed.store(b, std::memory_order_release);
}

std::vector<std::string> requested_metrics() {
    auto names = settings::split_list(settings::instance().cupti_metrics);
    return names.empty() ? settings::split_list(default_metrics) : names;
}

std::string unavailable_reason() {
    const auto* b = get();
    return b == nullptr ? missing_reason() : b->unavailable_reason();
}

std::vector<std::string> supported_chips() {
    return require().supported_chips();
}

std::string device_chip(int device) {
    return require().device_chip(device);
}

std::vector<metric_info> list(std::string_view chip) {
    return require().list(chip);
}

metric_info describe(std::string_view name, std::string_view chip) {
    return require().describe(name, chip);
}

metric_set check(const std::vector<std::string>& names, std::string_view chip) {
    return require().check(names, chip);
}

metric_set current_configuration() {
    if (const auto* b = get(); b != nullptr) return b->current_configuration();
    metric_set out;
    out.reason = missing_reason();
    return out;
}

}  // namespace tim::gpu::metrics
