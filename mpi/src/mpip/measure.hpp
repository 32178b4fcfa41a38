// How a wrapped MPI call is measured: a child row of the calling region ("MPI_Send"), measured
// with settings.mpip_components, and the bytes it moves added to this thread's counters, which
// the mpi_bytes component samples (stop - start), so that every enclosing region shows them too.
//
//   if (!tim::mpip::wrapping(call::send)) return PMPI_Send(...);   // rejected, or nested
//   tim::mpip::call_scope scope{call::send};                         // row opens
//   const int rc = PMPI_Send(...);
//   scope.sent(bytes);                                               // before the row closes
//
// Nothing here includes MPI: the byte arithmetic lives with the wrappers (bytes.hpp).
#pragma once

#include "calls.hpp"

#include "timemory/core/frame_stack.hpp"
#include "timemory/core/macros.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/settings.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace tim::mpip {

/// Bytes this thread's wrapped calls moved so far; mpi_bytes samples them.
struct byte_counters {
    double sent = 0.0;
    double received = 0.0;
};
extern thread_local byte_counters t_bytes TIMEMORY_INITIAL_EXEC;
/// Set while a wrapped call runs: an MPI call made from inside one (by the MPI library itself) is
/// neither a row nor counted twice.
extern thread_local bool t_inside TIMEMORY_INITIAL_EXEC;
/// Which calls are wrapped (TIMEMORY_MPIP_PERMIT_LIST / REJECT_LIST, read when the library loads).
extern std::array<bool, call_count> g_wrapped;

/// Whether this call is measured: selected, and not made from inside another wrapped call.
TIMEMORY_INLINE bool wrapping(call c) noexcept {
    return g_wrapped[static_cast<std::size_t>(c)] && !t_inside;
}

/// Which calls a permit list and a reject list select: with a permit list only the calls it names,
/// else all; then those the reject list names are dropped. Names are separated by ',', ';' or
/// white space and match case-insensitively, with or without "MPI_" ("MPI_Send", "send").
/// Unknown names are appended to `unknown_permit` / `unknown_reject`.
std::array<bool, call_count> select_calls(std::string_view permit, std::string_view reject,
                                          std::vector<std::string>& unknown_permit,
                                          std::vector<std::string>& unknown_reject);

/// One wrapped call: the row is open from construction to destruction (when measurement is on and
/// timemory has not finalized: the calls timemory makes itself to combine ranks are not rows).
class call_scope {
  public:
    explicit call_scope(call c) noexcept {
        t_inside = true;
        if (TIMEMORY_LIKELY(is_enabled()) && !is_finalized()) open(c);
    }
    ~call_scope() {
        if (m_frames != nullptr) close();
        t_inside = false;
    }
    call_scope(const call_scope&) = delete;
    call_scope& operator=(const call_scope&) = delete;

    void sent(double bytes) noexcept { t_bytes.sent += bytes; }
    void received(double bytes) noexcept { t_bytes.received += bytes; }

  private:
    void open(call c) noexcept;
    void close() noexcept;

    frame_stack* m_frames = nullptr;
};

}  // namespace tim::mpip
