// Tree JSON (<label>.tree.json, read by hatchet): children nested under a hidden root, inclusive
// and exclusive statistics with the same keys, exclusive never negative, threads merged.
#include "output_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace output_test;

TEST_F(Outputs, TreeJsonNestsChildrenUnderHiddenRoot) {
    record_standard_tree();
    write();
    const auto doc = read_json(file("test_timer.tree.json"));
    const auto& c = component_of(doc, "output_test_timer");
    EXPECT_EQ(c["unit_repr"], "sec");
    // timemory's MPI key even for one thread of one rank: hatchet reads multi-thread data only
    // there, and every file keeps the same layout.
    EXPECT_FALSE(c.contains("graph"));
    ASSERT_EQ(c["mpi"].size(), 1u);     // one rank
    ASSERT_EQ(c["mpi"][0].size(), 1u);  // one root tree
    const auto& root = c["mpi"][0][0];
    EXPECT_EQ(root["node"]["hash"], 0);
    EXPECT_EQ(root["node"]["prefix"], "unknown-hash=0");
    EXPECT_EQ(root["node"]["depth"], 0);
    EXPECT_EQ(root["node"]["is_dummy"], true);
    EXPECT_EQ(root["node"]["tid"], json::array({0}));
    EXPECT_EQ(root["node"]["pid"], json::array({::getpid()}));
    // Root: inclusive = the top level, exclusive = 0 (never negative).
    EXPECT_DOUBLE_EQ(root["node"]["inclusive"]["stats"]["sum"].get<double>(), 2.5);
    EXPECT_DOUBLE_EQ(root["node"]["exclusive"]["stats"]["sum"].get<double>(), 0.0);

    ASSERT_EQ(root["children"].size(), 1u);
    const auto& main = root["children"][0];
    EXPECT_EQ(main["node"]["prefix"], "main");  // undecorated
    EXPECT_EQ(main["node"]["depth"], 1);
    EXPECT_EQ(main["node"]["is_dummy"], false);
    EXPECT_EQ(main["node"]["hash"].get<std::uint64_t>(), tim::hash_label("main"));
    ASSERT_EQ(main["children"].size(), 2u);
    const auto& solve = main["children"][0];
    const auto& io = main["children"][1];
    EXPECT_EQ(solve["node"]["prefix"], "solve");
    EXPECT_EQ(io["node"]["prefix"], "io");
    ASSERT_EQ(solve["children"].size(), 1u);
    EXPECT_EQ(solve["children"][0]["node"]["prefix"], "inner");
    EXPECT_EQ(solve["children"][0]["node"]["depth"], 3);
    EXPECT_TRUE(io["children"].empty());

    // Exclusive = inclusive - children's inclusive: main 2.5 - 1.5 - 0.3, solve 1.5 - 0.25.
    EXPECT_NEAR(main["node"]["exclusive"]["stats"]["sum"].get<double>(), 0.7, 1e-12);
    EXPECT_NEAR(solve["node"]["exclusive"]["stats"]["sum"].get<double>(), 1.25, 1e-12);
    EXPECT_EQ(solve["node"]["exclusive"]["entry"]["value"].get<std::int64_t>(), 1250000000);
    EXPECT_EQ(solve["node"]["exclusive"]["stats"]["count"], 2);
    EXPECT_DOUBLE_EQ(solve["node"]["exclusive"]["stats"]["mean"].get<double>(), 0.625);
    EXPECT_DOUBLE_EQ(solve["node"]["exclusive"]["stats"]["stddev"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(solve["node"]["inclusive"]["stats"]["sum"].get<double>(), 1.5);
    EXPECT_EQ(solve["node"]["inclusive"]["entry"]["laps"], 2);
}

TEST_F(Outputs, TreeJsonInclusiveAndExclusiveStatsShareKeys) {
    record_standard_tree();
    const auto doc = json::parse(tim::format_tree_json(tim::collect_results(), {&test_timer()}));
    std::vector<const json*> stack{&component_of(doc, "output_test_timer")["mpi"][0][0]};
    std::size_t visited = 0;
    while (!stack.empty()) {
        const json& n = *stack.back();
        stack.pop_back();
        ++visited;
        std::vector<std::string> inc_keys;
        std::vector<std::string> exc_keys;
        for (const auto& [k, v] : n["node"]["inclusive"]["stats"].items()) inc_keys.push_back(k);
        for (const auto& [k, v] : n["node"]["exclusive"]["stats"].items()) exc_keys.push_back(k);
        EXPECT_EQ(inc_keys, exc_keys);
        EXPECT_EQ(inc_keys, (std::vector<std::string>{"count", "max", "mean", "min", "sqr",
                                                      "stddev", "sum"}));
        EXPECT_GE(n["node"]["exclusive"]["stats"]["sum"].get<double>(), 0.0);
        for (const auto& child : n["children"]) stack.push_back(&child);
    }
    EXPECT_EQ(visited, 5u);  // root + 4 regions
}

TEST_F(Outputs, ExclusiveNeverNegativeWhenChildrenExceedParent) {
    {
        region parent{"launch"};
        parent.record(test_timer(), 1.0e9);
        region child{"async_work"};  // e.g. device work outliving the host region
        child.record(test_timer(), 3.0e9);
    }
    const auto doc = json::parse(tim::format_tree_json(tim::collect_results(), {&test_timer()}));
    const auto& launch = component_of(doc, "output_test_timer")["mpi"][0][0]["children"][0];
    EXPECT_DOUBLE_EQ(launch["node"]["exclusive"]["stats"]["sum"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(launch["node"]["inclusive"]["stats"]["sum"].get<double>(), 1.0);
}

TEST_F(Outputs, TreeJsonMergesThreads) {
    {
        region r{"main"};
        r.record(test_timer(), 1.0e9);
    }
    std::thread worker{[] {
        region r{"main"};
        r.record(test_timer(), 2.0e9);
    }};
    worker.join();
    const auto doc = json::parse(tim::format_tree_json(tim::collect_results(), {&test_timer()}));
    const auto& c = component_of(doc, "output_test_timer");
    EXPECT_EQ(c["thread_count"], 2);
    const auto& main = c["mpi"][0][0]["children"][0]["node"];
    EXPECT_EQ(main["tid"].size(), 2u);
    EXPECT_EQ(main["inclusive"]["entry"]["laps"], 2);
    EXPECT_DOUBLE_EQ(main["inclusive"]["stats"]["sum"].get<double>(), 3.0);
}

}  // namespace
