// Flat JSON layout (<label>.json) and the JSON pieces it shares with the tree layout.
#include "output_internal.hpp"

#include "timemory/core/output.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace tim {
namespace output_detail {
namespace {

// JSON cannot carry NaN or infinity (nlohmann writes null, which breaks numeric readers).
double finite(double value) {
    return std::isfinite(value) ? value : 0.0;
}

// Raw values of integer components (ns, counts) are written as integers, as timemory did.
ojson raw_value(const component_info& info, double value) {
    value = finite(value);
    if (info.integer_values && std::fabs(value) < 9.0e18) {
        return static_cast<std::int64_t>(std::llround(value));
    }
    return value;
}

// A scale like 1e9 prints as 1000000000, like timemory's integer unit_value.
ojson scale_value(double scale) {
    if (scale >= 1.0 && scale < 9.0e18 && std::floor(scale) == scale) {
        return static_cast<std::int64_t>(scale);
    }
    return scale;
}

// One value for single-valued components, an array of them otherwise.
template <typename F>
ojson per_value(const component_info& info, std::size_t count, F&& make) {
    if (info.values.empty() && count == 1) return make(0);
    ojson array = ojson::array();
    for (std::size_t i = 0; i < count; ++i) array.push_back(make(i));
    return array;
}

}  // namespace

std::vector<display_unit> value_units(const component_info& info) {
    std::vector<display_unit> units;
    const unsigned count = std::max(1u, info.size());
    units.reserve(count);
    for (unsigned i = 0; i < count; ++i) units.push_back(display_unit_for(info.value_units(i)));
    return units;
}

std::string upper(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text)
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return out;
}

std::string dump(const ojson& value, int indent) {
    return value.dump(indent, ' ', false, ojson::error_handler_t::replace) + "\n";
}

std::uint64_t laps(const std::vector<accumulator>& values) {
    std::uint64_t n = 0;
    for (const auto& v : values) n = std::max(n, v.count);
    return n;
}

ojson component_header(const component_info& info, const rank_views& ranks) {
    const auto units = value_units(info);
    const std::size_t count = units.size();

    std::set<std::string> ids{std::string{info.id}};
    for (auto alias : info.aliases) ids.emplace(alias);
    std::set<std::int64_t> tids;
    std::set<std::int64_t> pids;
    for (const auto& rows : ranks) {
        for (const auto& row : rows) {
            tids.insert(row.tids.begin(), row.tids.end());
            pids.insert(row.pids.begin(), row.pids.end());
        }
    }
    const auto threads = static_cast<std::int64_t>(std::max<std::size_t>(tids.size(), 1));
    const auto processes = static_cast<std::int64_t>(std::max<std::size_t>(pids.size(), 1));

    ojson header;
    header["properties"] = {{"value", info.index},
                            {"enum", upper(info.id)},
                            {"id", std::string{info.id}},
                            {"ids", ids}};
    header["type"] = per_value(info, count, [&](std::size_t i) {
        return ojson(std::string{info.value_label(static_cast<unsigned>(i))});
    });
    header["description"] = per_value(info, count, [&](std::size_t i) {
        return ojson(
            std::string{info.values.empty() ? info.description : info.values[i].description});
    });
    header["unit_value"] =
        per_value(info, count, [&](std::size_t i) { return scale_value(units[i].scale); });
    header["unit_repr"] =
        per_value(info, count, [&](std::size_t i) { return ojson(units[i].name); });
    header["thread_scope_only"] = info.thread_scope_only;
    header["thread_count"] = threads;
    header["mpi_size"] = 1;
    header["upcxx_size"] = 1;
    header["process_count"] = processes;
    header["num_ranks"] = 1;
    header["concurrency"] = threads;
    return header;
}

ojson entry_json(const component_info& info, const std::vector<display_unit>& units,
                 const std::vector<accumulator>& values) {
    const std::size_t count = std::min(units.size(), values.size());
    ojson entry;
    entry["laps"] = laps(values);
    // The graph keeps totals, so value (timemory: the stored object's value, which storage
    // accumulates) and accum both carry the total.
    entry["value"] =
        per_value(info, count, [&](std::size_t i) { return raw_value(info, values[i].sum); });
    entry["accum"] = entry["value"];
    entry["repr_data"] = per_value(
        info, count, [&](std::size_t i) { return ojson(finite(values[i].sum / units[i].scale)); });
    entry["repr_display"] = entry["repr_data"];
    return entry;
}

ojson stats_json(const component_info& info, const std::vector<display_unit>& units,
                 const std::vector<accumulator>& values) {
    const std::size_t count = std::min(units.size(), values.size());
    auto field = [&](auto&& get) {
        return per_value(info, count,
                         [&](std::size_t i) { return ojson(get(values[i], units[i].scale)); });
    };
    ojson stats;
    stats["sum"] = field([](const accumulator& a, double s) { return finite(a.sum / s); });
    stats["count"] = field([](const accumulator& a, double) { return a.count; });
    stats["min"] =
        field([](const accumulator& a, double s) { return finite(a.reported_min() / s); });
    stats["max"] =
        field([](const accumulator& a, double s) { return finite(a.reported_max() / s); });
    stats["sqr"] = field([](const accumulator& a, double s) { return finite(a.sqr() / (s * s)); });
    stats["mean"] = field([](const accumulator& a, double s) { return finite(a.mean() / s); });
    stats["stddev"] = field([](const accumulator& a, double s) { return finite(a.stddev() / s); });
    return stats;
}

void text_sink::append(const ojson& value) {
    text += value.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

void text_sink::append_open(const ojson& object) {
    append(object);
    if (!text.empty() && text.back() == '}') text.pop_back();
}

void text_sink::flush(bool force) {
    constexpr std::size_t piece = std::size_t{1} << 20;
    if (file == nullptr || (!force && text.size() < piece)) return;
    if (!failed && std::fwrite(text.data(), 1, text.size(), file) != text.size()) failed = true;
    text.clear();
}

namespace {
void component_entry(text_sink& out, bool first, const component_info& info,
                     const rank_views& ranks, component_writer write) {
    out.text += first ? "\n" : ",\n";
    out.append(ojson(std::string{info.id}));
    out.text += ":";
    write(out, info, ranks);
}
}  // namespace

void document(text_sink& out, const result_tree& tree,
              const std::vector<const component_info*>& components, component_writer write) {
    out.text += "{\"timemory\":{";
    bool first = true;
    for (const auto* info : components) {
        if (info == nullptr) continue;
        rank_views ranks(1);
        ranks[0] = component_view(tree, *info);
        if (ranks[0].empty()) continue;
        component_entry(out, first, *info, ranks, write);
        first = false;
    }
    out.text += "}}\n";
    out.flush(true);
}

void document(text_sink& out, const component_info& info, const rank_views& ranks,
              component_writer write) {
    out.text += "{\"timemory\":{";
    component_entry(out, true, info, ranks, write);
    out.text += "}}\n";
    out.flush(true);
}

std::vector<accumulator> exclusive_stats(const std::vector<accumulator>& exclusive) {
    std::vector<accumulator> out;
    out.reserve(exclusive.size());
    for (const auto& e : exclusive) {
        accumulator a;
        a.count = e.count;
        a.sum = std::max(0.0, e.sum);
        if (a.count != 0) {
            const double n = static_cast<double>(a.count);
            a.min = a.max = a.sum / n;
            // Every call counted at the mean: variance exactly 0, sqr() = sum^2 / n.
            a.shift = a.sum / n;
        }
        out.push_back(a);
    }
    return out;
}

}  // namespace output_detail

namespace {

using namespace output_detail;

ojson flat_row(const component_info& info, const std::vector<display_unit>& units,
               const component_record& row) {
    ojson item;
    item["hash"] = row.hash;
    item["prefix"] = row.prefix;
    item["depth"] = row.depth;
    item["entry"] = entry_json(info, units, row.inclusive);
    item["stats"] = stats_json(info, units, row.inclusive);
    item["rolling_hash"] = row.rolling_hash;
    return item;
}

void flat_rank(text_sink& out, const component_info& info, const std::vector<display_unit>& units,
               std::int64_t rank, const std::vector<component_record>& rows) {
    out.text += "{\"rank\":" + std::to_string(rank) +
                ",\"graph_size\":" + std::to_string(rows.size()) + ",\"graph\":[";
    bool first = true;
    for (const auto& row : rows) {
        out.text += first ? "\n" : ",\n";
        first = false;
        out.append(flat_row(info, units, row));
        out.flush();
    }
    out.text += "]}";
}

// The flat layout's object for one component: the header, then "ranks", one row per line.
void flat_component(text_sink& out, const component_info& info, const rank_views& ranks) {
    const auto units = value_units(info);
    out.append_open(component_header(info, ranks));
    out.text += ",\"ranks\":[";
    for (std::size_t r = 0; r < ranks.size(); ++r) {
        out.text += r == 0 ? "\n" : ",\n";
        flat_rank(out, info, units, static_cast<std::int64_t>(r), ranks[r]);
    }
    out.text += "]}";
}

// Statistics over ranks of each value, in display units (imbalance in percent).
ojson over_ranks_json(const component_info& info, const std::vector<display_unit>& units,
                      const std::vector<rank_statistics>& stats) {
    const std::size_t count = std::min(units.size(), stats.size());
    return per_value(info, count, [&](std::size_t i) {
        const auto& r = stats[i];
        const double s = units[i].scale;
        ojson item;
        item["ranks"] = r.ranks;
        item["sum"] = finite(r.sum / s);
        item["mean"] = finite(r.mean() / s);
        item["min"] = finite(r.min / s);
        item["max"] = finite(r.max / s);
        item["stddev"] = finite(r.stddev() / s);
        item["min_rank"] = r.min_rank;
        item["max_rank"] = r.max_rank;
        item["imbalance"] = finite(r.imbalance_percent());
        return item;
    });
}

}  // namespace

void output_detail::write_flat_json(text_sink& out, const result_tree& tree,
                                    const std::vector<const component_info*>& components) {
    document(out, tree, components, flat_component);
}

std::string format_flat_json(const result_tree& tree,
                             const std::vector<const component_info*>& components) {
    text_sink out;
    write_flat_json(out, tree, components);
    return std::move(out.text);
}

std::string format_flat_json(const component_info& info, const rank_views& ranks) {
    text_sink out;
    document(out, info, ranks, flat_component);
    return std::move(out.text);
}

ojson output_detail::job_component_header(const component_info& info, const job_files& job) {
    rank_views combined(1);
    combined[0] = component_view(*job.aggregate, info);
    auto header = component_header(info, combined);
    const auto arrived = static_cast<std::int64_t>(job.aggregate->ranks.size());
    header["mpi_size"] = job.world_size;
    header["process_count"] = arrived;
    header["num_ranks"] = job.world_size;
    return header;
}

void output_detail::write_job_flat_json(text_sink& out, const component_info& info,
                                        const job_files& job) {
    const auto units = value_units(info);
    out.text += "{\"timemory\":{";
    out.append(ojson(std::string{info.id}));
    out.text += ":";
    out.append_open(job_component_header(info, job));
    out.text += ",\"ranks\":[";
    bool first = true;
    for (std::int32_t r = 0; r < job.world_size; ++r) {
        auto tree = job.fetch(r);  // one rank's tree at a time
        if (!tree) continue;
        out.text += first ? "\n" : ",\n";
        first = false;
        flat_rank(out, info, units, r, component_view(*tree, info));
    }
    // The ranks combined: every rank's calls merged, and statistics over the ranks.
    const auto rows = component_view(*job.aggregate, info);
    ojson head;
    head["ranks"] = job.aggregate->ranks;
    head["missing"] = job.missing;
    head["graph_size"] = rows.size();
    out.text += "],\n\"aggregate\":";
    out.append_open(head);
    out.text += ",\"graph\":[";
    first = true;
    for (const auto& row : rows) {
        out.text += first ? "\n" : ",\n";
        first = false;
        auto item = flat_row(info, units, row);
        item["over_ranks"] = over_ranks_json(info, units, row.over_ranks);
        out.append(item);
        out.flush();
    }
    out.text += "]}}}}\n";  // graph, aggregate, component, "timemory", document
    out.flush(true);
}

}  // namespace tim
