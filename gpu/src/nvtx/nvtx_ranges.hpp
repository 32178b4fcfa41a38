// The NVTX ranges one thread has open, mirroring its open regions. NVTX keeps one stack of
// ranges per thread and domain and can only close its top, while regions may close out of order
// (a region closed while one opened after it is still open). Such a close pops the ranges above
// the region's, pops the region's and pushes the ones above again, so the tool's stack always
// equals the regions still open. Closes of regions this thread never mirrored (open before the
// observer was installed) are ignored.
#pragma once

#include "timemory/core/label.hpp"

#include <nvtx3/nvToolsExt.h>

#include <cstdint>

namespace tim::gpu::nvtx {

/// Open a range for region `node` (label `hash`) on the calling thread. Once the label is known
/// to this thread: no lock, no allocation (below the deepest nesting seen so far).
void push_range(nvtxDomainHandle_t domain, hash_value hash, std::uint64_t node) noexcept;

/// Close region `node`'s range on the calling thread; false (and nothing emitted) when this
/// thread has no range for it.
bool pop_range(nvtxDomainHandle_t domain, std::uint64_t node) noexcept;

/// Ranges open now, all threads together (each is closed by its region's pop).
std::int64_t open_ranges() noexcept;

}  // namespace tim::gpu::nvtx
