// Without a device: asking for the CUPTI components warns once, everything else measures, and
// no CUPTI activity or callback function is ever called (the session never starts tracing).
#include "cupti/activity_session.hpp"
#include "plugin/plugin_parts.hpp"

#include "timemory/core/bundle.hpp"
#include "timemory/core/pending.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/gpu/device.hpp"

#include <gtest/gtest.h>

namespace act = tim::gpu::activity;

namespace {
std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}
}  // namespace

TEST(NoDevice, AskingForCuptiComponentsWarnsOnceAndTheOthersStillMeasure) {
    if (tim::gpu::has_device()) GTEST_SKIP() << "a CUDA device is present";
    tim::clear_results();
    testing::internal::CaptureStderr();
    for (int i = 0; i < 2; ++i) {
        auto components =
            tim::registry::parse_list("wall_clock, cupti_activity, cuda_memcpy_bytes");
        ASSERT_EQ(components.size(), 1u);
        EXPECT_EQ(components[0]->id, "wall_clock");
        tim::runtime_bundle bundle{"no-device", std::move(components)};
        bundle.start();
        bundle.stop();
    }
    const auto err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(count(err, "component 'cupti_activity' is not available here (no CUDA device"), 1u)
        << err;
    EXPECT_EQ(count(err, "component 'cupti_memory_bytes' is not available here"), 1u) << err;

    const auto rows =
        tim::component_view(tim::collect_results(true), tim::registry::get("wall_clock"));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].label, "no-device");
    EXPECT_EQ(rows[0].inclusive[0].count, 2u);

    // Nothing sampled the CUPTI components, so no CUPTI function was called; flushing (what
    // every result does) calls none either.
    tim::flush_pending();
    EXPECT_EQ(act::session(), act::session_state::off);
    EXPECT_FALSE(tim::gpu::parts::correlation_observing());
    tim::clear_results();
}

TEST(NoDevice, SamplingTheComponentsDirectlyStillCallsNoCupti) {
    if (tim::gpu::has_device()) GTEST_SKIP() << "a CUDA device is present";
    // A bundle built without the registry's check (C++ code holding the description).
    const auto& activity = tim::registry::get("cupti_activity");
    const auto& api = tim::registry::get("cuda_api");
    EXPECT_EQ(activity.raw_count, 0u);
    EXPECT_EQ(activity.value_count, 1u);
    EXPECT_TRUE(activity.subtree_totals);
    EXPECT_TRUE(api.subtree_totals);
    EXPECT_EQ(tim::registry::unavailable_reason(activity).rfind("no CUDA device", 0), 0u);

    testing::internal::CaptureStderr();
    {
        tim::runtime_bundle bundle{"direct", {&tim::registry::get("wall_clock"), &activity, &api}};
        bundle.start();
        bundle.stop();
        bundle.start();
        bundle.stop();
    }
    const auto err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(count(err, "cupti_activity: no CUDA device"), 1u) << err;
    EXPECT_EQ(count(err, "cupti_callback: no CUDA device"), 1u) << err;
    // Asked for, refused before any CUPTI call; flushes stay away from CUPTI.
    EXPECT_EQ(act::session(), act::session_state::unavailable);
    tim::flush_pending();
    EXPECT_EQ(act::session(), act::session_state::unavailable);
    EXPECT_EQ(act::session_processor().counters().records, 0u);

    const auto tree = tim::collect_results(true);
    const auto wall = tim::component_view(tree, tim::registry::get("wall_clock"));
    ASSERT_EQ(wall.size(), 1u);
    EXPECT_EQ(wall[0].inclusive[0].count, 2u);
    EXPECT_TRUE(tim::component_view(tree, activity).empty());
    EXPECT_TRUE(tim::component_view(tree, api).empty());
    tim::clear_results();
}
