// Measurements that arrive late: CUPTI hands activity buffers back when it chooses, CUDA events
// resolve when the device gets there. Their owners register a flush here; collect_results() (and
// so every output, timemory.get() and the storage views) runs them first, so nothing measured is
// missing from a result. flush_pending() does the same on demand.
#pragma once

namespace tim {

using pending_flush_fn = void (*)() noexcept;

/// Register a flush (idempotent per function). Thread-safe.
void add_pending_source(pending_flush_fn flush);

/// Run every registered flush, in registration order.
void flush_pending() noexcept;

}  // namespace tim
