// Clock components. Every raw value is nanoseconds:
//   - wall, monotonic and thread/process CPU clocks read clock_gettime (the monotonic ones go
//     through the vDSO, no syscall);
//   - user/sys split comes from getrusage(RUSAGE_SELF), the only per-process source of that split
//     finer than a scheduler tick (times() is 10 ms granular), converted from microseconds.
// The *_util components sample a CPU clock and the wall clock together and report the ratio as a
// percentage of one core per measurement.
#pragma once

#include "timemory/components/indices.hpp"
#include "timemory/components/rusage.hpp"
#include "timemory/core/macros.hpp"

#include <cstdint>
#include <ctime>

namespace tim::component {

TIMEMORY_INLINE double clock_ns(clockid_t id) noexcept {
    timespec ts;
    ::clock_gettime(id, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

namespace detail {
/// 100 × (CPU-time delta) / (wall-time delta) for raw samples laid out as {cpu_ns, wall_ns}.
TIMEMORY_INLINE void utilization(const double* start, const double* stop, double* out) noexcept {
    const double wall = stop[1] - start[1];
    out[0] = wall > 0.0 ? 100.0 * (stop[0] - start[0]) / wall : 0.0;
}
}  // namespace detail

/// Real elapsed time (steady clock).
struct wall_clock {
    static constexpr std::uint16_t index = wall_clock_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept { raw[0] = clock_ns(CLOCK_MONOTONIC); }
};

/// CPU time the process spent in kernel mode (all threads); the same reading as
/// kernel_mode_time, under timemory's timer id.
struct system_clock {
    static constexpr std::uint16_t index = system_clock_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept { kernel_mode_time::sample(raw); }
};

/// CPU time the process spent in user mode (all threads); the same reading as user_mode_time.
struct user_clock {
    static constexpr std::uint16_t index = user_clock_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept { user_mode_time::sample(raw); }
};

/// CLOCK_MONOTONIC: never jumps with time-of-day changes, but is slewed by NTP.
struct monotonic_clock {
    static constexpr std::uint16_t index = monotonic_clock_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept { raw[0] = clock_ns(CLOCK_MONOTONIC); }
};

/// CLOCK_MONOTONIC_RAW: the hardware clock, not slewed by NTP frequency adjustments.
struct monotonic_raw_clock {
    static constexpr std::uint16_t index = monotonic_raw_clock_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = clock_ns(CLOCK_MONOTONIC_RAW);
    }
};

/// CPU time of the calling thread only; start and stop must happen on the same thread.
struct thread_cpu_clock {
    static constexpr std::uint16_t index = thread_cpu_clock_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    }
};

/// CPU time of the whole process (every thread, including ones that have exited).
struct process_cpu_clock {
    static constexpr std::uint16_t index = process_cpu_clock_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    }
};

/// User + kernel CPU time of the process. That sum is process_cpu_clock's reading, at
/// nanosecond resolution; adding getrusage's two fields would truncate it to microseconds.
struct cpu_clock {
    static constexpr std::uint16_t index = cpu_clock_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept { process_cpu_clock::sample(raw); }
};

/// cpu_clock / wall_clock in percent. Multi-threaded work can exceed 100.
struct cpu_util {
    static constexpr std::uint16_t index = cpu_util_index;
    static constexpr unsigned raw_count = 2;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        cpu_clock::sample(raw);
        wall_clock::sample(raw + 1);
    }
    static TIMEMORY_INLINE void measure(const double* start, const double* stop,
                                        double* out) noexcept {
        detail::utilization(start, stop, out);
    }
};

/// process_cpu_clock / wall_clock in percent.
struct process_cpu_util {
    static constexpr std::uint16_t index = process_cpu_util_index;
    static constexpr unsigned raw_count = 2;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        process_cpu_clock::sample(raw);
        wall_clock::sample(raw + 1);
    }
    static TIMEMORY_INLINE void measure(const double* start, const double* stop,
                                        double* out) noexcept {
        detail::utilization(start, stop, out);
    }
};

/// thread_cpu_clock / wall_clock in percent; at most ~100 since one thread runs on one core.
struct thread_cpu_util {
    static constexpr std::uint16_t index = thread_cpu_util_index;
    static constexpr unsigned raw_count = 2;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        thread_cpu_clock::sample(raw);
        wall_clock::sample(raw + 1);
    }
    static TIMEMORY_INLINE void measure(const double* start, const double* stop,
                                        double* out) noexcept {
        detail::utilization(start, stop, out);
    }
};

}  // namespace tim::component
