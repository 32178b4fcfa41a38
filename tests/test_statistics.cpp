// Statistics math: the per-node accumulator (count, sum, min, max, sum of squares) and the mean,
// sample variance and standard deviation derived from it, checked against hand computations, and
// the same numbers as they come out of the call graph.
#include "timemory/core/graph.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/core/statistics.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

namespace {

tim::accumulator accumulate(const std::vector<double>& values) {
    tim::accumulator acc;
    for (double v : values) acc.add(v);
    return acc;
}

// Two-pass textbook formulas, independent of the accumulator's single-pass ones.
double hand_mean(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double hand_variance(const std::vector<double>& v) {
    const double m = hand_mean(v);
    double ss = 0.0;
    for (double x : v) ss += (x - m) * (x - m);
    return ss / static_cast<double>(v.size() - 1);
}

const tim::component_info& test_component(const char* id, unsigned values) {
    return tim::test::add_component(id, "values recorded by test_statistics.cpp",
                                    [values](tim::component_info& c) {
                                        c.raw_count = values;
                                        c.value_count = values;
                                    });
}
const tim::component_info& sample_component() {
    static const auto& info = test_component("test_statistics_value", 1);
    return info;
}
const tim::component_info& pair_component() {
    static const auto& info = test_component("test_statistics_pair", 2);
    return info;
}

/// Records `parent` on a region named "parent" around one child region per entry of `children`.
std::vector<tim::component_record> parent_and_children(
    const std::vector<double>& parent, const std::vector<std::vector<double>>& children,
    const tim::component_info& info) {
    tim::clear_results();
    auto& graph = tim::this_thread_graph();
    const auto p = graph.push(tim::add_label("parent"), tim::scope_mode::tree);
    for (std::size_t i = 0; i < children.size(); ++i) {
        const auto c =
            graph.push(tim::add_label("child-" + std::to_string(i)), tim::scope_mode::tree);
        graph.record(c, info, children[i].data());
        graph.pop(c);
    }
    graph.record(p, info, parent.data());
    graph.pop(p);
    auto rows = tim::component_view(tim::collect_results(true), info);
    tim::clear_results();
    return rows;
}

}  // namespace

TEST(Statistics, EmptyAccumulatorReportsZeros) {
    const tim::accumulator acc;
    EXPECT_TRUE(acc.empty());
    EXPECT_EQ(acc.count, 0u);
    EXPECT_EQ(acc.sum, 0.0);
    EXPECT_EQ(acc.mean(), 0.0);
    EXPECT_EQ(acc.variance(), 0.0);
    EXPECT_EQ(acc.stddev(), 0.0);
    EXPECT_EQ(acc.reported_min(), 0.0);
    EXPECT_EQ(acc.reported_max(), 0.0);
}

TEST(Statistics, SingleSampleHasZeroVariance) {
    const auto acc = accumulate({42.5});
    EXPECT_EQ(acc.count, 1u);
    EXPECT_EQ(acc.mean(), 42.5);
    EXPECT_EQ(acc.variance(), 0.0);
    EXPECT_EQ(acc.stddev(), 0.0);
    EXPECT_EQ(acc.reported_min(), 42.5);
    EXPECT_EQ(acc.reported_max(), 42.5);
}

TEST(Statistics, MeanVarianceAndStddevMatchHandComputation) {
    // Classic example: mean 5, sum of squared deviations 32, so sample variance 32/7.
    const std::vector<double> values = {2, 4, 4, 4, 5, 5, 7, 9};
    const auto acc = accumulate(values);
    EXPECT_EQ(acc.count, 8u);
    EXPECT_EQ(acc.sum, 40.0);
    EXPECT_DOUBLE_EQ(acc.sqr(), 232.0);
    EXPECT_EQ(acc.mean(), 5.0);
    EXPECT_DOUBLE_EQ(acc.variance(), 32.0 / 7.0);
    EXPECT_DOUBLE_EQ(acc.variance(), hand_variance(values));
    EXPECT_DOUBLE_EQ(acc.stddev(), std::sqrt(32.0 / 7.0));
    EXPECT_EQ(acc.min, 2.0);
    EXPECT_EQ(acc.max, 9.0);
}

TEST(Statistics, NegativeAndFractionalValues) {
    const std::vector<double> values = {-3.5, 0.25, 1.75, -0.5, 10.0};
    const auto acc = accumulate(values);
    EXPECT_DOUBLE_EQ(acc.mean(), hand_mean(values));
    EXPECT_DOUBLE_EQ(acc.variance(), hand_variance(values));
    EXPECT_DOUBLE_EQ(acc.stddev(), std::sqrt(hand_variance(values)));
    EXPECT_EQ(acc.reported_min(), -3.5);
    EXPECT_EQ(acc.reported_max(), 10.0);
}

TEST(Statistics, TimingSizedValuesKeepTheirSpread) {
    // Nanosecond durations around one millisecond with a spread of a few microseconds.
    const std::vector<double> values = {1.000e6, 1.002e6, 0.997e6, 1.005e6, 0.999e6, 1.001e6};
    const auto acc = accumulate(values);
    EXPECT_DOUBLE_EQ(acc.mean(), hand_mean(values));
    EXPECT_NEAR(acc.variance(), hand_variance(values), 1e-6 * hand_variance(values));
    EXPECT_NEAR(acc.stddev(), std::sqrt(hand_variance(values)),
                1e-6 * std::sqrt(hand_variance(values)));
}

TEST(Statistics, OneSecondPlusMinusOneNanosecondKeepsItsSpread) {
    // In raw nanoseconds: 1e9 +/- 1. A plain sum of squares (1e18 per sample) cancels this away.
    std::vector<double> values;
    for (int i = 0; i < 1000; ++i) values.push_back(1e9 + ((i % 2) ? 1.0 : -1.0));
    const auto acc = accumulate(values);
    EXPECT_NEAR(acc.variance(), hand_variance(values), 1e-9 * hand_variance(values));
    EXPECT_NEAR(acc.stddev(), 1.0, 1e-3);
    auto merged = accumulate({values.begin(), values.begin() + 500});
    merged.merge(accumulate({values.begin() + 500, values.end()}));
    EXPECT_NEAR(merged.stddev(), 1.0, 1e-3);
}

TEST(Statistics, IdenticalValuesNeverGiveNegativeVariance) {
    tim::accumulator acc;
    for (int i = 0; i < 1000; ++i) acc.add(0.1);
    EXPECT_GE(acc.variance(), 0.0);
    EXPECT_NEAR(acc.stddev(), 0.0, 1e-6);
    EXPECT_NEAR(acc.mean(), 0.1, 1e-12);
}

TEST(Statistics, MergeEqualsAddingEverySample) {
    const std::vector<double> a = {1, 8, 3};
    const std::vector<double> b = {-2, 6, 6, 11};
    auto merged = accumulate(a);
    merged.merge(accumulate(b));
    std::vector<double> all = a;
    all.insert(all.end(), b.begin(), b.end());
    const auto direct = accumulate(all);
    EXPECT_EQ(merged.count, 7u);
    EXPECT_EQ(merged.count, direct.count);
    EXPECT_EQ(merged.sum, direct.sum);
    EXPECT_DOUBLE_EQ(merged.sqr(), direct.sqr());
    EXPECT_EQ(merged.min, -2.0);
    EXPECT_EQ(merged.max, 11.0);
    EXPECT_DOUBLE_EQ(merged.variance(), hand_variance(all));
}

TEST(Statistics, MergeWithEmptyChangesNothing) {
    auto acc = accumulate({3, 4});
    acc.merge(tim::accumulator{});
    EXPECT_EQ(acc.count, 2u);
    EXPECT_EQ(acc.min, 3.0);
    EXPECT_EQ(acc.max, 4.0);

    tim::accumulator empty;
    empty.merge(accumulate({3, 4}));
    EXPECT_EQ(empty.count, 2u);
    EXPECT_EQ(empty.sum, 7.0);
    EXPECT_EQ(empty.min, 3.0);
    EXPECT_EQ(empty.max, 4.0);
}

TEST(Statistics, GraphNodeStatisticsMatchHandComputation) {
    tim::clear_results();
    const auto& info = sample_component();
    auto& graph = tim::this_thread_graph();
    const auto label = tim::add_label("statistics-node");
    const std::vector<double> values = {12, 15, 9, 30, 14};
    for (double v : values) {
        const auto node = graph.push(label, tim::scope_mode::tree);
        graph.record(node, info, &v);
        graph.pop(node);
    }
    const auto rows = tim::component_view(tim::collect_results(true), info);
    ASSERT_EQ(rows.size(), 1u);
    const auto& acc = rows[0].inclusive.at(0);
    EXPECT_EQ(acc.count, 5u);
    EXPECT_EQ(acc.sum, 80.0);
    EXPECT_EQ(acc.mean(), 16.0);
    EXPECT_EQ(acc.reported_min(), 9.0);
    EXPECT_EQ(acc.reported_max(), 30.0);
    EXPECT_DOUBLE_EQ(acc.variance(), hand_variance(values));
    EXPECT_DOUBLE_EQ(acc.stddev(), std::sqrt(hand_variance(values)));
    // A leaf's exclusive values are its inclusive ones.
    EXPECT_EQ(rows[0].exclusive.at(0).count, 5u);
    EXPECT_EQ(rows[0].exclusive.at(0).sum, 80.0);
    EXPECT_EQ(rows[0].self_percent(), 100.0);
    tim::clear_results();
}

TEST(Statistics, ExclusiveIsInclusiveMinusChildren) {
    const auto rows = parent_and_children({10}, {{3}, {4}}, sample_component());
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].inclusive[0].sum, 10.0);
    EXPECT_EQ(rows[0].exclusive[0].sum, 3.0);
    EXPECT_EQ(rows[0].exclusive[0].count, 1u);
    EXPECT_DOUBLE_EQ(rows[0].self_percent(), 30.0);
    EXPECT_EQ(rows[1].exclusive[0].sum, 3.0);
    EXPECT_EQ(rows[1].self_percent(), 100.0);
    EXPECT_EQ(rows[2].exclusive[0].sum, 4.0);
}

TEST(Statistics, ExclusiveIsNeverNegative) {
    // Children that outlast their parent (asynchronous work) clamp the parent's self value at 0.
    const auto rows = parent_and_children({5}, {{8}}, sample_component());
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].exclusive[0].sum, 0.0);
    EXPECT_EQ(rows[0].self_percent(), 0.0);
    for (const auto& r : rows) EXPECT_GE(r.exclusive[0].sum, 0.0);
}

TEST(Statistics, MultiValuedComponentKeepsValuesApart) {
    const auto rows = parent_and_children({5, 50}, {{1, 20}}, pair_component());
    ASSERT_EQ(rows.size(), 2u);
    ASSERT_EQ(rows[0].inclusive.size(), 2u);
    EXPECT_EQ(rows[0].inclusive[1].sum, 50.0);
    EXPECT_EQ(rows[0].exclusive[0].sum, 4.0);
    EXPECT_EQ(rows[0].exclusive[1].sum, 30.0);
    EXPECT_DOUBLE_EQ(rows[0].self_percent(0), 80.0);
    EXPECT_DOUBLE_EQ(rows[0].self_percent(1), 60.0);
    EXPECT_EQ(rows[1].self_percent(1), 100.0);
}
