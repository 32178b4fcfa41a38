// Merging graphs by call path, and the merged results of threads that ended.
#include "tree_builder.hpp"

#include "timemory/core/registry.hpp"

#include <unistd.h>
#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>
#include <utility>

namespace tim::detail {

namespace {
// A merged node's first entry is the earliest of its sources' (0: not known).
void keep_earliest(std::int64_t& start_ns, std::int64_t other) noexcept {
    if (start_ns == 0 || (other != 0 && other < start_ns)) start_ns = other;
}
}  // namespace

bool tree_builder::edge_key::operator<(const edge_key& o) const noexcept {
    return std::tie(parent, hash, discriminator) < std::tie(o.parent, o.hash, o.discriminator);
}

tree_builder::tree_builder(bool collapse) {
    m_tree.collapsed_threads = collapse;
    m_tree.nodes.emplace_back();
    m_tree.nodes[0].label = label_text(0);
    m_origin.emplace_back();
}

std::size_t tree_builder::child(std::size_t parent, hash_value hash, origin from) {
    auto [it, inserted] = m_edges.try_emplace(edge_key{parent, hash, from.discriminator}, 0);
    if (inserted) {
        result_node node;
        node.hash = hash;
        node.label = label_text(hash);
        node.parent = static_cast<std::int64_t>(parent);
        node.depth = m_tree.nodes[parent].depth + 1;
        it->second = m_tree.nodes.size();
        m_tree.nodes[parent].children.push_back(it->second);
        m_tree.nodes.push_back(std::move(node));
        m_origin.push_back(from);
    }
    return it->second;
}

void tree_builder::add_graph(const graph_snapshot& graph, bool collapse) {
    const auto& nodes = graph.nodes;
    auto& [map, tid] = m_maps[graph.id];
    map.assign(nodes.size(), 0);
    tid = graph.tid;
    if (nodes.size() > 1) ++m_threads;
    const std::int64_t pid = ::getpid();
    // Component columns of this graph, decoded once.
    struct column {
        std::uint16_t index;
        std::uint32_t first;
        unsigned count;
    };
    std::vector<column> columns;
    for (const auto* info : registry::all()) {
        const int col = graph.column[info->index];
        if (col >= 0) {
            const unsigned count = std::min<unsigned>(
                info->value_count, graph.columns - static_cast<std::uint32_t>(col));
            columns.push_back({info->index, static_cast<std::uint32_t>(col), count});
        }
    }
    // Nodes are stored parents-first, so one forward pass maps every node.
    for (std::size_t i = 1; i < nodes.size(); ++i) {
        const auto& gn = nodes[i];
        const std::size_t parent = map[gn.parent];
        origin from;
        if (gn.unique) {
            from.discriminator = (std::uint64_t{graph.id} << 32) | i;
        } else if (!collapse && parent == 0) {
            from = {static_cast<std::uint64_t>(tid) + 1, true};
        }
        const std::size_t r = child(parent, gn.hash, from);
        map[i] = static_cast<std::uint32_t>(r);
        auto& rn = m_tree.nodes[r];
        rn.tids.insert(tid);
        rn.pids.insert(pid);
        keep_earliest(rn.start_ns, gn.start_ns);
        const accumulator* values = graph.values.data() + i * graph.columns;
        for (const auto& c : columns) {
            const accumulator* first = values + c.first;
            if (std::all_of(first, first + c.count, [](const accumulator& a) { return a.empty(); }))
                continue;
            accumulator::merge_into(rn.data[c.index], first, c.count);
        }
    }
    for (std::size_t k = 1; k < graph.open.size(); ++k) {
        if (graph.open[k] < map.size()) m_open.push_back(map[graph.open[k]]);
    }
}

void tree_builder::add_open_rows() {
    if (m_open.empty()) return;
    std::set<std::uint16_t> measured;
    for (const auto& node : m_tree.nodes) {
        for (const auto& [index, values] : node.data) {
            if (std::any_of(values.begin(), values.end(),
                            [](const accumulator& a) { return !a.empty(); })) {
                measured.insert(index);
            }
        }
    }
    for (auto node : m_open) {
        for (auto index : measured) m_tree.nodes[node].data.try_emplace(index);
    }
}

void tree_builder::add_tree(const tree_builder& other) {
    const auto& nodes = other.m_tree.nodes;
    std::vector<std::uint32_t> map(nodes.size(), 0);
    for (std::size_t i = 1; i < nodes.size(); ++i) {
        const auto& on = nodes[i];
        origin from = other.m_origin[i];
        if (from.by_thread && m_tree.collapsed_threads) from = {};
        const std::size_t r = child(map[static_cast<std::size_t>(on.parent)], on.hash, from);
        map[i] = static_cast<std::uint32_t>(r);
        auto& rn = m_tree.nodes[r];
        rn.tids.insert(on.tids.begin(), on.tids.end());
        rn.pids.insert(on.pids.begin(), on.pids.end());
        keep_earliest(rn.start_ns, on.start_ns);
        for (const auto& [index, values] : on.data) {
            accumulator::merge_into(rn.data[index], values.data(), values.size());
        }
    }
    for (const auto& [id, entry] : other.m_maps) {
        auto& [to, tid] = m_maps[id];
        to.resize(entry.first.size());
        for (std::size_t n = 0; n < to.size(); ++n) to[n] = map[entry.first[n]];
        tid = entry.second;
    }
    m_threads += other.m_threads;
}

void tree_builder::add_external(const external_record& rec) {
    const auto graph_id = static_cast<std::uint32_t>(rec.node >> 32);
    const auto node_index = static_cast<std::uint32_t>(rec.node & 0xffffffffu);
    auto it = m_maps.find(graph_id);
    const bool known = it != m_maps.end() && node_index < it->second.first.size();
    std::size_t target = known ? it->second.first[node_index] : 0;
    if (rec.child != 0) target = child(target, rec.child, {});
    auto& node = m_tree.nodes[target];
    accumulator::merge_into(node.data[rec.component], rec.values.data(), rec.values.size());
    if (known) {
        // The work belongs to the thread that owns the node (it launched the kernel).
        node.tids.insert(it->second.second);
        node.pids.insert(::getpid());
    }
}

void tree_builder::clear_component(std::uint16_t index) {
    for (auto& node : m_tree.nodes) node.data.erase(index);
}

namespace {
struct retired_results {
    std::mutex mutex;
    tree_builder merged{true};  // collapse as each thread asked when it ended
};
// Threads may end during static destruction: never destroyed. The last store is the live one;
// a forked child starts a fresh one (the parent's is kept, untouched: see reset_retired_in_child).
std::vector<std::unique_ptr<retired_results>>& retired_stores() {
    static auto* stores = [] {
        auto* v = new std::vector<std::unique_ptr<retired_results>>{};
        v->push_back(std::make_unique<retired_results>());
        return v;
    }();
    return *stores;
}
retired_results& retired() {
    return *retired_stores().back();
}
}  // namespace

void fold_retired(const graph_snapshot& graph, bool collapse) {
    auto& r = retired();
    std::lock_guard<std::mutex> lock{r.mutex};
    r.merged.add_graph(graph, collapse);
}

void add_retired(tree_builder& into) {
    auto& r = retired();
    std::lock_guard<std::mutex> lock{r.mutex};
    into.add_tree(r.merged);
}

void reset_retired_in_child() {
    // Its lock may have been held by a thread that does not exist in the child: a fresh store.
    retired_stores().push_back(std::make_unique<retired_results>());
}

void clear_retired() {
    auto& r = retired();
    std::lock_guard<std::mutex> lock{r.mutex};
    r.merged = tree_builder{true};
}

void clear_retired(std::uint16_t component) {
    auto& r = retired();
    std::lock_guard<std::mutex> lock{r.mutex};
    r.merged.clear_component(component);
}

}  // namespace tim::detail
