// What write_outputs() does with files and the console: "Outputting" lines then the table,
// settings choosing formats and a prefix, atomic replacement, an unwritable folder reported once,
// Dart measurements, and nothing written when nothing was recorded.
#include "output_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace output_test;

TEST_F(Outputs, ConsolePrintsOutputtingLinesThenTable) {
    record_standard_tree();
    tim::settings::instance().cout_output = true;
    const auto files = write();
    const std::string& out = m_stdout;
    const std::string dir = m_dir.string();
    const auto lines = lines_of(out);
    ASSERT_GE(lines.size(), 17u) << out;
    EXPECT_EQ(lines[0], "[test_timer]|0> Outputting '" + dir + "/test_timer.flamegraph.json'...");
    EXPECT_EQ(lines[1], "[test_timer]|0> Outputting '" + dir + "/test_timer.tree.json'...");
    EXPECT_EQ(lines[2], "[test_timer]|0> Outputting '" + dir + "/test_timer.json'...");
    EXPECT_EQ(lines[3], "[test_timer]|0> Outputting '" + dir + "/test_timer.txt'...");
    EXPECT_EQ(lines[4], "");
    EXPECT_EQ(lines[5].front(), '|');
    EXPECT_EQ(lines[14].front(), '|');  // 10 table lines
    EXPECT_EQ(lines[15], "");
    EXPECT_EQ(lines[16], "[metadata]|0> Outputting '" + dir + "/metadata.json'...");

    ASSERT_EQ(files.size(), 5u);
    EXPECT_EQ(files[0].kind, "flamegraph");
    EXPECT_EQ(files[3].kind, "text");
    EXPECT_EQ(files[3].label, "test_timer");
    EXPECT_EQ(files[4].kind, "metadata");
    EXPECT_EQ(read_file(file("test_timer.txt")),
              tim::format_text(tim::collect_results(), test_timer()));
}

TEST_F(Outputs, SettingsSelectFormatsAndPrefix) {
    record_standard_tree();
    auto& s = tim::settings::instance();
    s.output_prefix = "run1-";
    s.json_output = false;
    s.flamegraph_output = false;
    const auto files = write();
    EXPECT_TRUE(fs::exists(file("run1-test_timer.tree.json")));
    EXPECT_TRUE(fs::exists(file("run1-test_timer.txt")));
    EXPECT_TRUE(fs::exists(file("run1-metadata.json")));
    EXPECT_FALSE(fs::exists(file("run1-test_timer.json")));
    EXPECT_FALSE(fs::exists(file("run1-test_timer.flamegraph.json")));
    EXPECT_EQ(files.size(), 3u);

    tim::clear_results();
    fs::remove_all(m_dir);
    record_standard_tree();
    s.file_output = false;
    EXPECT_TRUE(write().empty());
    EXPECT_FALSE(fs::exists(m_dir));
}

TEST_F(Outputs, CtestNotesListsEveryTextReportForCdash) {
    record_standard_tree();
    {
        output_test::region r{"alloc"};
        r.record(test_pair(), {1.5e6, 4.0e6});
    }
    auto& s = tim::settings::instance();
    s.ctest_notes = true;
    s.output_prefix = "run-";
    const auto files = write();
    EXPECT_EQ(read_file(file("run-CTestNotes.txt")),
              "list(APPEND CTEST_NOTES_FILES \"" + file("run-test_pair.txt").string() + "\")\n" +
                  "list(APPEND CTEST_NOTES_FILES \"" + file("run-test_timer.txt").string() +
                  "\")\n");
    ASSERT_FALSE(files.empty());
    EXPECT_EQ(files.back().kind, "ctest_notes");

    s.ctest_notes = false;
    fs::remove_all(m_dir);
    write();
    EXPECT_FALSE(fs::exists(file("run-CTestNotes.txt")));
}

TEST_F(Outputs, AtomicWritesLeaveNoTemporaryFiles) {
    record_standard_tree();
    fs::create_directories(m_dir);
    std::ofstream{file("test_timer.json")} << "stale";  // replaced whole, not appended to
    write();
    write();
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator{m_dir}) {
        ++count;
        EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos)
            << entry.path();
    }
    EXPECT_EQ(count, 6u);  // 4 result files, metadata.json, .timemory-owner.json
    EXPECT_TRUE(fs::exists(file(".timemory-owner.json")));
    EXPECT_NO_THROW(read_json(file("test_timer.json")));
}

TEST_F(Outputs, UnwritableDirectoryReportsOnceAndPrintsTable) {
    record_standard_tree();
    fs::create_directories(m_dir);
    std::ofstream{file("not-a-directory")} << "x";
    const std::string bad = (m_dir / "not-a-directory" / "out").string();
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    std::vector<tim::written_file> files;
    EXPECT_NO_THROW(files = tim::write_outputs(tim::collect_results(), bad));
    const std::string err = ::testing::internal::GetCapturedStderr();
    const std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_TRUE(files.empty());
    EXPECT_NE(err.find("'" + bad + "'"), std::string::npos) << err;
    EXPECT_NE(err.find("Not a directory"), std::string::npos) << err;
    EXPECT_NE(err.find("[timemory][error]"), std::string::npos) << err;
    EXPECT_EQ(err.find("[timemory]"), err.rfind("[timemory]")) << "one message only: " << err;
    // cout_output is off, but the report still reaches the console.
    EXPECT_NE(out.find("TIMER FOR OUTPUT TESTS"), std::string::npos) << out;
    EXPECT_EQ(out.find("Outputting"), std::string::npos) << out;
}

TEST_F(Outputs, DartTagsForFirstRows) {
    record_standard_tree();
    auto& s = tim::settings::instance();
    s.dart_output = true;
    s.dart_count = 2;
    const auto dart = tim::format_dart(tim::collect_results(), test_timer());
    EXPECT_EQ(dart,
              "<DartMeasurement name=\"test_timer//main\" type=\"numeric/double\">2.500"
              "</DartMeasurement>\n"
              "<DartMeasurement name=\"test_timer//solve\" type=\"numeric/double\">1.500"
              "</DartMeasurement>\n");
    s.dart_type = "something_else";
    EXPECT_EQ(tim::format_dart(tim::collect_results(), test_timer()), "");
}

TEST_F(Outputs, NothingRecordedWritesNothing) {
    EXPECT_TRUE(write().empty());
    EXPECT_FALSE(fs::exists(m_dir));
}

}  // namespace
