// Display units of the outputs: unit names and aliases, the settings that choose them (read on
// every call), the warning for a bad one, and precision and width falling back through settings.
#include "timemory/core/units.hpp"

#include "output_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST_F(Outputs, UnitParsingAcceptsAliasesInAnyCase) {
    EXPECT_EQ(tim::parse_timing_unit("")->name, "sec");
    EXPECT_EQ(tim::parse_timing_unit("S")->name, "sec");
    EXPECT_EQ(tim::parse_timing_unit("MSEC")->scale, 1e6);
    EXPECT_EQ(tim::parse_timing_unit("us")->name, "usec");
    EXPECT_EQ(tim::parse_timing_unit("ns")->scale, 1.0);
    EXPECT_EQ(tim::parse_timing_unit("min")->scale, 60e9);
    EXPECT_EQ(tim::parse_timing_unit("Hour")->name, "hr");
    EXPECT_FALSE(tim::parse_timing_unit("fortnight").has_value());

    EXPECT_EQ(tim::parse_memory_unit("")->name, "MB");
    EXPECT_EQ(tim::parse_memory_unit("")->scale, 1e6);
    EXPECT_EQ(tim::parse_memory_unit("kib")->name, "KiB");
    EXPECT_EQ(tim::parse_memory_unit("KiB")->scale, 1024.0);
    EXPECT_EQ(tim::parse_memory_unit("gb")->scale, 1e9);
    EXPECT_EQ(tim::parse_memory_unit("TiB")->scale, 1024.0 * 1024.0 * 1024.0 * 1024.0);
    EXPECT_FALSE(tim::parse_memory_unit("MBs").has_value());
}

TEST_F(Outputs, DisplayUnitsFollowSettingsOnEveryCall) {
    auto& s = tim::settings::instance();
    EXPECT_EQ(tim::display_unit_for(tim::unit_kind::timing).name, "sec");
    s.timing_units = "msec";
    EXPECT_EQ(tim::display_unit_for(tim::unit_kind::timing).scale, 1e6);
    s.timing_units = "usec";  // no cached scale: the next call sees the change
    EXPECT_EQ(tim::display_unit_for(tim::unit_kind::timing).name, "usec");
    s.memory_units = "KiB";
    EXPECT_EQ(tim::display_unit_for(tim::unit_kind::memory).scale, 1024.0);
    EXPECT_EQ(tim::display_unit_for(tim::unit_kind::rate).name, "KiB/sec");
    EXPECT_EQ(tim::display_unit_for(tim::unit_kind::percent).name, "%");
    EXPECT_EQ(tim::display_unit_for(tim::unit_kind::count).scale, 1.0);
}

TEST_F(Outputs, BadUnitWarnsOnceNamingSettingAndChoices) {
    auto& s = tim::settings::instance();
    // Warnings are once per distinct bad value per process: a fresh value for every run.
    static int run = 0;
    const std::string bad = "megabits-per-fortnight-" + std::to_string(++run);
    s.memory_units = bad;
    ::testing::internal::CaptureStderr();
    const auto first = tim::display_unit_for(tim::unit_kind::memory);
    const auto second = tim::display_unit_for(tim::unit_kind::memory);
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(first.name, "MB");
    EXPECT_EQ(second.scale, 1e6);
    EXPECT_NE(err.find("TIMEMORY_MEMORY_UNITS"), std::string::npos) << err;
    EXPECT_NE(err.find("'" + bad + "'"), std::string::npos) << err;
    EXPECT_NE(err.find("KiB"), std::string::npos) << err;
    EXPECT_EQ(err.find("TIMEMORY_MEMORY_UNITS"), err.rfind("TIMEMORY_MEMORY_UNITS")) << err;
}

TEST_F(Outputs, PrecisionAndWidthFallBackThroughSettings) {
    auto& s = tim::settings::instance();
    EXPECT_EQ(tim::display_precision(tim::unit_kind::timing), 3);
    EXPECT_EQ(tim::display_precision(tim::unit_kind::percent), 1);
    EXPECT_EQ(tim::display_precision(tim::unit_kind::count, true), 0);
    EXPECT_EQ(tim::display_width(tim::unit_kind::timing), 6);
    s.precision = 5;
    s.width = 9;
    EXPECT_EQ(tim::display_precision(tim::unit_kind::memory), 5);
    EXPECT_EQ(tim::display_width(tim::unit_kind::memory), 9);
    s.timing_precision = 1;
    s.timing_width = 12;
    EXPECT_EQ(tim::display_precision(tim::unit_kind::timing), 1);
    EXPECT_EQ(tim::display_width(tim::unit_kind::timing), 12);
    EXPECT_EQ(tim::format_number(2.25, tim::unit_kind::timing), "2.2");
    s.scientific = true;
    EXPECT_EQ(tim::format_number(2500.0, tim::unit_kind::memory), "2.50000e+03");
}

}  // namespace
