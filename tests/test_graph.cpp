// Call-graph storage semantics on one thread: nesting, recursion, warm nodes, flat / timeline /
// max_depth modes, bad pops, and the per-component view (exclusive values, % self, prefix,
// hierarchy, rolling hash, re-parenting). Values are recorded directly, so every check is exact.
#include "timemory/core/graph.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

const tim::component_info& value_component() {
    static const auto& info =
        tim::test::add_component("test_graph_value", "values recorded by test_graph.cpp");
    return info;
}
const tim::component_info& other_component() {
    static const auto& info =
        tim::test::add_component("test_graph_other", "values recorded by test_graph.cpp");
    return info;
}

using tim::test::count_warnings;

class Graph : public tim::test::results_test {
  protected:
    std::uint32_t push(std::string_view name, tim::scope_mode mode = tim::scope_mode::use_default) {
        return graph.push(tim::add_label(name), mode);
    }
    void record(std::uint32_t node, double value,
                const tim::component_info& c = value_component()) {
        graph.record(node, c, &value);
    }
    /// A region, its value and its children, run as push / children / record / pop.
    struct region {
        std::string_view name;
        double value;
        std::vector<region> children = {};
    };
    void run(const region& r) {
        const auto n = push(r.name);
        for (const auto& c : r.children) run(c);
        record(n, r.value);
        graph.pop(n);
    }
    void leaf(std::string_view name, double value) { run({name, value}); }
    static std::vector<tim::component_record> view(
        const tim::component_info& c = value_component()) {
        return tim::test::rows_of(c);
    }
    static std::vector<std::string> prefixes(const std::vector<tim::component_record>& rows) {
        std::vector<std::string> out;
        for (const auto& r : rows) out.push_back(r.prefix);
        return out;
    }

    tim::thread_graph& graph = tim::this_thread_graph();
};

using strings = std::vector<std::string>;

}  // namespace

TEST_F(Graph, NestedRegionsFormATree) {
    run({"A", 10, {{"B", 6, {{"C", 1}}}}});
    EXPECT_EQ(graph.stack_depth(), 0u);
    EXPECT_EQ(graph.nodes().size(), 4u);  // root + A, B, C

    const auto tree = tim::collect_results(true);
    ASSERT_EQ(tree.nodes.size(), 4u);
    EXPECT_EQ(tree.nodes[1].label, "A");
    EXPECT_EQ(tree.nodes[1].depth, 1u);
    EXPECT_EQ(tree.nodes[3].depth, 3u);
    const auto rows = tim::component_view(tree, value_component());
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(prefixes(rows), (strings{">>> A", ">>> |_B", ">>>   |_C"}));
    EXPECT_EQ(rows[0].depth, 0u);
    EXPECT_EQ(rows[2].depth, 2u);
    EXPECT_EQ(rows[0].parent, -1);
    EXPECT_EQ(rows[1].parent, 0);
    EXPECT_EQ(rows[2].parent, 1);
    EXPECT_EQ(rows[0].children, (std::vector<std::size_t>{1}));
    for (const auto& r : rows) EXPECT_EQ(r.inclusive[0].count, 1u);
}

TEST_F(Graph, RecursionBuildsAChain) {
    run({"recurse", 1, {{"recurse", 2, {{"recurse", 3}}}}});
    EXPECT_EQ(graph.nodes().size(), 4u);
    const auto rows = view();
    EXPECT_EQ(prefixes(rows), (strings{">>> recurse", ">>> |_recurse", ">>>   |_recurse"}));
    EXPECT_EQ(rows[2].inclusive[0].sum, 3.0);
    EXPECT_EQ(rows[0].inclusive[0].sum, 1.0);
}

TEST_F(Graph, SameLabelUnderDifferentParentsIsTwoNodes) {
    run({"P", 5, {{"shared", 2}}});
    run({"Q", 5, {{"shared", 2}}});
    EXPECT_EQ(graph.nodes().size(), 5u);
    const auto rows = view();
    EXPECT_EQ(prefixes(rows), (strings{">>> P", ">>> |_shared", ">>> Q", ">>> |_shared"}));
    EXPECT_NE(rows[1].node, rows[3].node);
    EXPECT_EQ(rows[1].inclusive[0].count, 1u);
    EXPECT_EQ(rows[3].inclusive[0].count, 1u);
}

TEST_F(Graph, WarmNodeRepeatsWithoutNewNodes) {
    const auto first = push("warm");
    graph.pop(first);
    for (int i = 0; i < 1000; ++i) {
        const auto n = push("warm");
        EXPECT_EQ(n, first);
        record(n, i);
        graph.pop(n);
    }
    EXPECT_EQ(graph.nodes().size(), 2u);
    const auto rows = view();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].inclusive[0].count, 1000u);
    EXPECT_EQ(rows[0].inclusive[0].sum, 999.0 * 1000.0 / 2.0);
    EXPECT_EQ(rows[0].inclusive[0].min, 0.0);
    EXPECT_EQ(rows[0].inclusive[0].max, 999.0);
}

TEST_F(Graph, FlatModePutsEveryRegionAtDepthZero) {
    tim::settings::instance().flat_profile = true;
    tim::settings::instance().changed();
    run({"A", 3, {{"B", 2, {{"A", 1}}}}});
    EXPECT_EQ(graph.stack_depth(), 0u);
    EXPECT_EQ(graph.nodes().size(), 3u);
    for (std::size_t i = 1; i < graph.nodes().size(); ++i) EXPECT_EQ(graph.nodes()[i].depth, 1u);
    const auto rows = view();
    EXPECT_EQ(prefixes(rows), (strings{">>> A", ">>> B"}));
    EXPECT_EQ(rows[0].inclusive[0].count, 2u);
    EXPECT_EQ(rows[0].inclusive[0].sum, 4.0);
    EXPECT_EQ(rows[1].depth, 0u);

    tim::settings::instance().flat_profile = false;  // a per-push mode overrides the settings
    tim::settings::instance().changed();
    tim::clear_results();
    const auto a = push("A");
    const auto f = push("flat-child", tim::scope_mode::flat);
    record(f, 1);
    graph.pop(f);
    record(a, 1);
    graph.pop(a);
    EXPECT_EQ(prefixes(view()), (strings{">>> A", ">>> flat-child"}));
}

TEST_F(Graph, TimelineModeMakesANodePerPush) {
    tim::settings::instance().timeline_profile = true;
    tim::settings::instance().changed();
    for (int i = 0; i < 3; ++i) run({"step", 10.0 + i, {{"inner", 1}}});
    EXPECT_EQ(graph.nodes().size(), 7u);
    const auto rows = view();
    EXPECT_EQ(prefixes(rows), (strings{">>> step", ">>> |_inner", ">>> step", ">>> |_inner",
                                       ">>> step", ">>> |_inner"}));
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(rows[2 * i].inclusive[0].count, 1u);
        EXPECT_EQ(rows[2 * i].inclusive[0].sum, 10.0 + static_cast<double>(i));
    }
    EXPECT_LE(rows[0].start_ns, rows[2].start_ns);
    EXPECT_LE(rows[2].start_ns, rows[4].start_ns);
}

TEST_F(Graph, TimelineLimitMergesLaterCallsByPathWithOneWarning) {
    auto& s = tim::settings::instance();
    s.timeline_profile = true;
    s.timeline_limit = 5;
    s.changed();
    ::testing::internal::CaptureStderr();
    std::thread worker{[] {  // a graph of its own: the warning is once per thread
        auto& g = tim::this_thread_graph();
        for (int i = 1; i <= 12; ++i) {
            const auto n = g.push(tim::add_label("tick"));
            const double value = i;
            g.record(n, value_component(), &value);
            g.pop(n);
        }
    }};
    worker.join();
    const auto err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(count_warnings(err), 1u) << err;
    EXPECT_NE(err.find("reached 5 entries (timeline_limit) at 'tick'"), std::string::npos) << err;
    const auto rows = view();
    ASSERT_EQ(rows.size(), 6u);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(rows[i].inclusive[0].count, 1u);
        EXPECT_EQ(rows[i].inclusive[0].sum, static_cast<double>(i + 1));
    }
    EXPECT_EQ(rows[5].inclusive[0].count, 7u);  // calls 6..12, merged
    EXPECT_EQ(rows[5].inclusive[0].sum, 6.0 + 7 + 8 + 9 + 10 + 11 + 12);
}

TEST_F(Graph, MaxDepthDropsDeeperRegionsAndKeepsPopsBalanced) {
    tim::settings::instance().max_depth = 2;
    tim::settings::instance().changed();
    const auto a = push("A");
    const auto b = push("B");
    const auto c = push("C");
    const auto d = push("D");
    EXPECT_TRUE(a != tim::no_node && b != tim::no_node);
    EXPECT_TRUE(c == tim::no_node && d == tim::no_node);  // deeper than max_depth
    for (auto n : {d, c, b, a}) {
        record(n, 1);
        graph.pop(n);
    }
    EXPECT_EQ(graph.stack_depth(), 0u);
    leaf("E", 1);  // shallow regions after the deep ones are still recorded
    EXPECT_EQ(prefixes(view()), (strings{">>> A", ">>> |_B", ">>> E"}));
}

TEST_F(Graph, PopWithoutPushWarnsOnceAndKeepsStorage) {
    const auto a = push("A");
    record(a, 5);
    graph.pop(a);
    testing::internal::CaptureStderr();
    graph.pop(a);
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(count_warnings(err), 1u) << err;
    EXPECT_NE(err.find("'A'"), std::string::npos) << err;
    EXPECT_EQ(graph.stack_depth(), 0u);
    leaf("A", 7);
    const auto rows = view();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].inclusive[0].count, 2u);
    EXPECT_EQ(rows[0].inclusive[0].sum, 12.0);
}

TEST_F(Graph, OutOfOrderPopsKeepTheGraphConsistent) {
    const auto a = push("A");
    const auto b = push("B");
    record(a, 4);
    testing::internal::CaptureStderr();
    graph.pop(a);
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(count_warnings(err), 1u) << err;
    record(b, 3);
    graph.pop(b);
    EXPECT_EQ(graph.stack_depth(), 0u);
    leaf("C", 1);  // lands at the top again
    const auto rows = view();
    EXPECT_EQ(prefixes(rows), (strings{">>> A", ">>> |_B", ">>> C"}));
    EXPECT_EQ(rows[0].exclusive[0].sum, 1.0);
}

TEST_F(Graph, HierarchyAndRollingHash) {
    run({"A", 1, {{"B", 1, {{"C", 1}}}}});
    const auto ha = tim::hash_label("A"), hb = tim::hash_label("B"), hc = tim::hash_label("C");
    const auto rows = view();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(tim::hierarchy(rows, 0), (std::vector<tim::hash_value>{ha}));
    EXPECT_EQ(tim::hierarchy(rows, 2), (std::vector<tim::hash_value>{ha, hb, hc}));
    EXPECT_EQ(rows[2].hash, hc);
    EXPECT_EQ(rows[0].rolling_hash, ha);
    EXPECT_EQ(rows[1].rolling_hash, static_cast<tim::hash_value>(ha + hb));
    EXPECT_EQ(rows[2].rolling_hash, static_cast<tim::hash_value>(ha + hb + hc));
}

TEST_F(Graph, ComponentMissingOnSomeNodesIsReparented) {
    const auto a = push("A");
    const auto b = push("B");
    const auto c = push("C");
    record(c, 2);
    graph.pop(c);
    record(b, 7, other_component());  // B has only the other component
    graph.pop(b);
    record(a, 9);
    graph.pop(a);
    const auto rows = view();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(prefixes(rows), (strings{">>> A", ">>> |_C"}));
    EXPECT_EQ(rows[1].parent, 0);
    EXPECT_EQ(rows[1].depth, 1u);
    EXPECT_EQ(tim::hierarchy(rows, 1),
              (std::vector<tim::hash_value>{tim::hash_label("A"), tim::hash_label("C")}));
    EXPECT_EQ(rows[0].exclusive[0].sum, 7.0);
    const auto others = view(other_component());
    ASSERT_EQ(others.size(), 1u);
    EXPECT_EQ(others[0].prefix, ">>> B");
    EXPECT_EQ(others[0].exclusive[0].sum, 7.0);
}

TEST_F(Graph, ClearWhileARegionIsOpenKeepsItValid) {
    // finalize() clears results; a scope still open in main() pops afterwards.
    const auto a = push("open-across-clear");
    const auto b = push("inner");
    tim::clear_results();
    record(b, 2);
    graph.pop(b);
    record(a, 3);
    testing::internal::CaptureStderr();
    graph.pop(a);
    EXPECT_EQ(count_warnings(testing::internal::GetCapturedStderr()), 0u);
    EXPECT_EQ(graph.stack_depth(), 0u);
    const auto rows = view();
    EXPECT_EQ(prefixes(rows), (strings{">>> open-across-clear", ">>> |_inner"}));
    EXPECT_EQ(rows[0].inclusive[0].sum, 3.0);
    tim::clear_results();  // nothing open: back to the bare root
    EXPECT_EQ(graph.nodes().size(), 1u);
    EXPECT_TRUE(view().empty());
}

TEST(GraphClear, ClearingOneComponentKeepsTheOthers) {
    tim::clear_results();
    auto& g = tim::this_thread_graph();
    static const auto first =
        tim::test::add_component("test_clear_first", "values recorded by test_graph.cpp").index;
    static const auto second =
        tim::test::add_component("test_clear_second", "values recorded by test_graph.cpp").index;
    const auto node = g.push(tim::add_label("clear-one"));
    const double one = 1.0, two = 2.0;
    g.record(node, first, &one, 1);
    g.record(node, second, &two, 1);
    g.pop(node);
    tim::clear_results(*tim::registry::at(first));
    const auto tree = tim::collect_results(true);
    EXPECT_TRUE(tim::component_view(tree, *tim::registry::at(first)).empty());
    const auto rows = tim::component_view(tree, *tim::registry::at(second));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].inclusive[0].sum, 2.0);
    tim::clear_results();
}
