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
//  - One node per line, compact, written by a loop over the pre-order rows with an explicit stack
//    of open children lists: no recursion, and no document object for the whole tree.
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

ojson node_json(const component_info& info, const std::vector<display_unit>& units,
                const component_record& row) {
    ojson node;
    node["hash"] = row.hash;
    node["prefix"] = row.label;
    node["tid"] = id_list(row.tids);
    node["pid"] = id_list(row.pids);
    node["depth"] = row.depth + 1;  // absolute: the hidden root is depth 0
    node["is_dummy"] = false;
    node["inclusive"] = measurement(info, units, row.inclusive);
    node["exclusive"] = measurement(info, units, output_detail::exclusive_stats(row.exclusive));
    return node;
}

// `{"node": {...}, "children": [` for each row of `top` and, depth first, of its descendants;
// a row's list is closed (`]}`) once its last child is written.
void write_subtrees(output_detail::text_sink& out, const component_info& info,
                    const std::vector<display_unit>& units,
                    const std::vector<component_record>& rows,
                    const std::vector<std::size_t>& top) {
    struct open_list {
        const std::vector<std::size_t>* children;
        std::size_t next;
    };
    std::vector<open_list> stack{{&top, 0}};
    while (!stack.empty()) {
        auto& list = stack.back();
        if (list.next == list.children->size()) {
            stack.pop_back();
            if (!stack.empty()) out.text += "]}";  // the bottom list is the root's: caller closes
            continue;
        }
        const std::size_t index = (*list.children)[list.next];
        out.text += list.next++ == 0 ? "\n" : ",\n";
        out.text += "{\"node\":";
        out.append(node_json(info, units, rows[index]));
        out.text += ",\"children\":[";
        out.flush();
        stack.push_back({&rows[index].children, 0});
    }
}

void write_root(output_detail::text_sink& out, const component_info& info,
                const std::vector<display_unit>& units, const std::vector<component_record>& rows) {
    const std::size_t count = units.size();
    std::vector<accumulator> inclusive(count);
    std::set<std::int64_t> tids;
    std::set<std::int64_t> pids;
    std::vector<std::size_t> top;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        tids.insert(row.tids.begin(), row.tids.end());
        pids.insert(row.pids.begin(), row.pids.end());
        if (row.parent >= 0) continue;
        for (std::size_t v = 0; v < count && v < row.inclusive.size(); ++v) {
            inclusive[v].merge(row.inclusive[v]);
        }
        top.push_back(i);
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

    out.text += "\n{\"node\":";
    out.append(node);
    out.text += ",\"children\":[";
    write_subtrees(out, info, units, rows, top);
    out.text += "]}";
}

// The tree layout's object for one component: the header, then "mpi".
void tree_component(output_detail::text_sink& out, const component_info& info,
                    const rank_views& ranks) {
    const auto units = output_detail::value_units(info);
    out.append_open(output_detail::component_header(info, ranks));
    // mpi[rank][root tree]
    out.text += ",\"mpi\":[";
    for (std::size_t r = 0; r < ranks.size(); ++r) {
        out.text += r == 0 ? "[" : ",[";
        write_root(out, info, units, ranks[r]);
        out.text += "]";
    }
    out.text += "]}";
}

}  // namespace

void output_detail::write_tree_json(text_sink& out, const result_tree& tree,
                                    const std::vector<const component_info*>& components) {
    document(out, tree, components, tree_component);
}

std::string format_tree_json(const result_tree& tree,
                             const std::vector<const component_info*>& components) {
    output_detail::text_sink out;
    output_detail::write_tree_json(out, tree, components);
    return std::move(out.text);
}

std::string format_tree_json(const component_info& info, const rank_views& ranks) {
    output_detail::text_sink out;
    output_detail::document(out, info, ranks, tree_component);
    return std::move(out.text);
}

void output_detail::write_job_tree_json(text_sink& out, const component_info& info,
                                        const job_files& job) {
    // mpi[r] is world rank r's list of roots: hatchet numbers ranks by position, so a missing
    // rank keeps its place with an empty list.
    const auto units = output_detail::value_units(info);
    out.text += "{\"timemory\":{";
    out.append(ojson(std::string{info.id}));
    out.text += ":";
    out.append_open(output_detail::job_component_header(info, job));
    out.text += ",\"mpi\":[";
    for (std::int32_t r = 0; r < job.world_size; ++r) {
        out.text += r == 0 ? "[" : ",[";
        if (auto tree = job.fetch(r)) {  // one rank's tree at a time, freed after its part
            const auto rows = component_view(*tree, info);
            if (!rows.empty()) write_root(out, info, units, rows);
        }
        out.text += "]";
        out.flush();
    }
    out.text += "]}}}\n";
    out.flush(true);
}

}  // namespace tim
