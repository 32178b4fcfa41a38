#include "timemory/core/results.hpp"

#include "tree_builder.hpp"

#include "timemory/core/graph_registry.hpp"
#include "timemory/core/pending.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

namespace tim {
namespace {

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
            accumulator::merge_into(up[index], it->second.data(), it->second.size());
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
    detail::tree_builder builder{collapse_threads};
    // Running threads first (the main thread's rows lead, as they always did), then the merged
    // results of the threads that ended: read together under the list's lock, so a thread that
    // ends meanwhile is counted once. A running graph is copied under its own lock (its owner
    // keeps recording); merging happens outside it.
    detail::tree_builder ended{collapse_threads};
    const auto graphs = detail::all_graphs([&ended] { detail::add_retired(ended); });
    for (const auto& g : graphs) {
        builder.add_graph(graph_access::snapshot(*g), collapse_threads);
    }
    builder.add_tree(ended);
    for (const auto& rec : detail::external_records()) builder.add_external(rec);
    builder.add_open_rows();
    const std::size_t threads = builder.threads();
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
            if (auto r = node.over_ranks.find(info.index); r != node.over_ranks.end()) {
                row.over_ranks = r->second;
                row.over_ranks.resize(count);
            }
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
    for (const auto& g : detail::all_graphs()) {
        // Only the owning thread may touch a live graph; retired graphs and our own are safe.
        if (g->retired() || g.get() == detail::this_thread_graph_ptr) g->reset();
    }
    detail::clear_retired();
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
    for (const auto& g : detail::all_graphs()) {
        // Same rule as clear_results(): only retired graphs and the caller's own are safe.
        if (g->retired() || g.get() == detail::this_thread_graph_ptr) {
            g->clear_component(info.index);
        }
    }
    detail::clear_retired(info.index);
    detail::remove_external_records(info.index);
}

}  // namespace tim
