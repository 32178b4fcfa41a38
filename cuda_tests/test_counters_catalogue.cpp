// CUPTI's metric tables for a named chip, without a GPU: listing, description, validation with
// reasons, replay-pass counts (figures from reference/cuda-feasibility.md §1c, CUDA 13.0), and
// what cupti_counters says on a machine without a device.
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/gpu/metrics.hpp"
#include "timemory/hardware_counters.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace metrics = tim::gpu::metrics;

namespace {

constexpr const char* chip = "GH100";

class Catalogue : public ::testing::Test {
  protected:
    void SetUp() override {
        if (const auto why = metrics::unavailable_reason(); !why.empty()) {
            GTEST_SKIP() << "CUPTI's host API is not usable here: " << why;
        }
    }
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

const metrics::metric_info* find(const std::vector<metrics::metric_info>& list,
                                 const std::string& name) {
    auto it = std::find_if(list.begin(), list.end(), [&](const auto& m) { return m.name == name; });
    return it == list.end() ? nullptr : &*it;
}

}  // namespace

TEST_F(Catalogue, SupportedChipsIncludeAmpereAndHopper) {
    const auto chips = metrics::supported_chips();
    for (const char* expected : {"GA100", "GH100"}) {
        EXPECT_NE(std::find(chips.begin(), chips.end(), expected), chips.end()) << expected;
    }
}

TEST_F(Catalogue, ListsEveryBaseMetricOfGH100WithUnitsAndSubmetrics) {
    const auto list = metrics::list(chip);
    // 3389 counters + 205 ratios + 56 throughputs with CUDA 13.0; later toolkits add some.
    EXPECT_GT(list.size(), 3000u);
    const auto* dram = find(list, "dram__bytes");
    ASSERT_NE(dram, nullptr);
    EXPECT_TRUE(dram->valid);
    EXPECT_EQ(dram->type, "counter");
    EXPECT_EQ(dram->dim_unit, "byte");
    EXPECT_EQ(dram->hw_unit, "dram");
    EXPECT_FALSE(dram->description.empty());
    EXPECT_NE(std::find(dram->submetrics.begin(), dram->submetrics.end(), ".sum"),
              dram->submetrics.end());
    const auto* duration = find(list, "gpu__time_duration");
    ASSERT_NE(duration, nullptr);
    EXPECT_EQ(duration->dim_unit, "nanosecond");
    const auto* throughput = find(list, "sm__throughput");
    ASSERT_NE(throughput, nullptr);
    EXPECT_EQ(throughput->type, "throughput");
}

TEST_F(Catalogue, FullNamesAreDescribedWithTheirDisplayUnits) {
    const auto time = metrics::describe("gpu__time_duration.sum", chip);
    EXPECT_TRUE(time.valid) << time.reason;
    EXPECT_EQ(time.base, "gpu__time_duration");
    EXPECT_EQ(time.kind, tim::unit_kind::timing);  // raw nanoseconds, shown like wall_clock
    EXPECT_EQ(metrics::describe("dram__bytes.sum", chip).kind, tim::unit_kind::memory);
    EXPECT_EQ(metrics::describe("dram__bytes.sum.per_second", chip).kind, tim::unit_kind::rate);
    EXPECT_EQ(metrics::describe("sm__throughput.avg.pct_of_peak_sustained_elapsed", chip).kind,
              tim::unit_kind::percent);
    EXPECT_EQ(metrics::describe("smsp__inst_executed.sum", chip).kind, tim::unit_kind::count);
}

TEST_F(Catalogue, UnknownNamesAreRejectedWithTheReasonAndCloseMatches) {
    const auto typo = metrics::describe("dram__byte.sum", chip);
    EXPECT_FALSE(typo.valid);
    EXPECT_TRUE(contains(typo.reason, "unknown metric 'dram__byte' on GH100")) << typo.reason;
    EXPECT_TRUE(contains(typo.reason, "dram__bytes")) << typo.reason;

    const auto suffix = metrics::describe("dram__bytes.summ", chip);
    EXPECT_FALSE(suffix.valid);
    EXPECT_TRUE(contains(suffix.reason, "'.summ' is not a submetric of dram__bytes"))
        << suffix.reason;
    EXPECT_TRUE(contains(suffix.reason, ".sum")) << suffix.reason;
}

TEST_F(Catalogue, DefaultMetricsAreAcceptedAndFitInOnePass) {
    // Whatever the default is, it must be accepted whole and need no replay.
    const auto names = tim::settings::split_list(metrics::default_metrics);
    ASSERT_GE(names.size(), 2u);
    ASSERT_EQ(names[0], "gpu__time_duration.sum");  // the kinds checked below
    ASSERT_EQ(names[1], "dram__bytes.sum");
    const auto set = metrics::check(names, chip);
    EXPECT_EQ(set.chip, chip);
    EXPECT_EQ(set.metrics, names);
    EXPECT_TRUE(set.rejected.empty());
    EXPECT_EQ(set.passes, 1u);
    ASSERT_EQ(set.passes_each.size(), names.size());
    for (auto p : set.passes_each) EXPECT_EQ(p, 1u);
    ASSERT_EQ(set.kinds.size(), names.size());
    EXPECT_EQ(set.kinds[0], tim::unit_kind::timing);
    EXPECT_EQ(set.kinds[1], tim::unit_kind::memory);
    EXPECT_TRUE(set.reason.empty());
}

TEST_F(Catalogue, ThroughputMetricsNeedReplayPasses) {
    const auto set = metrics::check(
        {"dram__bytes.sum", "sm__throughput.avg.pct_of_peak_sustained_elapsed"}, chip);
    ASSERT_EQ(set.metrics.size(), 2u);
    EXPECT_EQ(set.passes_each[0], 1u);
    EXPECT_EQ(set.passes_each[1], 8u);  // GH100, CUDA 13.0 (5 on GA100)
    EXPECT_GE(set.passes, 8u);
    const auto ampere =
        metrics::check({"sm__throughput.avg.pct_of_peak_sustained_elapsed"}, "GA100");
    ASSERT_EQ(ampere.passes_each.size(), 1u);
    EXPECT_EQ(ampere.passes_each[0], 5u);
}

TEST_F(Catalogue, BadNamesAreReportedAndTheRestKept) {
    const auto set = metrics::check(
        {"dram__bytes.sum", "bogus__metric.sum", "dram__bytes", "dram__bytes.sum"}, chip);
    EXPECT_EQ(set.metrics, std::vector<std::string>{"dram__bytes.sum"});
    ASSERT_EQ(set.rejected.size(), 2u);
    EXPECT_EQ(set.rejected[0].first, "bogus__metric.sum");
    EXPECT_TRUE(contains(set.rejected[0].second, "unknown metric")) << set.rejected[0].second;
    EXPECT_EQ(set.rejected[1].first, "dram__bytes");
    EXPECT_TRUE(contains(set.rejected[1].second, "base metric")) << set.rejected[1].second;
    EXPECT_TRUE(contains(set.rejected[1].second, "dram__bytes.")) << set.rejected[1].second;

    const auto none = metrics::check({"bogus__metric.sum"}, chip);
    EXPECT_TRUE(none.metrics.empty());
    EXPECT_TRUE(contains(none.reason, "bogus__metric.sum")) << none.reason;
}

TEST_F(Catalogue, AnUnknownChipIsAnErrorNamingTheValidOnes) {
    try {
        metrics::list("GH1000");
        FAIL() << "no error for an unknown chip";
    } catch (const std::invalid_argument& e) {
        EXPECT_TRUE(contains(e.what(), "unknown chip 'GH1000'")) << e.what();
        EXPECT_TRUE(contains(e.what(), "GH100")) << e.what();
        EXPECT_TRUE(contains(e.what(), "GA100")) << e.what();
    }
}

TEST_F(Catalogue, OneHardwareCounterListHoldsPapiEventsAndCuptiMetrics) {
    namespace hw = tim::hardware_counters;
    const auto cupti = hw::available(hw::api::cupti, false, chip);
    EXPECT_GT(cupti.size(), 3000u);
    const auto both = hw::available(hw::api::unknown, false, chip);
    EXPECT_EQ(both.size(), cupti.size() + hw::available(hw::api::papi).size());
    const auto dram = hw::info("dram__bytes.sum", hw::api::unknown, chip);  // '__': CUPTI
    EXPECT_EQ(dram.source, hw::api::cupti);
    EXPECT_EQ(dram.chip, chip);
    EXPECT_EQ(dram.event.units, "byte");
    EXPECT_EQ(dram.event.component, "cupti");
    EXPECT_EQ(dram.event.available, dram.event.reason.empty());
    EXPECT_EQ(hw::info("perf::TASK-CLOCK", hw::api::unknown).source, hw::api::papi);
    const auto bad = hw::info("dram__bytes.bogus", hw::api::cupti, chip);
    EXPECT_FALSE(bad.event.available);
    EXPECT_TRUE(contains(bad.event.reason, "not a submetric")) << bad.event.reason;
}

TEST(CatalogueWithoutDevice, TheDeviceChipAndCuptiCountersSayThereIsNoDevice) {
    const auto config = metrics::current_configuration();
    if (config.reason.empty() || !contains(config.reason, "no CUDA device")) {
        GTEST_SKIP() << "a CUDA device is present (or CUPTI is missing): " << config.reason;
    }
    EXPECT_TRUE(config.metrics.empty());
    EXPECT_THROW(metrics::list(""), std::runtime_error);
    const auto& counters = tim::registry::get("cupti_counters");
    EXPECT_TRUE(contains(tim::registry::unavailable_reason(counters), "no CUDA device"));
    EXPECT_EQ(counters.size(), 0u);  // no columns until the metric list is fixed
}
