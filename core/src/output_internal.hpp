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

#include <cstdint>
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

/// settings.output_path / output_prefix (or a folder given to report()) with its placeholders
/// replaced: %p %pid% pid, %r %rank% rank, %s %size% size, %j %job% job id, %h host, %t this
/// process's start (by settings.time_format), %arg0% %argv% %argt% %args% %tag% and their
/// %..._hash% forms (%m = %argt_hash%), %% a percent sign. An unknown placeholder is kept as it is
/// and named in one warning with the valid ones (output_directory.cpp).
std::string expand_placeholders(std::string_view pattern);

/// The command line given to init(), for %arg0%, %argv%, %argt% and %args%.
void set_command_line(const std::vector<std::string>& argv);

/// This process's rank and the job's size: MPI's while it is up, else what was last seen of it,
/// else the launcher's environment (tim::mpi::detail::last_rank / last_size), else 0 and 1. The
/// one place every output name takes them from.
int job_rank();
int job_size();

/// SLURM_JOB_ID, PBS_JOBID or LSB_JOBID, else "0".
std::string job_id();

/// gethostname().
std::string host_name();

/// When this process started, in nanoseconds since the epoch of the system clock: when
/// libtimemory was loaded, or, in a child made by fork(), the fork.
std::int64_t process_start_ns() noexcept;

/// process_start_ns() in local time, formatted by strftime's `format`.
std::string format_start_time(const std::string& format);

/// Now, in the same unit and clock as process_start_ns().
std::int64_t now_ns() noexcept;

/// `name` in `directory` ("" = the current folder: `name` itself).
inline std::string join_path(const std::string& directory, const std::string& name) {
    if (directory.empty()) return name;
    if (directory.back() == '/') return directory + name;
    return directory + "/" + name;
}

/// The folder one write of result files goes to, held for that write (output_owner.cpp): the
/// given folder, unless its `.timemory-owner.json` says that another process wrote files with
/// this prefix there after this process started; then "<folder>-<pid>" (and one warning says
/// so). The lock is held, and the record updated with the files added, until destruction.
class directory_claim {
  public:
    /// `directory` exists ("" = the current folder); `ec` is set when the folder to write to
    /// instead cannot be created.
    directory_claim(const std::string& directory, const std::string& prefix, std::error_code& ec);
    ~directory_claim();
    directory_claim(const directory_claim&) = delete;
    directory_claim& operator=(const directory_claim&) = delete;

    const std::string& directory() const noexcept { return m_directory; }
    /// A file written, by its name in directory().
    void add(std::string name);

  private:
    std::string m_directory;
    std::string m_prefix;
    std::vector<std::string> m_files;
    int m_fd = -1;
    bool m_locked = false;
};

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

/// A job's .tree.json or .json of one component, written in pieces so that rank 0 fetches each
/// rank's tree once for all the files: begin, then rank() for r = 0 .. world_size - 1 in order
/// (`tree` null for a missing rank), then end (output_tree.cpp, output_json.cpp).
class job_json_writer {
  public:
    job_json_writer(const component_info& info, const job_files& job, bool tree_layout);
    void begin(text_sink& out);
    void rank(text_sink& out, std::int32_t rank, const result_tree* tree);
    void end(text_sink& out);

  private:
    const component_info& m_info;
    const job_files& m_job;
    bool m_tree_layout;
    bool m_first = true;
    std::vector<display_unit> m_units;
};

/// One rank's entry of a job's "mpi" array (output_tree.cpp).
void write_job_tree_rank(text_sink& out, const component_info& info,
                         const std::vector<display_unit>& units, bool first,
                         const result_tree* tree);

/// The header of a job's component: component_header over the combined rows, with the job's
/// rank counts.
ojson job_component_header(const component_info& info, const job_files& job);

/// format_metadata_json with an "mpi" section beside "info" (null: none).
std::string format_metadata_json(const std::vector<written_file>& outputs, const ojson& mpi);

}  // namespace tim::output_detail
