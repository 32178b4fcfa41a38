// NVTX mirroring of regions and the nvtx_marker component.
//
// Every region push/pop on any thread opens/closes a range in the "timemory" NVTX domain, named
// by the region's label (registered once as an NVTX string) with a colour derived from the label,
// so that Nsight Systems shows timemory's regions with no work from the user. It runs as part of
// the plugin's region observer, which is installed only while this part observes:
//
//   - an NVTX tool is attached: nvtxDomainCreateA returns null when none is (NVTX3 then makes
//     every call a no-op), so without a tool the observer stays out and a region costs the core's
//     one branch;
//   - and settings.nvtx_mirror (TIMEMORY_NVTX_MIRROR) is on. Turned off at run time, new regions
//     are no longer mirrored and the observer leaves once the ranges already open are closed.
//
// nvtx_marker has no values: mirroring is automatic, the component exists so that timemory 3
// component lists naming it ("nvtx_marker", "nvtx") keep working, and it is available whenever
// the plugin is loaded.
#include "nvtx/nvtx_ranges.hpp"
#include "plugin/plugin_parts.hpp"

#include "timemory/core/macros.hpp"
#include "timemory/core/settings.hpp"

#include <nvtx3/nvToolsExt.h>

#include <atomic>
#include <cstdint>
#include <mutex>

namespace tim::gpu::parts {
namespace {

struct mirror_state {
    std::mutex mutex;  ///< slow path only: settings changes, observer hand-over
    std::atomic<nvtxDomainHandle_t> domain{nullptr};  ///< written once, under the mutex
    bool domain_tried = false;
    /// Settings generation the flags below were computed at (UINT32_MAX: never).
    std::atomic<std::uint32_t> generation{UINT32_MAX};
    std::atomic<bool> mirror{false};     ///< tool attached and settings.nvtx_mirror
    std::atomic<bool> observing{false};  ///< mirror, or ranges still open to close
};

mirror_state& state() {
    static auto* instance = new mirror_state{};  // never destroyed: regions may close at exit
    return *instance;
}

// Recompute the flags from the settings; true when `observing` changed.
bool recompute(mirror_state& s) {
    std::lock_guard<std::mutex> lock{s.mutex};
    const std::uint32_t generation = settings_generation().load(std::memory_order_acquire);
    const bool wanted = settings::instance().nvtx_mirror;
    if (wanted && !s.domain_tried) {
        // The first NVTX call of this library loads the tool named by NVTX_INJECTION64_PATH
        // (Nsight Systems sets it). Not done while mirroring is off: no empty domain appears.
        s.domain_tried = true;
        s.domain.store(nvtxDomainCreateA("timemory"), std::memory_order_release);
    }
    const bool attached = s.domain.load(std::memory_order_relaxed) != nullptr;
    const bool mirror = wanted && attached;
    s.mirror.store(mirror, std::memory_order_relaxed);
    const bool observing = mirror || (attached && nvtx::open_ranges() > 0);
    const bool changed = s.observing.exchange(observing, std::memory_order_relaxed) != observing;
    s.generation.store(generation, std::memory_order_release);
    return changed;
}

TIMEMORY_NOINLINE void settings_moved(mirror_state& s) noexcept {
    bool changed = false;
    try {
        changed = recompute(s);
    } catch (...) {
        return;
    }
    if (changed) refresh_region_observer();  // calls nvtx_observing(): the flags are current
}

void sample_nothing(double*) noexcept {}

}  // namespace

void complete_nvtx_marker(component_info& info) {
    info.raw_count = 0;
    info.value_count = 0;
    info.sample = &sample_nothing;
    info.unavailable = nullptr;  // usable wherever the plugin loads; mirroring needs no device
    // plugin.cpp installs the observer after every part is complete.
    recompute(state());
}

bool nvtx_observing() noexcept {
    mirror_state& s = state();
    if (TIMEMORY_UNLIKELY(s.generation.load(std::memory_order_acquire) !=
                          settings_generation().load(std::memory_order_relaxed)))
        settings_moved(s);
    return s.observing.load(std::memory_order_relaxed);
}

void nvtx_push(hash_value label, std::uint64_t node) noexcept {
    mirror_state& s = state();
    if (TIMEMORY_LIKELY(s.mirror.load(std::memory_order_relaxed)))
        nvtx::push_range(s.domain.load(std::memory_order_acquire), label, node);
}

void nvtx_pop(hash_value, std::uint64_t node) noexcept {
    mirror_state& s = state();
    nvtxDomainHandle_t domain = s.domain.load(std::memory_order_acquire);
    if (domain == nullptr || !nvtx::pop_range(domain, node)) return;
    // Mirroring was turned off while ranges were open: leave once the last one is closed.
    if (TIMEMORY_UNLIKELY(!s.mirror.load(std::memory_order_relaxed)) && nvtx::open_ranges() == 0) {
        s.generation.store(UINT32_MAX, std::memory_order_release);  // forces a recompute
        settings_moved(s);
    }
}

}  // namespace tim::gpu::parts
