// Internal: the process-wide list of thread graphs and of records attached from other threads.
// Used by the result builder; not part of the public API.
#pragma once

#include "timemory/core/graph.hpp"

#include <vector>

namespace tim {

struct graph_access {
    static void retire(thread_graph& graph);
    /// fork(): hold the list's lock across the fork, so that the child finds it free and whole.
    static void lock_for_fork();
    static void unlock_in_parent();
    /// In the child: every graph but `survivor` belonged to a thread the child does not have, so
    /// it is emptied and retired; the survivor (the forking thread's) loses its values and keeps
    /// the nodes its open regions hold; records attached in the parent are dropped. Unlocks.
    static void reset_in_child(thread_graph* survivor);
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

/// Every graph ever created, in creation order (graph id = position).
std::vector<thread_graph*> all_graphs();
std::vector<external_record> external_records();
void clear_external_records();
/// Drop the attached records of one component.
void remove_external_records(std::uint16_t component);

}  // namespace detail
}  // namespace tim
