// The one way a set of components measures a call-graph node. Every entry point that measures
// components chosen at run time goes through it: regions by name (region.cpp), runtime_bundle,
// Python's markers, the function profiler and the line tracer; the compile-time bundle
// (bundle.hpp) follows the same order with its components inlined.
//
// The measurement of one node, in this order:
//   1. push the node (thread_graph::push);
//   2. sample():          every component's start sample, in set order;
//   3. sample_reverse():  every component's stop sample, in reverse set order, so that the first
//                         component brackets the others (a wall_clock listed first includes the
//                         other components' own reads, like an outer region includes inner ones);
//   4. record():          in set order, each component either hands both samples to its finish()
//                         (values known later, e.g. GPU timers, attached to the node by the
//                         component) or computes its values and adds them to the node;
//   5. pop the node.
// Every stop sample is taken before any value is computed or recorded, so no component's interval
// contains another component's bookkeeping.
#pragma once

#include "timemory/core/component_info.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/core/macros.hpp"

#include <concepts>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

namespace tim {

/// A component usable in compile-time bundles: a fixed registry slot, sizes, and an inline
/// sample(); measure() is optional (default: stop - start per value), finish() marks a value
/// known later.
template <typename T>
concept static_component = requires(double* raw, const double* c) {
    { T::index } -> std::convertible_to<std::uint16_t>;
    { T::raw_count } -> std::convertible_to<unsigned>;
    { T::value_count } -> std::convertible_to<unsigned>;
    { T::sample(raw) }
    noexcept;
};

/// Hand a late-valued component's two samples to its finish function with the node's
/// process-wide id (no_node_id when the region is not recorded: beyond max_depth).
TIMEMORY_INLINE void finish_on_node(finish_fn finish, thread_graph& graph, std::uint32_t node,
                                    const double* start, const double* stop) noexcept {
    finish(start, stop, node != no_node ? graph.global_id(node) : no_node_id);
}

/// Components chosen at run time, resolved once; see the file comment for the order of a
/// measurement.
class component_set {
  public:
    component_set() = default;
    explicit component_set(std::vector<const component_info*> items) : m_items{std::move(items)} {
        for (const auto* c : m_items) {
            m_raw_total += c->raw_count;
            m_value_total += c->value_count;
        }
        if (m_items.size() == 1) {
            const auto* c = m_items.front();
            if (c->raw_count == 1 && c->value_count == 1 && c->measure == nullptr &&
                c->finish == nullptr) {
                m_single = c->index;
            }
        }
    }

    // A moved-from set is empty (its sizes and fast path go with its items).
    component_set(component_set&& other) noexcept { *this = std::move(other); }
    component_set& operator=(component_set&& other) noexcept {
        m_items = std::move(other.m_items);
        m_raw_total = std::exchange(other.m_raw_total, 0u);
        m_value_total = std::exchange(other.m_value_total, 0u);
        m_single = std::exchange(other.m_single, no_single);
        other.m_items.clear();
        return *this;
    }
    component_set(const component_set&) = default;
    component_set& operator=(const component_set&) = default;

    /// The process-wide set of exactly these components, in this order, created on first use and
    /// never freed: what a frame that may outlive its opener (a Python marker, a default that
    /// changes while regions are open) points at.
    static const component_set& intern(const std::vector<const component_info*>& items);

    const std::vector<const component_info*>& items() const noexcept { return m_items; }
    bool empty() const noexcept { return m_items.empty(); }
    /// Doubles one sample of the whole set takes.
    unsigned raw_total() const noexcept { return m_raw_total; }
    /// Doubles one measurement of the whole set yields (record()'s `values`).
    unsigned value_total() const noexcept { return m_value_total; }

    /// Start samples of every component, in set order. `Fast` (optional) is the component the
    /// caller expects most often: when the set is exactly that component, its sample() is
    /// called inline instead of through the registry's pointer.
    template <typename Fast = void>
    TIMEMORY_INLINE void sample(double* raw) const noexcept {
        if constexpr (!std::is_void_v<Fast>) {
            static_assert(Fast::raw_count == 1 && Fast::value_count == 1,
                          "the fast path is for one sample and one value");
            if (TIMEMORY_LIKELY(m_single == Fast::index)) {
                Fast::sample(raw);
                return;
            }
        }
        for (const auto* c : m_items) {
            c->sample(raw);
            raw += c->raw_count;
        }
    }

    /// Stop samples of every component, in reverse set order, into the same layout as sample().
    template <typename Fast = void>
    TIMEMORY_INLINE void sample_reverse(double* raw) const noexcept {
        if constexpr (!std::is_void_v<Fast>) {
            if (TIMEMORY_LIKELY(m_single == Fast::index)) {
                Fast::sample(raw);
                return;
            }
        }
        raw += m_raw_total;
        for (auto it = m_items.rbegin(); it != m_items.rend(); ++it) {
            raw -= (*it)->raw_count;
            (*it)->sample(raw);
        }
    }

    /// Finish or record every component's measurement between `start` and `stop` on `node` of
    /// `graph`, in set order. `values` (optional, value_total() doubles) receives the values in
    /// set order; a component whose value is known later (finish) gets NaN there.
    TIMEMORY_INLINE void record(thread_graph& graph, std::uint32_t node, const double* start,
                                const double* stop, double* values = nullptr) const noexcept {
        if (TIMEMORY_LIKELY(m_single != no_single)) {
            // One component with one plain value (the common wall_clock-only set).
            const double value = stop[0] - start[0];
            graph.record(node, m_single, &value, 1);
            if (values != nullptr) values[0] = value;
            return;
        }
        record_each(graph, node, start, stop, values);
    }

  private:
    static constexpr std::uint32_t no_single = UINT32_MAX;

    void record_each(thread_graph& graph, std::uint32_t node, const double* start,
                     const double* stop, double* values) const noexcept;

    std::vector<const component_info*> m_items;
    unsigned m_raw_total = 0;
    unsigned m_value_total = 0;
    /// Index of the only component when the set is one component with one raw sample, one
    /// value = stop - start and nothing known later; no_single otherwise.
    std::uint32_t m_single = no_single;
};

}  // namespace tim
