// Bundles of components around a region.
//
//   tim::scoped<tim::component::wall_clock, tim::component::cpu_clock> s{label};  // compile time
//   tim::runtime_bundle b{"solve", tim::registry::parse_list("wall_clock,peak_rss")};
//
// A compile-time bundle inlines each component's sample() and costs a thread-local load, the
// graph push/pop and the clock reads. A runtime bundle measures through a component_set (the
// registry's function pointers). Both follow component_set.hpp's order: start samples in order,
// stop samples in reverse order, then finish or record each component in order. A running bundle
// is linked on its thread (open_scope.hpp): finalize() closes it if it is still running then.
#pragma once

#include "timemory/core/component_info.hpp"
#include "timemory/core/component_set.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/macros.hpp"
#include "timemory/core/open_scope.hpp"
#include "timemory/core/settings.hpp"

#include <cstdint>
#include <memory>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace tim {

namespace detail {
template <static_component C>
TIMEMORY_INLINE void measure_values(const double* start, const double* stop, double* out) noexcept {
    if constexpr (requires { C::measure(start, stop, out); }) {
        C::measure(start, stop, out);
    } else {
        for (unsigned i = 0; i < C::value_count; ++i) out[i] = stop[i] - start[i];
    }
}
}  // namespace detail

/// Components chosen at compile time, started and stopped explicitly.
template <static_component... C>
class bundle : private detail::open_scope {
  public:
    static constexpr unsigned raw_total = (C::raw_count + ... + 0u);

    explicit bundle(const label_id& label, scope_mode mode = scope_mode::use_default) noexcept
        : m_hash{label.hash()}, m_mode{mode} {
        close = &close_scope;
        restart = &restart_scope;
    }
    // Destroyed while running (never stopped): unlinked, so that finalize does not close a
    // bundle that no longer exists; its node stays open, as a region never popped.
    ~bundle() {
        if (m_graph != nullptr) detail::unlink_scope(*this);
    }
    bundle(const bundle&) = default;  // a copy is not linked: only the original is closed
    bundle& operator=(const bundle&) = default;

    TIMEMORY_INLINE void start() {
        if (!is_enabled() || m_graph != nullptr) return;
        m_graph = &this_thread_graph();
        node = m_graph->push(m_hash, m_mode);
        detail::link_scope(*this);
        sample_start();
    }

    TIMEMORY_INLINE void stop() {
        if (m_graph == nullptr) return;
        double stop_raw[raw_total > 0 ? raw_total : 1];
        sample_reverse(stop_raw, std::make_index_sequence<sizeof...(C)>{});
        [[maybe_unused]] const double* a = m_start;
        [[maybe_unused]] const double* b = stop_raw;
        (record_one<C>(a, b), ...);
        m_graph->pop(node);
        detail::unlink_scope(*this);
        m_graph = nullptr;
    }

    bool running() const noexcept { return m_graph != nullptr; }

  private:
    TIMEMORY_INLINE void sample_start() noexcept {
        [[maybe_unused]] double* raw = m_start;  // unused by an empty bundle
        ((C::sample(raw), raw += C::raw_count), ...);
    }
    static void close_scope(detail::open_scope& scope) { static_cast<bundle&>(scope).stop(); }
    static void restart_scope(detail::open_scope& scope) noexcept {
        static_cast<bundle&>(scope).sample_start();
    }

    using types = std::tuple<C...>;
    /// Offset of component I's samples in the raw buffers.
    template <std::size_t I>
    static constexpr unsigned raw_offset() {
        constexpr unsigned counts[] = {C::raw_count..., 0u};
        unsigned offset = 0;
        for (std::size_t k = 0; k != I; ++k) offset += counts[k];
        return offset;
    }

    /// Stop samples in reverse order of the components (the first one brackets the others).
    template <std::size_t... I>
    TIMEMORY_INLINE static void sample_reverse(double* raw, std::index_sequence<I...>) noexcept {
        constexpr std::size_t n = sizeof...(C);
        (std::tuple_element_t<n - 1 - I, types>::sample(raw + raw_offset<n - 1 - I>()), ...);
    }

    template <static_component T>
    TIMEMORY_INLINE void record_one(const double*& a, const double*& b) {
        if constexpr (requires { T::finish(a, b, node_id{}); }) {
            finish_on_node(&T::finish, *m_graph, node, a, b);
        } else {
            double values[T::value_count > 0 ? T::value_count : 1];
            detail::measure_values<T>(a, b, values);
            m_graph->record(node, T::index, values, T::value_count);
        }
        a += T::raw_count;
        b += T::raw_count;
    }

    hash_value m_hash;
    scope_mode m_mode;
    thread_graph* m_graph = nullptr;
    double m_start[raw_total > 0 ? raw_total : 1];
};

/// RAII form of bundle: starts in the constructor, stops in the destructor.
template <static_component... C>
class scoped {
  public:
    explicit scoped(const label_id& label, scope_mode mode = scope_mode::use_default)
        : m_bundle{label, mode} {
        m_bundle.start();
    }
    ~scoped() { m_bundle.stop(); }
    scoped(const scoped&) = delete;
    scoped& operator=(const scoped&) = delete;

  private:
    bundle<C...> m_bundle;
};

/// Components chosen at run time (by id strings through the registry).
class runtime_bundle : private detail::open_scope {
  public:
    runtime_bundle(std::string_view label, std::vector<const component_info*> components,
                   scope_mode mode = scope_mode::use_default);
    runtime_bundle(hash_value label, std::vector<const component_info*> components,
                   scope_mode mode = scope_mode::use_default);
    ~runtime_bundle() { stop(); }
    runtime_bundle(const runtime_bundle&) = delete;
    runtime_bundle& operator=(const runtime_bundle&) = delete;
    runtime_bundle(runtime_bundle&&) noexcept;

    void start();
    void stop();
    bool running() const noexcept { return m_graph != nullptr; }
    const std::vector<const component_info*>& components() const noexcept { return m_set.items(); }
    /// Values of the last start/stop pair, per component in order (value_count each; NaN for a
    /// component whose value is known later).
    const std::vector<double>& last_values() const noexcept { return m_last; }

  private:
    hash_value m_hash;
    scope_mode m_mode;
    component_set m_set;
    /// Start samples, then stop samples: one allocation, not zero-filled (always sampled first).
    std::unique_ptr<double[]> m_raw;
    std::vector<double> m_last;
    thread_graph* m_graph = nullptr;
};

}  // namespace tim

/// Time the enclosing scope with compile-time components under a static label:
///   TIMEMORY_SCOPED("solve", tim::component::wall_clock);
#define TIMEMORY_SCOPED(label_text, ...)                                                 \
    static const ::tim::label_id TIMEMORY_CONCAT(timemory_label_, __LINE__){label_text}; \
    ::tim::scoped<__VA_ARGS__> TIMEMORY_CONCAT(timemory_scope_, __LINE__) {              \
        TIMEMORY_CONCAT(timemory_label_, __LINE__)                                       \
    }
