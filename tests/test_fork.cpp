// fork() without exec: the child starts from no results and writes its own files to
// <output_path>-<pid> (or nothing, with fork_output off); the parent's files keep only the
// parent's measurements. Each test forks a program process, which forks its child.
#include "timemory/timemory.hpp"

#include "child_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using child_test::fresh_dir;
using child_test::read_file;
using child_test::row_of;

namespace {

double process_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Burns CPU until the process clock has advanced `seconds` (a loop count says nothing on a
// loaded machine).
void burn_cpu(double seconds) {
    const double until = process_cpu_seconds() + seconds;
    volatile double sink = 0.0;
    while (process_cpu_seconds() < until) {
        for (int i = 0; i < 1000; ++i) sink = sink + 1.0;
    }
}

// The program: A completed once, then A open while it forks; the child does B and exits
// normally; the parent closes A after the child ended and finalizes. Writes the child's pid to
// dir/child.pid; exits 0 if every step worked, 4 if the child wrote into the parent's folder.
[[noreturn]] void run_program(const fs::path& dir, bool fork_output) {
    child_test::start_program("/x/test_fork", dir / "out");
    auto& s = tim::settings::instance();
    s.fork_output = fork_output;
    s.changed();
    tim::region::set_default("wall_clock,cpu_clock");
    tim::region::push("A");
    tim::region::pop("A");
    tim::region::push("A");
    burn_cpu(0.05);  // the child's cpu time restarts at zero: A's start must be taken again
    const pid_t child = ::fork();
    if (child < 0) ::_exit(2);
    if (child == 0) {
        tim::region::push("B");
        burn_cpu(0.01);
        tim::region::pop("B");
        std::exit(0);  // the exit hook finalizes: writes the child's outputs
    }
    std::ofstream{dir / "child.pid"} << child;
    int status = 0;
    if (::waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ::_exit(3);
    }
    // The child wrote elsewhere or nothing: the parent's output folder is still to be written.
    if (fs::exists(dir / "out")) ::_exit(4);
    tim::region::pop("A");
    tim::finalize();
    ::_exit(0);
}

int run_program_in_child(const fs::path& dir, bool fork_output) {
    const pid_t program = ::fork();
    if (program < 0) return -1;
    if (program == 0) run_program(dir, fork_output);
    return child_test::wait_child(program);
}

}  // namespace

TEST(Fork, ChildWritesItsOwnResultsFromNothingBesideTheParents) {
    const fs::path dir = fresh_dir("timemory-fork");
    const int status = run_program_in_child(dir, true);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit status " << status;
    const std::string child_pid = read_file(dir / "child.pid");
    ASSERT_FALSE(child_pid.empty());

    // The parent: A twice, no B.
    const auto parent = child_test::graph_rows(dir / "out", "wall_clock", "wall");
    const auto* a = row_of(parent, ">>> A");
    ASSERT_NE(a, nullptr) << parent.dump(2);
    EXPECT_EQ(a->at("entry").at("laps"), 2);
    EXPECT_EQ(parent.dump().find("\"B\""), std::string::npos) << parent.dump(2);
    EXPECT_EQ(parent.dump().find("|_B"), std::string::npos) << parent.dump(2);

    // The child: in <output_path>-<pid>; B under the A it inherited open (closed at its exit),
    // without the A completed before the fork.
    const fs::path child_out = dir / ("out-" + child_pid);
    const auto child = child_test::graph_rows(child_out, "wall_clock", "wall");
    const auto* child_a = row_of(child, ">>> A");
    const auto* child_b = row_of(child, ">>> |_B");
    ASSERT_NE(child_a, nullptr) << child_out << ": " << child.dump(2);
    ASSERT_NE(child_b, nullptr) << child.dump(2);
    EXPECT_EQ(child_a->at("entry").at("laps"), 1);
    EXPECT_EQ(child_b->at("entry").at("laps"), 1);
    // The child's cpu time of A counts from the fork: never negative, and without the parent's
    // 50 ms burnt before it.
    const auto child_cpu = child_test::graph_rows(child_out, "cpu_clock", "cpu");
    const auto* cpu_a = row_of(child_cpu, ">>> A");
    ASSERT_NE(cpu_a, nullptr) << child_cpu.dump(2);
    const double cpu_ns = cpu_a->at("entry").at("value").get<double>();
    EXPECT_GE(cpu_ns, 0.0);
    EXPECT_LT(cpu_ns, 5e9);
    fs::remove_all(dir);
}

TEST(Fork, ForkOutputOffChildWritesNothing) {
    const fs::path dir = fresh_dir("timemory-fork-off");
    const int status = run_program_in_child(dir, false);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit status " << status;
    const std::string child_pid = read_file(dir / "child.pid");
    ASSERT_FALSE(child_pid.empty());
    EXPECT_FALSE(fs::exists(dir / ("out-" + child_pid)));
    const auto parent = child_test::graph_rows(dir / "out", "wall_clock", "wall");
    const auto* a = row_of(parent, ">>> A");
    ASSERT_NE(a, nullptr) << parent.dump(2);
    EXPECT_EQ(a->at("entry").at("laps"), 2);
    EXPECT_EQ(parent.dump().find("B\""), std::string::npos) << parent.dump(2);
    fs::remove_all(dir);
}
