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

/// Builds one component's object of a layout from its rows per rank.
using component_writer = ojson (*)(const component_info& info, const rank_views& ranks);

/// {"timemory": {"<id>": write(info, one rank of component_view's rows)}} for every component of
/// `components` that has rows in `tree`, as text.
std::string document(const result_tree& tree, const std::vector<const component_info*>& components,
                     component_writer write);

/// {"timemory": {"<id>": write(info, ranks)}} as text.
std::string document(const component_info& info, const rank_views& ranks, component_writer write);

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

}  // namespace tim::output_detail
