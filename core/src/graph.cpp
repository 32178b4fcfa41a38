// Slow paths of the per-thread call graph: node insertion, settings refresh, mismatched pops,
// thread registration/retirement and records attached from other threads.
#include "timemory/core/graph.hpp"

#include "tree_builder.hpp"

#include "timemory/core/graph_registry.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/mpi.hpp"
#include "timemory/core/plugins.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/core/signals.hpp"

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
    signals::prepare_this_thread();  // a stack overflow in this thread still writes the outputs
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
    out.open = graph.open_nodes();  // under the lock: the node vector cannot move meanwhile
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

std::vector<hash_value> graph_access::open_hashes(const thread_graph& graph) {
    std::lock_guard<std::mutex> lock{graph.m_mutex};
    std::vector<hash_value> out;
    for (const auto node : graph.open_nodes()) {
        if (node != 0) out.push_back(graph.m_nodes[node].hash);
    }
    return out;
}

void graph_access::lock_for_fork() {
    detail::list().mutex.lock();
}

void graph_access::unlock_in_parent() {
    detail::list().mutex.unlock();
}

void graph_access::reset_in_child(thread_graph* survivor) {
    auto& l = detail::list();
    // The other graphs' threads do not exist here: their graphs leave the list without being
    // touched (a graph's lock may have been held by its thread at the fork, and would never be
    // released) and are never freed.
    static auto* orphans = new std::vector<std::shared_ptr<thread_graph>>{};
    for (auto& graph : l.graphs) {
        if (graph.get() != survivor) orphans->push_back(std::move(graph));
    }
    std::erase(l.graphs, nullptr);
    if (survivor != nullptr) survivor->reset();
    detail::reset_retired_in_child();
    l.external.clear();
    l.external_index.clear();
    l.mutex.unlock();
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
    m_open_top.store(0, std::memory_order_relaxed);
    m_column.fill(-1);
    m_columns = 0;
    m_skipped = 0;
    m_timeline_entries = 0;
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
    m_timeline_limit = static_cast<std::uint64_t>(std::max<std::int64_t>(s.timeline_limit, 0));
    m_default_mode = s.timeline_profile ? scope_mode::timeline
                     : s.flat_profile   ? scope_mode::flat
                                        : scope_mode::tree;
}

std::uint32_t thread_graph::too_deep(hash_value hash) {
    ++m_skipped;
    // Once per process for each max_depth value (0 records nothing on purpose: no warning).
    static std::atomic<std::uint32_t> warned_for{0};
    if (m_max_depth != 0 && warned_for.exchange(m_max_depth) != m_max_depth) {
        log::warning("region '", label_text(hash), "' is nested deeper than max_depth (",
                     m_max_depth,
                     ") and is not recorded, nor is anything inside it (a push without its pop "
                     "in a loop nests each iteration); set TIMEMORY_MAX_DEPTH to record deeper. "
                     "Said once");
    }
    return no_node;
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

std::uint32_t thread_graph::insert_timeline(std::uint32_t parent, hash_value hash) {
    if (m_timeline_limit == 0 || m_timeline_entries < m_timeline_limit) {
        ++m_timeline_entries;
        return insert(parent, hash, true);  // unique set before a reader can see the node
    }
    // Each entry costs memory until finalize; past the limit, calls accumulate per call path.
    if (!m_timeline_warned) {
        m_timeline_warned = true;
        log::warning("timeline profile: thread ", m_tid, " reached ", m_timeline_limit,
                     " entries (timeline_limit) at '", label_text(hash),
                     "'; its later calls are merged by call path as in a tree profile (set "
                     "TIMEMORY_TIMELINE_LIMIT to keep more, 0 keeps every call)");
    }
    return find_or_insert(parent, hash);
}

std::uint32_t thread_graph::find_or_insert(std::uint32_t parent, hash_value hash) {
    auto [it, inserted] = m_edges.try_emplace({parent, hash}, no_node);
    if (inserted) {
        it->second = insert(parent, hash);
        mpi::detail::notice_new_node();  // MPI initialized since init: hook its finalize
    }
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
            m_open_top.store(m_stack.back(), std::memory_order_relaxed);
            return;
        }
    }
    log::warning("pop of '", label_text(node < m_nodes.size() ? m_nodes[node].hash : 0),
                 "' which is not open on this thread; ignored");
}

std::vector<std::uint32_t> thread_graph::open_nodes() const {
    std::vector<std::uint32_t> path;
    const std::size_t size = m_nodes.size();
    std::uint32_t node = m_open_top.load(std::memory_order_relaxed);
    // Bounded by the node count: the links only point to earlier nodes, but a torn read must
    // not loop.
    for (std::size_t guard = 0; node != 0 && node < size && guard < size; ++guard) {
        path.push_back(node);
        node = m_nodes[node].parent;
    }
    path.push_back(0);
    return {path.rbegin(), path.rend()};
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
            m_open_top.store(m_stack.back(), std::memory_order_relaxed);
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
