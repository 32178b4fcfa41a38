// Settings: table defaults, environment and config-file parsing, by-name access, change tracking.
#include "timemory/core/close_matches.hpp"
#include "timemory/core/settings.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using tim::settings;

/// Saves instance() and the environment variables a test touches; restores both on exit. HOME
/// points at an empty place so a developer's ~/.timemory.cfg cannot leak into the results.
class settings_guard {
  public:
    settings_guard() : m_saved{settings::instance()} { set_env("HOME", "/nonexistent/timemory"); }
    ~settings_guard() {
        for (const auto& [name, value] : m_env) {
            if (value)
                ::setenv(name.c_str(), value->c_str(), 1);
            else
                ::unsetenv(name.c_str());
        }
        for (const auto& path : m_files) std::filesystem::remove(path);
        settings::instance() = m_saved;
        settings::instance().changed();
    }
    settings_guard(const settings_guard&) = delete;
    settings_guard& operator=(const settings_guard&) = delete;

    void set_env(const std::string& name, const std::string& value) {
        if (!m_env.count(name)) {
            const char* old = std::getenv(name.c_str());
            m_env[name] = old ? std::optional<std::string>{old} : std::nullopt;
        }
        ::setenv(name.c_str(), value.c_str(), 1);
    }

    std::string write_file(const std::string& name, const std::string& text) {
        const auto path = std::filesystem::temp_directory_path() /
                          ("timemory-test-" + std::to_string(::getpid()) + "-" + name);
        std::ofstream(path) << text;
        m_files.push_back(path);
        return path.string();
    }

  private:
    settings m_saved;
    std::map<std::string, std::optional<std::string>> m_env;
    std::vector<std::filesystem::path> m_files;
};

using tim::test::count_of;

}  // namespace

TEST(Settings, DefaultsEqualTheTable) {
    const settings fresh{};
    for (const auto& spec : settings::table())
        EXPECT_EQ(fresh.get_text(spec.name), spec.default_text) << spec.name;
    EXPECT_TRUE(fresh.enabled);
    EXPECT_EQ(fresh.max_depth, 65535);
    EXPECT_EQ(fresh.precision, -1);
    EXPECT_EQ(fresh.output_path, "timemory-output");
    EXPECT_EQ(fresh.time_format, "%F_%I.%M_%p");
    EXPECT_EQ(fresh.input_extensions, "json,xml");
    EXPECT_FALSE(fresh.nvtx_marker_device_sync);
    EXPECT_EQ(fresh.python_exe, "python3");
}

TEST(Settings, TableRowsAreUniqueNamedAndDescribed) {
    std::set<std::string_view> names, envs;
    for (const auto& spec : settings::table()) {
        EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
        EXPECT_TRUE(envs.insert(spec.env).second) << spec.env;
        EXPECT_EQ(spec.env.substr(0, 9), "TIMEMORY_") << spec.name;
        EXPECT_FALSE(spec.description.empty()) << spec.name;
    }
    EXPECT_EQ(settings::table().front().name, "config_file");
    EXPECT_GE(settings::table().size(), 80u);
}

TEST(Settings, ForEachVisitsEveryRowWithItsType) {
    settings s{};
    std::size_t rows = 0;
    s.for_each([&](const tim::setting_spec& spec, auto& member) {
        using T = std::remove_cvref_t<decltype(member)>;
        EXPECT_EQ(spec.type, tim::detail::setting_type_of<T>()) << spec.name;
        ++rows;
    });
    EXPECT_EQ(rows, settings::table().size());
    s.for_each([](const tim::setting_spec& spec, auto& member) {
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(member)>, std::int64_t>)
            if (spec.name == "precision") member = 11;
    });
    EXPECT_EQ(s.precision, 11);
}

TEST(Settings, ParseReadsEnvironment) {
    settings_guard guard;
    guard.set_env("TIMEMORY_PRECISION", "4");
    guard.set_env("TIMEMORY_OUTPUT_PATH", "env-output");
    guard.set_env("TIMEMORY_SEPARATOR_FREQ", "+5");
    guard.set_env("TIMEMORY_COLLAPSE_THREADS", "no");
    auto& s = settings::instance();
    s.parse();
    EXPECT_EQ(s.precision, 4);
    EXPECT_EQ(s.output_path, "env-output");
    EXPECT_EQ(s.separator_frequency, 5);
    EXPECT_FALSE(s.collapse_threads);
}

TEST(Settings, BadValueKeepsPreviousValueAndWarnsOnce) {
    settings_guard guard;
    auto& s = settings::instance();
    s.precision = 6;
    s.enabled = true;
    guard.set_env("TIMEMORY_PRECISION", "abc");
    guard.set_env("TIMEMORY_ENABLED", "maybe");
    testing::internal::CaptureStderr();
    s.parse();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(s.precision, 6);
    EXPECT_TRUE(s.enabled);
    EXPECT_TRUE(tim::is_enabled());
    EXPECT_EQ(count_of(err, "TIMEMORY_PRECISION"), 1u) << err;
    EXPECT_EQ(count_of(err, "TIMEMORY_ENABLED"), 1u) << err;
    EXPECT_NE(err.find("\"abc\""), std::string::npos) << err;
    EXPECT_NE(err.find("integer"), std::string::npos) << err;
    EXPECT_NE(err.find("\"maybe\""), std::string::npos) << err;
    EXPECT_NE(err.find("boolean"), std::string::npos) << err;
    EXPECT_EQ(count_of(err, "\n"), 2u) << err;
}

// parse() runs at load and again in init: a bad value must not be said twice.
TEST(Settings, BadEnvironmentValueIsWarnedOncePerProcess) {
    settings_guard guard;
    auto& s = settings::instance();
    guard.set_env("TIMEMORY_COUT_OUTPUT", "twice-read");
    testing::internal::CaptureStderr();
    s.parse();
    s.parse();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(count_of(err, "TIMEMORY_COUT_OUTPUT=\"twice-read\""), 1u) << err;
    EXPECT_EQ(count_of(err, "\n"), 1u) << err;
}

// A misspelt variable is named with its close match, as in a configuration file, once; variables
// timemory reads outside the settings table are not misspelt settings.
TEST(Settings, MisspeltEnvironmentVariableGetsOneDidYouMean) {
    settings_guard guard;
    auto& s = settings::instance();
    const auto before = s.precision;
    guard.set_env("TIMEMORY_PRECISON", "3");
    for (const char* known :
         {"TIMEMORY_GPU_PLUGIN", "TIMEMORY_PAPI_LIBRARY", "TIMEMORY_LIBRARY_CTOR",
          "TIMEMORY_SKIP_FINALIZE", "TIMEMORY_TEST_ANYTHING"})
        guard.set_env(known, "0");
    guard.set_env("TIMEMORY_SEPARATOR_FREQUENCY", "0");  // TIMEMORY_<name> of a table row
    testing::internal::CaptureStderr();
    s.parse();
    s.parse();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(s.precision, before);
    EXPECT_EQ(count_of(err, "\n"), 1u) << err;
    EXPECT_NE(err.find("[timemory][warning] environment variable TIMEMORY_PRECISON names no "
                       "setting and is ignored; did you mean: TIMEMORY_PRECISION?"),
              std::string::npos)
        << err;
}

// A negative max_depth recorded nothing at all: it is refused with the valid range, from the
// environment and from set_text, and the value before stays.
TEST(Settings, NegativeMaxDepthIsRefusedWithTheValidRange) {
    settings_guard guard;
    auto& s = settings::instance();
    const auto before = s.max_depth;
    guard.set_env("TIMEMORY_MAX_DEPTH", "-1");
    testing::internal::CaptureStderr();
    s.parse();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(s.max_depth, before);
    EXPECT_EQ(count_of(err, "\n"), 1u) << err;
    EXPECT_NE(err.find("TIMEMORY_MAX_DEPTH=\"-1\" is outside the valid range (0 or more"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("keeping " + std::to_string(before)), std::string::npos) << err;

    std::string error;
    EXPECT_FALSE(s.set_text("max_depth", "-5", &error));
    EXPECT_NE(error.find("valid range"), std::string::npos) << error;
    EXPECT_EQ(s.max_depth, before);
    EXPECT_TRUE(s.set_text("max_depth", "0", &error));  // documented: an empty report
    EXPECT_EQ(s.max_depth, 0);
}

// A precision past what printf can show is clamped into the range, with the variable and the
// range named, rather than taken as it is.
TEST(Settings, PrecisionAboveItsRangeIsClampedWithAWarning) {
    settings_guard guard;
    auto& s = settings::instance();
    guard.set_env("TIMEMORY_PRECISION", "100");
    guard.set_env("TIMEMORY_MEMORY_WIDTH", "5000");
    testing::internal::CaptureStderr();
    s.parse();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(s.precision, 30);
    EXPECT_EQ(s.memory_width, 1000);
    EXPECT_EQ(count_of(err, "\n"), 2u) << err;
    EXPECT_NE(err.find("TIMEMORY_PRECISION=\"100\" is outside the valid range (-1 to 30: "),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("; using 30"), std::string::npos) << err;
    EXPECT_NE(err.find("TIMEMORY_MEMORY_WIDTH=\"5000\" is outside the valid range (-1 to 1000"),
              std::string::npos)
        << err;

    std::string error;
    EXPECT_TRUE(s.set_text("timing_precision", "31", &error));  // clamped, said in `error`
    EXPECT_EQ(s.timing_precision, 30);
    EXPECT_NE(error.find("valid range (-1 to 30"), std::string::npos) << error;
    error.clear();
    EXPECT_FALSE(s.set_text("precision", "-2", &error));  // below: refused, the value stays
    EXPECT_EQ(s.precision, 30);
    EXPECT_TRUE(s.set_text("precision", "-1", &error));
    EXPECT_EQ(s.precision, -1);
}

TEST(Settings, ConfigFileIsReadAndEnvironmentWins) {
    settings_guard guard;
    const auto path = guard.write_file("env-wins.cfg",
                                       "# timemory configuration\n"
                                       "\n"
                                       "precision = 7\n"
                                       "TIMEMORY_OUTPUT_PATH = \"from-file\"\n"
                                       "  Max_Depth=12\n"
                                       "timing_units = msec   # trailing comment\n"
                                       "cout_output = off\n");
    guard.set_env("TIMEMORY_CONFIG_FILE", path);
    guard.set_env("TIMEMORY_PRECISION", "9");
    auto& s = settings::instance();
    testing::internal::CaptureStderr();
    s.parse();
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
    EXPECT_EQ(s.precision, 9);
    EXPECT_EQ(s.output_path, "from-file");
    EXPECT_EQ(s.max_depth, 12);
    EXPECT_EQ(s.timing_units, "msec");
    EXPECT_FALSE(s.cout_output);

    // suppress_config skips the file; the environment still applies.
    guard.set_env("TIMEMORY_SUPPRESS_CONFIG", "on");
    s = settings{};
    s.parse();
    EXPECT_EQ(s.output_path, "timemory-output");
    EXPECT_EQ(s.precision, 9);
}

TEST(Settings, ConfigFileUnknownKeyNamesFileLineAndCloseMatch) {
    settings_guard guard;
    const auto path = guard.write_file("typo.cfg", "verbose = 1\npresicion = 3\nno equals sign\n");
    settings s{};
    testing::internal::CaptureStderr();
    EXPECT_TRUE(s.read_config_file(path));
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(s.verbose, 1);
    EXPECT_EQ(s.precision, -1);
    EXPECT_NE(err.find(path + ":2"), std::string::npos) << err;
    EXPECT_NE(err.find("'presicion'"), std::string::npos) << err;
    EXPECT_NE(err.find("did you mean: precision"), std::string::npos) << err;
    EXPECT_NE(err.find(path + ":3"), std::string::npos) << err;
    EXPECT_EQ(count_of(err, "\n"), 2u) << err;
    EXPECT_FALSE(s.read_config_file(path + ".missing"));
}

TEST(Settings, JsonConfigRoundTripsThroughToJson) {
    settings_guard guard;
    settings source{};
    source.precision = 3;
    source.output_path = "json-out";
    source.flamegraph_output = false;
    const std::string dumped = source.to_json();
    for (const char* key : {"\"settings\"", "\"TIMEMORY_PRECISION\"", "\"environ\"",
                            "\"description\"", "\"data_type\"", "\"initial\"", "\"value\""})
        EXPECT_NE(dumped.find(key), std::string::npos) << key;

    settings target{};
    EXPECT_TRUE(target.read_config_file(guard.write_file("dump.json", dumped)));
    for (const auto& spec : settings::table())
        EXPECT_EQ(target.get_text(spec.name), source.get_text(spec.name)) << spec.name;

    settings flat{};
    EXPECT_TRUE(flat.read_config_file(
        guard.write_file("flat.json", R"({"verbose": 2, "TIMEMORY_COMPONENTS": ["a", "b"]})")));
    EXPECT_EQ(flat.verbose, 2);
    EXPECT_EQ(flat.components, "a,b");
}

TEST(Settings, SetTextAndGetTextRoundTrip) {
    settings_guard guard;
    auto& s = settings::instance();
    std::string error;
    EXPECT_TRUE(s.set_text("precision", "5", &error)) << error;
    EXPECT_EQ(s.precision, 5);
    EXPECT_EQ(s.get_text("TIMEMORY_PRECISION"), "5");
    EXPECT_TRUE(s.set_text("timemory_output_path", "abc"));
    EXPECT_EQ(s.get_text("Output_Path"), "abc");
    EXPECT_TRUE(s.set_text("TIMEMORY_SEPARATOR_FREQUENCY", "3"));
    EXPECT_EQ(s.separator_frequency, 3);
    EXPECT_TRUE(s.set_text("json_output", "OFF"));
    EXPECT_EQ(s.get_text("json_output"), "false");

    EXPECT_FALSE(s.set_text("precision", "abc", &error));
    EXPECT_EQ(s.precision, 5);
    EXPECT_NE(error.find("integer"), std::string::npos) << error;
    EXPECT_NE(error.find("\"abc\""), std::string::npos) << error;
}

TEST(Settings, UnknownNameListsCloseMatch) {
    const settings s{};
    EXPECT_EQ(s.find("presicion"), nullptr);
    ASSERT_NE(s.find("PRECISION"), nullptr);
    EXPECT_EQ(s.find("PRECISION")->env, "TIMEMORY_PRECISION");
    try {
        (void)s.get_text("presicion");
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("precision"), std::string::npos) << e.what();
    }
    settings copy{};
    std::string error;
    EXPECT_FALSE(copy.set_text("TIMEMORY_OUTPUT_PATHH", "x", &error));
    EXPECT_NE(error.find("TIMEMORY_OUTPUT_PATH"), std::string::npos) << error;
}

TEST(Settings, BoolSpellings) {
    for (const char* text : {"1", "7", "-1", "on", "ON", "true", "True", "yes", "Y", "t", " on "}) {
        bool value = false;
        EXPECT_TRUE(settings::parse_bool(text, value)) << text;
        EXPECT_TRUE(value) << text;
    }
    for (const char* text : {"0", "00", "off", "OFF", "false", "No", "n", "F"}) {
        bool value = true;
        EXPECT_TRUE(settings::parse_bool(text, value)) << text;
        EXPECT_FALSE(value) << text;
    }
    for (const char* text : {"", "maybe", "2x", "onn", "-", "1.0"}) {
        bool value = true;
        EXPECT_FALSE(settings::parse_bool(text, value)) << text;
        EXPECT_TRUE(value) << text;
    }
}

TEST(Settings, GenerationCounterBumpsOnChange) {
    settings_guard guard;
    auto& s = settings::instance();
    auto gen = [] { return tim::settings_generation().load(); };
    auto before = gen();
    EXPECT_TRUE(s.set_text("verbose", "2"));
    EXPECT_NE(gen(), before);
    before = gen();
    EXPECT_FALSE(s.set_text("verbose", "two"));
    EXPECT_EQ(gen(), before);
    s.verbose = 3;
    s.changed();
    EXPECT_NE(gen(), before);
    before = gen();
    s.parse();
    EXPECT_NE(gen(), before);
    before = gen();
    EXPECT_TRUE(s.read_config_file(guard.write_file("gen.cfg", "verbose = 1\n")));
    EXPECT_NE(gen(), before);
    before = gen();
    settings copy{};
    copy.changed();
    EXPECT_TRUE(copy.set_text("verbose", "4"));
    EXPECT_EQ(gen(), before);
}

TEST(Settings, IsEnabledMirrorsEnabled) {
    settings_guard guard;
    auto& s = settings::instance();
    s.enabled = false;
    s.changed();
    EXPECT_FALSE(tim::is_enabled());
    EXPECT_TRUE(s.set_text("enabled", "on"));
    EXPECT_TRUE(tim::is_enabled());
    guard.set_env("TIMEMORY_ENABLED", "OFF");
    s.parse();
    EXPECT_FALSE(tim::is_enabled());
    settings copy{};
    copy.changed();
    EXPECT_FALSE(tim::is_enabled());
}

TEST(Settings, SuppressParsingIgnoresEnvironment) {
    settings_guard guard;
    auto& s = settings::instance();
    s.suppress_parsing = true;
    guard.set_env("TIMEMORY_PRECISION", "8");
    s.parse();
    EXPECT_NE(s.precision, 8);
    s.suppress_parsing = false;
    s.parse();
    EXPECT_EQ(s.precision, 8);
}

TEST(Settings, CloseMatchesRankTypos) {
    const std::vector<std::string> ids = {"wall_clock", "cpu_clock", "peak_rss", "user_clock"};
    const auto hits = tim::close_matches("wall_clok", ids);
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits.front(), "wall_clock");
    EXPECT_EQ(tim::close_matches("WALL_CLOCK", ids).front(), "wall_clock");
    EXPECT_TRUE(tim::close_matches("zzzzzzzz", ids).empty());
    EXPECT_EQ(tim::close_matches("clock", ids, 2).size(), 2u);
    EXPECT_EQ(tim::edit_distance("abc", "ACB"), 1u);
    EXPECT_EQ(tim::edit_distance("", "abc"), 3u);
    EXPECT_EQ(tim::did_you_mean({}), "");
    EXPECT_EQ(tim::did_you_mean({"a", "b"}), "; did you mean: a, b?");
}
