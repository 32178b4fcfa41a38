// trip_count: how many times a region ran. It reads nothing; each measurement is worth one, and
// the call graph's sum of measurements is the trip count.
#pragma once

#include "timemory/components/indices.hpp"
#include "timemory/core/macros.hpp"

#include <cstdint>

namespace tim::component {

struct trip_count {
    static constexpr std::uint16_t index = trip_count_index;
    static constexpr unsigned raw_count = 0;
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double*) noexcept {}
    static TIMEMORY_INLINE void measure(const double*, const double*, double* out) noexcept {
        out[0] = 1.0;
    }
};

}  // namespace tim::component
