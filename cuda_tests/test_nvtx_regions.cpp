// NVTX mirroring of C++ regions, checked through the NVTX test tool (nvtx_injection/): ctest runs
// this with NVTX_INJECTION64_PATH and TIMEMORY_NVTX_TEST_LOG set, and each test reads back the
// ranges its regions produced on each thread, with their names, nesting and domain.
#include "nvtx_log.hpp"

#include "timemory/core/observer.hpp"
#include "timemory/core/plugins.hpp"
#include "timemory/timemory.hpp"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using tim::component::wall_clock;
using paths = std::vector<std::string>;

long this_tid() {
    return static_cast<long>(::syscall(SYS_gettid));
}

class NvtxMirror : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!nvtx_test::tool_configured())
            GTEST_SKIP() << "needs the NVTX test tool: run through ctest (NVTX_INJECTION64_PATH, "
                            "TIMEMORY_NVTX_TEST_LOG)";
        tim::this_thread_graph();  // loads the plugin
        ASSERT_EQ(tim::plugins::status("gpu"), "");
        m_from = nvtx_test::read_log().size();
    }

    /// Ranges of the "timemory" domain since the test started, per thread.
    std::map<long, paths> ranges() const {
        return nvtx_test::nesting(nvtx_test::read_log(), m_from);
    }
    paths mine() const { return ranges()[this_tid()]; }

    std::size_t m_from = 0;
};

std::size_t count_events(const std::string& kind, const std::string& text) {
    std::size_t n = 0;
    for (const auto& e : nvtx_test::read_log()) n += (e.kind == kind && e.text == text);
    return n;
}

TEST_F(NvtxMirror, DomainIsTimemoryAndObserverInstalled) {
    const auto events = nvtx_test::read_log();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().kind, "domain");
    EXPECT_EQ(events.front().text, "timemory");
    EXPECT_EQ(count_events("domain", "timemory"), 1u);
    EXPECT_NE(tim::detail::region_observer_now(), nullptr);
}

TEST_F(NvtxMirror, ScopedBundlesNest) {
    {
        TIMEMORY_SCOPED("scoped_outer", wall_clock);
        for (int i = 0; i < 2; ++i) {
            TIMEMORY_SCOPED("scoped_inner", wall_clock);
        }
    }
    EXPECT_EQ(mine(),
              (paths{"+scoped_outer", "+scoped_outer/scoped_inner", "-scoped_outer/scoped_inner",
                     "+scoped_outer/scoped_inner", "-scoped_outer/scoped_inner", "-scoped_outer"}));
}

TEST_F(NvtxMirror, RuntimeBundleWithNvtxMarker) {
    const auto components = tim::registry::parse_list("wall_clock,nvtx_marker");
    ASSERT_EQ(components.size(), 2u);
    tim::runtime_bundle outer{"runtime_outer", components};
    outer.start();
    {
        tim::runtime_bundle inner{"runtime_inner", components};
        inner.start();
        inner.stop();
    }
    outer.stop();
    EXPECT_EQ(outer.last_values().size(), 1u);  // wall_clock's; nvtx_marker has no values
    EXPECT_EQ(mine(), (paths{"+runtime_outer", "+runtime_outer/runtime_inner",
                             "-runtime_outer/runtime_inner", "-runtime_outer"}));
}

TEST_F(NvtxMirror, RegionsCloseOutOfOrder) {
    tim::region::push("r_outer");
    tim::region::push("r_a");
    tim::region::push("r_b");
    tim::region::pop("r_a");  // closes while r_b is open: NVTX pops r_b, r_a, pushes r_b again
    tim::region::push("r_c");
    tim::region::pop("r_c");
    tim::region::pop("r_b");
    tim::region::pop("r_outer");
    EXPECT_EQ(mine(), (paths{"+r_outer", "+r_outer/r_a", "+r_outer/r_a/r_b", "-r_outer/r_a/r_b",
                             "-r_outer/r_a", "+r_outer/r_b", "+r_outer/r_b/r_c", "-r_outer/r_b/r_c",
                             "-r_outer/r_b", "-r_outer"}));
}

TEST_F(NvtxMirror, StringsRegisteredOnceColoursStable) {
    for (int i = 0; i < 3; ++i) {
        tim::region::push("colour_a");
        tim::region::pop("colour_a");
    }
    tim::region::push("colour_b");
    tim::region::pop("colour_b");
    EXPECT_EQ(count_events("register", "colour_a"), 1u);
    EXPECT_EQ(count_events("register", "colour_b"), 1u);
    std::map<std::string, std::set<std::string>> colours;
    for (const auto& e : nvtx_test::read_log()) {
        if (e.kind == "push") colours[e.text].insert(e.color);
    }
    ASSERT_EQ(colours["colour_a"].size(), 1u);
    ASSERT_EQ(colours["colour_b"].size(), 1u);
    const std::string a = *colours["colour_a"].begin();
    const std::string b = *colours["colour_b"].begin();
    EXPECT_EQ(a.substr(0, 2), "ff");  // opaque ARGB
    EXPECT_EQ(b.substr(0, 2), "ff");
    EXPECT_NE(a, b);
}

// Enough labels to make the thread's label cache grow several times; the second round is
// served from the cache and must still name every range right.
TEST_F(NvtxMirror, ManyLabelsKeepTheirNames) {
    constexpr int n = 300;
    paths expected;
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < n; ++i) {
            const std::string label = "many_" + std::to_string(i);
            TIMEMORY_SCOPED("many_outer", wall_clock);
            tim::runtime_bundle region{label, {}};
            region.start();
            region.stop();
            expected.insert(expected.end(), {"+many_outer", "+many_outer/" + label,
                                             "-many_outer/" + label, "-many_outer"});
        }
    }
    EXPECT_EQ(mine(), expected);
    EXPECT_EQ(count_events("register", "many_0"), 1u);
    EXPECT_EQ(count_events("register", "many_" + std::to_string(n - 1)), 1u);
}

TEST_F(NvtxMirror, TwoThreadsKeepTheirOwnStacks) {
    std::latch both_open{2};
    long tids[2] = {0, 0};
    auto work = [&](int i, const char* name) {
        tids[i] = this_tid();
        tim::region::push(name);
        {
            TIMEMORY_SCOPED("thread_inner", wall_clock);
            both_open.arrive_and_wait();  // both threads have two ranges open at once
        }
        tim::region::pop(name);
    };
    std::thread t0{work, 0, "thread_a"};
    std::thread t1{work, 1, "thread_b"};
    t0.join();
    t1.join();
    auto per_thread = ranges();
    EXPECT_EQ(per_thread[tids[0]], (paths{"+thread_a", "+thread_a/thread_inner",
                                          "-thread_a/thread_inner", "-thread_a"}));
    EXPECT_EQ(per_thread[tids[1]], (paths{"+thread_b", "+thread_b/thread_inner",
                                          "-thread_b/thread_inner", "-thread_b"}));
}

TEST_F(NvtxMirror, RegionsOpenedBeforeTheObserverAreIgnored) {
    const tim::region_observer* observer = tim::set_region_observer(nullptr);
    ASSERT_NE(observer, nullptr);
    tim::region::push("unseen_a");
    tim::region::push("unseen_b");
    tim::set_region_observer(observer);
    tim::region::push("seen");
    tim::region::pop("unseen_a");  // out of order and never mirrored: nothing
    tim::region::pop("seen");
    tim::region::pop("unseen_b");  // in order, never mirrored: nothing
    EXPECT_EQ(mine(), (paths{"+seen", "-seen"}));
}

TEST_F(NvtxMirror, NvtxMarkerIsAvailableAndHasNoValues) {
    const auto* info = tim::registry::find("nvtx");
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->id, "nvtx_marker");
    EXPECT_EQ(info->value_count, 0u);
    EXPECT_EQ(tim::registry::unavailable_reason(*info), "");
}

// Last: it leaves mirroring off (turning it back on needs a settings-change hook, see nvtx.cpp).
TEST_F(NvtxMirror, TurnedOffAtRunTimeClosesWhatIsOpenThenLeaves) {
    tim::region::push("off_outer");
    auto& s = tim::settings::instance();
    s.nvtx_mirror = false;
    s.changed();
    tim::region::push("off_inner");  // not mirrored
    tim::region::pop("off_inner");
    EXPECT_NE(tim::detail::region_observer_now(), nullptr);  // off_outer's range is still open
    tim::region::pop("off_outer");
    EXPECT_EQ(tim::detail::region_observer_now(), nullptr);
    EXPECT_EQ(mine(), (paths{"+off_outer", "-off_outer"}));
    s.nvtx_mirror = true;
    s.changed();
}

}  // namespace
