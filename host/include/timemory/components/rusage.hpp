// Components read from getrusage(RUSAGE_SELF): page faults, context switches, block I/O and the
// user/kernel time split. RUSAGE_SELF (the whole process) rather than RUSAGE_THREAD because these
// counters are what a user compares with `/usr/bin/time`, and a region may be stopped on a thread
// other than the one that did the work. set_rusage_children() switches them (and peak_rss) to
// RUSAGE_CHILDREN: a region then measures the child processes that finished and were waited for
// inside it, as timemory's set_rusage_children did.
//
// Each component issues its own getrusage call (a few hundred ns); they do not share one read.
#pragma once

#include "timemory/components/indices.hpp"
#include "timemory/core/macros.hpp"

#include <sys/resource.h>
#include <sys/time.h>

#include <atomic>
#include <cstdint>

namespace tim::component {

namespace detail {
/// RUSAGE_SELF or RUSAGE_CHILDREN; read by every getrusage-based component.
TIMEMORY_VISIBLE extern std::atomic<int> rusage_who;
}  // namespace detail

/// getrusage-based components measure the calling process (the default).
inline void set_rusage_self() noexcept {
    detail::rusage_who.store(RUSAGE_SELF);
}
/// getrusage-based components measure terminated, waited-for child processes.
inline void set_rusage_children() noexcept {
    detail::rusage_who.store(RUSAGE_CHILDREN);
}
inline bool rusage_children() noexcept {
    return detail::rusage_who.load() == RUSAGE_CHILDREN;
}

/// struct timeval (seconds + microseconds) as nanoseconds.
TIMEMORY_INLINE double timeval_ns(const timeval& tv) noexcept {
    return static_cast<double>(tv.tv_sec) * 1e9 + static_cast<double>(tv.tv_usec) * 1e3;
}

/// getrusage for the whole process (or its children after set_rusage_children()).
TIMEMORY_INLINE rusage self_rusage() noexcept {
    rusage ru{};
    ::getrusage(detail::rusage_who.load(std::memory_order_relaxed), &ru);
    return ru;
}

/// Page faults that needed I/O (the page was not in memory).
struct num_major_page_faults {
    static constexpr std::uint16_t index = num_major_page_faults_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = static_cast<double>(self_rusage().ru_majflt);
    }
};

/// Page faults served without I/O (first touch of fresh memory, page-cache hits).
struct num_minor_page_faults {
    static constexpr std::uint16_t index = num_minor_page_faults_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = static_cast<double>(self_rusage().ru_minflt);
    }
};

/// Times a thread gave up the CPU on its own (blocking I/O, sleep, lock wait).
struct voluntary_context_switch {
    static constexpr std::uint16_t index = voluntary_context_switch_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = static_cast<double>(self_rusage().ru_nvcsw);
    }
};

/// Times a thread was preempted (time slice expired or a higher-priority task ran).
struct priority_context_switch {
    static constexpr std::uint16_t index = priority_context_switch_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = static_cast<double>(self_rusage().ru_nivcsw);
    }
};

/// ru_utime in nanoseconds (timemory stored microseconds under a nanosecond unit: 1000x off).
struct user_mode_time {
    static constexpr std::uint16_t index = user_mode_time_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = timeval_ns(self_rusage().ru_utime);
    }
};

/// ru_stime in nanoseconds.
struct kernel_mode_time {
    static constexpr std::uint16_t index = kernel_mode_time_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = timeval_ns(self_rusage().ru_stime);
    }
};

/// Block input operations (reads that reached the storage device, not the page cache).
struct num_io_in {
    static constexpr std::uint16_t index = num_io_in_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = static_cast<double>(self_rusage().ru_inblock);
    }
};

/// Block output operations (writes handed to the storage device).
struct num_io_out {
    static constexpr std::uint16_t index = num_io_out_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = static_cast<double>(self_rusage().ru_oublock);
    }
};

}  // namespace tim::component
