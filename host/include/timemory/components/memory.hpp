// Memory components; raw values are bytes.
//   - peak_rss / current_peak_rss: the process's resident-set high-water mark (getrusage
//     ru_maxrss, which Linux reports in KiB; timemory scaled it by 1000 instead of 1024).
//   - page_rss / virtual_memory: current resident and total mapped size from /proc/self/statm.
//     The file is read through a descriptor cached per thread (one pread, no iostreams).
#pragma once

#include "timemory/components/indices.hpp"
#include "timemory/components/rusage.hpp"
#include "timemory/core/macros.hpp"

#include <cstdint>

namespace tim::component {
namespace detail {

/// Columns of /proc/self/statm that the components use.
enum class statm_field : unsigned { size = 0, resident = 1 };

/// One /proc/self/statm column converted from pages to bytes; 0 if the file cannot be read.
TIMEMORY_VISIBLE double statm_bytes(statm_field field) noexcept;

/// ru_maxrss in bytes.
TIMEMORY_INLINE double peak_rss_bytes() noexcept {
#if defined(__APPLE__)
    constexpr double unit = 1.0;  // macOS already reports bytes
#else
    constexpr double unit = 1024.0;
#endif
    return static_cast<double>(self_rusage().ru_maxrss) * unit;
}

}  // namespace detail

/// Growth of the resident high-water mark. Zero when a region only reuses memory the process
/// already had at its peak, so it answers "did this region raise the peak?".
struct peak_rss {
    static constexpr std::uint16_t index = peak_rss_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept { raw[0] = detail::peak_rss_bytes(); }
};

/// Change in resident memory; negative when the region released more than it took.
struct page_rss {
    static constexpr std::uint16_t index = page_rss_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = detail::statm_bytes(detail::statm_field::resident);
    }
};

/// The absolute high-water mark when the region started and when it stopped.
struct current_peak_rss {
    static constexpr std::uint16_t index = current_peak_rss_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 2;
    static TIMEMORY_INLINE void sample(double* raw) noexcept { raw[0] = detail::peak_rss_bytes(); }
    static TIMEMORY_INLINE void measure(const double* start, const double* stop,
                                        double* out) noexcept {
        out[0] = start[0];
        out[1] = stop[0];
    }
};

/// Change in the total mapped address space (statm "size"), resident or not.
struct virtual_memory {
    static constexpr std::uint16_t index = virtual_memory_index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = detail::statm_bytes(detail::statm_field::size);
    }
};

}  // namespace tim::component
