// Running statistics kept for every (call-graph node, component value): count, sum, min, max and
// sum of squares; mean, variance and standard deviation are derived on demand.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace tim {

struct accumulator {
    std::uint64_t count = 0;
    double sum = 0.0;
    double sqr = 0.0;
    double min = std::numeric_limits<double>::max();
    double max = std::numeric_limits<double>::lowest();

    void add(double value) noexcept {
        ++count;
        sum += value;
        sqr += value * value;
        min = std::min(min, value);
        max = std::max(max, value);
    }

    void merge(const accumulator& other) noexcept {
        if (other.count == 0) return;
        count += other.count;
        sum += other.sum;
        sqr += other.sqr;
        min = std::min(min, other.min);
        max = std::max(max, other.max);
    }

    bool empty() const noexcept { return count == 0; }
    double mean() const noexcept { return count ? sum / static_cast<double>(count) : 0.0; }

    /// Sample variance (n - 1 in the denominator); 0 with fewer than two samples. Clamped at zero
    /// because cancellation in sqr - sum^2/n can go slightly negative.
    double variance() const noexcept {
        if (count < 2) return 0.0;
        const double n = static_cast<double>(count);
        return std::max(0.0, (sqr - sum * sum / n) / (n - 1.0));
    }
    double stddev() const noexcept { return std::sqrt(variance()); }

    /// min/max as reported: 0 when nothing was recorded instead of the sentinels.
    double reported_min() const noexcept { return count ? min : 0.0; }
    double reported_max() const noexcept { return count ? max : 0.0; }
};

}  // namespace tim
