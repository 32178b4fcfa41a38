// Private to gpu/src: CUDA calls timemory makes for itself (cuda_event querying its events).
// CUPTI records an event query as a synchronisation; while this flag is set on a thread, the
// subscriber notes the thread's calls as belonging to no region, so their records are dropped
// instead of being listed as "unattributed" or timed as the program's API calls.
#pragma once

namespace tim::gpu {

inline thread_local bool in_internal_calls = false;

class internal_calls_scope {
  public:
    internal_calls_scope() noexcept : m_previous{in_internal_calls} { in_internal_calls = true; }
    ~internal_calls_scope() { in_internal_calls = m_previous; }
    internal_calls_scope(const internal_calls_scope&) = delete;
    internal_calls_scope& operator=(const internal_calls_scope&) = delete;

  private:
    bool m_previous;
};

}  // namespace tim::gpu
