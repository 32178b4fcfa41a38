// Fixed registry slots of the built-in host components, inside slots::host (the ranges of every
// room are in timemory/core/slots.hpp). Compile-time bundles use these directly, so the hot path
// indexes arrays with constants.
#pragma once

#include "timemory/core/slots.hpp"

#include <cstdint>

namespace tim::component {

enum host_index : std::uint16_t {
    wall_clock_index = 0,
    system_clock_index,
    user_clock_index,
    cpu_clock_index,
    monotonic_clock_index,
    monotonic_raw_clock_index,
    thread_cpu_clock_index,
    process_cpu_clock_index,
    cpu_util_index,
    process_cpu_util_index,
    thread_cpu_util_index,
    peak_rss_index,
    page_rss_index,
    current_peak_rss_index,
    virtual_memory_index,
    num_major_page_faults_index,
    num_minor_page_faults_index,
    voluntary_context_switch_index,
    priority_context_switch_index,
    read_bytes_index,
    written_bytes_index,
    read_char_index,
    written_char_index,
    user_mode_time_index,
    kernel_mode_time_index,
    trip_count_index,
    num_io_in_index,
    num_io_out_index,
    host_index_end
};
static_assert(host_index_end <= slots::host.end, "host components outgrew their slot range");

}  // namespace tim::component
