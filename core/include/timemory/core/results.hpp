// The merged view of everything measured: every thread's graph (and records attached from other
// threads) combined by call path into one tree, and per-component views of that tree as the
// outputs and the Python storage API present them.
#pragma once

#include "timemory/core/component_info.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/statistics.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tim {

/// Statistics over the ranks of a job of one value of one node: each rank that has the node adds
/// its own inclusive total once (its threads merged), so these describe how the ranks differ,
/// where an accumulator describes the calls.
struct rank_statistics {
    std::uint32_t ranks = 0;  ///< ranks that have a value here
    double sum = 0.0;
    double sqr = 0.0;  ///< sum of squares of the ranks' values
    double min = 0.0;
    double max = 0.0;
    std::int32_t min_rank = -1;  ///< lowest rank holding the minimum
    std::int32_t max_rank = -1;  ///< lowest rank holding the maximum

    void add(std::int32_t rank, double value) noexcept;
    void merge(const rank_statistics& other) noexcept;
    double mean() const noexcept;
    /// Population standard deviation over the ranks that have the node (all of them are
    /// measured: they are the population, not a sample of it).
    double stddev() const noexcept;
    /// (max - mean) / max in percent, as Caliper, HPCToolkit and TAU present load imbalance;
    /// 0 when max is not positive.
    double imbalance_percent() const noexcept;
};

struct result_node {
    hash_value hash = 0;
    std::string label;
    std::uint32_t depth = 0;  ///< 0 for the hidden root, 1 for top-level regions
    std::int64_t parent = -1;
    std::vector<std::size_t> children;  ///< in first-insertion order
    std::set<std::int64_t> tids;
    std::set<std::int64_t> pids;
    std::int64_t start_ns = 0;                               ///< earliest first entry (epoch ns)
    std::map<std::uint16_t, std::vector<accumulator>> data;  ///< per component index, per value
    /// Results combined over ranks (result_tree::ranks not empty): per component index, per
    /// value, the statistics of the ranks' inclusive values. `data` then holds every rank's
    /// calls merged.
    std::map<std::uint16_t, std::vector<rank_statistics>> over_ranks;
};

struct result_tree {
    std::vector<result_node> nodes;  ///< nodes[0] is the hidden root
    std::size_t thread_count = 0;
    bool collapsed_threads = true;
    /// The ranks whose results are combined in this tree, ascending; empty for the results of
    /// this process alone (collect_results).
    std::vector<std::int32_t> ranks;
    /// Ranks of the job (0 for the results of this process alone).
    std::int32_t world_size = 0;
};

/// Merge every thread's graph by call path. With collapse_threads false, each thread's top-level
/// regions stay separate (same label on two threads = two nodes).
result_tree collect_results(bool collapse_threads);
/// collect_results(settings.collapse_threads)
result_tree collect_results();

/// One row of a component's view: a node that has this component's data.
struct component_record {
    std::size_t node = 0;      ///< index in result_tree::nodes
    std::int64_t parent = -1;  ///< index into the view (nearest ancestor with data), -1 = top
    hash_value hash = 0;
    std::string label;  ///< undecorated
    /// Decorated: ">>> |_label" (or "|<tid>>>> ..." uncollapsed), indented two spaces per level
    /// up to prefix_indent_levels.
    std::string prefix;
    std::uint32_t depth = 0;            ///< 0 for top-level rows
    hash_value rolling_hash = 0;        ///< wrapping sum of hierarchy()
    std::vector<std::size_t> children;  ///< indices into the view
    std::set<std::int64_t> tids;
    std::set<std::int64_t> pids;
    std::int64_t start_ns = 0;
    std::vector<accumulator> inclusive;  ///< raw units, per value
    /// Exclusive = inclusive minus the children's inclusive, per value; only count and sum are
    /// meaningful (min/max/sqr of exclusive time are unknowable). Never negative.
    std::vector<accumulator> exclusive;
    /// Per value, over ranks (empty unless the tree combines ranks).
    std::vector<rank_statistics> over_ranks;
    double self_percent(unsigned value = 0) const noexcept;
};

/// Levels of indentation a decorated prefix shows at most: deeper rows keep that indent (their
/// depth is in their own column), so that a label stays within the text table's max_width and
/// the view does not grow with the square of the depth.
inline constexpr std::uint32_t prefix_indent_levels = 32;

/// Rows of component `info` in depth-first pre-order (siblings in first-insertion order). Time and
/// memory are linear in the number of nodes, and no step recurses, whatever the depth.
std::vector<component_record> component_view(const result_tree& tree, const component_info& info);

/// Hashes of row `row`'s ancestors in `rows` (via `parent`), root-first, then its own hash.
/// Computed on demand: a copy per row would make a deep view quadratic.
std::vector<hash_value> hierarchy(const std::vector<component_record>& rows, std::size_t row);

/// Components that recorded at least one value anywhere in the tree, sorted by id.
std::vector<const component_info*> recorded_components(const result_tree& tree);

/// Forget every measurement on every thread (the graphs stay registered).
void clear_results();
/// Forget the measurements of one component (other components' values stay).
void clear_results(const component_info& info);

}  // namespace tim
