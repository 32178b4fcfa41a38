// Threads: every worker's graph merges by call path with nothing lost, tids and pids are kept,
// threads stay apart when collapse_threads is off, records attached from other threads land on
// their node, and regions by name work concurrently. Every test name contains "Thread" so the
// ThreadSanitizer CI run selects them with `ctest -R Thread`.
#include "timemory/core/bundle.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <array>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

constexpr int thread_count = 8;

// Every sample advances this thread's tick, so a region with nothing inside measures exactly 1
// and a region around one such child measures exactly 3 (its start, the child's two, its stop).
thread_local double this_thread_ticks = 0.0;
void sample_tick(double* raw) noexcept {
    raw[0] = ++this_thread_ticks;
}

std::uint16_t add_component(const char* id, tim::sample_fn sample) {
    return tim::test::add_component(id, "deterministic component of test_threads.cpp",
                                    [sample](tim::component_info& c) { c.sample = sample; })
        .index;
}

struct tick {
    static inline const std::uint16_t index = add_component("test_threads_tick", &sample_tick);
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
    static void sample(double* raw) noexcept { sample_tick(raw); }
};

const tim::component_info& device_component() {
    static const auto index = add_component("test_threads_device", &tim::test::sample_zero);
    return *tim::registry::at(index);
}

const tim::component_info& tick_info() {
    return *tim::registry::at(tick::index);
}

/// Runs `fn(i)` on `thread_count` threads and returns each thread's graph tid.
template <typename F>
std::set<std::int64_t> run_threads(F&& fn) {
    std::array<std::int64_t, thread_count> tids{};
    std::vector<std::thread> threads;
    for (int i = 0; i < thread_count; ++i) {
        threads.emplace_back([&, i] {
            tids[i] = tim::this_thread_graph().tid();
            fn(i);
        });
    }
    for (auto& t : threads) t.join();
    return {tids.begin(), tids.end()};
}

void outer_and_inner(int iterations) {
    static const tim::label_id outer{"thread-outer"};
    static const tim::label_id inner{"thread-inner"};
    for (int n = 0; n < iterations; ++n) {
        tim::scoped<tick> o{outer};
        tim::scoped<tick> i{inner};
    }
}

class Threads : public tim::test::results_test {};

}  // namespace

TEST_F(Threads, EightThreadsHundredThousandRegionsGiveExactCounts) {
    constexpr int iterations = 100000;
    const auto tids = run_threads([](int) { outer_and_inner(iterations); });
    ASSERT_EQ(tids.size(), 8u);
    EXPECT_EQ(tids.count(0), 0u);  // 0 is the main thread

    const auto tree = tim::collect_results(true);
    EXPECT_EQ(tree.thread_count, 8u);
    const auto rows = tim::component_view(tree, tick_info());
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].prefix, ">>> thread-outer");
    EXPECT_EQ(rows[1].prefix, ">>> |_thread-inner");
    EXPECT_EQ(rows[0].inclusive[0].count, 800000u);
    EXPECT_EQ(rows[0].inclusive[0].sum, 3.0 * 800000);
    EXPECT_EQ(rows[0].exclusive[0].sum, 2.0 * 800000);
    EXPECT_EQ(rows[1].inclusive[0].count, 800000u);
    EXPECT_EQ(rows[1].inclusive[0].sum, 800000.0);
    EXPECT_EQ(rows[1].inclusive[0].min, 1.0);
    EXPECT_EQ(rows[1].inclusive[0].max, 1.0);
    EXPECT_EQ(rows[0].tids, tids);
    EXPECT_EQ(rows[1].tids, tids);
    EXPECT_EQ(rows[0].pids, (std::set<std::int64_t>{::getpid()}));
}

TEST_F(Threads, ThreadsStayApartWhenNotCollapsed) {
    tim::settings::instance().collapse_threads = false;
    tim::settings::instance().changed();
    const auto tids = run_threads([](int i) { outer_and_inner(1000 + i); });
    const auto tree = tim::collect_results();  // follows settings.collapse_threads
    EXPECT_FALSE(tree.collapsed_threads);
    const auto rows = tim::component_view(tree, tick_info());
    ASSERT_EQ(rows.size(), 16u);
    std::set<std::int64_t> seen;
    std::uint64_t total = 0;
    for (const auto& row : rows) {
        ASSERT_EQ(row.tids.size(), 1u);
        const auto tid = *row.tids.begin();
        const std::string width = std::to_string(*tids.rbegin());
        std::string t = std::to_string(tid);
        t.insert(0, width.size() - t.size(), '0');
        if (row.depth == 0) {
            EXPECT_TRUE(seen.insert(tid).second) << "two top-level rows for tid " << tid;
            EXPECT_EQ(row.prefix, "|" + t + ">>> thread-outer");
            total += row.inclusive[0].count;
        } else {
            EXPECT_EQ(row.prefix, "|" + t + ">>> |_thread-inner");
            EXPECT_EQ(*rows[static_cast<std::size_t>(row.parent)].tids.begin(), tid);
        }
    }
    EXPECT_EQ(seen, tids);
    EXPECT_EQ(total, 8u * 1000u + 28u);  // 1000 + i iterations on thread i

    const auto collapsed = tim::component_view(tim::collect_results(true), tick_info());
    ASSERT_EQ(collapsed.size(), 2u);
    EXPECT_EQ(collapsed[0].inclusive[0].count, total);
    EXPECT_EQ(collapsed[0].tids, tids);
}

TEST_F(Threads, MainThreadIsTidZeroAndWorkersAreNot) {
    // Threads that end are merged as collapse_threads says when they end: apart here.
    tim::settings::instance().collapse_threads = false;
    tim::settings::instance().changed();
    outer_and_inner(3);
    const auto tids = run_threads([](int) { outer_and_inner(2); });
    const auto collapsed = tim::component_view(tim::collect_results(true), tick_info());
    ASSERT_EQ(collapsed.size(), 2u);
    EXPECT_EQ(collapsed[0].inclusive[0].count, 3u + 2u * thread_count);
    auto expected = tids;
    expected.insert(0);
    EXPECT_EQ(collapsed[0].tids, expected);
    const auto apart = tim::component_view(tim::collect_results(false), tick_info());
    ASSERT_EQ(apart.size(), 2u * (thread_count + 1));
    EXPECT_EQ(apart[0].tids, (std::set<std::int64_t>{0}));  // the main graph merges first
    EXPECT_EQ(apart[0].inclusive[0].count, 3u);
}

TEST_F(Threads, RecordsAttachedFromAnotherThreadJoinTheirNode) {
    const auto& device = device_component();
    auto& graph = tim::this_thread_graph();
    const auto launcher = graph.push(tim::add_label("thread-launcher"));
    const tim::node_id id = tim::current_node_id();
    std::thread buffer_thread{[id, &device] {
        const double self = 2.5, kernel = 4.0;
        tim::attach_record(id, device.index, &self, 1);
        tim::attach_record(id, device.index, &kernel, 1, "thread-kernel");
        tim::attach_record(id, device.index, &kernel, 1, "thread-kernel");
    }};
    buffer_thread.join();
    graph.pop(launcher);

    const auto rows = tim::component_view(tim::collect_results(true), device);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].prefix, ">>> thread-launcher");
    EXPECT_EQ(rows[0].inclusive[0].count, 1u);
    EXPECT_EQ(rows[0].inclusive[0].sum, 2.5);
    EXPECT_EQ(rows[1].prefix, ">>> |_thread-kernel");
    EXPECT_EQ(rows[1].inclusive[0].count, 2u);
    EXPECT_EQ(rows[1].inclusive[0].sum, 8.0);
    EXPECT_EQ(rows[1].tids, (std::set<std::int64_t>{0}));  // the launching thread's
    EXPECT_EQ(rows[1].pids, (std::set<std::int64_t>{::getpid()}));
}

TEST_F(Threads, RecordsAttachToAnExitedThreadsNode) {
    const auto& device = device_component();
    tim::node_id id = tim::no_node_id;
    std::int64_t worker_tid = -1;
    std::thread worker{[&] {
        static const tim::label_id label{"thread-worker-region"};
        tim::scoped<tick> region{label};
        id = tim::current_node_id();
        worker_tid = tim::this_thread_graph().tid();
    }};
    worker.join();
    const double bytes = 4096.0;
    tim::attach_record(id, device.index, &bytes, 1, "thread-copy");

    for (bool collapse : {true, false}) {
        const auto tree = tim::collect_results(collapse);
        const auto ticks = tim::component_view(tree, tick_info());
        ASSERT_EQ(ticks.size(), 1u);
        const auto rows = tim::component_view(tree, device);
        ASSERT_EQ(rows.size(), 1u);
        EXPECT_EQ(rows[0].label, "thread-copy");
        EXPECT_EQ(tree.nodes[rows[0].node].parent, static_cast<std::int64_t>(ticks[0].node));
        EXPECT_EQ(rows[0].inclusive[0].sum, 4096.0);
        EXPECT_EQ(rows[0].tids, (std::set<std::int64_t>{worker_tid}));
    }
}

TEST_F(Threads, RegionsByNameFromManyThreads) {
    const tim::test::region_defaults_guard defaults;
    tim::region::set_default("test_threads_tick");
    constexpr int iterations = 20000;
    run_threads([](int) {
        for (int n = 0; n < iterations; ++n) {
            tim::region::push("thread-region");
            tim::region::push("thread-region-child");
            tim::region::pop("thread-region-child");
            tim::region::pop("thread-region");
        }
        EXPECT_EQ(tim::region::open_count(), 0u);
    });
    const auto rows = tim::component_view(tim::collect_results(true), tick_info());
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].prefix, ">>> thread-region");
    EXPECT_EQ(rows[1].prefix, ">>> |_thread-region-child");
    EXPECT_EQ(rows[0].inclusive[0].count, 8u * iterations);
    EXPECT_EQ(rows[0].inclusive[0].sum, 3.0 * 8 * iterations);
    EXPECT_EQ(rows[1].inclusive[0].count, 8u * iterations);
    EXPECT_EQ(rows[1].inclusive[0].sum, 1.0 * 8 * iterations);
}
