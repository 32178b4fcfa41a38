// Internal: the process-wide list of thread graphs and of records attached from other threads.
// Used by the result builder; not part of the public API.
#pragma once

#include "timemory/core/graph.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace tim {

/// What a reader copies of a graph, under the graph's lock: node structure and every value.
struct graph_snapshot {
    struct node {
        hash_value hash = 0;
        std::uint32_t parent = no_node;
        std::int64_t start_ns = 0;
        bool unique = false;
    };
    std::uint32_t id = 0;
    std::int64_t tid = 0;
    std::vector<node> nodes;  ///< nodes[0] is the hidden root; parents come before children
    std::array<std::int16_t, max_components> column{};  ///< per component index, -1: none
    std::uint32_t columns = 0;                          ///< values per node
    std::vector<accumulator> values;                    ///< nodes.size() * columns
    std::vector<std::uint32_t> open;  ///< regions open on the thread, root first (root included)
};

struct graph_access {
    /// At thread exit: fold the graph into the results of ended threads and free it, or, with
    /// regions still open, only mark it retired.
    static void retire(thread_graph& graph);
    /// fork(): hold the list's lock across the fork, so that the child finds it free and whole.
    static void lock_for_fork();
    static void unlock_in_parent();
    /// In the child: every graph but `survivor` belonged to a thread the child does not have, so
    /// it is emptied and retired; the survivor (the forking thread's) loses its values and keeps
    /// the nodes its open regions hold; records attached in the parent are dropped. Unlocks.
    static void reset_in_child(thread_graph* survivor);
    /// Safe from any thread while the owner records.
    static graph_snapshot snapshot(const thread_graph& graph);
    /// Labels of the regions open on the graph's thread, outermost first; safe from any thread.
    static std::vector<hash_value> open_hashes(const thread_graph& graph);
};

namespace detail {

/// Every record attached to one (node, component, child) so far, aggregated: a million kernel
/// launches of one kernel under one region are one entry.
struct external_record {
    node_id node = no_node_id;
    std::uint16_t component = 0;
    std::vector<accumulator> values;  ///< one per value; empty: a declared row without values
    hash_value child = 0;  ///< 0: add to the node itself, else to its child with this label
};

/// The graphs of running threads (and of ended threads that left regions open), in creation
/// order. `under_lock` runs while no graph can retire: what it reads of the results of ended
/// threads and the list returned form one consistent view.
std::vector<std::shared_ptr<thread_graph>> all_graphs(const std::function<void()>& under_lock = {});
std::vector<external_record> external_records();
void clear_external_records();
/// Drop the attached records of one component.
void remove_external_records(std::uint16_t component);

}  // namespace detail
}  // namespace tim
