// Flamegraphs (<label>.flamegraph.json, Chrome trace events): durations in microseconds whatever
// the timing units, real start times in timeline mode, written only for timing components.
#include "output_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

namespace {

using namespace output_test;

TEST_F(Outputs, FlamegraphDurationsAreMicroseconds) {
    record_standard_tree();
    tim::settings::instance().timing_units = "msec";  // must not change trace units
    write();
    const auto doc = read_json(file("test_timer.flamegraph.json"));
    EXPECT_EQ(doc["displayTimeUnit"], "ms");
    std::map<std::string, json> events;
    std::size_t metadata = 0;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] == "M") {
            ++metadata;
            continue;
        }
        EXPECT_EQ(e["ph"], "X");
        EXPECT_EQ(e["cat"], "test_timer");
        EXPECT_EQ(e["pid"], ::getpid());
        events[e["name"].get<std::string>()] = e;
    }
    EXPECT_EQ(metadata, 2u);  // process_name + thread_name
    ASSERT_EQ(events.size(), 4u);
    EXPECT_DOUBLE_EQ(events["main"]["dur"].get<double>(), 2.5e6);
    EXPECT_DOUBLE_EQ(events["solve"]["dur"].get<double>(), 1.5e6);
    EXPECT_DOUBLE_EQ(events["inner"]["dur"].get<double>(), 0.25e6);
    EXPECT_DOUBLE_EQ(events["io"]["dur"].get<double>(), 0.3e6);
    // solve ran twice, so the aggregate layout is used: children start at the parent's start,
    // siblings are laid end to end.
    EXPECT_DOUBLE_EQ(events["main"]["ts"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(events["solve"]["ts"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(events["inner"]["ts"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(events["io"]["ts"].get<double>(), 1.5e6);
    EXPECT_EQ(events["solve"]["args"]["count"], 2);
}

TEST_F(Outputs, FlamegraphTimelineUsesRealStartTimes) {
    {
        region a{"first"};
        a.record(test_timer(), 4.0e6);
        region b{"nested"};
        b.record(test_timer(), 1.0e6);
    }
    {
        region c{"second"};
        c.record(test_timer(), 2.0e6);
    }
    const auto tree = tim::collect_results();
    std::map<std::string, std::int64_t> start_ns;
    std::int64_t origin = INT64_MAX;
    for (const auto& row : tim::component_view(tree, test_timer())) {
        start_ns[row.label] = row.start_ns;
        origin = std::min(origin, row.start_ns);
    }
    const auto doc = json::parse(tim::format_flamegraph_json(tree, test_timer()));
    std::size_t checked = 0;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] != "X") continue;
        const auto name = e["name"].get<std::string>();
        EXPECT_DOUBLE_EQ(e["ts"].get<double>(), static_cast<double>(start_ns[name] - origin) / 1e3)
            << name;
        ++checked;
    }
    EXPECT_EQ(checked, 3u);
}

TEST_F(Outputs, FlamegraphOnlyForTimingComponents) {
    {
        region r{"alloc"};
        r.record(test_memory(), 2.0e6);
    }
    EXPECT_EQ(tim::format_flamegraph_json(tim::collect_results(), test_memory()), "");
    write();
    EXPECT_TRUE(fs::exists(file("test_memory.json")));
    EXPECT_FALSE(fs::exists(file("test_memory.flamegraph.json")));
}

}  // namespace
