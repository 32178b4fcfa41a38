// Results read while other threads keep measuring, and the graphs of threads that end. Reading
// (collect_results, report, finalize) must be safe while workers insert new nodes and record, and
// a thread that ends leaves its measurements, not its graph. Every test name contains "Thread" so
// the ThreadSanitizer CI run selects them with `ctest -R Thread`.
#include "timemory/core/graph.hpp"
#include "timemory/core/graph_registry.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"

#include "test_support.hpp"

#include "child_support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Sanitized builds run about ten times slower; their checks find the races at any size, while an
// uninstrumented build needs many moves of the node vectors to show the crash.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

const tim::component_info& counter() {
    static const auto& info = tim::test::add_component(
        "test_concurrent_counter", "value recorded by test_concurrent_results.cpp");
    return info;
}

/// Labels "<prefix>-<k>" for k < n, registered before the threads start.
std::vector<tim::hash_value> labels(const std::string& prefix, int n) {
    std::vector<tim::hash_value> out;
    for (int k = 0; k < n; ++k) out.push_back(tim::add_label(prefix + "-" + std::to_string(k)));
    return out;
}

/// One region `outer` around `iterations` child regions cycling through `inner`, one record of
/// 1.0 each: every iteration after the first len(inner) finds its node, the first ones insert it.
void record_regions(tim::hash_value outer, const std::vector<tim::hash_value>& inner,
                    int iterations) {
    auto& graph = tim::this_thread_graph();
    const double one = 1.0;
    for (int n = 0; n < iterations; ++n) {
        const auto o = graph.push(outer);
        const auto i = graph.push(inner[static_cast<std::size_t>(n) % inner.size()]);
        graph.record(i, counter(), &one);
        graph.pop(i);
        graph.record(o, counter(), &one);
        graph.pop(o);
    }
}

std::string read_file(const fs::path& path) {
    std::ifstream in{path};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class ConcurrentResults : public tim::test::results_test {
  protected:
    void SetUp() override {
        results_test::SetUp();
        auto& s = tim::settings::instance();
        s.cout_output = false;
        s.file_output = true;
        s.changed();
    }
};

}  // namespace

// Workers keep inserting nodes (the node vectors grow) and recording while the main thread reads
// the results and writes reports; what the workers recorded before they were joined is exact.
TEST_F(ConcurrentResults, ThreadsInsertingNodesWhileResultsAreReadAndReported) {
    constexpr int workers = 2;
    constexpr int inner_count = sanitized ? 2000 : 20000;
    constexpr int iterations = 2 * inner_count;
    const auto outer = tim::add_label("concurrent-outer");
    std::vector<std::vector<tim::hash_value>> inner;
    for (int w = 0; w < workers; ++w)
        inner.push_back(labels("concurrent-" + std::to_string(w), inner_count));

    std::atomic<int> running{workers};
    std::atomic<bool> go{false};
    std::vector<std::int64_t> tids(workers, -1);
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            tids[static_cast<std::size_t>(w)] = tim::this_thread_graph().tid();
            while (!go.load()) std::this_thread::yield();
            record_regions(outer, inner[static_cast<std::size_t>(w)], iterations);
            running.fetch_sub(1);
        });
    }
    const auto dir =
        fs::temp_directory_path() / ("timemory-concurrent-" + std::to_string(::getpid()));
    int reads = 0;
    go.store(true);
    // Read until both workers are done, and at least a few times (a loaded machine may finish
    // the workers first; the reads then still exercise the same code).
    while (running.load() > 0 || reads < 4) {
        const auto tree = tim::collect_results(reads % 2 == 0);
        EXPECT_GE(tree.nodes.size(), 1u);
        if (reads % 8 == 3) tim::report(dir.string());
        ++reads;
    }
    for (auto& t : threads) t.join();

    const auto rows = tim::component_view(tim::collect_results(true), counter());
    ASSERT_EQ(rows.size(), 1u + workers * inner_count);
    EXPECT_EQ(rows[0].label, "concurrent-outer");
    EXPECT_EQ(rows[0].inclusive[0].count, std::uint64_t{workers} * iterations);
    EXPECT_EQ(rows[0].tids, (std::set<std::int64_t>(tids.begin(), tids.end())));
    std::map<std::string, std::int64_t> tid_of;
    for (int w = 0; w < workers; ++w) {
        for (int k = 0; k < inner_count; ++k) {
            tid_of["concurrent-" + std::to_string(w) + "-" + std::to_string(k)] =
                tids[static_cast<std::size_t>(w)];
        }
    }
    for (std::size_t r = 1; r < rows.size(); ++r) {
        ASSERT_EQ(tid_of.count(rows[r].label), 1u) << rows[r].label;
        EXPECT_EQ(rows[r].inclusive[0].count, 2u) << rows[r].label;
        EXPECT_EQ(rows[r].inclusive[0].sum, 2.0) << rows[r].label;
        EXPECT_EQ(rows[r].tids, (std::set<std::int64_t>{tid_of[rows[r].label]}));
        tid_of.erase(rows[r].label);
    }
    EXPECT_TRUE(tid_of.empty());
    tim::report(dir.string());
    const auto text = read_file(dir / "test_concurrent_counter.txt");
    EXPECT_NE(text.find("concurrent-outer"), std::string::npos) << text;
    fs::remove_all(dir);
}

namespace {

// The program that exits while its detached threads still create nodes (run in a fresh process,
// below: a forked child of a threaded process may not start threads under ThreadSanitizer).
[[noreturn]] void exit_while_threads_record(const fs::path& dir) {
    child_test::start_program("/x/exit_with_threads", dir);
    tim::clear_results();
    static std::atomic<int> started{0};
    for (int w = 0; w < 4; ++w) {
        std::thread{[w] {
            const auto outer = tim::add_label("exit-outer");
            auto& graph = tim::this_thread_graph();
            const double one = 1.0;
            started.fetch_add(1);
            // New nodes in bursts until the process is gone (a bounded number per thread, so
            // that the outputs stay small).
            constexpr std::uint64_t labels_per_thread = sanitized ? 500 : 5000;
            for (std::uint64_t n = 0;; ++n) {
                const auto o = graph.push(outer);
                const auto i = graph.push(tim::add_label("exit-" + std::to_string(w) + "-" +
                                                         std::to_string(n % labels_per_thread)));
                graph.record(i, counter(), &one);
                graph.pop(i);
                graph.record(o, counter(), &one);
                graph.pop(o);
                if (n % 64 == 63) std::this_thread::sleep_for(std::chrono::milliseconds{1});
            }
        }}.detach();
    }
    auto& graph = tim::this_thread_graph();
    const double one = 1.0;
    const auto main_node = graph.push(tim::add_label("exit-main"));
    graph.record(main_node, counter(), &one);
    graph.pop(main_node);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
    while (started.load() < 4 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    for (int r = 0; r < 3; ++r) tim::report((dir / "mid-run").string());
    std::exit(0);
}

}  // namespace

// The program exits (finalize at exit) while detached threads still create nodes: it exits 0
// and writes its files.
TEST(ConcurrentExit, ThreadsStillRecordingWhenTheProgramExits) {
    if (const char* dir = std::getenv("TIMEMORY_TEST_EXIT_WHILE_RECORDING")) {
        exit_while_threads_record(dir);
    }
    const auto dir =
        fs::temp_directory_path() / ("timemory-exit-threads-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const std::string variable = "TIMEMORY_TEST_EXIT_WHILE_RECORDING=" + dir.string();
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
    env.push_back(const_cast<char*>(variable.c_str()));
    env.push_back(nullptr);
    std::string filter = "--gtest_filter=ConcurrentExit.ThreadsStillRecordingWhenTheProgramExits";
    std::string exe = "/proc/self/exe";
    char* argv[] = {exe.data(), filter.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t child = -1;
    ASSERT_EQ(::posix_spawn(&child, exe.c_str(), &actions, nullptr, argv, env.data()), 0);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
    for (const auto& file :
         {dir / "test_concurrent_counter.txt", dir / "mid-run" / "test_concurrent_counter.txt"}) {
        const auto text = read_file(file);
        EXPECT_NE(text.find("exit-main"), std::string::npos) << file << ":\n"
                                                             << text.substr(0, 2000);
        EXPECT_NE(text.find("exit-outer"), std::string::npos) << file;
    }
    fs::remove_all(dir);
}

// Threads that end leave their measurements (exact counts, every tid) but not their graphs.
TEST_F(ConcurrentResults, ShortLivedThreadsAreFreedAndKeepTheirCounts) {
    constexpr int total = 2000;
    constexpr int batch = 8;
    const auto outer = tim::add_label("short-outer");
    const auto inner = labels("short-inner", 2);
    (void)tim::this_thread_graph();
    const auto graphs_before = tim::detail::all_graphs().size();
    std::set<std::int64_t> tids;
    for (int started = 0; started < total; started += batch) {
        std::vector<std::int64_t> batch_tids(batch, -1);
        std::vector<std::thread> threads;
        for (int b = 0; b < batch; ++b) {
            threads.emplace_back([&, b] {
                batch_tids[static_cast<std::size_t>(b)] = tim::this_thread_graph().tid();
                record_regions(outer, inner, 2);
            });
        }
        for (auto& t : threads) t.join();
        tids.insert(batch_tids.begin(), batch_tids.end());
    }
    ASSERT_EQ(tids.size(), std::size_t{total});
    EXPECT_EQ(tim::detail::all_graphs().size(), graphs_before);  // every ended graph freed

    const auto rows = tim::component_view(tim::collect_results(true), counter());
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].label, "short-outer");
    EXPECT_EQ(rows[0].inclusive[0].count, 2u * total);
    EXPECT_EQ(rows[0].tids, tids);
    for (std::size_t r = 1; r < 3; ++r) {
        EXPECT_EQ(rows[r].inclusive[0].count, std::uint64_t{total}) << rows[r].label;
        EXPECT_EQ(rows[r].tids, tids);
        EXPECT_EQ(rows[r].parent, 0);
    }
    EXPECT_EQ(tim::collect_results(true).thread_count, std::size_t{total});
}

// With collapse_threads off when they end, ended threads keep a top-level row each; results read
// collapsed merge them again.
TEST_F(ConcurrentResults, EndedThreadsStayApartWhenNotCollapsed) {
    tim::settings::instance().collapse_threads = false;
    tim::settings::instance().changed();
    const auto outer = tim::add_label("apart-outer");
    const auto inner = labels("apart-inner", 1);
    std::set<std::int64_t> tids;
    for (int n = 0; n < 20; ++n) {
        std::int64_t tid = -1;
        std::thread{[&] {
            tid = tim::this_thread_graph().tid();
            record_regions(outer, inner, 3);
        }}.join();
        tids.insert(tid);
    }
    const auto apart = tim::component_view(tim::collect_results(false), counter());
    ASSERT_EQ(apart.size(), 40u);
    std::set<std::int64_t> seen;
    for (const auto& row : apart) {
        ASSERT_EQ(row.tids.size(), 1u);
        EXPECT_EQ(row.inclusive[0].count, 3u);
        if (row.depth == 0) {
            EXPECT_TRUE(seen.insert(*row.tids.begin()).second);
        }
    }
    EXPECT_EQ(seen, tids);
    const auto merged = tim::component_view(tim::collect_results(true), counter());
    ASSERT_EQ(merged.size(), 2u);
    EXPECT_EQ(merged[0].inclusive[0].count, 60u);
    EXPECT_EQ(merged[0].tids, tids);
}

// A record attached to a node of a thread whose graph was freed (a kernel launched by a worker
// that ended, flushed later) lands on that node, under that thread's tid.
TEST_F(ConcurrentResults, RecordAttachedToAFreedThreadsNodeLandsOnIt) {
    const auto outer = tim::add_label("freed-outer");
    const auto inner = labels("freed-inner", 1);
    std::vector<std::pair<tim::node_id, std::int64_t>> launches;
    for (int n = 0; n < 3; ++n) {
        std::thread{[&] {
            auto& graph = tim::this_thread_graph();
            const auto o = graph.push(outer);
            const auto i = graph.push(inner[0]);
            launches.emplace_back(graph.global_id(i), graph.tid());
            const double one = 1.0;
            graph.record(i, counter(), &one);
            graph.record(o, counter(), &one);
            graph.pop(i);
            graph.pop(o);
        }}.join();
    }
    const double bytes = 512.0;
    for (const auto& [id, tid] : launches)
        tim::attach_record(id, counter().index, &bytes, 1, "freed-copy");
    const auto rows = tim::component_view(tim::collect_results(true), counter());
    const auto* copy = tim::test::find_row(rows, "freed-copy");
    ASSERT_NE(copy, nullptr);
    ASSERT_GE(copy->parent, 0);
    EXPECT_EQ(rows[static_cast<std::size_t>(copy->parent)].label, "freed-inner-0");
    EXPECT_EQ(rows[static_cast<std::size_t>(copy->parent)].depth, 1u);
    EXPECT_EQ(copy->inclusive[0].count, 3u);
    EXPECT_EQ(copy->inclusive[0].sum, 1536.0);
    std::set<std::int64_t> tids;
    for (const auto& l : launches) tids.insert(l.second);
    EXPECT_EQ(copy->tids, tids);
}
