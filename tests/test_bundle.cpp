// Bundles: compile-time scoped/bundle, the TIMEMORY_SCOPED macro and run-time bundles chosen by
// id, with deterministic test components so every recorded value is exact; plus the run-time
// switch and a scope that outlives clear_results().
#include "timemory/core/bundle.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

// What the test components read: the test moves them between start and stop.
thread_local double this_thread_a = 0.0;
thread_local double this_thread_b = 0.0;

std::uint16_t add_component(const char* id, unsigned raw, unsigned values, tim::sample_fn sample,
                            tim::measure_fn measure = nullptr) {
    return tim::test::add_component(id, "deterministic component of test_bundle.cpp",
                                    [&](tim::component_info& c) {
                                        c.raw_count = raw;
                                        c.value_count = values;
                                        c.sample = sample;
                                        c.measure = measure;
                                    })
        .index;
}

struct counter_a {
    static void sample(double* raw) noexcept { raw[0] = this_thread_a; }
    static inline const std::uint16_t index = add_component("test_bundle_a", 1, 1, &sample);
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
};

/// Two raw samples, two values with a custom measure: {delta of b, b at stop}.
struct counter_b {
    static void sample(double* raw) noexcept {
        raw[0] = this_thread_b;
        raw[1] = this_thread_b;
    }
    static void measure(const double* start, const double* stop, double* out) noexcept {
        out[0] = stop[0] - start[0];
        out[1] = stop[1];
    }
    static inline const std::uint16_t index =
        add_component("test_bundle_b", 2, 2, &sample, &measure);
    static constexpr unsigned raw_count = 2;
    static constexpr unsigned value_count = 2;
};

const tim::component_info& info_a() {
    return *tim::registry::at(counter_a::index);
}
const tim::component_info& info_b() {
    return *tim::registry::at(counter_b::index);
}

class Bundle : public tim::test::results_test {
  protected:
    void SetUp() override {
        results_test::SetUp();
        this_thread_a = this_thread_b = 0.0;
    }
    static std::vector<tim::component_record> rows(const tim::component_info& info) {
        return tim::test::rows_of(info);
    }
};

void macro_region(double a) {
    TIMEMORY_SCOPED("macro-region", counter_a);
    this_thread_a += a;
}

void two_macros_in_one_scope() {
    TIMEMORY_SCOPED("macro-outer", counter_a);
    TIMEMORY_SCOPED("macro-inner", counter_a, counter_b);
    this_thread_a += 1;
    this_thread_b += 2;
}

}  // namespace

TEST_F(Bundle, ScopedRecordsExactValues) {
    static const tim::label_id label{"scoped-pair"};
    for (int i = 1; i <= 10; ++i) {
        tim::scoped<counter_a, counter_b> s{label};
        this_thread_a += i;
        this_thread_b += 2 * i;
    }
    const auto a = rows(info_a());
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].label, "scoped-pair");
    EXPECT_EQ(a[0].inclusive[0].count, 10u);
    EXPECT_EQ(a[0].inclusive[0].sum, 55.0);
    EXPECT_EQ(a[0].inclusive[0].min, 1.0);
    EXPECT_EQ(a[0].inclusive[0].max, 10.0);
    const auto b = rows(info_b());
    ASSERT_EQ(b.size(), 1u);
    ASSERT_EQ(b[0].inclusive.size(), 2u);
    EXPECT_EQ(b[0].inclusive[0].sum, 110.0);  // custom measure: the delta ...
    EXPECT_EQ(b[0].inclusive[1].max, 110.0);  // ... and the value at stop
    EXPECT_EQ(b[0].inclusive[1].min, 2.0);
}

TEST_F(Bundle, ExplicitStartAndStop) {
    static const tim::label_id outer{"bundle-outer"};
    static const tim::label_id inner{"bundle-inner"};
    tim::bundle<counter_a> o{outer};
    tim::bundle<counter_a> i{inner};
    EXPECT_FALSE(o.running());
    o.start();
    o.start();  // already running: ignored
    this_thread_a += 1;
    i.start();
    this_thread_a += 2;
    i.stop();
    this_thread_a += 4;
    o.stop();
    o.stop();  // not running: ignored
    EXPECT_FALSE(o.running());
    const auto r = rows(info_a());
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].prefix, ">>> bundle-outer");
    EXPECT_EQ(r[1].prefix, ">>> |_bundle-inner");
    EXPECT_EQ(r[0].inclusive[0].count, 1u);
    EXPECT_EQ(r[0].inclusive[0].sum, 7.0);
    EXPECT_EQ(r[0].exclusive[0].sum, 5.0);
    EXPECT_EQ(r[1].inclusive[0].sum, 2.0);
}

TEST_F(Bundle, PerBundleScopeModeOverridesTheDefault) {
    static const tim::label_id parent{"mode-parent"};
    static const tim::label_id flat{"mode-flat"};
    {
        tim::scoped<counter_a> p{parent};
        tim::scoped<counter_a> f{flat, tim::scope_mode::flat};
        this_thread_a += 1;
    }
    const auto r = rows(info_a());
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].prefix, ">>> mode-parent");
    EXPECT_EQ(r[1].prefix, ">>> mode-flat");
}

TEST_F(Bundle, ScopedMacroRecordsUnderItsLabel) {
    for (int i = 0; i < 4; ++i) macro_region(2.5);
    two_macros_in_one_scope();
    const auto a = rows(info_a());
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0].prefix, ">>> macro-region");
    EXPECT_EQ(a[0].inclusive[0].count, 4u);
    EXPECT_EQ(a[0].inclusive[0].sum, 10.0);
    EXPECT_EQ(a[1].prefix, ">>> macro-outer");
    EXPECT_EQ(a[2].prefix, ">>> |_macro-inner");
    EXPECT_EQ(a[2].inclusive[0].sum, 1.0);
    const auto b = rows(info_b());
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].label, "macro-inner");
    EXPECT_EQ(b[0].inclusive[0].sum, 2.0);
}

TEST_F(Bundle, RuntimeBundleRecordsEveryComponent) {
    const auto components = tim::registry::parse_list("test_bundle_a, TEST-BUNDLE-B");
    ASSERT_EQ(components.size(), 2u);
    tim::runtime_bundle b{"runtime-pair", components};
    EXPECT_EQ(b.components().size(), 2u);
    for (int i = 0; i < 3; ++i) {
        b.start();
        EXPECT_TRUE(b.running());
        this_thread_a += 3;
        this_thread_b += 7;
        b.stop();
        EXPECT_FALSE(b.running());
    }
    EXPECT_EQ(b.last_values(), (std::vector<double>{3.0, 7.0, 21.0}));
    const auto a = rows(info_a());
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].label, "runtime-pair");
    EXPECT_EQ(a[0].inclusive[0].count, 3u);
    EXPECT_EQ(a[0].inclusive[0].sum, 9.0);
    const auto rb = rows(info_b());
    ASSERT_EQ(rb.size(), 1u);
    EXPECT_EQ(rb[0].inclusive[0].sum, 21.0);
    EXPECT_EQ(rb[0].inclusive[1].max, 21.0);
}

TEST_F(Bundle, RuntimeBundleStopsWhenDestroyedOrMoved) {
    {
        tim::runtime_bundle first{"runtime-moved", {&info_a()}};
        first.start();
        this_thread_a += 2;
        tim::runtime_bundle second{std::move(first)};
        EXPECT_TRUE(second.running());
        this_thread_a += 3;
    }  // only `second` stops and records
    const auto a = rows(info_a());
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].inclusive[0].count, 1u);
    EXPECT_EQ(a[0].inclusive[0].sum, 5.0);
}

TEST_F(Bundle, DisabledAtRunTimeRecordsNothing) {
    tim::settings::instance().enabled = false;
    tim::settings::instance().changed();
    static const tim::label_id label{"disabled-bundle"};
    const auto nodes_before = tim::this_thread_graph().nodes().size();
    {
        tim::scoped<counter_a, counter_b> s{label};
        tim::bundle<counter_a> b{label};
        b.start();
        EXPECT_FALSE(b.running());
        tim::runtime_bundle r{"disabled-runtime", {&info_a()}};
        r.start();
        EXPECT_FALSE(r.running());
        macro_region(1);
        this_thread_a += 1;
    }
    EXPECT_EQ(tim::this_thread_graph().nodes().size(), nodes_before);
    EXPECT_TRUE(rows(info_a()).empty());
    EXPECT_TRUE(rows(info_b()).empty());
}

TEST_F(Bundle, ScopeOpenAcrossClearResultsStillRecords) {
    // finalize() clears the results; a scope in main() that is still open closes afterwards.
    static const tim::label_id outer{"open-across-clear"};
    {
        tim::scoped<counter_a> s{outer};
        tim::clear_results();
        this_thread_a += 5;
        testing::internal::CaptureStderr();
    }
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
    EXPECT_EQ(tim::this_thread_graph().stack_depth(), 0u);
    const auto a = rows(info_a());
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].label, "open-across-clear");
    EXPECT_EQ(a[0].inclusive[0].sum, 5.0);
}

TEST_F(Bundle, ComponentsLargerThanTheSampleBuffersAreRejected) {
    // Regions and runtime bundles sample into fixed buffers; a bigger component must not register.
    EXPECT_THROW(
        add_component("test_bundle_too_wide", tim::max_component_raw + 1, 1, &counter_a::sample),
        std::invalid_argument);
    EXPECT_THROW(
        add_component("test_bundle_too_many", 1, tim::max_component_values + 1, &counter_a::sample),
        std::invalid_argument);
    EXPECT_EQ(tim::registry::find("test_bundle_too_wide"), nullptr);
    EXPECT_EQ(tim::registry::find("test_bundle_too_many"), nullptr);
}
