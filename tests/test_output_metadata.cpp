// metadata.json: the files written, the settings, the environment and the user's own entries.
#include "output_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace {

using namespace output_test;

TEST_F(Outputs, MetadataListsOutputsSettingsAndEnvironment) {
    record_standard_tree();
    ::setenv("TIMEMORY_OUTPUT_TEST_MARKER", "42", 1);
    write();
    ::unsetenv("TIMEMORY_OUTPUT_TEST_MARKER");
    const auto doc = read_json(file("metadata.json"));
    const auto& meta = doc.at("timemory").at("metadata");
    const auto& info = meta.at("info");
    EXPECT_TRUE(info.contains("HOSTNAME"));
    EXPECT_TRUE(info.contains("PWD"));
    EXPECT_TRUE(info.contains("LAUNCH_DATE"));
    EXPECT_TRUE(info.contains("TIMEMORY_VERSION"));
    EXPECT_GE(info.at("HW_CONCURRENCY").get<int>(), 1);
    EXPECT_TRUE(meta.at("settings").is_object());
    EXPECT_FALSE(meta.at("settings").empty());
    const std::string dir = m_dir.string();
    EXPECT_EQ(meta["output"]["json"]["test_timer"],
              json::array({dir + "/test_timer.flamegraph.json", dir + "/test_timer.tree.json",
                           dir + "/test_timer.json"}));
    EXPECT_EQ(meta["output"]["text"]["test_timer"], json::array({dir + "/test_timer.txt"}));
    bool found = false;
    for (const auto& e : meta.at("environment")) {
        found = found || e.get<std::string>() == "TIMEMORY_OUTPUT_TEST_MARKER=42";
    }
    EXPECT_TRUE(found) << meta.at("environment");
}

TEST_F(Outputs, UserMetadataReachesTheInfoSection) {
    record_standard_tree();
    tim::add_metadata("experiment", "\"baseline\"");
    tim::add_metadata("sizes", "[1, 2, 4]");
    tim::add_metadata("experiment", "\"tuned\"");  // replaces
    EXPECT_THROW(tim::add_metadata("broken", "not json"), std::invalid_argument);
    write();
    const auto info = read_json(file("metadata.json")).at("timemory").at("metadata").at("info");
    EXPECT_EQ(info.at("experiment"), "tuned");
    EXPECT_EQ(info.at("sizes"), json::array({1, 2, 4}));
    EXPECT_FALSE(info.contains("broken"));
}

TEST_F(Outputs, MetadataReplacesBytesThatAreNotUtf8) {
    // A setting taken from a Latin-1 environment or an executable named in another encoding
    // (the tag is the program's name) must not cost metadata.json.
    record_standard_tree();
    auto& s = tim::settings::instance();
    const std::string saved_tag = s.tag;
    s.tag = "prog\xff";
    ::setenv("TIMEMORY_OUTPUT_TEST_LATIN1", "caf\xe9", 1);
    write();
    ::unsetenv("TIMEMORY_OUTPUT_TEST_LATIN1");
    s.tag = saved_tag;
    ASSERT_TRUE(std::filesystem::exists(file("metadata.json")));
    const auto meta = read_json(file("metadata.json")).at("timemory").at("metadata");
    EXPECT_EQ(meta.at("settings").at("TIMEMORY_TAG").at("value"), "prog\xef\xbf\xbd");  // U+FFFD
    bool found = false;
    for (const auto& e : meta.at("environment")) {
        found = found || e.get<std::string>() == "TIMEMORY_OUTPUT_TEST_LATIN1=caf\xef\xbf\xbd";
    }
    EXPECT_TRUE(found) << meta.at("environment");
}

}  // namespace
