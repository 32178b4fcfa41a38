// I/O components from /proc/self/io (Linux, whole process). Each produces two values: the bytes
// moved during the region and the rate in bytes/sec over the region's wall time, which is why
// the raw sample is {counter, wall-clock ns}.
//   read_char / written_char:   every read()/write()-family call, page cache included
//   read_bytes / written_bytes: what reached the storage layer (0 on tmpfs and some overlays)
#pragma once

#include "timemory/components/indices.hpp"
#include "timemory/components/timing.hpp"
#include "timemory/core/macros.hpp"

#include <cstdint>

namespace tim::component {
namespace detail {

/// Fields of /proc/self/io that the components use.
enum class proc_io_field : unsigned { rchar, wchar, read_bytes, write_bytes };

/// Current value of one /proc/self/io field; 0 if the file cannot be read.
TIMEMORY_VISIBLE double proc_io_bytes(proc_io_field field) noexcept;

/// The shared shape of the four I/O components.
template <proc_io_field Field>
struct io_counter {
    static constexpr unsigned raw_count = 2;
    static constexpr unsigned value_count = 2;
    static TIMEMORY_INLINE void sample(double* raw) noexcept {
        raw[0] = proc_io_bytes(Field);
        raw[1] = clock_ns(CLOCK_MONOTONIC);
    }
    static TIMEMORY_INLINE void measure(const double* start, const double* stop,
                                        double* out) noexcept {
        const double seconds = (stop[1] - start[1]) * 1e-9;
        out[0] = stop[0] - start[0];
        out[1] = seconds > 0.0 ? out[0] / seconds : 0.0;
    }
};

}  // namespace detail

/// Bytes read by read()-family calls ("rchar"), and their rate.
struct read_char : detail::io_counter<detail::proc_io_field::rchar> {
    static constexpr std::uint16_t index = read_char_index;
};

/// Bytes written by write()-family calls ("wchar"), and their rate.
struct written_char : detail::io_counter<detail::proc_io_field::wchar> {
    static constexpr std::uint16_t index = written_char_index;
};

/// Bytes fetched from the storage layer ("read_bytes"), and their rate.
struct read_bytes : detail::io_counter<detail::proc_io_field::read_bytes> {
    static constexpr std::uint16_t index = read_bytes_index;
};

/// Bytes sent to the storage layer ("write_bytes"), and their rate.
struct written_bytes : detail::io_counter<detail::proc_io_field::write_bytes> {
    static constexpr std::uint16_t index = written_bytes_index;
};

}  // namespace tim::component
