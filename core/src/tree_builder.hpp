// Internal (not installed): merging graphs by call path into a result_tree, and the results of
// threads that ended, kept merged in the same form once their graphs are freed.
#pragma once

#include "timemory/core/graph_registry.hpp"
#include "timemory/core/results.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace tim::detail {

class tree_builder {
  public:
    explicit tree_builder(bool collapse);

    /// Merge a graph. Its top-level nodes stay apart per thread unless `collapse`.
    void add_graph(const graph_snapshot& graph, bool collapse);
    /// Merge what another builder merged (the ended threads'), re-merging its per-thread
    /// top-level nodes when this builder collapses threads; records attached to the other's
    /// graphs find their nodes here afterwards.
    void add_tree(const tree_builder& other);
    /// A record attached from another thread, on the node it names (the root when unknown).
    void add_external(const external_record& rec);
    /// Regions still open on a merged graph's thread (another thread at finalize, or any thread
    /// during a report) keep their row, without values if they have none yet, so that the
    /// regions inside them keep their place in the tree: an empty entry for each component that
    /// has values somewhere (with none, there is nothing to write).
    void add_open_rows();
    /// Forget one component's values (the nodes stay).
    void clear_component(std::uint16_t index);

    /// Threads that recorded (graphs with at least one node).
    std::size_t threads() const noexcept { return m_threads; }
    result_tree take() { return std::move(m_tree); }

  private:
    struct edge_key {
        std::size_t parent;
        hash_value hash;
        std::uint64_t discriminator;  // tid + 1 for uncollapsed top-level nodes, node id timeline
        bool operator<(const edge_key& o) const noexcept;
    };
    struct origin {
        std::uint64_t discriminator = 0;
        bool by_thread = false;  ///< the discriminator keeps a thread's top-level node apart
    };

    std::size_t child(std::size_t parent, hash_value hash, origin from);

    result_tree m_tree;
    std::map<edge_key, std::size_t> m_edges;
    std::vector<origin> m_origin;  ///< per tree node: how it was told apart from its siblings
    /// graph id -> (graph node index -> tree node index, the graph's tid)
    std::map<std::uint32_t, std::pair<std::vector<std::uint32_t>, std::int64_t>> m_maps;
    std::size_t m_threads = 0;
    std::vector<std::size_t> m_open;  ///< tree nodes open on their thread
};

/// The results of ended threads. fold_retired is called by graph_access::retire under the graph
/// list's lock, add_retired by the reader under the same lock (all_graphs' under_lock).
void fold_retired(const graph_snapshot& graph, bool collapse);
void add_retired(tree_builder& into);
void clear_retired();
/// fork(): in the child, forget the parent's ended threads without taking their lock.
void reset_retired_in_child();
void clear_retired(std::uint16_t component);

}  // namespace tim::detail
