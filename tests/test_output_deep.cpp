// Deep and large trees: every output is linear in the number of nodes and never recurses once per
// level (a forgotten pop in a loop nests tens of thousands of levels), pushes beyond max_depth
// warn once, and the JSON files stay within a bound of bytes per node.
//
// The deep cases run in a forked child: a writer that overflows the stack kills the child, not
// the test binary, and the parent reads back what the child wrote.
#include "timemory/core/manager.hpp"

#include "output_support.hpp"

#include <gtest/gtest.h>

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace output_test;

/// Runs `body` in a forked child (which then exits 0) and returns its wait status, killing it
/// after `limit`: a child that overflowed its stack reports SIGSEGV instead of crashing the test.
int run_child(const std::function<void()>& body, std::chrono::seconds limit) {
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t child = ::fork();
    if (child == 0) {
        body();
        ::_exit(0);
    }
    if (child < 0) return -1;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (::waitpid(child, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(child, SIGKILL);
            ::waitpid(child, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return status;
}

std::string describe(int status) {
    if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

// Level d of n (1-based) records (n - d + 1) µs: every node's exclusive time is 1 µs.
double level_value(std::size_t n, std::size_t d) {
    return static_cast<double>(n - d + 1) * 1000.0;
}

// In the child: a fresh manager writing into `dir` (an earlier test of this process may have
// finalized it), `levels` pushes of "forgotten" that are never popped, each with its value.
void record_forgotten_pops(const fs::path& dir, std::size_t levels) {
    tim::init(std::vector<std::string>{"/x/test_output_deep"});
    auto& s = tim::settings::instance();
    s.output_path = dir.string();
    s.max_depth = 65535;
    s.changed();
    auto& graph = tim::this_thread_graph();
    const auto label = tim::add_label("forgotten");
    for (std::size_t d = 1; d <= levels; ++d) {
        const double value = level_value(levels, d);
        graph.record(graph.push(label), test_timer().index, &value, 1);
    }
}

TEST_F(Outputs, ForgottenPopThirtyThousandDeepWritesEveryFileWithTheValues) {
    constexpr std::size_t levels = 30000;
    const auto console = m_dir.string() + ".stdout";
    const auto t0 = std::chrono::steady_clock::now();
    const int status = run_child(
        [&] {
            if (std::freopen(console.c_str(), "w", stdout) == nullptr) ::_exit(3);
            record_forgotten_pops(m_dir, levels);
            tim::settings::instance().cout_output = true;
            tim::finalize();
        },
        std::chrono::seconds(240));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << describe(status);
    RecordProperty("seconds", std::to_string(seconds));

    // Flat: one row per level, in order, with its own inclusive value.
    const auto flat = read_json(file("test_timer.json"));
    const auto& graph = component_of(flat, "output_test_timer")["ranks"][0]["graph"];
    ASSERT_EQ(graph.size(), levels);
    for (std::size_t k = 0; k < levels; k += 997) {
        EXPECT_EQ(graph[k]["depth"], k);
        EXPECT_EQ(graph[k]["entry"]["value"].get<double>(), level_value(levels, k + 1));
    }
    EXPECT_EQ(graph[levels - 1]["depth"], levels - 1);

    // Tree: walked by a loop (the test must not recurse either); 1 µs exclusive at every level.
    const auto tree = read_json(file("test_timer.tree.json"));
    const json* node = &component_of(tree, "output_test_timer")["mpi"][0][0];
    std::size_t depth = 0;
    while (!(*node)["children"].empty()) {
        ASSERT_EQ((*node)["children"].size(), 1u) << "at depth " << depth;
        node = &(*node)["children"][0];
        ++depth;
        ASSERT_EQ((*node)["node"]["depth"], depth);
        ASSERT_EQ((*node)["node"]["exclusive"]["entry"]["value"], 1000) << "at depth " << depth;
        ASSERT_EQ((*node)["node"]["inclusive"]["entry"]["value"].get<double>(),
                  level_value(levels, depth));
    }
    EXPECT_EQ(depth, levels);

    // Flamegraph: one event per level (plus the track names).
    const auto flame = read_json(file("test_timer.flamegraph.json"));
    std::size_t events = 0;
    for (const auto& e : flame["traceEvents"]) events += e["ph"] == "X" ? 1 : 0;
    EXPECT_EQ(events, levels);

    // Text, in the file and on the console: a row per level, the deepest one last.
    const auto text = read_file(file("test_timer.txt"));
    EXPECT_EQ(tim::test::count_of(text, "| >>> forgotten "), 1u);
    EXPECT_EQ(tim::test::count_of(text, "|_forgotten "), levels - 1);
    const auto printed = read_file(console);
    EXPECT_NE(printed.find(text), std::string::npos) << "no console table";
    EXPECT_TRUE(fs::exists(file("metadata.json")));
    fs::remove(console);
}

TEST_F(Outputs, TwentyThousandDeepTreeIsWrittenOnA256KiBStack) {
    constexpr std::size_t levels = 20000;
    const int status = run_child(
        [&] {
            record_forgotten_pops(m_dir, levels);
            tim::settings::instance().cout_output = false;
            pthread_attr_t attr;
            pthread_attr_init(&attr);
            pthread_attr_setstacksize(&attr, 256 * 1024);
            pthread_t writer;
            auto finalize = [](void*) -> void* {
                tim::finalize();
                return nullptr;
            };
            if (pthread_create(&writer, &attr, finalize, nullptr) != 0) ::_exit(4);
            pthread_join(writer, nullptr);
        },
        std::chrono::seconds(240));
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << describe(status);
    for (const char* name : {"test_timer.json", "test_timer.tree.json",
                             "test_timer.flamegraph.json", "test_timer.txt", "metadata.json"}) {
        EXPECT_TRUE(fs::exists(file(name))) << name;
    }
    const auto flat = read_json(file("test_timer.json"));
    EXPECT_EQ(component_of(flat, "output_test_timer")["ranks"][0]["graph_size"], levels);
}

TEST_F(Outputs, PushesBeyondMaxDepthWarnOnceNamingTheFirstLabelPastIt) {
    auto& s = tim::settings::instance();
    s.max_depth = 37;  // a value no other test uses: the warning is once per value and process
    s.changed();
    auto& graph = tim::this_thread_graph();
    std::vector<std::uint32_t> open;
    ::testing::internal::CaptureStderr();
    for (int d = 1; d <= 120; ++d) {
        open.push_back(graph.push(tim::add_label("level-" + std::to_string(d))));
    }
    // Another thread going past the same limit is not warned again.
    std::thread other{[] {
        auto& g = tim::this_thread_graph();
        std::vector<std::uint32_t> nodes;
        for (int d = 1; d <= 50; ++d) nodes.push_back(g.push(tim::add_label("other")));
        for (auto n = nodes.rbegin(); n != nodes.rend(); ++n) g.pop(*n);
    }};
    other.join();
    for (auto n = open.rbegin(); n != open.rend(); ++n) graph.pop(*n);
    const auto err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(tim::test::count_warnings(err), 1u) << err;
    EXPECT_NE(err.find("'level-38'"), std::string::npos) << err;
    EXPECT_NE(err.find("max_depth (37)"), std::string::npos) << err;
    EXPECT_EQ(std::count(open.begin(), open.end(), tim::no_node), 120 - 37);
}

// 2,000 sibling regions: the tree file holds every field of timemory's schema per node (hash,
// prefix, tid, pid, depth, is_dummy, inclusive and exclusive entry + stats), about 530 bytes
// compact for one value and a short label; 700 leaves room for longer numbers. Written indented
// (timemory's layout) it took about 3,000.
TEST_F(Outputs, JsonFilesStayWithinBytesPerNode) {
    constexpr std::size_t regions = 2000;
    {
        region main{"main"};
        main.record(test_timer(), 1.0e9);
        for (std::size_t i = 0; i < regions; ++i) {
            region r{"region_" + std::to_string(i)};
            r.record(test_timer(), 1234567.0 + static_cast<double>(i));
        }
    }
    write();
    const double nodes = regions + 1;
    const auto tree_bytes = static_cast<double>(fs::file_size(file("test_timer.tree.json")));
    const auto flat_bytes = static_cast<double>(fs::file_size(file("test_timer.json")));
    EXPECT_LT(tree_bytes / nodes, 700.0);
    EXPECT_LT(flat_bytes / nodes, 400.0);  // one row: hash, prefix, depth, entry, stats, rolling
    // Still every node, with its values.
    const auto flat = read_json(file("test_timer.json"));
    const auto& graph = component_of(flat, "output_test_timer")["ranks"][0]["graph"];
    ASSERT_EQ(graph.size(), regions + 1);
    EXPECT_EQ(graph[regions]["prefix"], ">>> |_region_1999");
    EXPECT_EQ(graph[regions]["entry"]["value"], 1234567 + 1999);
}

}  // namespace
