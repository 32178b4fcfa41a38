#include "timemory/core/component_set.hpp"

#include <limits>

namespace tim {

component_set::component_set(std::vector<const component_info*> items) : m_items{std::move(items)} {
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

void component_set::record_each(thread_graph& graph, std::uint32_t node, const double* start,
                                const double* stop, double* values) const noexcept {
    double scratch[max_component_values];
    for (const auto* c : m_items) {
        double* out = values != nullptr ? values : scratch;
        if (c->finish != nullptr) {
            finish_on_node(c->finish, graph, node, start, stop);
            for (unsigned i = 0; i < c->value_count; ++i) {
                out[i] = std::numeric_limits<double>::quiet_NaN();
            }
        } else {
            c->compute(start, stop, out);
            graph.record(node, *c, out);
        }
        start += c->raw_count;
        stop += c->raw_count;
        if (values != nullptr) values += c->value_count;
    }
}

}  // namespace tim
