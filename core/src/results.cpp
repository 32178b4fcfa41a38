#include "timemory/core/results.hpp"

#include "timemory/core/graph_registry.hpp"
#include "timemory/core/pending.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"

#include <unistd.h>
#include <algorithm>
#include <mutex>
#include <set>
#include <utility>

namespace tim {
namespace {

struct edge_key {
    std::size_t parent;
    hash_value hash;
    std::uint64_t discriminator;  // tid when threads are not collapsed, node id for timeline
    bool operator<(const edge_key& o) const noexcept {
        return std::tie(parent, hash, discriminator) < std::tie(o.parent, o.hash, o.discriminator);
    }
};

class tree_builder {
  public:
    explicit tree_builder(bool collapse) {
        m_tree.collapsed_threads = collapse;
        m_tree.nodes.emplace_back();
        m_tree.nodes[0].label = label_text(0);
    }

    std::size_t child(std::size_t parent, hash_value hash, std::uint64_t discriminator) {
        auto [it, inserted] = m_edges.try_emplace(edge_key{parent, hash, discriminator}, 0);
        if (inserted) {
            result_node node;
            node.hash = hash;
            node.label = label_text(hash);
            node.parent = static_cast<std::int64_t>(parent);
            node.depth = m_tree.nodes[parent].depth + 1;
            it->second = m_tree.nodes.size();
            m_tree.nodes[parent].children.push_back(it->second);
            m_tree.nodes.push_back(std::move(node));
        }
        return it->second;
    }

    void add_graph(const thread_graph& graph) {
        const auto& nodes = graph.nodes();
        auto& [map, tid] = m_maps[graph.id()];
        map.assign(nodes.size(), 0);
        tid = graph.tid();
        const std::int64_t pid = ::getpid();
        // Component columns of this graph, decoded once.
        std::vector<std::pair<std::uint16_t, int>> columns;
        for (const auto* info : registry::all()) {
            const int col = graph.column(info->index);
            if (col >= 0) columns.emplace_back(info->index, col);
        }
        // Nodes are stored parents-first, so one forward pass maps every node.
        for (std::size_t i = 1; i < nodes.size(); ++i) {
            const auto& gn = nodes[i];
            const std::size_t parent = map[gn.parent];
            std::uint64_t disc = 0;
            if (gn.unique) {
                disc = (std::uint64_t{graph.id()} << 32) | i;
            } else if (!m_tree.collapsed_threads && parent == 0) {
                disc = static_cast<std::uint64_t>(tid) + 1;
            }
            const std::size_t r = child(parent, gn.hash, disc);
            map[i] = r;
            auto& rn = m_tree.nodes[r];
            rn.tids.insert(tid);
            rn.pids.insert(pid);
            if (rn.start_ns == 0 || (gn.start_ns != 0 && gn.start_ns < rn.start_ns)) {
                rn.start_ns = gn.start_ns;
            }
            for (auto [index, col] : columns) {
                const auto* info = registry::at(index);
                const unsigned count = info ? info->value_count : 1;
                bool any = false;
                for (unsigned v = 0; v < count && col + v < gn.data.size(); ++v) {
                    any = any || !gn.data[col + v].empty();
                }
                if (!any) continue;
                auto& acc = rn.data[index];
                acc.resize(std::max<std::size_t>(acc.size(), count));
                for (unsigned v = 0; v < count && col + v < gn.data.size(); ++v) {
                    acc[v].merge(gn.data[col + v]);
                }
            }
        }
    }

    // Regions still open on the graph's thread (another thread at finalize, or any thread during
    // a report) keep their row, without values if they have none yet, so that the regions inside
    // them keep their place in the tree: noted here, added by add_open_rows.
    void note_open_nodes(const thread_graph& graph) {
        const std::vector<std::uint32_t> open = graph.open_nodes();
        const auto& map = m_maps[graph.id()].first;
        for (std::size_t k = 1; k < open.size(); ++k) {
            if (open[k] < map.size()) m_open.push_back(map[open[k]]);
        }
    }

    // An open node without values gets an empty row for each component that has values
    // somewhere (with none, there is nothing to write and nothing measured to report).
    void add_open_rows() {
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

    void add_external(const detail::external_record& rec) {
        const auto graph_id = static_cast<std::uint32_t>(rec.node >> 32);
        const auto node_index = static_cast<std::uint32_t>(rec.node & 0xffffffffu);
        auto it = m_maps.find(graph_id);
        const bool known = it != m_maps.end() && node_index < it->second.first.size();
        std::size_t target = known ? it->second.first[node_index] : 0;
        if (rec.child != 0) target = child(target, rec.child, 0);
        auto& node = m_tree.nodes[target];
        auto& acc = node.data[rec.component];
        acc.resize(std::max(acc.size(), rec.values.size()));
        for (std::size_t v = 0; v < rec.values.size(); ++v) acc[v].merge(rec.values[v]);
        if (known) {
            // The work belongs to the thread that owns the node (it launched the kernel).
            node.tids.insert(it->second.second);
            node.pids.insert(::getpid());
        }
    }

    result_tree take() { return std::move(m_tree); }

  private:
    result_tree m_tree;
    std::map<edge_key, std::size_t> m_edges;
    /// graph id -> (graph node index -> tree node index, the graph's tid)
    std::map<std::uint32_t, std::pair<std::vector<std::size_t>, std::int64_t>> m_maps;
    std::vector<std::size_t> m_open;  ///< tree nodes open on their thread
};

// Components whose values sit on child rows (kernels under the region that launched them) give
// every ancestor the total of its subtree. Children always follow their parent in `nodes`, so one
// backward pass adds each finished subtree to its parent.
void add_subtree_totals(result_tree& tree) {
    std::vector<std::uint16_t> rolled;
    for (const auto* info : registry::all()) {
        if (info->subtree_totals) rolled.push_back(info->index);
    }
    if (rolled.empty()) return;
    for (std::size_t i = tree.nodes.size(); i-- > 1;) {
        const auto parent = tree.nodes[i].parent;
        if (parent <= 0) continue;
        auto& up = tree.nodes[static_cast<std::size_t>(parent)].data;
        for (auto index : rolled) {
            auto it = tree.nodes[i].data.find(index);
            if (it == tree.nodes[i].data.end()) continue;
            auto& total = up[index];
            total.resize(std::max(total.size(), it->second.size()));
            for (std::size_t v = 0; v < it->second.size(); ++v) total[v].merge(it->second[v]);
        }
    }
}

std::string decorate(const component_record& row, bool collapsed, std::int64_t tid, int tid_width) {
    std::string prefix;
    if (collapsed) {
        prefix = ">>> ";
    } else {
        std::string t = std::to_string(tid);
        if (static_cast<int>(t.size()) < tid_width) t.insert(0, tid_width - t.size(), '0');
        prefix = "|" + t + ">>> ";
    }
    if (row.depth > 0) {
        prefix.append(2 * (std::min(row.depth, prefix_indent_levels) - 1), ' ');
        prefix += "|_";
    }
    return prefix + row.label;
}

}  // namespace

result_tree collect_results(bool collapse_threads) {
    flush_pending();  // device records still in CUPTI's buffers belong in this result
    tree_builder builder{collapse_threads};
    auto graphs = detail::all_graphs();
    std::size_t threads = 0;
    for (const auto* g : graphs) {
        if (g->nodes().size() > 1) ++threads;
        builder.add_graph(*g);
        builder.note_open_nodes(*g);
    }
    for (const auto& rec : detail::external_records()) builder.add_external(rec);
    builder.add_open_rows();
    auto tree = builder.take();
    add_subtree_totals(tree);
    tree.thread_count = std::max<std::size_t>(threads, 1);
    return tree;
}

result_tree collect_results() {
    return collect_results(settings::instance().collapse_threads);
}

double component_record::self_percent(unsigned value) const noexcept {
    if (value >= inclusive.size() || inclusive[value].sum <= 0.0) return 0.0;
    const double self = exclusive[value].sum / inclusive[value].sum * 100.0;
    return std::clamp(self, 0.0, 100.0);
}

std::vector<component_record> component_view(const result_tree& tree, const component_info& info) {
    std::vector<component_record> rows;
    const unsigned count = info.value_count;
    std::int64_t max_tid = 0;
    for (const auto& n : tree.nodes) {
        if (!n.tids.empty()) max_tid = std::max(max_tid, *n.tids.rbegin());
    }
    const int tid_width = static_cast<int>(std::to_string(max_tid).size());

    // Pre-order walk with an explicit stack (a deep tree must not exhaust the thread's stack).
    // `parent_row` is the nearest ancestor that has data for this component.
    struct pending {
        std::size_t index;
        std::int64_t parent_row;
        std::uint32_t depth;
    };
    std::vector<pending> stack{{0, -1, 0}};
    while (!stack.empty()) {
        const auto [index, parent_row, depth] = stack.back();
        stack.pop_back();
        const auto& node = tree.nodes[index];
        auto it = node.data.find(info.index);
        // An entry without values is a declared placeholder row (attach_record with no values,
        // e.g. a traced source line that never ran): listed, with empty cells.
        const bool has_data =
            index != 0 && it != node.data.end() &&
            (it->second.empty() || std::any_of(it->second.begin(), it->second.end(),
                                               [](const accumulator& a) { return !a.empty(); }));
        std::int64_t next_parent = parent_row;
        std::uint32_t next_depth = depth;
        if (has_data) {
            component_record row;
            row.node = index;
            row.parent = parent_row;
            row.hash = node.hash;
            row.label = node.label;
            row.depth = depth;
            row.tids = node.tids;
            row.pids = node.pids;
            row.start_ns = node.start_ns;
            row.inclusive = it->second;
            row.inclusive.resize(count);
            row.exclusive = row.inclusive;
            if (parent_row >= 0) {
                row.rolling_hash = rows[static_cast<std::size_t>(parent_row)].rolling_hash;
            }
            row.rolling_hash += node.hash;  // wrapping sum, as timemory defines it
            const std::int64_t tid = node.tids.empty() ? 0 : *node.tids.begin();
            row.prefix = decorate(row, tree.collapsed_threads, tid, tid_width);
            next_parent = static_cast<std::int64_t>(rows.size());
            if (parent_row >= 0) {
                rows[static_cast<std::size_t>(parent_row)].children.push_back(rows.size());
            }
            rows.push_back(std::move(row));
            next_depth = depth + 1;
        }
        // Reversed, so that the first child is visited first.
        for (auto c = node.children.rbegin(); c != node.children.rend(); ++c) {
            stack.push_back({*c, next_parent, next_depth});
        }
    }

    // Exclusive: subtract direct children's inclusive sums. Only count and sum are known, so the
    // exclusive spread is reported as every call at the mean. Clamped at zero when the component
    // never measured a negative value (overlapping children, e.g. asynchronous device work, can
    // exceed the host time of their parent); memory deltas may legitimately be negative.
    for (auto& row : rows) {
        for (auto c : row.children) {
            for (unsigned v = 0; v < count; ++v) row.exclusive[v].sum -= rows[c].inclusive[v].sum;
        }
        for (unsigned v = 0; v < count; ++v) {
            auto& e = row.exclusive[v];
            if (row.inclusive[v].empty() || row.inclusive[v].min >= 0.0)
                e.sum = std::max(0.0, e.sum);
            e.min = e.count ? e.sum / static_cast<double>(e.count) : 0.0;
            e.max = e.min;
            e.shift = e.min;
            e.shifted_sum = 0.0;
            e.shifted_sqr = 0.0;
        }
    }
    return rows;
}

std::vector<hash_value> hierarchy(const std::vector<component_record>& rows, std::size_t row) {
    std::vector<hash_value> out;
    // Parents precede their children in a view; stopping at any other link keeps a malformed
    // view from looping.
    for (std::size_t i = row; i < rows.size();) {
        out.push_back(rows[i].hash);
        const auto parent = rows[i].parent;
        if (parent < 0 || static_cast<std::size_t>(parent) >= i) break;
        i = static_cast<std::size_t>(parent);
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::vector<const component_info*> recorded_components(const result_tree& tree) {
    // Sorted by id, the order timemory 3 reported in (its Python documentation shows cpu before
    // wall).
    std::vector<const component_info*> out;
    for (const auto* info : registry::all()) {
        for (std::size_t i = 1; i < tree.nodes.size(); ++i) {
            if (tree.nodes[i].data.count(info->index) != 0) {
                out.push_back(info);
                break;
            }
        }
    }
    std::sort(out.begin(), out.end(),
              [](const component_info* a, const component_info* b) { return a->id < b->id; });
    return out;
}

void clear_results() {
    for (auto* g : detail::all_graphs()) {
        // Only the owning thread may touch a live graph; retired graphs and our own are safe.
        if (g->retired() || g == detail::this_thread_graph_ptr) g->reset();
    }
    detail::clear_external_records();
}

}  // namespace tim

namespace tim {

namespace {
struct pending_sources {
    std::mutex mutex;
    std::vector<pending_flush_fn> flushes;
};
pending_sources& pending() {
    static auto* instance = new pending_sources{};
    return *instance;
}
}  // namespace

void add_pending_source(pending_flush_fn flush) {
    auto& p = pending();
    std::lock_guard<std::mutex> lock{p.mutex};
    if (std::find(p.flushes.begin(), p.flushes.end(), flush) == p.flushes.end()) {
        p.flushes.push_back(flush);
    }
}

void flush_pending() noexcept {
    std::vector<pending_flush_fn> flushes;
    {
        auto& p = pending();
        std::lock_guard<std::mutex> lock{p.mutex};
        flushes = p.flushes;
    }
    for (auto flush : flushes) flush();  // outside the lock: a flush attaches records
}

void clear_results(const component_info& info) {
    for (auto* g : detail::all_graphs()) {
        // Same rule as clear_results(): only retired graphs and the caller's own are safe.
        if (g->retired() || g == detail::this_thread_graph_ptr) g->clear_component(info.index);
    }
    detail::remove_external_records(info.index);
}

}  // namespace tim
