// cupti_callback (alias cuda_api, label "cuda_api"): host time of every CUDA runtime and driver
// API call, as a child row named after the function ("cudaMalloc", "cuLaunchKernel") under the
// region that called it, on the calling thread. Timing is switched on for the whole process the
// first time a region samples the component (and only with a device); from then on every API call
// on every thread is timed, under that thread's current region (at the top level outside one).
// Only the outermost call is timed: a driver call the runtime makes inside a runtime call is part
// of that call's time (cupti_subscriber.hpp). Rows are real nodes of the thread's graph; each
// region's value is the total of the API time beneath it (subtree_totals).
#include "cupti/cupti_api.hpp"
#include "cupti/cupti_subscriber.hpp"
#include "plugin/plugin_parts.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/macros.hpp"
#include "timemory/gpu/device.hpp"

#include <atomic>
#include <cstdlib>
#include <mutex>

namespace tim::gpu::parts {
namespace {

std::atomic<session_state> state{session_state::off};

void start() {
    // No device: refused before libcupti is loaded. subscribe() loads it.
    std::string why = has_device() ? subscriber::subscribe() : device_unavailable_reason();
    if (why.empty()) why = subscriber::enable_api_timing();
    if (!why.empty()) {
        log::warning("cupti_callback: ", why, "; CUDA API calls are not timed");
        state.store(session_state::unavailable);
        return;
    }
    // Registered after the CUDA runtime initialised, so it runs before the runtime's
    // teardown, whose own API calls are then not timed (the graphs may be going away).
    std::atexit([] { subscriber::set_api_timing(false); });
    state.store(session_state::on);
}

std::mutex start_mutex;

void sample_callback(double*) noexcept {
    ensure_started(state, start_mutex, "cupti_callback", &start);
}

}  // namespace

void complete_cupti_callback(component_info& info) {
    info.raw_count = 0;
    info.value_count = 1;
    info.sample = &sample_callback;
    info.finish = &finish_nothing;  // values are recorded on the API rows by the callback
    info.unavailable = &cupti::unavailable_reason;
    info.subtree_totals = true;
    info.integer_values = true;
}

}  // namespace tim::gpu::parts
