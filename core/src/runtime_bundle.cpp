#include "timemory/core/bundle.hpp"

namespace tim {

runtime_bundle::runtime_bundle(std::string_view label,
                               std::vector<const component_info*> components, scope_mode mode)
    : runtime_bundle{add_label(label), std::move(components), mode} {}

runtime_bundle::runtime_bundle(hash_value label, std::vector<const component_info*> components,
                               scope_mode mode)
    : m_hash{label},
      m_mode{mode},
      m_set{std::move(components)},
      m_raw{std::make_unique_for_overwrite<double[]>(2 * std::size_t{m_set.raw_total()})},
      m_last(m_set.value_total()) {
    close = [](detail::open_scope& scope) { static_cast<runtime_bundle&>(scope).stop(); };
    restart = [](detail::open_scope& scope) noexcept {
        auto& self = static_cast<runtime_bundle&>(scope);
        self.m_set.sample(self.m_raw.get());
    };
}

runtime_bundle::runtime_bundle(runtime_bundle&& other) noexcept
    : m_hash{other.m_hash},
      m_mode{other.m_mode},
      m_set{std::move(other.m_set)},
      m_raw{std::move(other.m_raw)},
      m_last{std::move(other.m_last)},
      m_graph{other.m_graph} {
    close = other.close;
    restart = other.restart;
    node = other.node;
    if (m_graph != nullptr) detail::relink_scope(other, *this);
    other.m_graph = nullptr;
}

void runtime_bundle::start() {
    if (!is_enabled() || m_graph != nullptr) return;
    m_graph = &this_thread_graph();
    node = m_graph->push(m_hash, m_mode);
    detail::link_scope(*this);
    m_set.sample(m_raw.get());
}

void runtime_bundle::stop() {
    if (m_graph == nullptr) return;
    double* stop = m_raw.get() + m_set.raw_total();
    m_set.sample_reverse(stop);
    m_set.record(*m_graph, node, m_raw.get(), stop, m_last.data());
    m_graph->pop(node);
    detail::unlink_scope(*this);
    m_graph = nullptr;
}

}  // namespace tim
