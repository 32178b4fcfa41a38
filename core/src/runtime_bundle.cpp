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
      m_start(m_set.raw_total()),
      m_stop(m_set.raw_total()),
      m_last(m_set.value_total()) {}

runtime_bundle::runtime_bundle(runtime_bundle&& other) noexcept
    : m_hash{other.m_hash},
      m_mode{other.m_mode},
      m_set{std::move(other.m_set)},
      m_start{std::move(other.m_start)},
      m_stop{std::move(other.m_stop)},
      m_last{std::move(other.m_last)},
      m_graph{other.m_graph},
      m_node{other.m_node} {
    other.m_graph = nullptr;
}

void runtime_bundle::start() {
    if (!is_enabled() || m_graph != nullptr) return;
    m_graph = &this_thread_graph();
    m_node = m_graph->push(m_hash, m_mode);
    m_set.sample(m_start.data());
}

void runtime_bundle::stop() {
    if (m_graph == nullptr) return;
    m_set.sample_reverse(m_stop.data());
    m_set.record(*m_graph, m_node, m_start.data(), m_stop.data(), m_last.data());
    m_graph->pop(m_node);
    m_graph = nullptr;
}

}  // namespace tim
