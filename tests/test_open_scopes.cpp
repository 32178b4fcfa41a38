// Scopes still open when the outputs are written at finalize or exit, each in a forked child: a
// compile-time bundle open at tim::finalize() is closed and kept (its later destructor records
// nothing; one destroyed while running is not touched), and a worker's exit() keeps the main
// thread's open regions as rows with the tree intact.
#include "timemory/components/timing.hpp"
#include "timemory/timemory.hpp"

#include "child_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
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
using child_test::row_of;
using child_test::wait_child;

namespace {

void start_child(const fs::path& out, const fs::path& err) {
    child_test::start_program("/x/test_open_scopes", out);
    tim::region::set_default("wall_clock");
    if (std::freopen(err.c_str(), "w", stderr) == nullptr) ::_exit(3);
}

// A bundle started and destroyed without stop(): finalize must not reach for it.
TIMEMORY_NOINLINE void abandon_a_running_bundle() {
    static const tim::label_id label{"abandoned"};
    tim::bundle<tim::component::wall_clock> forgotten{label};
    forgotten.start();
}

// Overwrites the stack where the abandoned bundle lived.
TIMEMORY_NOINLINE void scribble_on_the_stack() {
    volatile unsigned char junk[4096];
    for (auto& c : junk) c = 0xa5;
}

void main_scope_open_at_finalize() {
    TIMEMORY_SCOPED("main", tim::component::wall_clock);
    tim::region::push("work");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    tim::region::pop("work");
    abandon_a_running_bundle();
    scribble_on_the_stack();
    tim::finalize();
    // The scope ends here, after finalize(): it must record nothing more.
}

}  // namespace

TEST(OpenScopes, CompileTimeScopeOpenAtFinalizeIsClosedAndKept) {
    const fs::path dir = fresh_dir("timemory-open-scope");
    const fs::path out = dir / "out";
    const fs::path err = dir / "stderr.txt";
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        start_child(out, err);
        main_scope_open_at_finalize();
        std::exit(0);  // the exit hook would name a value recorded after finalize()
    }
    const int status = wait_child(child);
    const std::string errors = read_file(err);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit status " << status << "\n"
                                                               << errors;
    EXPECT_EQ(errors.find("after finalize()"), std::string::npos) << errors;
    EXPECT_NE(errors.find("1 scope(s) still open at finalize were closed"), std::string::npos)
        << errors;
    const auto graph = child_test::graph_rows(out, "wall_clock", "wall");
    const auto* main_row = row_of(graph, ">>> main");
    const auto* work_row = row_of(graph, ">>> |_work");
    ASSERT_NE(main_row, nullptr) << graph.dump(2) << "\n" << errors;
    ASSERT_NE(work_row, nullptr) << graph.dump(2);
    EXPECT_EQ(main_row->at("depth"), 0);
    EXPECT_EQ(main_row->at("entry").at("laps"), 1);
    EXPECT_EQ(work_row->at("depth"), 1);
    EXPECT_EQ(work_row->at("entry").at("laps"), 1);
    // main brackets work, which slept 20 ms; wall_clock's raw unit is ns.
    const double main_ns = main_row->at("entry").at("value").get<double>();
    const double work_ns = work_row->at("entry").at("value").get<double>();
    EXPECT_GE(work_ns, 20e6);
    EXPECT_GE(main_ns, work_ns);
    EXPECT_LT(main_ns, 60e9);
    // The abandoned bundle recorded nothing; its open node is a row without values.
    const auto* abandoned = row_of(graph, ">>> |_abandoned");
    ASSERT_NE(abandoned, nullptr) << graph.dump(2);
    EXPECT_EQ(abandoned->at("entry").at("laps"), 0);
    fs::remove_all(dir);
}

// A worker calls exit() while the main thread is inside outer > inner (inner completed once and
// open again): the outputs keep outer at depth 0 (open, no value yet) and inner under it, and one
// warning names the regions still open on the main thread.
TEST(OpenScopes, WorkerExitKeepsTheMainThreadsOpenRegionsInTheTree) {
    const fs::path dir = fresh_dir("timemory-open-exit");
    const fs::path out = dir / "out";
    const fs::path err = dir / "stderr.txt";
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        start_child(out, err);
        tim::region::push("outer");
        tim::region::push("inner");
        tim::region::pop("inner");
        tim::region::push("inner");
        std::thread worker{[] { std::exit(0); }};
        worker.join();  // never returns: exit() ends the process
        ::_exit(4);
    }
    const int status = wait_child(child);
    const std::string errors = read_file(err);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit status " << status << "\n"
                                                               << errors;
    const auto graph = child_test::graph_rows(out, "wall_clock", "wall");
    const auto* outer = row_of(graph, ">>> outer");
    const auto* inner = row_of(graph, ">>> |_inner");
    ASSERT_NE(outer, nullptr) << graph.dump(2) << "\n" << errors;
    ASSERT_NE(inner, nullptr) << graph.dump(2);
    EXPECT_EQ(outer->at("depth"), 0);
    EXPECT_EQ(outer->at("entry").at("laps"), 0);
    EXPECT_EQ(inner->at("depth"), 1);
    EXPECT_EQ(inner->at("entry").at("laps"), 1);
    EXPECT_NE(errors.find("thread 0: outer > inner"), std::string::npos) << errors;
    const std::string text = read_file(out / "wall.txt");
    EXPECT_NE(text.find(">>> |_inner"), std::string::npos) << text;
    fs::remove_all(dir);
}
