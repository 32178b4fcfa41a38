// Output-path placeholders (%p %r %j %h %t and timemory 3's %pid% %rank% %size% %job% ...) are
// expanded when the files are written, and a process never replaces result files that another
// process wrote after it started: it writes to <output_path>-<pid> and says so in one line. Each
// program is a forked child, configured as a user would configure it.
#include "timemory/core/manager.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/settings.hpp"

#include "child_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using child_test::read_file;

using child_test::start_child_with_stderr;

std::string with_pid(std::string text, pid_t pid) {
    return text.append(std::to_string(pid));
}

bool exited_zero(pid_t child) {
    const int status = child_test::wait_child(child);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/// Waits (60 s at most: the machine may be loaded) until `path` exists.
bool wait_for(const fs::path& path) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{60};
    while (!fs::exists(path)) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    return true;
}

/// The JSON in `path` (discarded when missing or invalid).
nlohmann::json json_of(const fs::path& path) {
    return nlohmann::json::parse(read_file(path), nullptr, false);
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
    std::vector<std::string> out;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);)
        if (line.find(needle) != std::string::npos) out.push_back(line);
    return out;
}

std::vector<std::string> entries_of(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator{dir}) out.push_back(entry.path().filename());
    std::sort(out.begin(), out.end());
    return out;
}

/// A program: region `label` measured with wall_clock, files written to `out` at finalize.
void measure(const std::string& label, const fs::path& out) {
    child_test::start_program("/x/output_path", out);
    tim::region::set_default("wall_clock");
    tim::region::push(label);
    tim::region::pop(label);
}

/// A program that measures `label` and writes to `out`, run to its end: its pid, -1 unless it
/// exited with 0.
pid_t run_program(const fs::path& err, const std::string& label, const fs::path& out) {
    const pid_t child = start_child_with_stderr(err, [&] {
        measure(label, out);
        tim::finalize();
    });
    return exited_zero(child) ? child : -1;
}

/// The laps of `>>> label` in <out>/wall.json, -1 without that row.
int laps_of(const fs::path& out, const std::string& label) {
    const auto rows = child_test::graph_rows(out, "wall_clock", "wall");
    const auto* row = child_test::row_of(rows, ">>> " + label);
    return row == nullptr ? -1 : row->at("entry").at("laps").get<int>();
}

/// Every file metadata.json in `out` lists exists in `out`, and there are some.
void expect_consistent(const fs::path& out) {
    const auto meta = json_of(out / "metadata.json");
    ASSERT_FALSE(meta.is_discarded()) << out / "metadata.json";
    std::size_t listed = 0;
    for (const auto& category : meta.at("timemory").at("metadata").at("output")) {
        for (const auto& paths : category) {
            for (const auto& path : paths) {
                ++listed;
                EXPECT_EQ(fs::path{path.get<std::string>()}.parent_path(), out) << path;
                EXPECT_TRUE(fs::exists(path.get<std::string>())) << path;
            }
        }
    }
    EXPECT_GT(listed, 0u) << meta.dump(1);
}

}  // namespace

TEST(OutputPath, EachPlaceholderIsExpandedWhenTheFilesAreWritten) {
    const fs::path dir = child_test::fresh_dir("timemory-output-path");
    const std::time_t before = std::time(nullptr);
    const pid_t child = start_child_with_stderr(dir / "err.txt", [&] {
        ::setenv("TIMEMORY_OUTPUT_PATH",
                 (dir / "p=%p,r=%r,s=%s,j=%j,h=%h,t=%t,pid=%pid%,rank=%rank%,size=%size%,"
                        "job=%job%,arg0=%arg0%,args=%args%,tag=%tag%,pct=%%")
                     .c_str(),
                 1);
        ::setenv("TIMEMORY_OUTPUT_PREFIX", "r%r-", 1);
        ::setenv("TIMEMORY_TIME_FORMAT", "%s", 1);  // seconds since the epoch
        ::setenv("TIMEMORY_COUT_OUTPUT", "OFF", 1);
        ::setenv("OMPI_COMM_WORLD_RANK", "1", 1);
        ::setenv("OMPI_COMM_WORLD_SIZE", "4", 1);
        ::setenv("SLURM_JOB_ID", "777", 1);
        tim::init(std::vector<std::string>{"/x/bin/place_app", "-n", "4"});
        tim::region::set_default("wall_clock");
        tim::region::push("placed");
        tim::region::pop("placed");
        ::setenv("OMPI_COMM_WORLD_RANK", "3", 1);  // the rank known at the write is the one used
        tim::finalize();
        std::ofstream{dir / "raw.txt"} << tim::settings::instance().output_path;
    });
    ASSERT_TRUE(exited_zero(child)) << read_file(dir / "err.txt");
    const std::time_t after = std::time(nullptr);

    std::string folder;
    for (const auto& name : entries_of(dir))
        if (name.starts_with("p=")) folder = name;
    ASSERT_FALSE(folder.empty()) << ::testing::PrintToString(entries_of(dir));
    std::map<std::string, std::string> values;
    std::istringstream in{folder};
    for (std::string field; std::getline(in, field, ',');)
        values[field.substr(0, field.find('='))] = field.substr(field.find('=') + 1);
    char host[256] = {};
    ASSERT_EQ(::gethostname(host, sizeof(host) - 1), 0);
    EXPECT_EQ(values["p"], std::to_string(child));
    EXPECT_EQ(values["pid"], std::to_string(child));
    EXPECT_EQ(values["r"], "3");
    EXPECT_EQ(values["rank"], "3");
    EXPECT_EQ(values["s"], "4");
    EXPECT_EQ(values["size"], "4");
    EXPECT_EQ(values["j"], "777");
    EXPECT_EQ(values["job"], "777");
    EXPECT_EQ(values["h"], host);
    EXPECT_EQ(values["arg0"], "place_app");
    EXPECT_EQ(values["args"], "-n_4");
    EXPECT_EQ(values["tag"], "place_app");
    EXPECT_EQ(values["pct"], "%");
    // %t: the program's start (here the fork), in TIMEMORY_TIME_FORMAT.
    const long long start = std::stoll(values["t"]);
    EXPECT_GE(start, static_cast<long long>(before));
    EXPECT_LE(start, static_cast<long long>(after));
    // The prefix too; the setting keeps the pattern.
    EXPECT_EQ(laps_of(dir / folder, "placed"), -1);  // not wall.json but r3-wall.json
    EXPECT_TRUE(fs::exists(dir / folder / "r3-wall.json"));
    EXPECT_TRUE(fs::exists(dir / folder / "r3-metadata.json"));
    EXPECT_NE(read_file(dir / "raw.txt").find("p=%p,r=%r"), std::string::npos);
    fs::remove_all(dir);
}

TEST(OutputPath, RankAndJobComeFromTheLauncherThatStartedTheProcess) {
    const fs::path dir = child_test::fresh_dir("timemory-output-path-env");
    // {variables} -> the expected "%r-%s-%j".
    const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases = {
        {{{"PMI_RANK", "2"}, {"PMI_SIZE", "3"}, {"PBS_JOBID", "55.server"}}, "2-3-55.server"},
        {{{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "8"}, {"LSB_JOBID", "9"}}, "5-8-9"},
        {{}, "0-1-0"},  // not launched by a job: rank 0 of 1, job 0
    };
    int n = 0;
    for (const auto& [env, expected] : cases) {
        const fs::path out = dir / std::to_string(++n);
        const pid_t child = start_child_with_stderr(dir / "err.txt", [&] {
            for (const char* name :
                 {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE",
                  "SLURM_PROCID", "SLURM_NTASKS", "SLURM_JOB_ID", "PBS_JOBID", "LSB_JOBID"})
                ::unsetenv(name);
            for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
            measure("ranked", out / "%r-%s-%j");
            tim::finalize();
        });
        ASSERT_TRUE(exited_zero(child)) << read_file(dir / "err.txt");
        EXPECT_EQ(laps_of(out / expected, "ranked"), 1)
            << ::testing::PrintToString(entries_of(out));
    }
    fs::remove_all(dir);
}

TEST(OutputPath, AnUnknownPlaceholderIsNamedInOneWarningAndKept) {
    const fs::path dir = child_test::fresh_dir("timemory-output-path-unknown");
    const pid_t child = start_child_with_stderr(dir / "err.txt", [&] {
        measure("kept", dir / "out-%q-%bogus%-%p");
        tim::report();
        tim::finalize();
    });
    ASSERT_TRUE(exited_zero(child));
    const std::string err = read_file(dir / "err.txt");
    const auto warnings = lines_with(err, "unknown placeholder");
    ASSERT_EQ(warnings.size(), 1u) << err;  // one warning, though written twice
    for (const char* text : {"%q", "%bogus%", "valid:", "%p", "%rank%", "%h", "%t", "%%"})
        EXPECT_NE(warnings[0].find(text), std::string::npos) << text << " in " << warnings[0];
    EXPECT_EQ(laps_of(dir / with_pid("out-%q-%bogus%-", child), "kept"), 1)
        << ::testing::PrintToString(entries_of(dir));
    fs::remove_all(dir);
}

TEST(OutputOwner, AProcessThatFinishesLastKeepsTheFilesOfOneStartedAfterIt) {
    const fs::path dir = child_test::fresh_dir("timemory-output-owner");
    const fs::path out = dir / "out";
    // The first starts, measures and waits; the second starts, writes and ends; then the first
    // writes twice. A forked child starts when it first runs, which a loaded machine may delay:
    // each says when it has.
    const pid_t first = start_child_with_stderr(dir / "first.txt", [&] {
        measure("first", out);
        std::ofstream{dir / "started"} << "first";
        if (!wait_for(dir / "go")) ::_exit(5);
        tim::report();  // both writes go beside, and say so once
        tim::region::push("first");
        tim::region::pop("first");
        tim::finalize();
    });
    ASSERT_TRUE(wait_for(dir / "started"));
    const pid_t second = run_program(dir / "second.txt", "second", out);
    ASSERT_GT(second, 0) << read_file(dir / "second.txt");
    std::ofstream{dir / "go"} << "go";
    ASSERT_TRUE(exited_zero(first)) << read_file(dir / "first.txt");

    const fs::path beside = dir / with_pid("out-", first);
    EXPECT_EQ(laps_of(out, "second"), 1);  // kept
    EXPECT_EQ(laps_of(out, "first"), -1);
    EXPECT_EQ(laps_of(beside, "first"), 2);
    EXPECT_EQ(laps_of(beside, "second"), -1);
    EXPECT_FALSE(fs::exists(dir / with_pid("out-", first).append("-2")));
    expect_consistent(out);
    expect_consistent(beside);
    EXPECT_EQ(lines_with(read_file(dir / "second.txt"), "[warning]").size(), 0u);
    const auto said = lines_with(read_file(dir / "first.txt"), "[warning]");
    ASSERT_EQ(said.size(), 1u) << read_file(dir / "first.txt");
    for (const std::string& text :
         {out.string(), with_pid("process ", second), std::string{"wall.json"},
          std::string{"metadata.json"},
          std::string{"to '"}.append(beside.string()).append("' instead")})
        EXPECT_NE(said[0].find(text), std::string::npos) << text << " in " << said[0];
    fs::remove_all(dir);
}

TEST(OutputOwner, TwoProcessesFinishingTogetherBothKeepTheirResults) {
    const fs::path dir = child_test::fresh_dir("timemory-output-owner-together");
    const fs::path out = dir / "out";
    std::vector<pid_t> pids;
    for (const char* label : {"one", "two"}) {
        pids.push_back(start_child_with_stderr(dir / (std::string{label} + ".txt"), [&] {
            measure(label, out);
            std::ofstream{dir / (std::string{"started-"} + label)} << label;
            if (!wait_for(dir / "go")) ::_exit(5);
            tim::finalize();
        }));
    }
    ASSERT_TRUE(wait_for(dir / "started-one") && wait_for(dir / "started-two"));
    std::ofstream{dir / "go"} << "go";
    for (pid_t pid : pids) ASSERT_TRUE(exited_zero(pid));
    // Whichever wrote first has the folder; the other is beside it, and said so once.
    const bool one_first = laps_of(out, "one") == 1;
    const pid_t later = one_first ? pids[1] : pids[0];
    const fs::path beside = dir / with_pid("out-", later);
    EXPECT_EQ(laps_of(out, one_first ? "one" : "two"), 1);
    EXPECT_EQ(laps_of(beside, one_first ? "two" : "one"), 1);
    EXPECT_EQ(entries_of(dir).size(), 7u) << ::testing::PrintToString(entries_of(dir));
    expect_consistent(out);
    expect_consistent(beside);
    const std::size_t warnings = lines_with(read_file(dir / "one.txt"), "[warning]").size() +
                                 lines_with(read_file(dir / "two.txt"), "[warning]").size();
    EXPECT_EQ(warnings, 1u) << read_file(dir / "one.txt") << read_file(dir / "two.txt");
    fs::remove_all(dir);
}

TEST(OutputOwner, AProcessReplacesItsOwnFilesAndThoseOfRunsThatEndedBeforeItStarted) {
    const fs::path dir = child_test::fresh_dir("timemory-output-owner-own");
    const fs::path out = dir / "out";
    ASSERT_GT(run_program(dir / "earlier.txt", "earlier", out), 0);
    const pid_t child = start_child_with_stderr(dir / "err.txt", [&] {
        measure("mine", out);
        tim::report();  // its own files, replaced below
        tim::region::push("mine");
        tim::region::pop("mine");
        tim::finalize();
    });
    ASSERT_TRUE(exited_zero(child));
    EXPECT_EQ(laps_of(out, "mine"), 2);
    EXPECT_EQ(laps_of(out, "earlier"), -1);
    EXPECT_EQ(entries_of(dir), (std::vector<std::string>{"earlier.txt", "err.txt", "out"}));
    EXPECT_EQ(lines_with(read_file(dir / "err.txt"), "[warning]").size(), 0u);
    expect_consistent(out);
    // The record names the process that wrote the files, and the files.
    const auto owner = json_of(out / ".timemory-owner.json");
    const auto& writer = owner.at("writers").at("");
    EXPECT_EQ(writer.at("pid"), child);
    // wall.flamegraph.json, wall.tree.json, wall.json, wall.txt, metadata.json
    EXPECT_EQ(writer.at("files").size(), 5u) << writer.dump();
    fs::remove_all(dir);
}
