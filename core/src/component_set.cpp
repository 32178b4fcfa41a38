#include "timemory/core/component_set.hpp"

#include <limits>
#include <map>
#include <memory>
#include <mutex>

namespace tim {

const component_set& component_set::intern(const std::vector<const component_info*>& items) {
    struct interned {
        std::mutex mutex;
        std::map<std::vector<const component_info*>, std::unique_ptr<const component_set>> sets;
    };
    static auto* table = new interned{};  // never destroyed: frames may close during exit
    std::lock_guard<std::mutex> lock{table->mutex};
    auto& slot = table->sets[items];
    if (!slot) slot = std::make_unique<const component_set>(items);
    return *slot;
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
