// Running statistics kept for every (call-graph node, component value): count, sum, min, max and
// the spread. Variance uses sums shifted by the first sample, so 1 s +/- 1 ns keeps its precision
// (a plain sum of squares loses it to cancellation); sum of squares is derived for the outputs.
//
// A node's accumulators have one writer (the thread that owns the graph) but may be read by
// another thread building results mid-run, so add() stores each field atomically and load()
// reads them so (relaxed: plain moves on x86-64, no lock, no fence). A reader may see count and
// sum of one add() in flight out of step; values recorded before the read began are exact.
#pragma once

#include "timemory/core/macros.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace tim {

struct accumulator {
    std::uint64_t count = 0;
    double sum = 0.0;
    double min = std::numeric_limits<double>::max();
    double max = std::numeric_limits<double>::lowest();
    double shift = 0.0;        ///< first sample: deviations are taken from it
    double shifted_sum = 0.0;  ///< sum of (x - shift)
    double shifted_sqr = 0.0;  ///< sum of (x - shift)^2

    TIMEMORY_INLINE void add(double value) noexcept {
        const std::uint64_t n = get(count);
        const double first = n == 0 ? value : get(shift);
        if (n == 0) put(shift, value);
        put(count, n + 1);
        put(sum, get(sum) + value);
        const double d = value - first;
        put(shifted_sum, get(shifted_sum) + d);
        put(shifted_sqr, get(shifted_sqr) + d * d);
        put(min, std::min(get(min), value));
        put(max, std::max(get(max), value));
    }

    /// A copy of `source` safe to take while its owner add()s to it (field by field).
    static accumulator load(const accumulator& source) noexcept {
        accumulator out;
        out.count = get(source.count);
        out.sum = get(source.sum);
        out.min = get(source.min);
        out.max = get(source.max);
        out.shift = get(source.shift);
        out.shifted_sum = get(source.shifted_sum);
        out.shifted_sqr = get(source.shifted_sqr);
        return out;
    }

    void merge(const accumulator& other) noexcept {
        if (other.count == 0) return;
        if (count == 0) {
            *this = other;
            return;
        }
        // Re-express the other's deviations relative to our shift.
        const double delta = other.shift - shift;
        const double n = static_cast<double>(other.count);
        shifted_sqr += other.shifted_sqr + 2.0 * delta * other.shifted_sum + n * delta * delta;
        shifted_sum += other.shifted_sum + n * delta;
        count += other.count;
        sum += other.sum;
        min = std::min(min, other.min);
        max = std::max(max, other.max);
    }

    /// Merge `n` accumulators into `into` value by value, growing it to `n` as needed.
    static void merge_into(std::vector<accumulator>& into, const accumulator* from,
                           std::size_t n) noexcept {
        if (into.size() < n) into.resize(n);
        for (std::size_t v = 0; v < n; ++v) into[v].merge(from[v]);
    }

    bool empty() const noexcept { return count == 0; }
    double mean() const noexcept { return count ? sum / static_cast<double>(count) : 0.0; }

    /// Sum of squares of the samples (what timemory's outputs call "sqr").
    double sqr() const noexcept {
        const double n = static_cast<double>(count);
        return shifted_sqr + 2.0 * shift * shifted_sum + n * shift * shift;
    }

    /// Sample variance (n - 1 in the denominator); 0 with fewer than two samples.
    double variance() const noexcept {
        if (count < 2) return 0.0;
        const double n = static_cast<double>(count);
        return std::max(0.0, (shifted_sqr - shifted_sum * shifted_sum / n) / (n - 1.0));
    }
    double stddev() const noexcept { return std::sqrt(variance()); }

    /// min/max as reported: 0 when nothing was recorded instead of the sentinels.
    double reported_min() const noexcept { return count ? min : 0.0; }
    double reported_max() const noexcept { return count ? max : 0.0; }

  private:
    template <typename T>
    static T get(const T& field) noexcept {
        return std::atomic_ref<T>{const_cast<T&>(field)}.load(std::memory_order_relaxed);
    }
    template <typename T>
    static void put(T& field, T value) noexcept {
        std::atomic_ref<T>{field}.store(value, std::memory_order_relaxed);
    }
};

}  // namespace tim
