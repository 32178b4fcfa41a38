// The ways a process ends with the signal handler on, each in a forked child: a SIGTERM while
// finalize() writes (the files complete first), a stack overflow (the handler runs on the
// alternate stack) and std::quick_exit (at_quick_exit writes the outputs).
#include "timemory/timemory.hpp"

#include "child_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using child_test::fresh_dir;
using child_test::read_file;
using child_test::wait_child;

namespace {

// A child as a program starts: fresh outputs to `out`, the handler on for `signals`.
void start_child(const fs::path& out, const std::vector<int>& signals, const char* components) {
    tim::signals::disable();  // nothing inherited from earlier tests of this process
    child_test::start_program("/x/test_exit_paths", out);
    if (!signals.empty()) tim::signals::enable(signals);
    tim::region::set_default(components);
}

volatile bool keep_recursing = true;

// Each level keeps a kilobyte on the stack, so the default stack overflows within a few
// thousand levels.
int recurse(int depth) {
    volatile char pad[1024];
    pad[0] = static_cast<char>(depth);
    if (keep_recursing) return recurse(depth + 1) + pad[0];
    return pad[0];
}

}  // namespace

// The child's stdout is a pipe of one page that a second thread reads. When finalize() announces
// cpu.txt, the reader sends SIGTERM and stops reading: the cpu table printed next fills the pipe,
// so the writer is held between cpu.txt and the wall_clock files while the signal is handled.
// The files must all be complete, with no word about regions "measured after finalize()", and
// the process then dies of SIGTERM.
TEST(ExitPaths, SigtermWhileWritingCompletesEveryFileThenDies) {
    const fs::path dir = fresh_dir("timemory-exit-write");
    const fs::path out = dir / "out";
    const fs::path err = dir / "stderr.txt";
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        start_child(out, {SIGTERM}, "cpu_clock,wall_clock");
        auto& s = tim::settings::instance();
        s.cout_output = true;  // the table that fills the pipe
        s.changed();
        for (int i = 0; i < 200; ++i) {
            const std::string label =
                "a-region-with-a-long-label-to-fill-the-table-" + std::to_string(i);
            tim::region::push(label);
            tim::region::pop(label);
        }
        int fds[2];
        if (::pipe(fds) != 0) ::_exit(3);
        (void)::fcntl(fds[1], F_SETPIPE_SZ, 4096);
        if (::dup2(fds[1], STDOUT_FILENO) < 0) ::_exit(3);
        if (std::freopen(err.c_str(), "w", stderr) == nullptr) ::_exit(3);
        std::thread reader{[fd = fds[0], announce = (out / "cpu.txt").string()] {
            std::string seen;
            char buf[256];
            bool sent = false;
            for (;;) {
                const auto n = ::read(fd, buf, sizeof buf);
                if (n <= 0) return;
                if (sent) continue;
                seen.append(buf, static_cast<std::size_t>(n));
                if (seen.find("Outputting '" + announce + "'") == std::string::npos) continue;
                ::kill(::getpid(), SIGTERM);
                sent = true;
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
            }
        }};
        reader.detach();
        tim::finalize();
        // The signal was taken (or is in flight): wait for it rather than exit 0.
        std::this_thread::sleep_for(std::chrono::seconds(30));
        ::_exit(0);
    }
    const int status = wait_child(child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status << "\n" << read_file(err);
    EXPECT_EQ(WTERMSIG(status), SIGTERM);
    const std::string errors = read_file(err);
    EXPECT_EQ(errors.find("after finalize()"), std::string::npos) << errors;
    EXPECT_NE(errors.find("while the outputs were written; they are complete"), std::string::npos)
        << errors;
    for (const char* name : {"cpu.json", "cpu.tree.json", "cpu.flamegraph.json", "wall.json",
                             "wall.tree.json", "wall.flamegraph.json", "metadata.json"}) {
        std::ifstream in{out / name};
        ASSERT_TRUE(in.good()) << "no " << name << " in " << out << "\n" << errors;
        EXPECT_TRUE(nlohmann::json::accept(in)) << name << " is not valid JSON";
    }
    const std::string wall = read_file(out / "wall.txt");
    EXPECT_NE(wall.find("a-region-with-a-long-label-to-fill-the-table-199"), std::string::npos);
    const auto metadata = nlohmann::json::parse(read_file(out / "metadata.json"));
    EXPECT_NE(metadata.dump().find("wall.txt"), std::string::npos) << metadata.dump(2);
    fs::remove_all(dir);
}

// Infinite recursion inside a region `label`, on the main thread or on a worker that starts
// measuring after the handler is installed (it gets an alternate stack of its own): the SIGSEGV
// of the overflow runs the handler on the alternate stack, which writes the open region, and the
// process dies of SIGSEGV.
namespace {
void expect_stack_overflow_writes(const char* label, bool in_worker) {
    const fs::path dir = fresh_dir(std::string{"timemory-exit-"} + label);
    const fs::path out = dir / "out";
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        start_child(out, {SIGSEGV}, "wall_clock");
        if (std::freopen((dir / "stderr.txt").c_str(), "w", stderr) == nullptr) ::_exit(3);
        const auto overflow = [label] {
            tim::region::push(label);
            ::_exit(recurse(0) == 0 ? 4 : 5);  // not reached
        };
        if (!in_worker) overflow();
        std::thread{overflow}.join();
        ::_exit(6);  // not reached
    }
    const int status = wait_child(child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status << "\n"
                                     << read_file(dir / "stderr.txt");
    EXPECT_EQ(WTERMSIG(status), SIGSEGV);
    const auto graph = child_test::graph_rows(out, "wall_clock", "wall");
    ASSERT_EQ(graph.size(), 1u) << graph.dump(2) << "\n" << read_file(dir / "stderr.txt");
    EXPECT_EQ(graph[0]["prefix"], std::string{">>> "} + label);
    EXPECT_EQ(graph[0]["entry"]["laps"], 1);
    fs::remove_all(dir);
}
}  // namespace

TEST(ExitPaths, StackOverflowStillWritesTheOutputs) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer reports the stack overflow itself";
#endif
    expect_stack_overflow_writes("overflowing", false);
}

TEST(ExitPaths, StackOverflowInAWorkerThreadStillWritesTheOutputs) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer reports the stack overflow itself";
#elif defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "ThreadSanitizer reports the handler's writing (not async-signal-safe, as "
                    "documented) instead of letting it run";
#endif
    expect_stack_overflow_writes("overflowing-worker", true);
}

// std::quick_exit runs no atexit handlers; at_quick_exit writes the outputs.
TEST(ExitPaths, QuickExitWritesTheOutputs) {
    const fs::path dir = fresh_dir("timemory-exit-quick");
    const fs::path out = dir / "out";
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        start_child(out, {}, "wall_clock");
        tim::region::push("before-quick-exit");
        tim::region::pop("before-quick-exit");
        std::quick_exit(0);
    }
    const int status = wait_child(child);
    ASSERT_TRUE(WIFEXITED(status)) << "exit status " << status;
    EXPECT_EQ(WEXITSTATUS(status), 0);
    const std::string wall = read_file(out / "wall.txt");
    EXPECT_NE(wall.find(">>> before-quick-exit"), std::string::npos) << "wall.txt: " << wall;
    fs::remove_all(dir);
}
