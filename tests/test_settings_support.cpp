// Settings this build accepts but does not act on: marked in the table with the reason, and
// warned once, naming the setting, however a value reaches them (environment, configuration
// file, set_text, a member assigned then changed()). Each case that warns runs in a forked child:
// "once per process" is the child's.
#include "timemory/core/settings.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using tim::test::count_of;
using tim::test::stderr_lines_of_child;

std::size_t lines_naming(const std::vector<std::string>& lines, const std::string& what) {
    std::size_t n = 0;
    for (const auto& line : lines) n += count_of(line, what) > 0 ? 1 : 0;
    return n;
}

}  // namespace

TEST(SettingsSupport, TheTableMarksWhatThisBuildDoesNotActOn) {
    const auto& s = tim::settings::instance();
    for (const char* name : {"ncclp_components", "ert_num_threads", "roofline_mode", "cupti_events",
                             "diff_output", "destructor_report"}) {
        const tim::setting_spec* spec = s.find(name);
        ASSERT_NE(spec, nullptr) << name;
        EXPECT_FALSE(spec->supported()) << name;
        EXPECT_FALSE(spec->unsupported.empty()) << name;
    }
    EXPECT_EQ(s.find("ncclp_components")->unsupported, "this build has no MPI support");
    for (const char* name : {"time_output", "time_format", "output_path", "precision"})
        EXPECT_TRUE(s.find(name)->supported()) << name;
}

TEST(SettingsSupport, AnUnsupportedSettingIsWarnedOnceNamingItWhicheverWayItIsSet) {
    const auto config = std::filesystem::temp_directory_path() /
                        ("timemory-unsupported-" + std::to_string(::getpid()) + ".cfg");
    std::ofstream{config} << "roofline_mode = ai\nprecision = 3\n";
    const auto lines = stderr_lines_of_child([&] {
        ::setenv("TIMEMORY_NCCLP_COMPONENTS", "wall_clock", 1);
        ::setenv("TIMEMORY_MPI_THREAD", "ON", 1);  // supported: nothing to warn about
        auto& s = tim::settings::instance();
        s.parse();
        s.parse();  // once per process, though parse() runs at load and in init
        std::string error;
        s.set_text("ncclp_components", "wall", &error);  // said already
        s.set_text("ert_num_threads", "4", &error);
        s.cpu_affinity = true;
        s.changed();
        s.changed();
        s.read_config_file(config.string());
        s.width = 12;  // supported: no warning
        s.changed();
    });
    std::filesystem::remove(config);
    std::string all;
    for (const auto& line : lines) all += line + "\n";
    ASSERT_EQ(lines.size(), 4u) << all;
    EXPECT_EQ(lines[0],
              "[timemory][warning] TIMEMORY_NCCLP_COMPONENTS (settings.ncclp_components) is not "
              "supported by this build (this build has no MPI support); its value \"wall_clock\" "
              "has no effect");
    EXPECT_EQ(lines_naming(lines, "TIMEMORY_ERT_NUM_THREADS (settings.ert_num_threads)"), 1u);
    EXPECT_EQ(lines_naming(lines, "TIMEMORY_CPU_AFFINITY (settings.cpu_affinity)"), 1u);
    EXPECT_EQ(lines_naming(lines, "TIMEMORY_ROOFLINE_MODE (settings.roofline_mode)"), 1u);
    EXPECT_EQ(lines_naming(lines, "not supported by this build"), 4u) << all;
}
