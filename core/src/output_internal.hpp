// Internal to the output writers (not installed): JSON pieces shared by the flat and tree
// layouts. nlohmann/json stays out of the public headers; ordered_json keeps keys in schema order
// so the files read like the documentation.
#pragma once

#include "timemory/core/component_info.hpp"
#include "timemory/core/output.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/statistics.hpp"
#include "timemory/core/units.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace tim::output_detail {

using ojson = nlohmann::ordered_json;

/// With settings.time_output: the subfolder of `base` this process writes to, named after the
/// program's start by settings.time_format, created here (with `base`) so that no other run
/// takes it; "-2", "-3", ... are appended while the name is taken. The same folder for every
/// later call with the same base and format. On failure `ec` is set (output_directory.cpp).
std::string time_stamped_directory(const std::string& base, std::error_code& ec);

/// Display unit of every value of a component (one entry for single-valued components).
std::vector<display_unit> value_units(const component_info& info);

/// "wall_clock" -> "WALL_CLOCK".
std::string upper(std::string_view text);

/// properties, type, description, unit_value, unit_repr, thread_scope_only, thread_count,
/// mpi_size, upcxx_size, process_count, num_ranks, concurrency.
/// Thread and process counts come from the rows of every rank.
ojson component_header(const component_info& info, const rank_views& ranks);

/// Where a writer's text goes. The JSON files are written one row (one node) per line, compact,
/// and streamed: no document object holds the whole tree (its memory would be many times the
/// file's, and nlohmann's copy and dump recurse once per level of nesting). With `file` set,
/// flush() hands the text over in pieces, so a large file never sits whole in memory.
struct text_sink {
    std::string text;
    std::FILE* file = nullptr;
    bool failed = false;  ///< a write to `file` failed (errno says why)

    /// Compact JSON of `value` (invalid UTF-8 replaced, as dump() does).
    void append(const ojson& value);
    /// `object` without its closing brace, so that the caller can add keys.
    void append_open(const ojson& object);
    /// Write the text out once it is large (or always with `force`); no-op without a file.
    void flush(bool force = false);
};

/// Writes one component's object of a layout from its rows per rank.
using component_writer = void (*)(text_sink& out, const component_info& info,
                                  const rank_views& ranks);

/// {"timemory": {"<id>": write(info, one rank of component_view's rows)}} for every component of
/// `components` that has rows in `tree`.
void document(text_sink& out, const result_tree& tree,
              const std::vector<const component_info*>& components, component_writer write);

/// {"timemory": {"<id>": write(info, ranks)}}.
void document(text_sink& out, const component_info& info, const rank_views& ranks,
              component_writer write);

/// The writers behind format_flat_json / format_tree_json / format_flamegraph_json, for
/// write_outputs to stream into a file.
void write_flat_json(text_sink& out, const result_tree& tree,
                     const std::vector<const component_info*>& components);
void write_tree_json(text_sink& out, const result_tree& tree,
                     const std::vector<const component_info*>& components);
void write_flamegraph_json(text_sink& out, const result_tree& tree, const component_info& info);

/// {"laps", "value", "accum", "repr_data", "repr_display"}: raw totals and display totals.
ojson entry_json(const component_info& info, const std::vector<display_unit>& units,
                 const std::vector<accumulator>& values);

/// {"sum", "count", "min", "max", "sqr", "mean", "stddev"} in display units (arrays for
/// multi-valued components).
ojson stats_json(const component_info& info, const std::vector<display_unit>& units,
                 const std::vector<accumulator>& values);

/// Exclusive values as reported: only count and sum are known, so each value is presented as
/// `count` samples equal to the mean (min = max = mean, sqr = sum^2/count, stddev = 0). This keeps
/// the statistics self-consistent and never negative.
std::vector<accumulator> exclusive_stats(const std::vector<accumulator>& exclusive);

/// Serialise with a trailing newline. Invalid UTF-8 in labels is replaced (U+FFFD) instead of
/// throwing: a bad byte in one region name must not lose the whole file.
std::string dump(const ojson& value, int indent);

/// Laps of a row: the largest count over its values.
std::uint64_t laps(const std::vector<accumulator>& values);

/// A job of several ranks as rank 0 writes it: the combined tree (text report, the flat file's
/// "aggregate"), and every rank's own tree, fetched one at a time while a file is written so that
/// rank 0 never holds more than one rank's tree besides the combined one.
struct job_files {
    const result_tree* aggregate = nullptr;
    std::int32_t world_size = 1;
    std::vector<std::int32_t> missing;  ///< ranks that did not arrive in the reduction
    /// Rank r's own results; std::nullopt when it is missing.
    std::function<std::optional<result_tree>(std::int32_t)> fetch;
    /// metadata.json's "mpi" section, made when metadata.json is written.
    std::function<ojson()> mpi;
};

/// write_outputs at rank 0 of a job: per component the .tree.json and .json with every rank
/// (timemory's "mpi" / "ranks" arrays; the flat file adds "aggregate"), the text report over
/// ranks, then metadata.json with the "mpi" section (output_files.cpp).
std::vector<written_file> write_job_files(const job_files& job, const std::string& directory);

/// write_outputs with `suffix` after each file's label: "<prefix><label><suffix>.<ext>" and
/// "<prefix>metadata<suffix>.json" (a rank's own files).
std::vector<written_file> write_outputs(const result_tree& tree, const std::string& directory,
                                        const std::string& suffix);

/// The job layouts of one component (output_tree.cpp, output_json.cpp).
void write_job_tree_json(text_sink& out, const component_info& info, const job_files& job);
void write_job_flat_json(text_sink& out, const component_info& info, const job_files& job);

/// The header of a job's component: component_header over the combined rows, with the job's
/// rank counts.
ojson job_component_header(const component_info& info, const job_files& job);

/// format_metadata_json with an "mpi" section beside "info" (null: none).
std::string format_metadata_json(const std::vector<written_file>& outputs, const ojson& mpi);

}  // namespace tim::output_detail
