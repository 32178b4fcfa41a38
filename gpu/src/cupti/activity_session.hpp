// The process's CUPTI activity session (cupti_activity.cpp): started lazily by the first region
// that samples cupti_activity or cupti_memory_bytes, flushed by every collect_results() and once
// more at exit. Declared here for tests and for the parts that need its state.
#pragma once

#include "cupti/activity_processor.hpp"
#include "plugin/plugin_parts.hpp"

#include <cstdint>

namespace tim::gpu::activity {

using parts::session_state;

session_state session() noexcept;

/// Start the session if it is off (what sampling either component does). Thread-safe.
void start_session() noexcept;

/// The session's record processor.
activity_processor& session_processor();

/// Records CUPTI reported as dropped so far (cuptiActivityGetNumDroppedRecords).
std::uint64_t dropped_records() noexcept;

/// Attribution by external correlation ids (another tool holds the CUPTI subscriber).
bool external_correlation() noexcept;

}  // namespace tim::gpu::activity
