// Flat JSON (<label>.json): raw and display values, unsigned hashes, units scaling the display
// values only, multi-valued components as lists.
#include "output_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace {

using namespace output_test;

TEST_F(Outputs, FlatJsonCarriesRawAndDisplayValues) {
    record_standard_tree();
    write();
    const auto doc = read_json(file("test_timer.json"));
    const auto& c = component_of(doc, "output_test_timer");
    EXPECT_EQ(c["properties"]["id"], "output_test_timer");
    EXPECT_EQ(c["properties"]["enum"], "OUTPUT_TEST_TIMER");
    EXPECT_EQ(c["properties"]["value"], test_timer().index);
    EXPECT_EQ(c["properties"]["ids"], json::array({"output_test_clock", "output_test_timer"}));
    EXPECT_EQ(c["type"], "test_timer");
    EXPECT_EQ(c["description"], "Timer for output tests");
    EXPECT_EQ(c["unit_value"], 1000000000);
    EXPECT_EQ(c["unit_repr"], "sec");
    EXPECT_EQ(c["thread_count"], 1);
    EXPECT_EQ(c["mpi_size"], 1);
    EXPECT_EQ(c["num_ranks"], 1);

    const auto& rank = c["ranks"].at(0);
    EXPECT_EQ(rank["rank"], 0);
    EXPECT_EQ(rank["graph_size"], 4);
    const auto& graph = rank["graph"];
    ASSERT_EQ(graph.size(), 4u);
    EXPECT_EQ(graph[0]["prefix"], ">>> main");
    EXPECT_EQ(graph[1]["prefix"], ">>> |_solve");
    EXPECT_EQ(graph[2]["prefix"], ">>>   |_inner");
    EXPECT_EQ(graph[3]["prefix"], ">>> |_io");
    EXPECT_EQ(graph[2]["depth"], 2);

    const auto& solve = graph[1];
    EXPECT_TRUE(solve["entry"]["value"].is_number_integer());
    EXPECT_EQ(solve["entry"]["laps"], 2);
    EXPECT_EQ(solve["entry"]["value"].get<std::int64_t>(), 1500000000);
    EXPECT_EQ(solve["entry"]["accum"].get<std::int64_t>(), 1500000000);
    EXPECT_DOUBLE_EQ(solve["entry"]["repr_data"].get<double>(), 1.5);
    EXPECT_DOUBLE_EQ(solve["stats"]["sum"].get<double>(), 1.5);
    EXPECT_EQ(solve["stats"]["count"], 2);
    EXPECT_DOUBLE_EQ(solve["stats"]["min"].get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(solve["stats"]["max"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(solve["stats"]["sqr"].get<double>(), 1.25);
    EXPECT_DOUBLE_EQ(solve["stats"]["mean"].get<double>(), 0.75);
    EXPECT_NEAR(solve["stats"]["stddev"].get<double>(), std::sqrt(0.125), 1e-12);
}

TEST_F(Outputs, FlatJsonHashesAreUnsignedAndRollingHashWraps) {
    record_standard_tree();
    const auto doc = json::parse(tim::format_flat_json(tim::collect_results(), {&test_timer()}));
    const auto& graph = component_of(doc, "output_test_timer")["ranks"][0]["graph"];
    const std::uint64_t main = tim::hash_label("main");
    const std::uint64_t solve = tim::hash_label("solve");
    const std::uint64_t inner = tim::hash_label("inner");
    EXPECT_TRUE(graph[0]["hash"].is_number_unsigned());
    EXPECT_EQ(graph[0]["hash"].get<std::uint64_t>(), main);
    EXPECT_EQ(graph[0]["rolling_hash"].get<std::uint64_t>(), main);
    EXPECT_EQ(graph[1]["rolling_hash"].get<std::uint64_t>(), main + solve);  // mod 2^64
    EXPECT_EQ(graph[2]["rolling_hash"].get<std::uint64_t>(), main + solve + inner);
}

TEST_F(Outputs, TimingUnitsScaleJsonValues) {
    record_standard_tree();
    tim::settings::instance().timing_units = "msec";
    write();
    const auto doc = read_json(file("test_timer.json"));
    const auto& c = component_of(doc, "output_test_timer");
    EXPECT_EQ(c["unit_value"], 1000000);
    EXPECT_EQ(c["unit_repr"], "msec");
    const auto& main = c["ranks"][0]["graph"][0];
    EXPECT_EQ(main["entry"]["value"].get<std::int64_t>(), 2500000000);  // raw stays raw
    EXPECT_DOUBLE_EQ(main["entry"]["repr_data"].get<double>(), 2500.0);
    EXPECT_DOUBLE_EQ(main["stats"]["sum"].get<double>(), 2500.0);
    EXPECT_DOUBLE_EQ(main["stats"]["sqr"].get<double>(), 2500.0 * 2500.0);
}

TEST_F(Outputs, MultiValuedJsonUsesLists) {
    {
        region r{"alloc"};
        r.record(test_pair(), {1.5e6, 4.0e6});
    }
    tim::settings::instance().memory_units = "KB";
    const auto doc = json::parse(tim::format_flat_json(tim::collect_results(), {&test_pair()}));
    const auto& c = component_of(doc, "output_test_pair");
    EXPECT_EQ(c["type"], json::array({"start_mem", "stop_mem"}));
    EXPECT_EQ(c["unit_repr"], json::array({"KB", "KB"}));
    EXPECT_EQ(c["unit_value"], json::array({1000, 1000}));
    const auto& row = c["ranks"][0]["graph"][0];
    EXPECT_EQ(row["entry"]["repr_data"], json::array({1500.0, 4000.0}));
    EXPECT_EQ(row["stats"]["max"], json::array({1500.0, 4000.0}));
}

TEST_F(Outputs, PerComponentWritersTakeRowsPerRank) {
    record_standard_tree();
    const auto& t = test_timer();
    const auto tree = tim::collect_results();
    // One rank of component_view's rows: the very text the files get.
    tim::rank_views one(1);
    one[0] = tim::component_view(tree, t);
    EXPECT_EQ(tim::format_flat_json(t, one), tim::format_flat_json(tree, {&t}));
    EXPECT_EQ(tim::format_tree_json(t, one), tim::format_tree_json(tree, {&t}));

    // A second rank whose rows ran on thread 7: one entry per rank, counts over all ranks.
    tim::rank_views two{one[0], one[0]};
    for (auto& row : two[1]) row.tids = {7};
    const auto flat = component_of(json::parse(tim::format_flat_json(t, two)), t.id);
    ASSERT_EQ(flat["ranks"].size(), 2u);
    EXPECT_EQ(flat["ranks"][1]["rank"], 1);
    EXPECT_EQ(flat["ranks"][1]["graph"], flat["ranks"][0]["graph"]);
    EXPECT_EQ(flat["thread_count"], 2);
    const auto hier = component_of(json::parse(tim::format_tree_json(t, two)), t.id);
    ASSERT_EQ(hier["mpi"].size(), 2u);
    EXPECT_EQ(hier["mpi"][1][0]["children"][0]["node"]["tid"], json::array({7}));
    EXPECT_EQ(hier["mpi"][1][0]["node"]["inclusive"], hier["mpi"][0][0]["node"]["inclusive"]);

    // No rows: the component is still written, with an empty graph.
    const auto empty =
        component_of(json::parse(tim::format_flat_json(t, tim::rank_views(1))), t.id);
    EXPECT_EQ(empty["ranks"][0]["graph_size"], 0);
    EXPECT_EQ(empty["thread_count"], 1);
}

}  // namespace
