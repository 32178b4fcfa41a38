// The registry's slot ranges: which part of the component index space each room owns. Built-in
// components have fixed slots so that compile-time bundles index arrays with constants; each room
// numbers its own components inside its range (host/include/timemory/components/indices.hpp,
// gpu/include/timemory/gpu/indices.hpp, papi_array in host/include/timemory/components/papi.hpp)
// and checks that they fit. Components added at run time take the dynamic slots.
#pragma once

#include <cstdint>

namespace tim::slots {

/// Slots [begin, end).
struct range {
    std::uint16_t begin;
    std::uint16_t end;
    constexpr bool contains(unsigned slot) const noexcept { return slot >= begin && slot < end; }
};

inline constexpr range host{0, 64};                  ///< clocks, rusage, memory, I/O, trip count
inline constexpr range gpu{64, 128};                 ///< the GPU plugin's components
inline constexpr range hardware_counters{128, 192};  ///< papi_array (CPU counters)
inline constexpr range dynamic{192, 256};            ///< handed out by registry::add at run time

/// Size of the whole index space.
inline constexpr unsigned count = 256;

static_assert(host.begin == 0 && host.end == gpu.begin && gpu.end == hardware_counters.begin &&
                  hardware_counters.end == dynamic.begin && dynamic.end == count,
              "the slot ranges tile the index space without gaps or overlaps");

}  // namespace tim::slots
