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

std::string document(const result_tree& tree, const std::vector<const component_info*>& components,
                     component_writer write) {
    ojson body = ojson::object();
    for (const auto* info : components) {
        if (info == nullptr) continue;
        rank_views ranks(1);
        ranks[0] = component_view(tree, *info);
        if (ranks[0].empty()) continue;
        body[std::string{info->id}] = write(*info, ranks);
    }
    ojson root;
    root["timemory"] = std::move(body);
    return dump(root, 4);
}

std::string document(const component_info& info, const rank_views& ranks, component_writer write) {
    ojson root;
    root["timemory"][std::string{info.id}] = write(info, ranks);
    return dump(root, 4);
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

// The flat layout's object for one component: the header, then "ranks".
ojson flat_component(const component_info& info, const rank_views& ranks) {
    const auto units = value_units(info);
    ojson out_ranks = ojson::array();
    for (std::size_t r = 0; r < ranks.size(); ++r) {
        ojson graph = ojson::array();
        for (const auto& row : ranks[r]) {
            ojson item;
            item["hash"] = row.hash;
            item["prefix"] = row.prefix;
            item["depth"] = row.depth;
            item["entry"] = entry_json(info, units, row.inclusive);
            item["stats"] = stats_json(info, units, row.inclusive);
            item["rolling_hash"] = row.rolling_hash;
            graph.push_back(std::move(item));
        }
        ojson rank;
        rank["rank"] = r;
        rank["graph_size"] = ranks[r].size();
        rank["graph"] = std::move(graph);
        out_ranks.push_back(std::move(rank));
    }
    ojson component = component_header(info, ranks);
    component["ranks"] = std::move(out_ranks);
    return component;
}

}  // namespace

std::string format_flat_json(const result_tree& tree,
                             const std::vector<const component_info*>& components) {
    return output_detail::document(tree, components, flat_component);
}

std::string format_flat_json(const component_info& info, const rank_views& ranks) {
    return output_detail::document(info, ranks, flat_component);
}

}  // namespace tim
