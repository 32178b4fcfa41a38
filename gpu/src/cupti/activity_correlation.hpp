// Which region launched which device work: CUPTI's correlation id -> node id.
//
// Launching threads note (correlation id, current node) in the CUPTI API-enter callback: an
// append to the thread's own log under the thread's own (uncontended) mutex, ~20 ns. The record
// processor drains every log before it reads a buffer, so a record never looks up a note that
// its launch wrote before it (the launch happens after the note, the record after the launch).
// The table the notes go into belongs to the processor alone and needs no lock of its own.
//
// Pruning (no entry may live forever, and none may go before its last record):
//  - An entry is retired by its first record; retired entries are erased one complete forced
//    flush later (a call can leave several records: an API record and a kernel record, a copy and
//    a synchronisation), or, without forced flushes, once 65536 later entries were retired.
//  - Graph launches leave any number of records: their entry stays until a forced-flush cycle
//    passes without a record for it after it had one.
//  - A call whose records never come (it failed: the exit callback cancels it; or the kind is off)
//    is erased after four forced flushes.
//  - Nested calls (a driver call inside a runtime call) that carry their own id are noted with
//    the outer call's id as their group; the first record of any member retires the group.
#pragma once

#include "timemory/core/graph.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tim::gpu::activity {

enum note_flag : std::uint8_t {
    note_sticky = 1,  ///< graph launch: any number of records
    note_cancel = 2,  ///< the call failed: forget the id
};

struct correlation_note {
    std::uint32_t correlation = 0;
    std::uint32_t group = 0;    ///< outer call's id for a nested call with its own id, else 0
    node_id node = no_node_id;  ///< no_node_id: measurement was off, records are dropped
    std::uint8_t flags = 0;
};

/// Hot path (CUPTI API-enter/exit callback): append to the calling thread's log. Never throws;
/// a note that cannot be stored (out of memory) is lost and its records become unattributed.
void note_correlation(const correlation_note& note) noexcept;

/// Append every thread's notes to `out` (each thread's in order) and empty the logs. Logs of
/// threads that exited are freed once drained.
void drain_correlation_notes(std::vector<correlation_note>& out);

/// Number of per-thread logs alive (tests: logs of exited threads are freed).
std::size_t correlation_log_count();

/// The processor's view: correlation id -> node, with the pruning described above.
class correlation_table {
  public:
    static constexpr std::size_t retired_cap = std::size_t{1} << 16;
    static constexpr std::uint32_t stale_flushes = 4;

    void apply(const correlation_note& note);

    /// Node that launched the work with this id (marks the entry used), or nullopt.
    std::optional<node_id> use(std::uint32_t correlation);

    /// A forced flush delivered everything completed: erase what can no longer get records.
    void end_forced_flush();

    std::size_t size() const noexcept { return m_entries.size(); }
    void clear();

  private:
    struct entry {
        node_id node = no_node_id;
        std::uint32_t group = 0;
        std::uint32_t born = 0;      ///< forced-flush cycle of the note
        std::uint32_t last_use = 0;  ///< forced-flush cycle of the latest record
        std::uint8_t flags = 0;
        bool used = false;
        bool retired = false;
    };
    struct retirement {
        std::uint32_t correlation;
        std::uint32_t cycle;
    };

    void retire_group(std::uint32_t root);
    void erase(std::uint32_t correlation);

    std::unordered_map<std::uint32_t, entry> m_entries;
    std::unordered_multimap<std::uint32_t, std::uint32_t> m_members;  ///< group -> nested ids
    std::deque<retirement> m_retired;                                 ///< oldest first
    std::uint32_t m_cycle = 0;
};

}  // namespace tim::gpu::activity
