#include "timemory/core/bundle.hpp"

namespace tim {

runtime_bundle::runtime_bundle(std::string_view label, std::vector<const component_info*> components,
                               scope_mode mode)
    : runtime_bundle{add_label(label), std::move(components), mode} {}

runtime_bundle::runtime_bundle(hash_value label, std::vector<const component_info*> components,
                               scope_mode mode)
    : m_hash{label}, m_mode{mode}, m_components{std::move(components)} {
    std::size_t raw = 0;
    std::size_t values = 0;
    for (const auto* c : m_components) {
        raw += c->raw_count;
        values += c->value_count;
    }
    m_start.resize(raw);
    m_last.resize(values);
}

runtime_bundle::runtime_bundle(runtime_bundle&& other) noexcept
    : m_hash{other.m_hash},
      m_mode{other.m_mode},
      m_components{std::move(other.m_components)},
      m_start{std::move(other.m_start)},
      m_last{std::move(other.m_last)},
      m_graph{other.m_graph},
      m_node{other.m_node} {
    other.m_graph = nullptr;
}

void runtime_bundle::start() {
    if (!is_enabled() || m_graph != nullptr) return;
    m_graph = &this_thread_graph();
    m_node = m_graph->push(m_hash, m_mode);
    double* raw = m_start.data();
    for (const auto* c : m_components) {
        c->sample(raw);
        raw += c->raw_count;
    }
}

void runtime_bundle::stop() {
    if (m_graph == nullptr) return;
    double stop_raw[max_component_raw];
    const double* start = m_start.data();
    double* values = m_last.data();
    // Stop in reverse order of start so the first component brackets the others.
    std::size_t raw_end = m_start.size();
    std::size_t value_end = m_last.size();
    for (auto it = m_components.rbegin(); it != m_components.rend(); ++it) {
        const auto* c = *it;
        raw_end -= c->raw_count;
        value_end -= c->value_count;
        c->sample(stop_raw);
        if (c->finish != nullptr) {
            // Value known later (GPU timers): the component attaches it to the node itself.
            c->finish(start + raw_end, stop_raw,
                      m_node != no_node ? m_graph->global_id(m_node) : no_node_id);
            continue;
        }
        c->compute(start + raw_end, stop_raw, values + value_end);
        m_graph->record(m_node, *c, values + value_end);
    }
    m_graph->pop(m_node);
    m_graph = nullptr;
}

}  // namespace tim
