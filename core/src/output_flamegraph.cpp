// Trace-event JSON (<label>.flamegraph.json) for chrome://tracing, Perfetto and speedscope.
//
// The trace-event format defines ts and dur in microseconds; raw times are nanoseconds, so both
// are raw / 1000 whatever timing_units says (timemory multiplied seconds by 1000 and so wrote
// milliseconds, drawing everything 1000x too short).
//
// Two layouts:
//  - timeline: real start times (start_ns, relative to the earliest) when settings.timeline_profile
//    is on, or when every region ran exactly once (each node then is one real interval).
//  - aggregate (the flame-graph view): children start where their parent starts, siblings are laid
//    end to end, dur = inclusive total. Each top-level subtree stays on its root's thread track so
//    the nesting holds in viewers that nest by (pid, tid).
#include "output_internal.hpp"

#include "timemory/core/output.hpp"
#include "timemory/core/settings.hpp"

#include <unistd.h>
#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace tim {
namespace {

using output_detail::ojson;

std::int64_t first_or(const std::set<std::int64_t>& ids, std::int64_t fallback) {
    return ids.empty() ? fallback : *ids.begin();
}

}  // namespace

void output_detail::write_flamegraph_json(text_sink& out, const result_tree& tree,
                                          const component_info& info) {
    if (info.value_units(0) != unit_kind::timing) return;
    const auto rows = component_view(tree, info);
    const std::int64_t own_pid = ::getpid();

    bool timeline = settings::instance().timeline_profile;
    if (!timeline && !rows.empty()) {
        timeline = std::all_of(rows.begin(), rows.end(), [](const component_record& r) {
            return !r.inclusive.empty() && r.inclusive[0].count <= 1 && r.start_ns > 0;
        });
    }
    std::int64_t origin = std::numeric_limits<std::int64_t>::max();
    for (const auto& row : rows) {
        if (row.start_ns > 0) origin = std::min(origin, row.start_ns);
    }
    if (origin == std::numeric_limits<std::int64_t>::max()) origin = 0;

    // Per row: start (µs) and track. Rows come in pre-order, so parents are placed first.
    std::vector<double> start(rows.size(), 0.0);
    // Aggregate layout: where each row's next child goes.
    std::vector<double> next_child(rows.size(), 0.0);
    std::vector<std::int64_t> tid(rows.size(), 0);
    std::vector<std::int64_t> pid(rows.size(), own_pid);
    double next_top = 0.0;
    std::map<std::int64_t, std::set<std::int64_t>> tracks;  // pid -> tids

    std::vector<double> duration(rows.size(), 0.0);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        const double dur =
            row.inclusive.empty() ? 0.0 : std::max(0.0, row.inclusive[0].sum) / 1000.0;
        const bool has_parent = row.parent >= 0;
        const auto parent = static_cast<std::size_t>(std::max<std::int64_t>(row.parent, 0));
        if (timeline) {
            // Records without a start time (attached from other threads) sit at their parent.
            start[i] = row.start_ns > 0 ? static_cast<double>(row.start_ns - origin) / 1000.0
                       : has_parent     ? start[parent]
                                        : 0.0;
            tid[i] = first_or(row.tids, has_parent ? tid[parent] : 0);
            pid[i] = first_or(row.pids, has_parent ? pid[parent] : own_pid);
        } else if (has_parent) {
            start[i] = next_child[parent];
            next_child[parent] += dur;
            tid[i] = tid[parent];
            pid[i] = pid[parent];
        } else {
            start[i] = next_top;
            next_top += dur;
            tid[i] = first_or(row.tids, 0);
            pid[i] = first_or(row.pids, own_pid);
        }
        next_child[i] = start[i];
        duration[i] = dur;
        tracks[pid[i]].insert(tid[i]);
    }

    // Name the tracks so viewers show "timemory wall" / "thread 0 (main)" instead of bare ids.
    ojson names = ojson::array();
    for (const auto& [p, tids] : tracks) {
        names.push_back({{"name", "process_name"},
                         {"ph", "M"},
                         {"pid", p},
                         {"tid", 0},
                         {"args", {{"name", "timemory " + std::string{info.label}}}}});
        for (auto t : tids) {
            const std::string name = t == 0 ? "thread 0 (main)" : "thread " + std::to_string(t);
            names.push_back({{"name", "thread_name"},
                             {"ph", "M"},
                             {"pid", p},
                             {"tid", t},
                             {"args", {{"name", name}}}});
        }
    }

    // Track names first, then one event per line, streamed (a timeline has an event per call).
    out.text += "{\"traceEvents\":[";
    bool first = true;
    for (const auto& name : names) {
        out.text += first ? "\n" : ",\n";
        first = false;
        out.append(name);
    }
    const std::string category{info.label};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        ojson event;
        event["name"] = row.label;
        event["ph"] = "X";
        event["ts"] = start[i];
        event["dur"] = duration[i];
        event["pid"] = pid[i];
        event["tid"] = tid[i];
        event["cat"] = category;
        event["args"] = {{"count", row.inclusive.empty() ? 0 : row.inclusive[0].count},
                         {"depth", row.depth}};
        out.text += first ? "\n" : ",\n";
        first = false;
        out.append(event);
        out.flush();
    }
    out.text += "],\"displayTimeUnit\":\"ms\"}\n";
    out.flush(true);
}

std::string format_flamegraph_json(const result_tree& tree, const component_info& info) {
    output_detail::text_sink out;
    output_detail::write_flamegraph_json(out, tree, info);
    return std::move(out.text);
}

}  // namespace tim
