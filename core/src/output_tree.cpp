// Hierarchical JSON layout (<label>.tree.json), the file hatchet's GraphFrame.from_timemory reads.
//
// Conventions (see docs/output-formats.md):
//  - mpi = [[root]]: one rank, one root tree, always under the key of timemory's MPI layout.
//    timemory's non-MPI key was "graph", but hatchet's reader fails on "graph" data from more
//    than one thread (it drops a "rank" column it never made), and a folder mixing both keys
//    loads with half its rows under rank NaN; "mpi" in every file avoids both.
//  - The root is the hidden root of the call graph: hash 0, prefix "unknown-hash=0", depth 0,
//    is_dummy true. hatchet skips hash-0 nodes and walks their children, so real regions become
//    hatchet's roots.
//  - The root's inclusive value is the merge of the top-level regions; its exclusive value is
//    zero (timemory wrote a negative exclusive there, which confused readers summing columns).
//  - Exclusive = inclusive - direct children's inclusive, clamped at zero; exclusive stats carry
//    the same keys as inclusive stats so every metric column exists in both forms.
#include "output_internal.hpp"

#include "timemory/core/output.hpp"

#include <set>

namespace tim {
namespace {

using output_detail::ojson;

ojson measurement(const component_info& info, const std::vector<display_unit>& units,
                  const std::vector<accumulator>& values) {
    ojson out;
    out["entry"] = output_detail::entry_json(info, units, values);
    out["stats"] = output_detail::stats_json(info, units, values);
    return out;
}

ojson id_list(const std::set<std::int64_t>& ids) {
    ojson out = ojson::array();
    for (auto id : ids) out.push_back(id);
    return out;
}

ojson tree_node(const component_info& info, const std::vector<display_unit>& units,
                const std::vector<component_record>& rows, std::size_t index) {
    const auto& row = rows[index];
    ojson node;
    node["hash"] = row.hash;
    node["prefix"] = row.label;
    node["tid"] = id_list(row.tids);
    node["pid"] = id_list(row.pids);
    node["depth"] = row.depth + 1;  // absolute: the hidden root is depth 0
    node["is_dummy"] = false;
    node["inclusive"] = measurement(info, units, row.inclusive);
    node["exclusive"] = measurement(info, units, output_detail::exclusive_stats(row.exclusive));

    ojson children = ojson::array();
    for (auto child : row.children) children.push_back(tree_node(info, units, rows, child));

    ojson out;
    out["node"] = std::move(node);
    out["children"] = std::move(children);
    return out;
}

ojson root_node(const component_info& info, const std::vector<display_unit>& units,
                const std::vector<component_record>& rows) {
    const std::size_t count = units.size();
    std::vector<accumulator> inclusive(count);
    std::set<std::int64_t> tids;
    std::set<std::int64_t> pids;
    ojson children = ojson::array();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        tids.insert(row.tids.begin(), row.tids.end());
        pids.insert(row.pids.begin(), row.pids.end());
        if (row.parent >= 0) continue;
        for (std::size_t v = 0; v < count && v < row.inclusive.size(); ++v) {
            inclusive[v].merge(row.inclusive[v]);
        }
        children.push_back(tree_node(info, units, rows, i));
    }
    const std::vector<accumulator> exclusive(count);

    ojson node;
    node["hash"] = 0;
    node["prefix"] = "unknown-hash=0";
    node["tid"] = id_list(tids);
    node["pid"] = id_list(pids);
    node["depth"] = 0;
    node["is_dummy"] = true;
    node["inclusive"] = measurement(info, units, inclusive);
    node["exclusive"] = measurement(info, units, exclusive);

    ojson out;
    out["node"] = std::move(node);
    out["children"] = std::move(children);
    return out;
}

// The tree layout's object for one component: the header, then "mpi".
ojson tree_component(const component_info& info, const rank_views& ranks) {
    const auto units = output_detail::value_units(info);
    ojson component = output_detail::component_header(info, ranks);
    // mpi[rank][root tree]
    ojson mpi = ojson::array();
    for (const auto& rows : ranks) mpi.push_back(ojson::array({root_node(info, units, rows)}));
    component["mpi"] = std::move(mpi);
    return component;
}

}  // namespace

std::string format_tree_json(const result_tree& tree,
                             const std::vector<const component_info*>& components) {
    return output_detail::document(tree, components, tree_component);
}

std::string format_tree_json(const component_info& info, const rank_views& ranks) {
    return output_detail::document(info, ranks, tree_component);
}

}  // namespace tim
