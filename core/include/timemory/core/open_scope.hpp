// Bundles that are running, linked per thread, innermost first. A bundle keeps its start samples
// in itself, so only it can close itself; linking it lets finalize() close it (its time up to
// finalize is kept, and its own stop later does nothing) and lets a forked child restart it.
// Linking costs two stores in start() and a compare in stop().
#pragma once

#include "timemory/core/macros.hpp"

#include <cstdint>

namespace tim::detail {

struct open_scope {
    open_scope* outer = nullptr;
    /// Stop the bundle now (sample, record, pop): it unlinks itself.
    void (*close)(open_scope&) = nullptr;
    /// Take the start samples again (a forked child: its clocks restart).
    void (*restart)(open_scope&) noexcept = nullptr;
    std::uint32_t node = UINT32_MAX;  ///< the bundle's node on its thread's graph
};

/// The calling thread's innermost running bundle (nullptr: none).
extern thread_local open_scope* this_thread_scopes TIMEMORY_INITIAL_EXEC;

TIMEMORY_INLINE void link_scope(open_scope& scope) noexcept {
    scope.outer = this_thread_scopes;
    this_thread_scopes = &scope;
}

/// Unlink a scope that is not the innermost (stopped out of order).
TIMEMORY_NOINLINE void unlink_scope_slow(open_scope& scope) noexcept;

TIMEMORY_INLINE void unlink_scope(open_scope& scope) noexcept {
    if (TIMEMORY_LIKELY(this_thread_scopes == &scope)) {
        this_thread_scopes = scope.outer;
    } else {
        unlink_scope_slow(scope);
    }
}

/// Replace `from` by `to` where it is linked (a running bundle moved).
void relink_scope(open_scope& from, open_scope& to) noexcept;

}  // namespace tim::detail
