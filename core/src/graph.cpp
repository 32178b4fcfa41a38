// Slow paths of the per-thread call graph: node insertion, settings refresh, mismatched pops,
// thread registration/retirement and records attached from other threads.
#include "timemory/core/graph.hpp"

#include "tree_builder.hpp"

#include "timemory/core/graph_registry.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/plugins.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"

#include <sys/syscall.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <tuple>

namespace tim {

namespace detail {
thread_local thread_graph* this_thread_graph_ptr TIMEMORY_INITIAL_EXEC = nullptr;

namespace {
// Folds the thread's graph into the results of ended threads when the thread exits.
struct graph_retirer {
    thread_graph* graph = nullptr;
    ~graph_retirer() {
        if (graph != nullptr) graph_access::retire(*graph);
        this_thread_graph_ptr = nullptr;
    }
};
thread_local graph_retirer this_thread_retirer;

struct graph_list {
    std::mutex mutex;
    // Running threads' graphs; a reader's copy of a pointer keeps a graph alive while it reads.
    std::vector<std::shared_ptr<thread_graph>> graphs;
    std::uint32_t next_id = 0;  // never reused: records name nodes of freed graphs by it
    std::int64_t next_tid = 1;
    // Aggregated attached records in first-attach order (the order child rows appear in), and
    // where each (node, component, child) sits in it.
    std::vector<external_record> external;
    std::map<std::tuple<node_id, std::uint16_t, hash_value>, std::size_t> external_index;
};
graph_list& list() {
    static auto* instance = new graph_list{};
    return *instance;
}
}  // namespace

thread_graph& create_this_thread_graph() {
    load_plugins();  // region observers (NVTX mirroring) must be in place before the first push
    auto& l = list();
    const bool is_main = ::syscall(SYS_gettid) == ::getpid();
    thread_graph* graph = nullptr;
    {
        std::lock_guard<std::mutex> lock{l.mutex};
        const std::int64_t tid = is_main ? 0 : l.next_tid++;
        l.graphs.push_back(std::make_shared<thread_graph>(l.next_id++, tid));
        graph = l.graphs.back().get();
    }
    this_thread_graph_ptr = graph;
    this_thread_retirer.graph = graph;
    return *graph;
}

std::int64_t epoch_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::vector<std::shared_ptr<thread_graph>> all_graphs(const std::function<void()>& under_lock) {
    auto& l = list();
    std::lock_guard<std::mutex> lock{l.mutex};
    if (under_lock) under_lock();
    return l.graphs;
}

std::vector<external_record> external_records() {
    auto& l = list();
    std::lock_guard<std::mutex> lock{l.mutex};
    return l.external;
}

void remove_external_records(std::uint16_t component) {
    auto& l = list();
    std::lock_guard<std::mutex> lock{l.mutex};
    std::erase_if(l.external,
                  [component](const external_record& r) { return r.component == component; });
    l.external_index.clear();
    for (std::size_t i = 0; i < l.external.size(); ++i) {
        const auto& r = l.external[i];
        l.external_index[{r.node, r.component, r.child}] = i;
    }
}

void clear_external_records() {
    auto& l = list();
    std::lock_guard<std::mutex> lock{l.mutex};
    l.external.clear();
    l.external_index.clear();
}
}  // namespace detail

void graph_access::retire(thread_graph& graph) {
    graph.m_retired.store(true, std::memory_order_release);
    // A region left open: the bundle or frame holding it may still close it through the graph.
    if (graph.m_stack.size() > 1 || graph.m_skipped != 0) return;
    const auto snap = snapshot(graph);
    const bool collapse = settings::instance().collapse_threads;
    std::shared_ptr<thread_graph> owned;  // freed after the lock (or by the last reader)
    auto& l = detail::list();
    std::lock_guard<std::mutex> lock{l.mutex};
    auto it = std::find_if(l.graphs.begin(), l.graphs.end(),
                           [&graph](const auto& g) { return g.get() == &graph; });
    if (it == l.graphs.end()) return;
    detail::fold_retired(snap, collapse);
    owned = std::move(*it);
    l.graphs.erase(it);
}

graph_snapshot graph_access::snapshot(const thread_graph& graph) {
    graph_snapshot out;
    out.id = graph.m_id;
    out.tid = graph.m_tid;
    std::lock_guard<std::mutex> lock{graph.m_mutex};
    out.column = graph.m_column;
    out.columns = graph.m_columns;
    out.nodes.reserve(graph.m_nodes.size());
    out.values.resize(graph.m_nodes.size() * out.columns);
    auto* values = out.values.data();
    for (const auto& node : graph.m_nodes) {
        out.nodes.push_back({node.hash, node.parent, node.start_ns, node.unique});
        // The owner adds to these without the lock; load() reads each field atomically.
        for (std::size_t c = 0; c < node.data.size() && c < out.columns; ++c) {
            values[c] = accumulator::load(node.data[c]);
        }
        values += out.columns;
    }
    return out;
}

thread_graph::thread_graph(std::uint32_t graph_id, std::int64_t tid) : m_id{graph_id}, m_tid{tid} {
    m_column.fill(-1);
    m_nodes.reserve(64);
    m_nodes.emplace_back();  // hidden root: depth 0, hash 0
    m_stack.reserve(64);
    m_stack.push_back(0);
}

void thread_graph::reset() {
    std::lock_guard<std::mutex> lock{m_mutex};
    if (m_stack.size() > 1 || m_skipped != 0) {
        // Regions are still open on this thread (finalize() called inside a scope): the bundles
        // and region frames hold node indices, so keep every node and drop only the values.
        for (auto& node : m_nodes) {
            for (auto& acc : node.data) acc = accumulator{};
        }
        return;
    }
    m_nodes.clear();
    m_nodes.emplace_back();
    m_edges.clear();
    m_stack.assign(1, 0);
    m_column.fill(-1);
    m_columns = 0;
    m_skipped = 0;
}

void thread_graph::clear_component(std::uint16_t index) {
    const int col = m_column[index];
    if (col < 0) return;
    const auto* info = registry::at(index);
    const unsigned count = info ? info->value_count : 1;
    std::lock_guard<std::mutex> lock{m_mutex};
    for (auto& node : m_nodes) {
        for (unsigned v = 0; v < count && col + v < node.data.size(); ++v) node.data[col + v] = {};
    }
}

void thread_graph::refresh_settings() {
    const auto& s = settings::instance();
    m_generation = detail::settings_generation_now();
    m_max_depth = s.max_depth <= 0                     ? 0u
                  : s.max_depth >= INT64_C(0xffffffff) ? UINT32_MAX
                                                       : static_cast<std::uint32_t>(s.max_depth);
    m_default_mode = s.timeline_profile ? scope_mode::timeline
                     : s.flat_profile   ? scope_mode::flat
                                        : scope_mode::tree;
}

std::uint32_t thread_graph::insert(std::uint32_t parent, hash_value hash, bool unique) {
    const auto index = static_cast<std::uint32_t>(m_nodes.size());
    graph_node node;
    node.hash = hash;
    node.parent = parent;
    node.depth = m_nodes[parent].depth + 1;
    node.start_ns = detail::epoch_ns();
    node.unique = unique;
    node.data.resize(m_columns);
    std::lock_guard<std::mutex> lock{m_mutex};  // the vector may move under a reader
    m_nodes.push_back(std::move(node));
    graph_node& p = m_nodes[parent];
    if (p.last_child == no_node) {
        p.first_child = index;
    } else {
        m_nodes[p.last_child].next_sibling = index;
    }
    p.last_child = index;
    return index;
}

std::uint32_t thread_graph::find_or_insert(std::uint32_t parent, hash_value hash) {
    auto [it, inserted] = m_edges.try_emplace({parent, hash}, no_node);
    if (inserted) it->second = insert(parent, hash);
    m_nodes[parent].cached_child = it->second;
    return it->second;
}

void thread_graph::notify_pop(std::uint32_t node) const noexcept {
    if (const auto* observer = detail::region_observer_now()) {
        observer->pop(m_nodes[node].hash, global_id(node));
    }
}

void thread_graph::pop_mismatch(std::uint32_t node, bool observed) {
    if (m_stack.size() <= 1) {
        log::warning("pop of '", label_text(node < m_nodes.size() ? m_nodes[node].hash : 0),
                     "' without a matching push; ignored");
        return;
    }
    // Out of order: close `node` wherever it is on the stack, keep the regions above it open.
    for (std::size_t i = m_stack.size(); i-- > 1;) {
        if (m_stack[i] == node) {
            log::warning("region '", label_text(m_nodes[node].hash), "' closed while '",
                         label_text(m_nodes[m_stack.back()].hash), "' is still open");
            if (observed) notify_pop(node);
            m_stack.erase(m_stack.begin() + static_cast<std::ptrdiff_t>(i));
            return;
        }
    }
    log::warning("pop of '", label_text(node < m_nodes.size() ? m_nodes[node].hash : 0),
                 "' which is not open on this thread; ignored");
}

bool thread_graph::pop_label(hash_value hash) {
    for (std::size_t i = m_stack.size(); i-- > 1;) {
        if (m_nodes[m_stack[i]].hash == hash) {
            if (i + 1 != m_stack.size()) {
                log::warning("region '", label_text(hash), "' closed while '",
                             label_text(m_nodes[m_stack.back()].hash), "' is still open");
            }
            notify_pop(m_stack[i]);
            m_stack.erase(m_stack.begin() + static_cast<std::ptrdiff_t>(i));
            return true;
        }
    }
    log::warning("pop of '", label_text(hash), "' without a matching push; ignored");
    return false;
}

int thread_graph::add_column(std::uint16_t component, unsigned count) {
    std::lock_guard<std::mutex> lock{m_mutex};
    const int col = static_cast<int>(m_columns);
    m_column[component] = static_cast<std::int16_t>(col);
    m_columns += count;
    return col;
}

void thread_graph::grow_node(graph_node& node) {
    std::lock_guard<std::mutex> lock{m_mutex};
    node.data.resize(m_columns);
}

std::atomic<const region_observer*> detail::active_region_observer{nullptr};

const region_observer* set_region_observer(const region_observer* observer) noexcept {
    return detail::active_region_observer.exchange(observer, std::memory_order_acq_rel);
}

bool remove_region_observer(const region_observer* observer) noexcept {
    return detail::active_region_observer.compare_exchange_strong(observer, nullptr,
                                                                  std::memory_order_acq_rel);
}

node_id current_node_id() {
    auto& g = this_thread_graph();
    return g.global_id(g.current());
}

namespace {
void attach_hashed(node_id node, std::uint16_t component, const double* values, unsigned count,
                   hash_value child) {
    auto& l = detail::list();
    std::lock_guard<std::mutex> lock{l.mutex};
    auto [it, inserted] = l.external_index.try_emplace({node, component, child}, l.external.size());
    if (inserted) {
        detail::external_record rec;
        rec.node = node;
        rec.component = component;
        rec.child = child;
        l.external.push_back(std::move(rec));
    }
    auto& acc = l.external[it->second].values;
    if (acc.size() < count) acc.resize(count);
    for (unsigned v = 0; v < count; ++v) acc[v].add(values[v]);
}
}  // namespace

void attach_record(node_id node, std::uint16_t component, const double* values, unsigned count,
                   std::string_view child_label) {
    attach_hashed(node, component, values, count, child_label.empty() ? 0 : add_label(child_label));
}

void attach_record(node_id node, std::uint16_t component, const double* values, unsigned count,
                   label_id child) {
    attach_hashed(node, component, values, count, child.hash());
}

}  // namespace tim
