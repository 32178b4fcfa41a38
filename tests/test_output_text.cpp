// The text table (<label>.txt and the console report): timemory 3's layout byte for byte, rows
// that parse back to the recorded values, units and max_depth, multi-valued components.
#include "output_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace output_test;

// The wall table of timemory 3's profiler example, recorded with values that round to its numbers.
TEST_F(Outputs, TextTableReproducesSeedTable) {
    const auto& w = test_wall();
    auto laps = [&](const region& r, double total_sec, int count) {
        for (int i = 0; i < count; ++i) r.record(w, total_sec * 1e9 / count);
    };
    {
        region profile{"profile_func/doc-profiler.py:15"};
        laps(profile, 1.61449, 1);
        region eval{"eval_func/doc-profiler.py:9"};
        laps(eval, 0.69655, 4994);
        region mean{"_mean/_methods.py:134"};
        laps(mean, 0.425, 4994);
        {
            region count{"_count_reduce_items/_methods.py:50"};
            laps(count, 0.084, 4994);
            region recursive{"_count_reduce_items/_methods.py:50"};
            laps(recursive, 0.020, 4994);
        }
        region inner_mean{"_mean/_methods.py:134"};
        laps(inner_mean, 0.122, 24970);
    }
    // The raw string starts after a newline so every table line starts in column 1.
    const std::string expected = std::string{R"(
|------------------------------------------------------------------------------------------------------------------------------------------|
|                                                 REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)                                                 |
|------------------------------------------------------------------------------------------------------------------------------------------|
|                     LABEL                      | COUNT  | DEPTH  | METRIC | UNITS  |  SUM   | MEAN   |  MIN   |  MAX   | STDDEV | % SELF |
|------------------------------------------------|--------|--------|--------|--------|--------|--------|--------|--------|--------|--------|
| >>> profile_func/doc-profiler.py:15            |      1 |      0 | wall   | sec    |  1.614 |  1.614 |  1.614 |  1.614 |  0.000 |   56.9 |
| >>> |_eval_func/doc-profiler.py:9              |   4994 |      1 | wall   | sec    |  0.697 |  0.000 |  0.000 |  0.000 |  0.000 |   39.0 |
| >>>   |__mean/_methods.py:134                  |   4994 |      2 | wall   | sec    |  0.425 |  0.000 |  0.000 |  0.000 |  0.000 |   51.5 |
| >>>     |__count_reduce_items/_methods.py:50   |   4994 |      3 | wall   | sec    |  0.084 |  0.000 |  0.000 |  0.000 |  0.000 |   76.2 |
| >>>       |__count_reduce_items/_methods.py:50 |   4994 |      4 | wall   | sec    |  0.020 |  0.000 |  0.000 |  0.000 |  0.000 |  100.0 |
| >>>     |__mean/_methods.py:134                |  24970 |      3 | wall   | sec    |  0.122 |  0.000 |  0.000 |  0.000 |  0.000 |  100.0 |
|------------------------------------------------------------------------------------------------------------------------------------------|
)"}
                                     .substr(1);
    EXPECT_EQ(tim::format_text(tim::collect_results(), w), expected);
}

TEST_F(Outputs, TextRowsParseBackToRecordedValues) {
    record_standard_tree();
    const auto text = tim::format_text(tim::collect_results(), test_timer());
    const auto lines = lines_of(text);
    ASSERT_EQ(lines.size(), 10u) << text;  // 3 banner + header + rule + 4 rows + rule
    for (const auto& line : lines) EXPECT_EQ(line.size(), lines.front().size()) << line;
    EXPECT_EQ(cells_of(lines[3], lines[4]),
              (std::vector<std::string>{"LABEL", "COUNT", "DEPTH", "METRIC", "UNITS", "SUM", "MEAN",
                                        "MIN", "MAX", "STDDEV", "% SELF"}));
    EXPECT_EQ(cells_of(lines[1], lines[0]), (std::vector<std::string>{"TIMER FOR OUTPUT TESTS"}));
    EXPECT_EQ(cells_of(lines[5], lines[4]),
              (std::vector<std::string>{">>> main", "1", "0", "test_timer", "sec", "2.500", "2.500",
                                        "2.500", "2.500", "0.000", "28.0"}));
    // solve: laps 0.5 s and 1.0 s -> mean 0.75, sample stddev 0.354; self = 1.25 / 1.5.
    EXPECT_EQ(cells_of(lines[6], lines[4]),
              (std::vector<std::string>{">>> |_solve", "2", "1", "test_timer", "sec", "1.500",
                                        "0.750", "0.500", "1.000", "0.354", "83.3"}));
    EXPECT_EQ(cells_of(lines[7], lines[4])[0], ">>>   |_inner");
    EXPECT_EQ(cells_of(lines[7], lines[4])[10], "100.0");
    EXPECT_EQ(cells_of(lines[8], lines[4])[0], ">>> |_io");
}

TEST_F(Outputs, TextHonoursTimingUnitsAndMaxDepth) {
    record_standard_tree();
    auto& s = tim::settings::instance();
    s.timing_units = "msec";
    s.max_depth = 1;  // top level only, as the graph counts levels
    const auto lines = lines_of(tim::format_text(tim::collect_results(), test_timer()));
    ASSERT_EQ(lines.size(), 7u);
    const auto row = cells_of(lines[5], lines[4]);
    EXPECT_EQ(row[4], "msec");
    EXPECT_EQ(row[5], "2500.000");
    s.max_depth = 0;
    EXPECT_EQ(tim::format_text(tim::collect_results(), test_timer()), "");
}

TEST_F(Outputs, TextOfComponentWithoutDataIsEmpty) {
    record_standard_tree();
    EXPECT_EQ(tim::format_text(tim::collect_results(), test_memory()), "");
}

TEST_F(Outputs, MultiValuedTextRepeatsValueColumns) {
    {
        region r{"alloc"};
        r.record(test_pair(), {1.5e6, 4.0e6});
    }
    const auto lines = lines_of(tim::format_text(tim::collect_results(), test_pair()));
    ASSERT_EQ(lines.size(), 7u);
    const auto header = cells_of(lines[3], lines[4]);
    ASSERT_EQ(header.size(), 3u + 2u * 8u);
    EXPECT_EQ(header[3], "METRIC");
    EXPECT_EQ(header[11], "METRIC");
    const auto row = cells_of(lines[5], lines[4]);
    EXPECT_EQ(row[3], "start_mem");
    EXPECT_EQ(row[4], "MB");
    EXPECT_EQ(row[5], "1.500");
    EXPECT_EQ(row[11], "stop_mem");
    EXPECT_EQ(row[13], "4.000");
}

// A newline, tab, carriage return or terminal escape in a label would split a row of the file or
// recolour the console: each is written as a C escape, and every row keeps the table's width.
TEST_F(Outputs, ControlCharactersInLabelsAreEscapedSoEachRowIsOneLine) {
    const auto& w = test_wall();
    {
        region outer{"a\nb"};
        outer.record(w, 1e9);
        region tab{"col\tumn"};
        tab.record(w, 2e9);
    }
    for (const char* label : {"\x1b[31mred\x1b[0m", "back\rspace",
                              "c1\xc2\x9b"
                              "2J"}) {
        region r{label};
        r.record(w, 3e9);
    }
    auto& s = tim::settings::instance();
    s.cout_output = true;  // the console gets the same table
    s.changed();
    write();
    const std::string text = output_test::read_file(file("wall.txt"));
    EXPECT_NE(m_stdout.find("\n" + text + "\n"), std::string::npos) << m_stdout;
    const auto lines = lines_of(text);
    ASSERT_EQ(lines.size(), 3u + 2u + 5u + 1u) << text;  // banner, header + rule, rows, rule
    for (const auto& line : lines) {
        EXPECT_EQ(line.size(), lines.front().size()) << line;
        EXPECT_EQ(line.front(), '|') << line;
        EXPECT_EQ(line.back(), '|') << line;
        for (char c : line) EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) << line;
    }
    std::vector<std::string> labels;
    for (std::size_t i = 5; i < 10; ++i) {
        const auto row = cells_of(lines[i], lines[4]);
        ASSERT_EQ(row.size(), 11u) << lines[i];
        labels.push_back(row[0]);
        EXPECT_EQ(row[3], "wall") << lines[i];
    }
    EXPECT_EQ(labels,
              (std::vector<std::string>{">>> a\\nb", ">>> |_col\\tumn", ">>> \\x1b[31mred\\x1b[0m",
                                        ">>> back\\rspace", ">>> c1\\u009b2J"}));
}

}  // namespace
