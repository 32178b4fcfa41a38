// Region observers: code outside the core that must see every region open and close, in order,
// on the thread that opens it. The GPU plugin uses this to mirror regions as NVTX ranges and to
// tag CUDA work with the region's node. Nobody observing costs one load and a branch per push/pop.
#pragma once

#include "timemory/core/label.hpp"
#include "timemory/core/macros.hpp"

#include <atomic>
#include <cstdint>

namespace tim {

struct region_observer {
    /// A region opened: `node` is its node id (graph << 32 | index), valid on every thread.
    void (*push)(hash_value label, std::uint64_t node) noexcept = nullptr;
    /// A region closed. Closes normally arrive in reverse order of pushes; an out-of-order close
    /// (a region closed while a region opened after it is still open) names the node it closes.
    void (*pop)(hash_value label, std::uint64_t node) noexcept = nullptr;
};

/// Install `observer` (it must outlive its use; nullptr removes). One observer at a time: the
/// previous one is returned so that a caller can chain to it.
const region_observer* set_region_observer(const region_observer* observer) noexcept;

/// Remove `observer` if it is the one installed (another one stays). Returns whether it was.
bool remove_region_observer(const region_observer* observer) noexcept;

namespace detail {
extern std::atomic<const region_observer*> active_region_observer;

TIMEMORY_INLINE const region_observer* region_observer_now() noexcept {
    return active_region_observer.load(std::memory_order_acquire);
}
}  // namespace detail
}  // namespace tim
