// A terminating signal with detection enabled writes the outputs, then the process dies of the
// same signal; invalid signals are rejected by name.
// The umbrella header alone: it must declare tim::signals too.
#include "timemory/timemory.hpp"

#include "child_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <string>
#include <vector>

namespace fs = std::filesystem;

TEST(Signals, TerminatingSignalWritesOutputsThenDiesOfIt) {
    const fs::path dir =
        fs::temp_directory_path() / ("timemory-signal-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        child_test::start_program("/x/test_signals", dir);
        tim::signals::enable({SIGTERM});
        tim::region::set_default("wall_clock");
        tim::region::push("interrupted-work");  // still open when the signal arrives
        ::raise(SIGTERM);
        ::_exit(0);  // not reached: the handler re-raises with the default action
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status;
    EXPECT_EQ(WTERMSIG(status), SIGTERM);
    std::ifstream in{dir / "wall.txt"};
    ASSERT_TRUE(in.good()) << "no wall.txt in " << dir;
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find(">>> interrupted-work"), std::string::npos) << text.str();
    fs::remove_all(dir);
}

// After finalize() the outputs are written; what is measured later is a new collection. A
// signal then must not pass over it in silence: it is named in a warning, like at exit.
TEST(Signals, ASignalAfterFinalizeNamesTheRegionsMeasuredSince) {
    const fs::path dir =
        fs::temp_directory_path() / ("timemory-signal-late-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path err = dir / "stderr.txt";
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        child_test::start_program("/x/test_signals", dir / "out");
        tim::signals::enable({SIGTERM});
        tim::region::set_default("wall_clock");
        tim::region::push("before");
        tim::region::pop("before");
        tim::finalize();
        tim::region::push("after-finalize");
        tim::region::pop("after-finalize");
        std::FILE* f = std::freopen(err.c_str(), "w", stderr);
        if (f == nullptr) ::_exit(3);
        ::raise(SIGTERM);
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status;
    EXPECT_EQ(WTERMSIG(status), SIGTERM);
    std::ifstream in{err};
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("1 region(s) measured after finalize() were not written"),
              std::string::npos)
        << text.str();
    // The first finalize()'s outputs are kept as they were.
    std::ifstream wall{dir / "out" / "wall.txt"};
    std::stringstream written;
    written << wall.rdbuf();
    EXPECT_NE(written.str().find(">>> before"), std::string::npos) << written.str();
    EXPECT_EQ(written.str().find("after-finalize"), std::string::npos) << written.str();
    fs::remove_all(dir);
}

namespace {

// Runs `body` in a forked child whose environment sets TIMEMORY_ENABLE_SIGNAL_HANDLER to `value`
// and writes to `dir`; the child calls tim::init as a program does, exits 2 if the handlers
// installed then are not `expected`, else opens a region and raises SIGTERM. Returns its status.
int run_child_raising_sigterm(const char* value, const fs::path& dir,
                              const std::vector<int>& expected) {
    const pid_t child = ::fork();
    if (child < 0) return -1;
    if (child == 0) {
        tim::signals::disable();  // nothing inherited from earlier tests of this process
        ::setenv("TIMEMORY_ENABLE_SIGNAL_HANDLER", value, 1);
        ::setenv("TIMEMORY_OUTPUT_PATH", dir.c_str(), 1);
        ::setenv("TIMEMORY_COUT_OUTPUT", "OFF", 1);
        tim::init(std::vector<std::string>{"/x/test_signals"});
        if (tim::signals::active() != expected) ::_exit(2);
        tim::region::set_default("wall_clock");
        tim::region::push("cut-by-the-scheduler");  // still open when the signal arrives
        ::raise(SIGTERM);
        ::_exit(0);  // reached only when no handler re-raised: SIGTERM is then blocked or ignored
    }
    int status = 0;
    if (::waitpid(child, &status, 0) != child) return -1;
    return status;
}

}  // namespace

// A batch scheduler's SIGTERM at walltime: with the setting on, init installs the handler for
// the default signals and the run's outputs are written before the process dies of the signal.
TEST(Signals, SettingOnInstallsTheHandlerAtInit) {
    const fs::path dir =
        fs::temp_directory_path() / ("timemory-signal-setting-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    std::vector<int> expected = tim::signals::default_signals();
    std::sort(expected.begin(), expected.end());
    const int status = run_child_raising_sigterm("ON", dir, expected);
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status;
    EXPECT_EQ(WTERMSIG(status), SIGTERM);
    std::ifstream in{dir / "wall.json"};
    ASSERT_TRUE(in.good()) << "no wall.json in " << dir;
    const auto doc = nlohmann::json::parse(in);
    const auto& graph = doc.at("timemory").at("wall_clock").at("ranks").at(0).at("graph");
    ASSERT_EQ(graph.size(), 1u) << doc.dump(2);
    EXPECT_EQ(graph[0]["prefix"], ">>> cut-by-the-scheduler");
    EXPECT_EQ(graph[0]["entry"]["laps"], 1);
    fs::remove_all(dir);
}

TEST(Signals, SettingOffInstallsNothing) {
    const fs::path dir =
        fs::temp_directory_path() / ("timemory-signal-off-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const int status = run_child_raising_sigterm("OFF", dir, {});
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status;
    EXPECT_EQ(WTERMSIG(status), SIGTERM);
    EXPECT_FALSE(fs::exists(dir)) << dir << " was written";
    fs::remove_all(dir);
}

TEST(Signals, KillAndStopCannotBeHandled) {
    EXPECT_THROW(tim::signals::enable({SIGKILL}), std::invalid_argument);
    EXPECT_THROW(tim::signals::enable({SIGSTOP}), std::invalid_argument);
    EXPECT_THROW(tim::signals::enable({0}), std::invalid_argument);
    EXPECT_TRUE(tim::signals::active().empty());
}

TEST(Signals, DisableRestoresThePreviousHandler) {
    struct sigaction before {};
    ::sigaction(SIGUSR1, nullptr, &before);
    tim::signals::enable({SIGUSR1});
    EXPECT_EQ(tim::signals::active(), std::vector<int>{SIGUSR1});
    tim::signals::disable();
    struct sigaction after {};
    ::sigaction(SIGUSR1, nullptr, &after);
    EXPECT_EQ(before.sa_handler, after.sa_handler);
    EXPECT_TRUE(tim::signals::active().empty());
}
