// Private to gpu/src: how plugin.cpp assembles the plugin from its parts. Each part completes its
// component's description (the table in plugin/components.cpp) with its functions, and may take
// part in the region observer.
#pragma once

#include "timemory/core/component_info.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/macros.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

namespace tim::gpu::parts {

/// Every GPU component, described and completed: what the plugin registers (components.cpp).
std::vector<component_info> components();

// ---- components (one file each) ----------------------------------------------------------------
void complete_cuda_event(component_info& info);          // events/cuda_event.cpp
void complete_cupti_activity(component_info& info);      // cupti/cupti_activity.cpp
void complete_cupti_memory_bytes(component_info& info);  // cupti/cupti_activity.cpp
void complete_cupti_callback(component_info& info);      // cupti/cupti_callback.cpp
void complete_nvtx_marker(component_info& info);         // nvtx/nvtx.cpp
void complete_cupti_counters(component_info& info);      // counters/cupti_counters.cpp

// ---- sessions started by the first sample (cupti_activity, cupti_callback, cupti_counters) -----
enum class session_state : int {
    off = 0,      ///< never asked for: nothing CUPTI has been called
    starting,     ///< being set up by the first sampling thread
    on,           ///< collecting
    unavailable,  ///< asked for, but no device or CUPTI refused (warned once)
    closed,       ///< final flush done (at exit): CUPTI is not called any more
};

/// The first caller (under `mutex`) sets `starting` and runs `start`, which sets `on` or
/// `unavailable`. Callers on other threads wait until it is done (a region sampling the
/// component while another thread starts the session must not launch kernels before it is on:
/// they would be lost); a call from inside `start` returns at once. An exception from `start`
/// is warned about as "<component>: could not start: <what>" and leaves `unavailable`.
void start_once(std::atomic<session_state>& state, std::mutex& mutex, const char* component,
                void (*start)()) noexcept;

/// Once the session is settled (not off, not being started) its samples have nothing to do.
inline bool session_settled(session_state s) noexcept {
    return s != session_state::off && s != session_state::starting;
}

/// What the sample of a session-started component does: one load and a branch once the session
/// is settled, else start_once (which waits while another thread starts it).
TIMEMORY_INLINE void ensure_started(std::atomic<session_state>& state, std::mutex& mutex,
                                    const char* component, void (*start)()) noexcept {
    if (TIMEMORY_LIKELY(session_settled(state.load(std::memory_order_acquire)))) return;
    start_once(state, mutex, component, start);
}

/// finish_fn of components whose values come from CUPTI records or callbacks rather than from
/// their two samples: nothing is recorded at pop.
void finish_nothing(const double*, const double*, std::uint64_t) noexcept;

// ---- region observer (plugin.cpp installs one observer that calls every part) -----------------
// NVTX mirroring (nvtx/nvtx.cpp): active when a tool is attached and settings.nvtx_mirror is on.
bool nvtx_observing() noexcept;
void nvtx_push(hash_value label, std::uint64_t node) noexcept;
void nvtx_pop(hash_value label, std::uint64_t node) noexcept;

// CUPTI external correlation (cupti/cupti_activity.cpp): active only when the callback API is taken
// by another tool, so that kernels are still attributed to the region that launched them.
bool correlation_observing() noexcept;
void correlation_push(hash_value label, std::uint64_t node) noexcept;
void correlation_pop(hash_value label, std::uint64_t node) noexcept;

/// Install the observer when a part needs it, remove it when none does. Parts call this when
/// their *_observing() answer changes.
void refresh_region_observer() noexcept;

/// Flush and process every pending GPU record (activity buffers, cuda_event pairs); called at
/// finalize before outputs are written, and on demand.
void flush_all() noexcept;
void flush_cupti_activity() noexcept;  // cupti/cupti_activity.cpp
void flush_cuda_events() noexcept;     // events/cuda_event.cpp
void flush_cupti_counters() noexcept;  // counters/cupti_counters.cpp

}  // namespace tim::gpu::parts
