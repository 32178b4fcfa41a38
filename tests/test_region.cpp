// Regions by name (the C API's and Python's path): the default component sets (regions' and
// traces', independent) and their errors, push/pop counts, bad pops, trace throttling, the
// run-time switch; and the manager's directory naming and finalize.
#include "timemory/core/manager.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"

#include "test_support.hpp"

#include "child_support.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

// The value a region measures is what this thread's counter moved by between push and pop.
thread_local double this_thread_counter = 0.0;

const tim::component_info& counter_component() {
    static const auto& info = tim::test::add_component(
        "test_region_counter", "deterministic counter of test_region.cpp",
        [](tim::component_info& c) {
            c.sample = [](double* raw) noexcept { raw[0] = this_thread_counter; };
        });
    return info;
}

// Ten times the counter: tells which default set measured a row.
const tim::component_info& scaled_component() {
    static const auto& info = tim::test::add_component(
        "test_region_scaled", "ten times the deterministic counter of test_region.cpp",
        [](tim::component_info& c) {
            c.sample = [](double* raw) noexcept { raw[0] = 10.0 * this_thread_counter; };
        });
    return info;
}

using tim::test::count_warnings;

class Region : public tim::test::results_test {
  protected:
    void SetUp() override {
        tim::region::set_default(counter_component().id);
        tim::region::set_trace_default(counter_component().id);
        results_test::SetUp();
    }
    /// One region measuring exactly `value`.
    static void region(const char* name, double value) {
        tim::region::push(name);
        this_thread_counter += value;
        tim::region::pop(name);
    }
    static std::vector<tim::component_record> rows(
        const tim::component_info& component = counter_component()) {
        return tim::test::rows_of(component);
    }
    // Made with the fixture, before SetUp() changes the defaults; puts them back after the test.
    tim::test::region_defaults_guard m_defaults;
};

}  // namespace

TEST_F(Region, SetDefaultWithBadNameThrowsAndKeepsTheOldSet) {
    try {
        tim::region::set_default("test_region_countr");
        FAIL() << "no exception";
    } catch (const tim::unknown_component& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.name(), "test_region_countr");
        EXPECT_NE(what.find("'test_region_countr'"), std::string::npos) << what;
        EXPECT_NE(what.find("did you mean 'test_region_counter'"), std::string::npos) << what;
        EXPECT_NE(what.find("Valid components:"), std::string::npos) << what;
        EXPECT_NE(e.suggestions().end(),
                  std::find(e.suggestions().begin(), e.suggestions().end(), "test_region_counter"));
    }
    if (tim::registry::find("wall_clock") != nullptr) {
        try {
            tim::region::set_default("test_region_counter,wal_clock");
            FAIL() << "no exception";
        } catch (const tim::unknown_component& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("'wall_clock'"), std::string::npos) << what;
            EXPECT_NE(what.rfind(" wall_clock"), std::string::npos) << what;  // in the valid list
        }
    }
    const auto set = tim::region::default_components();
    ASSERT_EQ(set.size(), 1u);
    EXPECT_EQ(set[0], &counter_component());
    region("after-bad-default", 4);
    ASSERT_EQ(rows().size(), 1u);
    EXPECT_EQ(rows()[0].inclusive[0].sum, 4.0);
}

TEST_F(Region, TracesAndRegionsKeepTheirOwnDefaultComponents) {
    using set = std::vector<const tim::component_info*>;
    tim::region::set_trace_default(scaled_component().id);
    EXPECT_EQ(tim::region::default_components(), set{&counter_component()});
    EXPECT_EQ(tim::region::trace_default_components(), set{&scaled_component()});
    EXPECT_THROW(tim::region::set_trace_default("test_region_scaledd"), tim::unknown_component);
    EXPECT_EQ(tim::region::trace_default_components(), set{&scaled_component()});

    region("region-row", 2);
    tim::region::push_trace("trace-row");
    this_thread_counter += 3;
    EXPECT_TRUE(tim::region::pop_trace("trace-row"));

    // Changing the regions' set leaves the traces' alone, and the reverse.
    tim::region::set_default("test_region_scaled,test_region_counter");
    EXPECT_EQ(tim::region::trace_default_components(), set{&scaled_component()});
    tim::region::set_trace_default(counter_component().id);
    EXPECT_EQ(tim::region::default_components(), (set{&scaled_component(), &counter_component()}));

    const auto counted = rows();
    ASSERT_EQ(counted.size(), 1u);
    EXPECT_EQ(counted[0].label, "region-row");
    EXPECT_EQ(counted[0].inclusive[0].sum, 2.0);
    const auto scaled = rows(scaled_component());
    ASSERT_EQ(scaled.size(), 1u);
    EXPECT_EQ(scaled[0].label, "trace-row");
    EXPECT_EQ(scaled[0].inclusive[0].sum, 30.0);
}

TEST_F(Region, PushAndPopByNameCountExactly) {
    for (int i = 1; i <= 50; ++i) {
        tim::region::push("solve");
        region("step", 1);
        this_thread_counter += 2;
        EXPECT_TRUE(tim::region::pop("solve"));
    }
    EXPECT_EQ(tim::region::open_count(), 0u);
    const auto r = rows();
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].prefix, ">>> solve");
    EXPECT_EQ(r[1].prefix, ">>> |_step");
    EXPECT_EQ(r[0].inclusive[0].count, 50u);
    EXPECT_EQ(r[0].inclusive[0].sum, 150.0);
    EXPECT_EQ(r[0].exclusive[0].sum, 100.0);
    EXPECT_EQ(r[1].inclusive[0].count, 50u);
    EXPECT_EQ(r[1].inclusive[0].sum, 50.0);
}

TEST_F(Region, CloseAllKeepsTheTimeOfRegionsLeftOpen) {
    tim::region::push("left-open-outer");
    tim::region::push("left-open-inner");
    this_thread_counter += 7;
    EXPECT_EQ(tim::region::close_all(), 2u);
    EXPECT_EQ(tim::region::open_count(), 0u);
    const auto r = rows();
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].prefix, ">>> left-open-outer");
    EXPECT_EQ(r[0].inclusive[0].sum, 7.0);
    EXPECT_EQ(r[1].prefix, ">>> |_left-open-inner");
    EXPECT_EQ(r[1].inclusive[0].sum, 7.0);
}

TEST_F(Region, PopWithWrongNameWarnsOnceAndKeepsTheRegion) {
    tim::region::push("right");
    this_thread_counter += 5;
    testing::internal::CaptureStderr();
    EXPECT_FALSE(tim::region::pop("wrong"));
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(count_warnings(err), 1u) << err;
    EXPECT_NE(err.find("'wrong'"), std::string::npos) << err;
    EXPECT_EQ(tim::region::open_count(), 1u);
    EXPECT_TRUE(tim::region::pop("right"));
    const auto r = rows();
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].label, "right");
    EXPECT_EQ(r[0].inclusive[0].count, 1u);
    EXPECT_EQ(r[0].inclusive[0].sum, 5.0);
}

TEST_F(Region, PopWithoutPushWarnsOnce) {
    region("kept", 3);
    testing::internal::CaptureStderr();
    EXPECT_FALSE(tim::region::pop("never-pushed"));
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(count_warnings(err), 1u) << err;
    EXPECT_NE(err.find("'never-pushed'"), std::string::npos) << err;
    ASSERT_EQ(rows().size(), 1u);
    EXPECT_EQ(rows()[0].inclusive[0].sum, 3.0);
}

TEST_F(Region, OutOfOrderPopsByNameKeepBothRegions) {
    tim::region::push("first");
    this_thread_counter += 1;
    tim::region::push("second");
    this_thread_counter += 2;
    testing::internal::CaptureStderr();
    EXPECT_TRUE(tim::region::pop("first"));
    EXPECT_EQ(count_warnings(testing::internal::GetCapturedStderr()), 1u);
    this_thread_counter += 4;
    EXPECT_TRUE(tim::region::pop("second"));
    EXPECT_EQ(tim::region::open_count(), 0u);
    region("third", 1);  // at the top again
    const auto r = rows();
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0].prefix, ">>> first");
    EXPECT_EQ(r[0].inclusive[0].sum, 3.0);
    EXPECT_EQ(r[1].prefix, ">>> |_second");
    EXPECT_EQ(r[1].inclusive[0].sum, 6.0);
    EXPECT_EQ(r[2].prefix, ">>> third");
}

TEST_F(Region, TracesThrottleAfterThrottleCountFastCalls) {
    auto& s = tim::settings::instance();
    s.throttle_count = 5;
    s.throttle_value = 1000000000000;  // every call is "fast" (mean below 1000 s)
    s.changed();
    // Throttling lasts for the thread's life: a fresh name per run keeps --gtest_repeat honest.
    static int run = 0;
    const std::string name = "hot-trace-" + std::to_string(run++);
    for (int i = 0; i < 12; ++i) {
        EXPECT_EQ(tim::region::is_throttled(name), i >= 5) << i;
        tim::region::push_trace(name);
        this_thread_counter += 1;
        EXPECT_TRUE(tim::region::pop_trace(name));
    }
    EXPECT_EQ(tim::region::open_count(), 0u);
    // Plain regions are never throttled.
    for (int i = 0; i < 12; ++i) region("plain-region", 1);
    EXPECT_FALSE(tim::region::is_throttled("plain-region"));
    const auto r = rows();
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].label, name);
    EXPECT_EQ(r[0].inclusive[0].count, 5u);
    EXPECT_EQ(r[1].inclusive[0].count, 12u);
}

TEST_F(Region, SlowTracesAreNotThrottled) {
    auto& s = tim::settings::instance();
    s.throttle_count = 3;
    s.throttle_value = 0;  // no mean is below zero nanoseconds
    s.changed();
    for (int i = 0; i < 10; ++i) {
        tim::region::push_trace("slow-trace");
        tim::region::pop_trace("slow-trace");
    }
    EXPECT_FALSE(tim::region::is_throttled("slow-trace"));
    ASSERT_EQ(rows().size(), 1u);
    EXPECT_EQ(rows()[0].inclusive[0].count, 10u);
}

TEST_F(Region, DisabledAtRunTimeRecordsNothing) {
    tim::settings::instance().enabled = false;
    tim::settings::instance().changed();
    EXPECT_FALSE(tim::is_enabled());
    testing::internal::CaptureStderr();
    for (int i = 0; i < 10; ++i) region("disabled", 1);
    tim::region::push_trace("disabled-trace");
    tim::region::pop_trace("disabled-trace");
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
    EXPECT_EQ(tim::region::open_count(), 0u);
    EXPECT_TRUE(rows().empty());

    tim::settings::instance().enabled = true;
    tim::settings::instance().changed();
    region("enabled", 1);
    ASSERT_EQ(rows().size(), 1u);
    EXPECT_EQ(rows()[0].label, "enabled");
}

TEST(Manager, OutputDirectoryNameFollowsTheProgram) {
    EXPECT_EQ(tim::output_directory_name("/a/b/my_script.py"), "timemory-my-script-output");
    EXPECT_EQ(tim::output_directory_name("./app"), "timemory-app-output");
    EXPECT_EQ(tim::output_directory_name("solver"), "timemory-solver-output");
    EXPECT_EQ(tim::output_directory_name("C:\\bin\\tool.exe"), "timemory-tool-output");
    EXPECT_EQ(tim::output_directory_name("/x/a__b_"), "timemory-a-b-output");
    EXPECT_EQ(tim::output_directory_name("/x/run.sh"), "timemory-run.sh-output");
    EXPECT_EQ(tim::output_directory_name("/x/my_app", "pre-", "-post"), "pre-my-app-post");
}

TEST(Manager, FinalizeTwiceIsHarmless) {
    auto& s = tim::settings::instance();
    const tim::settings saved = s;
    tim::init(std::vector<std::string>{"/x/test_region"});  // finalize works again after init
    EXPECT_FALSE(tim::is_finalized());
    const auto dir = std::filesystem::temp_directory_path() /
                     ("timemory-test-region-" + std::to_string(::getpid()));
    s.output_path = dir.string();
    s.auto_output = true;
    s.file_output = true;
    s.cout_output = false;
    s.changed();
    tim::clear_results();
    tim::region::set_default(counter_component().id);
    tim::region::push("finalized-region");
    tim::region::pop("finalized-region");

    testing::internal::CaptureStdout();
    tim::finalize();
    const auto first = tim::written_files();
    EXPECT_TRUE(tim::is_finalized());
    tim::finalize();
    tim::finalize();
    testing::internal::GetCapturedStdout();
    EXPECT_FALSE(first.empty());
    EXPECT_EQ(tim::written_files(), first);
    for (const auto& path : first) EXPECT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_TRUE(tim::collect_results().nodes.size() == 1u);  // finalize cleared the data

    std::filesystem::remove_all(dir);
    s = saved;
    s.changed();
}

// Returning from main (exit) inside a region: the thread's region stack is torn down before the
// at-exit finalize, so the region must be closed then, not lost.
TEST(Manager, RegionStillOpenWhenMainReturnsIsWritten) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("timemory-open-at-exit-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        child_test::start_program("/x/open_at_exit", dir);
        tim::clear_results();
        tim::region::set_default("wall_clock");
        tim::region::push("left-open-at-exit");
        std::exit(0);  // what returning from main does
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
    std::ifstream in{dir / "wall.txt"};
    ASSERT_TRUE(in.good()) << "no wall.txt in " << dir;
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find(">>> left-open-at-exit"), std::string::npos) << text.str();
    std::filesystem::remove_all(dir);
}

// C++ keeps its throwing contract for a list that names nothing; the C API's path keeps the
// known names of a list with a typo and leaves the set alone for a list with none.
TEST_F(Region, EmptyListThrowsAndKeepKnownKeepsTheValidNames) {
    using set = std::vector<const tim::component_info*>;
    (void)scaled_component();  // registered before it is named
    for (const char* empty : {"", ",,,", " ; "}) {
        EXPECT_THROW(tim::region::set_default(empty), std::invalid_argument) << empty;
        EXPECT_THROW(tim::region::set_trace_default(empty), std::invalid_argument) << empty;
    }
    EXPECT_EQ(tim::region::default_components(), set{&counter_component()});

    testing::internal::CaptureStderr();
    EXPECT_FALSE(tim::region::set_default_keep_known(",,,", "caller"));
    EXPECT_EQ(count_warnings(testing::internal::GetCapturedStderr()), 1u);
    EXPECT_EQ(tim::region::default_components(), set{&counter_component()});

    testing::internal::CaptureStderr();
    EXPECT_FALSE(
        tim::region::set_default_keep_known("test_region_scaldd,test_region_scaled", "caller"));
    const std::string text = testing::internal::GetCapturedStderr();
    EXPECT_EQ(count_warnings(text), 1u) << text;
    EXPECT_NE(text.find("caller(\"test_region_scaldd,test_region_scaled\"): unknown component "
                        "'test_region_scaldd' (did you mean 'test_region_scaled'"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("; measuring test_region_scaled"), std::string::npos) << text;
    EXPECT_EQ(tim::region::default_components(), set{&scaled_component()});
    region("after-typo", 2);
    ASSERT_EQ(rows(scaled_component()).size(), 1u);
    EXPECT_EQ(rows(scaled_component())[0].inclusive[0].sum, 20.0);
    EXPECT_TRUE(rows().empty());

    testing::internal::CaptureStderr();
    EXPECT_TRUE(tim::region::set_default_keep_known("test_region_counter", "caller"));
    EXPECT_EQ(count_warnings(testing::internal::GetCapturedStderr()), 0u);
    EXPECT_EQ(tim::region::default_components(), set{&counter_component()});
}
