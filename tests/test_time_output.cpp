// settings.time_output: each run writes into a subfolder of output_path named by time_format
// (strftime, of the program's start), and a second run never writes into the first one's folder.
// Each run is a forked child, configured through TIMEMORY_* variables as a user would.
#include "timemory/core/manager.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/settings.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// One run: a region `label` measured with wall_clock, written at finalize (and by `reports`
/// calls of report() before it) with TIMEMORY_TIME_OUTPUT=ON.
void run(const fs::path& output_path, const char* time_format, const std::string& label,
         int reports = 0) {
    tim::test::stderr_lines_of_child([&] {
        ::setenv("TIMEMORY_TIME_OUTPUT", "ON", 1);
        ::setenv("TIMEMORY_OUTPUT_PATH", output_path.c_str(), 1);
        ::setenv("TIMEMORY_COUT_OUTPUT", "OFF", 1);
        if (time_format != nullptr)
            ::setenv("TIMEMORY_TIME_FORMAT", time_format, 1);
        else
            ::unsetenv("TIMEMORY_TIME_FORMAT");
        tim::init(std::vector<std::string>{"/x/time_output"});
        tim::clear_results();
        tim::region::set_default("wall_clock");
        tim::region::push(label);
        tim::region::pop(label);
        for (int i = 0; i < reports; ++i) tim::report();
        tim::finalize();
    });
}

std::set<std::string> folders_in(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_directory()) out.insert(entry.path().filename().string());
    return out;
}

std::string text_of(const fs::path& path) {
    std::ifstream in{path};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST(TimeOutput, EachRunWritesIntoItsOwnFolderNamedByTimeFormat) {
    const fs::path dir =
        fs::temp_directory_path() / ("timemory-time-output-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const std::time_t now = std::time(nullptr);
    char year[16];
    std::strftime(year, sizeof(year), "%Y", std::localtime(&now));
    const std::string first = std::string{"run-"} + year;

    run(dir, "run-%Y", "first-run", /*reports=*/2);  // every report of a run: one folder
    run(dir, "run-%Y", "second-run");
    EXPECT_EQ(folders_in(dir), (std::set<std::string>{first, first + "-2"}));
    EXPECT_NE(text_of(dir / first / "wall.txt").find(">>> first-run"), std::string::npos);
    EXPECT_NE(text_of(dir / (first + "-2") / "wall.txt").find(">>> second-run"), std::string::npos);
    EXPECT_TRUE(fs::exists(dir / first / "metadata.json"));
    EXPECT_FALSE(fs::exists(dir / "wall.txt"));  // nothing outside the time-stamped folders

    // The default format is timemory 3's, "%F_%I.%M_%p": 2026-12-07_10.31_PM.
    run(dir, nullptr, "default-format");
    auto folders = folders_in(dir);
    folders.erase(first);
    folders.erase(first + "-2");
    ASSERT_EQ(folders.size(), 1u);
    const std::string name = *folders.begin();
    EXPECT_TRUE(std::regex_match(name, std::regex{R"(\d{4}-\d{2}-\d{2}_\d{2}\.\d{2}_(AM|PM))"}))
        << name;
    EXPECT_NE(text_of(dir / name / "wall.txt").find(">>> default-format"), std::string::npos);
    fs::remove_all(dir);
}
