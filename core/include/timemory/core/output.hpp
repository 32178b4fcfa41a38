// Report writers: the text table, flat JSON, hierarchical (hatchet) JSON, trace-event flamegraph
// JSON and metadata.json, plus write_outputs() which writes them all the way timemory did at
// finalize. docs/output-formats.md describes every schema.
//
//     auto tree = tim::collect_results();
//     for (const auto& f : tim::write_outputs(tree, "timemory-output")) use(f.path);
//
// This header is JSON-library free on purpose: every writer returns text, so users of the public
// headers never need nlohmann/json.
#pragma once

#include "timemory/core/component_info.hpp"
#include "timemory/core/results.hpp"

#include <string>
#include <vector>

namespace tim {

/// The text report of one component, as printed to the console and written to <label>.txt.
/// Empty when the component has no rows (or every row is deeper than settings.max_depth).
std::string format_text(const result_tree& tree, const component_info& info);

/// {"timemory": {"<id>": {properties, type, ..., "ranks": [{"rank": 0, "graph": [rows]}]}}}
/// with one entry per component that has data (components without data are left out).
std::string format_flat_json(const result_tree& tree,
                             const std::vector<const component_info*>& components);

/// Same metadata keys, but "mpi": [[root]] (one rank, timemory's MPI layout) holding the nested
/// call tree that hatchet's GraphFrame.from_timemory reads.
std::string format_tree_json(const result_tree& tree,
                             const std::vector<const component_info*>& components);

/// One component's rows per rank: element r holds rank r's rows in component_view's order
/// (pre-order; `parent` and `children` index into the same vector). The per-component writers
/// below take rows instead of a result_tree, so that rows from elsewhere (read back from a file by
/// the Python storage API) are written by the same code as the files.
using rank_views = std::vector<std::vector<component_record>>;

/// {"timemory": {"<id>": {...}}}: the flat layout of one component with one "ranks" entry per
/// element of `ranks`, written even when there are no rows. Reads each row's hash, prefix, depth,
/// rolling_hash, tids, pids and inclusive values. format_flat_json(tree, components) writes each
/// component this way.
std::string format_flat_json(const component_info& info, const rank_views& ranks);

/// {"timemory": {"<id>": {...}}}: the tree layout of one component with one root per element of
/// `ranks`. Reads each row's hash, label, depth, parent, children, tids, pids, inclusive values
/// and the count and sum of its exclusive values; the hidden root is computed from the top-level
/// rows. format_tree_json(tree, components) writes each component this way.
std::string format_tree_json(const component_info& info, const rank_views& ranks);

/// Chrome trace-event JSON (complete events, microseconds). Empty for components whose first
/// value is not a time.
std::string format_flamegraph_json(const result_tree& tree, const component_info& info);

/// DartMeasurement tags for CTest/CDash: one per row, the first settings.dart_count rows
/// (0 = all), each value in display units. Empty when settings.dart_type names another component.
std::string format_dart(const result_tree& tree, const component_info& info);

struct written_file {
    std::string label;  ///< component label ("wall"), or "metadata"
    std::string path;   ///< as printed in the "Outputting" line
    std::string kind;   ///< "flamegraph", "tree", "json", "text" or "metadata"
};

/// {"timemory": {"metadata": {"info": {...}, "settings": {...}, "output": {...},
/// "environment": [...]}}}; `outputs` fills the "output" map.
std::string format_metadata_json(const std::vector<written_file>& outputs);

/// Add a user key to the "info" section of metadata.json; `json_value` is JSON text (a string
/// must be quoted). A second call with the same key replaces the value. Throws
/// std::invalid_argument when json_value is not valid JSON.
void add_metadata(const std::string& key, const std::string& json_value);

/// Write every output the settings ask for, for every component with data in `tree`. With
/// file_output on: flamegraph_output -> <dir>/<output_prefix><label>.flamegraph.json (timing
/// components only), tree_output -> <label>.tree.json, json_output -> <label>.json, text_output ->
/// <label>.txt; cout_output prints the text table and dart_output DartMeasurement tags to stdout;
/// then <dir>/<output_prefix>metadata.json. Each file is announced on stdout as
/// "[<label>]|0> Outputting '<path>'..." and written atomically (temporary file + rename).
/// `directory` is created as needed ("" = the current directory). When it cannot be created or
/// written, one error names it and the reason, the text reports go to stdout instead, and the
/// files written so far are returned. Never throws.
std::vector<written_file> write_outputs(const result_tree& tree, const std::string& directory);

}  // namespace tim
