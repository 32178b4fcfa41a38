// One call graph per thread. push() finds or inserts the child (parent, hash) of the node on top
// of the thread's stack; pop() returns to the parent; record() adds a component's values to a
// node's statistics. Once a node exists, push/pop/record neither lock nor allocate.
//
// Reading results while the owner records: the owner takes the graph's lock only on its slow
// paths (a new node, a new column, a node's first value of a new column, reset), and a reader
// takes it while it copies the graph; values added on the hot path are stored field by field
// with relaxed atomics (see accumulator). The region stack is the owner's alone.
//
// At thread exit the graph is folded into the process-wide results of ended threads (merged by
// call path) and freed; a graph whose thread ends with regions still open is kept (an object may
// still close them) and only marked retired.
#pragma once

#include "timemory/core/component_info.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/macros.hpp"
#include "timemory/core/observer.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/core/statistics.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tim {

/// How a push places its node: as a child of the current node (tree), directly under the root
/// (flat), or as a new node every time (timeline). use_default follows the settings.
enum class scope_mode : std::uint8_t { use_default, tree, flat, timeline };

/// "tree", "flat", "timeline" or "default".
constexpr const char* scope_mode_name(scope_mode mode) noexcept {
    switch (mode) {
        case scope_mode::tree:
            return "tree";
        case scope_mode::flat:
            return "flat";
        case scope_mode::timeline:
            return "timeline";
        case scope_mode::use_default:
            break;
    }
    return "default";
}

inline constexpr std::uint32_t no_node = UINT32_MAX;

/// A node id valid in every thread: graph id in the high half, node index in the low half.
/// This is what records produced elsewhere (CUPTI's buffer thread) use to find their node.
using node_id = std::uint64_t;
inline constexpr node_id no_node_id = UINT64_MAX;

struct graph_node {
    hash_value hash = 0;
    std::uint32_t parent = no_node;
    std::uint32_t depth = 0;               ///< 0 for the hidden root, 1 for top-level regions
    std::uint32_t cached_child = no_node;  ///< last child found by push (fast repeat lookups)
    std::uint32_t first_child = no_node;
    std::uint32_t next_sibling = no_node;
    std::uint32_t last_child = no_node;
    std::int64_t start_ns = 0;      ///< epoch ns of the first push (timeline flamegraphs)
    bool unique = false;            ///< timeline node: never merged with same-label siblings
    std::vector<accumulator> data;  ///< indexed by the graph's column of each component value
};

class thread_graph {
  public:
    thread_graph(std::uint32_t graph_id, std::int64_t tid);

    /// Enter a region. Returns the node index, or no_node when the push is not recorded
    /// (beyond max_depth: the first such push per max_depth value warns once per process, naming
    /// its label); pass the result to pop() either way. `observed` false keeps the
    /// region observer (NVTX mirroring) out of it; the matching pop must pass the same.
    TIMEMORY_INLINE std::uint32_t push(hash_value hash, scope_mode mode = scope_mode::use_default,
                                       bool observed = true);

    /// Leave the region entered by the push that returned `node`. A pop that does not match the
    /// top of the stack warns once per call and leaves the graph consistent.
    TIMEMORY_INLINE void pop(std::uint32_t node, bool observed = true);

    /// Add one measurement of `info` (values[0..info.value_count)) to `node`.
    TIMEMORY_INLINE void record(std::uint32_t node, const component_info& info,
                                const double* values);

    /// Like record() for a component index and explicit value count (multi-valued, dynamic).
    TIMEMORY_INLINE void record(std::uint32_t node, std::uint16_t component, const double* values,
                                unsigned count);

    /// Pop by label (C API, Python): closes the most recent open region with this hash.
    /// Returns false (after one warning) when no such region is open.
    bool pop_label(hash_value hash);

    std::uint32_t current() const noexcept { return m_stack.back(); }
    std::size_t stack_depth() const noexcept { return m_stack.size() - 1; }
    std::uint32_t id() const noexcept { return m_id; }
    std::int64_t tid() const noexcept { return m_tid; }
    node_id global_id(std::uint32_t node) const noexcept {
        return (static_cast<node_id>(m_id) << 32) | node;
    }
    /// The owning thread's view; another thread copies the graph with graph_access::snapshot.
    const std::vector<graph_node>& nodes() const noexcept { return m_nodes; }
    /// Column of component `index`'s first value, or -1 if it never recorded in this graph.
    int column(std::uint16_t index) const noexcept { return m_column[index]; }
    bool retired() const noexcept { return m_retired.load(std::memory_order_acquire); }

    /// Drop every node and value (keeps the root); used by clear() and tests.
    void reset();
    /// Forget the values of one component on every node (nodes and other components stay).
    void clear_component(std::uint16_t index);

  private:
    friend struct graph_access;
    /// The open nodes, root (0) first: the innermost open node and its ancestors. Called under
    /// the graph's lock by graph_access (snapshot, open_hashes) from any thread: it reads the
    /// published top of the stack, then parent links, while the owner pushes and pops.
    std::vector<std::uint32_t> open_nodes() const;
    TIMEMORY_NOINLINE std::uint32_t find_or_insert(std::uint32_t parent, hash_value hash);
    TIMEMORY_NOINLINE std::uint32_t insert(std::uint32_t parent, hash_value hash,
                                           bool unique = false);
    /// A node of its own per call, up to timeline_limit per thread; then merged by call path.
    TIMEMORY_NOINLINE std::uint32_t insert_timeline(std::uint32_t parent, hash_value hash);
    TIMEMORY_NOINLINE void refresh_settings();
    /// A push beyond max_depth: not recorded (nor anything inside it), warned once.
    TIMEMORY_NOINLINE std::uint32_t too_deep(hash_value hash);
    TIMEMORY_NOINLINE void pop_mismatch(std::uint32_t node, bool observed);
    void notify_pop(std::uint32_t node) const noexcept;
    TIMEMORY_NOINLINE int add_column(std::uint16_t component, unsigned count);
    TIMEMORY_NOINLINE void grow_node(graph_node& node);

    struct edge_hash {
        std::size_t operator()(const std::pair<std::uint32_t, hash_value>& e) const noexcept {
            return static_cast<std::size_t>(e.second ^
                                            (std::uint64_t{e.first} * 0x9e3779b97f4a7c15ULL));
        }
    };

    std::vector<graph_node> m_nodes;
    std::vector<std::uint32_t> m_stack;
    /// m_stack.back(), published for other threads (open_nodes).
    std::atomic<std::uint32_t> m_open_top{0};
    std::unordered_map<std::pair<std::uint32_t, hash_value>, std::uint32_t, edge_hash> m_edges;
    std::array<std::int16_t, max_components> m_column;
    std::uint32_t m_columns = 0;
    std::uint32_t m_skipped = 0;       ///< open pushes beyond max_depth
    std::uint32_t m_generation = ~0u;  ///< settings generation last seen
    std::uint32_t m_max_depth = UINT32_MAX;
    std::uint64_t m_timeline_limit = 0;    ///< 0 = no limit
    std::uint64_t m_timeline_entries = 0;  ///< nodes inserted by timeline pushes
    bool m_timeline_warned = false;        ///< the limit was reached and said (once per thread)
    scope_mode m_default_mode = scope_mode::tree;
    std::uint32_t m_id;
    std::int64_t m_tid;
    std::atomic<bool> m_retired{false};
    /// Taken by the owner on slow paths that move or resize what a reader copies, and by readers.
    mutable std::mutex m_mutex;
};

namespace detail {
extern thread_local thread_graph* this_thread_graph_ptr TIMEMORY_INITIAL_EXEC;
TIMEMORY_NOINLINE thread_graph& create_this_thread_graph();
TIMEMORY_INLINE std::uint32_t settings_generation_now() noexcept {
    return ::tim::settings_generation().load(std::memory_order_relaxed);
}
std::int64_t epoch_ns() noexcept;
}  // namespace detail

/// The calling thread's graph, created on first use.
TIMEMORY_INLINE thread_graph& this_thread_graph() {
    thread_graph* g = detail::this_thread_graph_ptr;
    if (TIMEMORY_UNLIKELY(g == nullptr)) return detail::create_this_thread_graph();
    return *g;
}

/// Id of the calling thread's current node (for attaching records produced on other threads).
node_id current_node_id();

/// Attach a measurement made elsewhere to a node: adds `values` of `component` to the node
/// itself, or when `child_label` is non-empty to its child of that name (created as needed, e.g.
/// a kernel launched inside the region). Safe from any thread; the record joins the graph when
/// results are built. Never touches the owning thread's hot path. With count == 0 the call only
/// declares the (child) row: it is listed with empty cells (the tracer's lines that never ran).
void attach_record(node_id node, std::uint16_t component, const double* values, unsigned count,
                   std::string_view child_label = {});
/// The same with the child's label registered once beforehand (a record per kernel launch
/// should not hash its kernel's name every time).
void attach_record(node_id node, std::uint16_t component, const double* values, unsigned count,
                   label_id child);

// ---- inline hot path ---------------------------------------------------------------------------

TIMEMORY_INLINE std::uint32_t thread_graph::push(hash_value hash, scope_mode mode, bool observed) {
    if (TIMEMORY_UNLIKELY(m_generation != detail::settings_generation_now())) refresh_settings();
    if (TIMEMORY_UNLIKELY(m_skipped != 0)) {
        ++m_skipped;
        return no_node;
    }
    if (mode == scope_mode::use_default) mode = m_default_mode;
    const std::uint32_t parent = (mode == scope_mode::flat) ? 0u : m_stack.back();
    if (TIMEMORY_UNLIKELY(m_nodes[parent].depth >= m_max_depth)) return too_deep(hash);
    std::uint32_t child;
    if (TIMEMORY_UNLIKELY(mode == scope_mode::timeline)) {
        child = insert_timeline(parent, hash);
    } else {
        const std::uint32_t cached = m_nodes[parent].cached_child;
        child = (TIMEMORY_LIKELY(cached != no_node && m_nodes[cached].hash == hash))
                    ? cached
                    : find_or_insert(parent, hash);
    }
    m_stack.push_back(child);
    m_open_top.store(child, std::memory_order_relaxed);
    if (const auto* observer = detail::region_observer_now();
        TIMEMORY_UNLIKELY(observer != nullptr)) {
        if (observed) observer->push(hash, global_id(child));
    }
    return child;
}

TIMEMORY_INLINE void thread_graph::pop(std::uint32_t node, bool observed) {
    if (TIMEMORY_UNLIKELY(node == no_node)) {
        if (m_skipped != 0) --m_skipped;
        return;
    }
    if (TIMEMORY_LIKELY(m_stack.size() > 1 && m_stack.back() == node)) {
        if (const auto* observer = detail::region_observer_now();
            TIMEMORY_UNLIKELY(observer != nullptr)) {
            if (observed) observer->pop(m_nodes[node].hash, global_id(node));
        }
        m_stack.pop_back();
        m_open_top.store(m_stack.back(), std::memory_order_relaxed);
        return;
    }
    pop_mismatch(node, observed);
}

TIMEMORY_INLINE void thread_graph::record(std::uint32_t node, std::uint16_t component,
                                          const double* values, unsigned count) {
    if (TIMEMORY_UNLIKELY(node == no_node)) return;
    int col = m_column[component];
    if (TIMEMORY_UNLIKELY(col < 0)) col = add_column(component, count);
    graph_node& target = m_nodes[node];
    if (TIMEMORY_UNLIKELY(target.data.size() < m_columns)) grow_node(target);
    accumulator* acc = target.data.data() + col;
    for (unsigned i = 0; i < count; ++i) acc[i].add(values[i]);
}

TIMEMORY_INLINE void thread_graph::record(std::uint32_t node, const component_info& info,
                                          const double* values) {
    record(node, info.index, values, info.value_count);
}

}  // namespace tim
