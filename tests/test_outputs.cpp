// Output writers: units, the text table (the seed's layout, byte for byte), flat and tree JSON
// (read back, hatchet conventions), trace-event flamegraphs, metadata.json, console lines, atomic
// writes and unwritable directories. Every value is recorded through the real graph API with
// known numbers, so assertions are exact.
#include "timemory/core/graph.hpp"
#include "timemory/core/output.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/core/units.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- test components (registered once; core tests cannot rely on host components) -------------

/// Find the component by id, or register it in a dynamic slot.
const tim::component_info& register_once(std::string_view id, std::string_view label,
                                         std::string_view description, tim::unit_kind units,
                                         bool integer_values,
                                         std::vector<tim::value_info> values = {}) {
    if (const auto* found = tim::registry::find(id)) return *found;
    tim::component_info info;
    info.index = tim::registry::dynamic_index;
    info.id = id;
    info.label = label;
    info.description = description;
    info.units = units;
    info.integer_values = integer_values;
    info.value_count = values.empty() ? 1u : static_cast<unsigned>(values.size());
    info.values = std::move(values);
    return *tim::registry::at(tim::registry::add(std::move(info)));
}

const tim::component_info& test_timer() {
    static const auto& info = []() -> const tim::component_info& {
        if (const auto* found = tim::registry::find("output_test_timer")) return *found;
        tim::component_info timer;
        timer.index = tim::registry::dynamic_index;
        timer.id = "output_test_timer";
        timer.aliases = {"output_test_clock"};
        timer.label = "test_timer";
        timer.description = "Timer for output tests";
        timer.units = tim::unit_kind::timing;
        timer.integer_values = true;
        return *tim::registry::at(tim::registry::add(std::move(timer)));
    }();
    return info;
}

// Label and description of wall_clock, to compare a table with the seed's.
const tim::component_info& test_wall() {
    static const auto& info =
        register_once("output_test_wall", "wall", "Real-clock timer (i.e. wall-clock timer)",
                      tim::unit_kind::timing, true);
    return info;
}

const tim::component_info& test_memory() {
    static const auto& info =
        register_once("output_test_memory", "test_memory", "Memory for output tests",
                      tim::unit_kind::memory, false);
    return info;
}

const tim::component_info& test_pair() {
    static const auto& info =
        register_once("output_test_pair", "test_pair", "Two values for output tests",
                      tim::unit_kind::memory, false,
                      {{"start_mem", "memory at start", tim::unit_kind::memory},
                       {"stop_mem", "memory at stop", tim::unit_kind::memory}});
    return info;
}

// ---- recording helpers -------------------------------------------------------------------------

/// An open region on this thread's graph; records known values, pops on destruction.
class region {
  public:
    explicit region(std::string_view label)
        : m_graph{tim::this_thread_graph()}, m_node{m_graph.push(tim::add_label(label))} {}
    ~region() { m_graph.pop(m_node); }
    region(const region&) = delete;
    region& operator=(const region&) = delete;

    const region& record(const tim::component_info& info, double value) const {
        m_graph.record(m_node, info.index, &value, 1);
        return *this;
    }
    const region& record(const tim::component_info& info, std::vector<double> values) const {
        m_graph.record(m_node, info.index, values.data(), static_cast<unsigned>(values.size()));
        return *this;
    }

  private:
    tim::thread_graph& m_graph;
    std::uint32_t m_node;
};

std::string read_file(const fs::path& path) {
    std::ifstream in{path};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

json read_json(const fs::path& path) {
    return json::parse(read_file(path));
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// Cells of a table row, trimmed, split where `rule` (the "|----|----|" line under the header)
/// has its '|' separators: labels themselves contain '|' (">>> |_solve").
std::vector<std::string> cells_of(const std::string& row, const std::string& rule) {
    std::vector<std::string> cells;
    std::size_t begin = 1;
    for (std::size_t i = 1; i < rule.size() && i < row.size(); ++i) {
        if (rule[i] != '|') continue;
        const std::string cell = row.substr(begin, i - begin);
        const auto b = cell.find_first_not_of(' ');
        const auto e = cell.find_last_not_of(' ');
        cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
        begin = i + 1;
    }
    return cells;
}

// The standard tree used by most tests (test_timer, raw ns):
//   main      1 lap  2.5 s
//   |_solve   2 laps 0.5 s + 1.0 s
//     |_inner 1 lap  0.25 s
//   |_io      1 lap  0.3 s
void record_standard_tree() {
    const auto& t = test_timer();
    region main{"main"};
    main.record(t, 2.5e9);
    {
        region solve{"solve"};
        solve.record(t, 0.5e9);
    }
    {
        region solve{"solve"};
        solve.record(t, 1.0e9);
        region inner{"inner"};
        inner.record(t, 0.25e9);
    }
    region io{"io"};
    io.record(t, 0.3e9);
}

// ---- fixture -----------------------------------------------------------------------------------

class Outputs : public ::testing::Test {
  protected:
    void SetUp() override {
        m_saved = tim::settings::instance();
        auto& s = tim::settings::instance();
        // Known output settings whatever the environment says.
        s.cout_output = false;
        s.file_output = true;
        s.text_output = true;
        s.json_output = true;
        s.tree_output = true;
        s.flamegraph_output = true;
        s.dart_output = false;
        s.dart_count = 1;
        s.dart_type.clear();
        s.output_prefix.clear();
        s.timing_units.clear();
        s.memory_units.clear();
        s.precision = s.width = s.timing_precision = s.timing_width = -1;
        s.memory_precision = s.memory_width = -1;
        s.scientific = s.timing_scientific = s.memory_scientific = false;
        s.max_depth = 65535;
        s.max_width = 120;
        s.separator_frequency = 0;
        s.collapse_threads = true;
        s.timeline_profile = false;
        s.flat_profile = false;
        s.changed();
        tim::clear_results();
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::temp_directory_path() /
                ("timemory-outputs-" + std::to_string(::getpid()) + "-" + test->name());
        fs::remove_all(m_dir);
    }

    void TearDown() override {
        tim::clear_results();
        tim::settings::instance() = m_saved;
        tim::settings::instance().changed();
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    fs::path file(const std::string& name) const { return m_dir / name; }

    /// write_outputs() into the test's folder; what it printed is kept in m_stdout.
    std::vector<tim::written_file> write() {
        ::testing::internal::CaptureStdout();
        auto files = tim::write_outputs(tim::collect_results(), m_dir.string());
        m_stdout = ::testing::internal::GetCapturedStdout();
        return files;
    }

    tim::settings m_saved;
    fs::path m_dir;
    std::string m_stdout;
};

const json& component_of(const json& doc, std::string_view id) {
    return doc.at("timemory").at(std::string{id});
}

// ---- units -------------------------------------------------------------------------------------

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

// ---- text table --------------------------------------------------------------------------------

// The wall table of the seed's profiler example, recorded with values that round to its numbers.
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
)"}.substr(1);
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

// ---- flat JSON ---------------------------------------------------------------------------------

TEST_F(Outputs, FlatJsonCarriesRawAndDisplayValues) {
    record_standard_tree();
    write();
    const auto doc = read_json(file("test_timer.json"));
    const auto& c = component_of(doc, "output_test_timer");
    EXPECT_EQ(c["properties"]["id"], "output_test_timer");
    EXPECT_EQ(c["properties"]["enum"], "OUTPUT_TEST_TIMER");
    EXPECT_EQ(c["properties"]["value"], test_timer().index);
    EXPECT_EQ(c["properties"]["ids"], json::array({"output_test_clock", "output_test_timer"}));
    EXPECT_EQ(c["type"], "test_timer");
    EXPECT_EQ(c["description"], "Timer for output tests");
    EXPECT_EQ(c["unit_value"], 1000000000);
    EXPECT_EQ(c["unit_repr"], "sec");
    EXPECT_EQ(c["thread_count"], 1);
    EXPECT_EQ(c["mpi_size"], 1);
    EXPECT_EQ(c["num_ranks"], 1);

    const auto& rank = c["ranks"].at(0);
    EXPECT_EQ(rank["rank"], 0);
    EXPECT_EQ(rank["graph_size"], 4);
    const auto& graph = rank["graph"];
    ASSERT_EQ(graph.size(), 4u);
    EXPECT_EQ(graph[0]["prefix"], ">>> main");
    EXPECT_EQ(graph[1]["prefix"], ">>> |_solve");
    EXPECT_EQ(graph[2]["prefix"], ">>>   |_inner");
    EXPECT_EQ(graph[3]["prefix"], ">>> |_io");
    EXPECT_EQ(graph[2]["depth"], 2);

    const auto& solve = graph[1];
    EXPECT_TRUE(solve["entry"]["value"].is_number_integer());
    EXPECT_EQ(solve["entry"]["laps"], 2);
    EXPECT_EQ(solve["entry"]["value"].get<std::int64_t>(), 1500000000);
    EXPECT_EQ(solve["entry"]["accum"].get<std::int64_t>(), 1500000000);
    EXPECT_DOUBLE_EQ(solve["entry"]["repr_data"].get<double>(), 1.5);
    EXPECT_DOUBLE_EQ(solve["stats"]["sum"].get<double>(), 1.5);
    EXPECT_EQ(solve["stats"]["count"], 2);
    EXPECT_DOUBLE_EQ(solve["stats"]["min"].get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(solve["stats"]["max"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(solve["stats"]["sqr"].get<double>(), 1.25);
    EXPECT_DOUBLE_EQ(solve["stats"]["mean"].get<double>(), 0.75);
    EXPECT_NEAR(solve["stats"]["stddev"].get<double>(), std::sqrt(0.125), 1e-12);
}

TEST_F(Outputs, FlatJsonHashesAreUnsignedAndRollingHashWraps) {
    record_standard_tree();
    const auto doc = json::parse(tim::format_flat_json(tim::collect_results(), {&test_timer()}));
    const auto& graph = component_of(doc, "output_test_timer")["ranks"][0]["graph"];
    const std::uint64_t main = tim::hash_label("main");
    const std::uint64_t solve = tim::hash_label("solve");
    const std::uint64_t inner = tim::hash_label("inner");
    EXPECT_TRUE(graph[0]["hash"].is_number_unsigned());
    EXPECT_EQ(graph[0]["hash"].get<std::uint64_t>(), main);
    EXPECT_EQ(graph[0]["rolling_hash"].get<std::uint64_t>(), main);
    EXPECT_EQ(graph[1]["rolling_hash"].get<std::uint64_t>(), main + solve);  // mod 2^64
    EXPECT_EQ(graph[2]["rolling_hash"].get<std::uint64_t>(), main + solve + inner);
}

TEST_F(Outputs, TimingUnitsScaleJsonValues) {
    record_standard_tree();
    tim::settings::instance().timing_units = "msec";
    write();
    const auto doc = read_json(file("test_timer.json"));
    const auto& c = component_of(doc, "output_test_timer");
    EXPECT_EQ(c["unit_value"], 1000000);
    EXPECT_EQ(c["unit_repr"], "msec");
    const auto& main = c["ranks"][0]["graph"][0];
    EXPECT_EQ(main["entry"]["value"].get<std::int64_t>(), 2500000000);  // raw stays raw
    EXPECT_DOUBLE_EQ(main["entry"]["repr_data"].get<double>(), 2500.0);
    EXPECT_DOUBLE_EQ(main["stats"]["sum"].get<double>(), 2500.0);
    EXPECT_DOUBLE_EQ(main["stats"]["sqr"].get<double>(), 2500.0 * 2500.0);
}

TEST_F(Outputs, MultiValuedJsonUsesLists) {
    {
        region r{"alloc"};
        r.record(test_pair(), {1.5e6, 4.0e6});
    }
    tim::settings::instance().memory_units = "KB";
    const auto doc = json::parse(tim::format_flat_json(tim::collect_results(), {&test_pair()}));
    const auto& c = component_of(doc, "output_test_pair");
    EXPECT_EQ(c["type"], json::array({"start_mem", "stop_mem"}));
    EXPECT_EQ(c["unit_repr"], json::array({"KB", "KB"}));
    EXPECT_EQ(c["unit_value"], json::array({1000, 1000}));
    const auto& row = c["ranks"][0]["graph"][0];
    EXPECT_EQ(row["entry"]["repr_data"], json::array({1500.0, 4000.0}));
    EXPECT_EQ(row["stats"]["max"], json::array({1500.0, 4000.0}));
}

// ---- tree JSON ---------------------------------------------------------------------------------

TEST_F(Outputs, TreeJsonNestsChildrenUnderHiddenRoot) {
    record_standard_tree();
    write();
    const auto doc = read_json(file("test_timer.tree.json"));
    const auto& c = component_of(doc, "output_test_timer");
    EXPECT_EQ(c["unit_repr"], "sec");
    // timemory's MPI key even for one thread of one rank: hatchet reads multi-thread data only
    // there, and every file keeps the same layout.
    EXPECT_FALSE(c.contains("graph"));
    ASSERT_EQ(c["mpi"].size(), 1u);     // one rank
    ASSERT_EQ(c["mpi"][0].size(), 1u);  // one root tree
    const auto& root = c["mpi"][0][0];
    EXPECT_EQ(root["node"]["hash"], 0);
    EXPECT_EQ(root["node"]["prefix"], "unknown-hash=0");
    EXPECT_EQ(root["node"]["depth"], 0);
    EXPECT_EQ(root["node"]["is_dummy"], true);
    EXPECT_EQ(root["node"]["tid"], json::array({0}));
    EXPECT_EQ(root["node"]["pid"], json::array({::getpid()}));
    // Root: inclusive = the top level, exclusive = 0 (never negative).
    EXPECT_DOUBLE_EQ(root["node"]["inclusive"]["stats"]["sum"].get<double>(), 2.5);
    EXPECT_DOUBLE_EQ(root["node"]["exclusive"]["stats"]["sum"].get<double>(), 0.0);

    ASSERT_EQ(root["children"].size(), 1u);
    const auto& main = root["children"][0];
    EXPECT_EQ(main["node"]["prefix"], "main");  // undecorated
    EXPECT_EQ(main["node"]["depth"], 1);
    EXPECT_EQ(main["node"]["is_dummy"], false);
    EXPECT_EQ(main["node"]["hash"].get<std::uint64_t>(), tim::hash_label("main"));
    ASSERT_EQ(main["children"].size(), 2u);
    const auto& solve = main["children"][0];
    const auto& io = main["children"][1];
    EXPECT_EQ(solve["node"]["prefix"], "solve");
    EXPECT_EQ(io["node"]["prefix"], "io");
    ASSERT_EQ(solve["children"].size(), 1u);
    EXPECT_EQ(solve["children"][0]["node"]["prefix"], "inner");
    EXPECT_EQ(solve["children"][0]["node"]["depth"], 3);
    EXPECT_TRUE(io["children"].empty());

    // Exclusive = inclusive - children's inclusive: main 2.5 - 1.5 - 0.3, solve 1.5 - 0.25.
    EXPECT_NEAR(main["node"]["exclusive"]["stats"]["sum"].get<double>(), 0.7, 1e-12);
    EXPECT_NEAR(solve["node"]["exclusive"]["stats"]["sum"].get<double>(), 1.25, 1e-12);
    EXPECT_EQ(solve["node"]["exclusive"]["entry"]["value"].get<std::int64_t>(), 1250000000);
    EXPECT_EQ(solve["node"]["exclusive"]["stats"]["count"], 2);
    EXPECT_DOUBLE_EQ(solve["node"]["exclusive"]["stats"]["mean"].get<double>(), 0.625);
    EXPECT_DOUBLE_EQ(solve["node"]["exclusive"]["stats"]["stddev"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(solve["node"]["inclusive"]["stats"]["sum"].get<double>(), 1.5);
    EXPECT_EQ(solve["node"]["inclusive"]["entry"]["laps"], 2);
}

TEST_F(Outputs, TreeJsonInclusiveAndExclusiveStatsShareKeys) {
    record_standard_tree();
    const auto doc = json::parse(tim::format_tree_json(tim::collect_results(), {&test_timer()}));
    std::vector<const json*> stack{&component_of(doc, "output_test_timer")["mpi"][0][0]};
    std::size_t visited = 0;
    while (!stack.empty()) {
        const json& n = *stack.back();
        stack.pop_back();
        ++visited;
        std::vector<std::string> inc_keys;
        std::vector<std::string> exc_keys;
        for (const auto& [k, v] : n["node"]["inclusive"]["stats"].items()) inc_keys.push_back(k);
        for (const auto& [k, v] : n["node"]["exclusive"]["stats"].items()) exc_keys.push_back(k);
        EXPECT_EQ(inc_keys, exc_keys);
        EXPECT_EQ(inc_keys, (std::vector<std::string>{"count", "max", "mean", "min", "sqr",
                                                      "stddev", "sum"}));
        EXPECT_GE(n["node"]["exclusive"]["stats"]["sum"].get<double>(), 0.0);
        for (const auto& child : n["children"]) stack.push_back(&child);
    }
    EXPECT_EQ(visited, 5u);  // root + 4 regions
}

TEST_F(Outputs, ExclusiveNeverNegativeWhenChildrenExceedParent) {
    {
        region parent{"launch"};
        parent.record(test_timer(), 1.0e9);
        region child{"async_work"};  // e.g. device work outliving the host region
        child.record(test_timer(), 3.0e9);
    }
    const auto doc = json::parse(tim::format_tree_json(tim::collect_results(), {&test_timer()}));
    const auto& launch = component_of(doc, "output_test_timer")["mpi"][0][0]["children"][0];
    EXPECT_DOUBLE_EQ(launch["node"]["exclusive"]["stats"]["sum"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(launch["node"]["inclusive"]["stats"]["sum"].get<double>(), 1.0);
}

TEST_F(Outputs, TreeJsonMergesThreads) {
    {
        region r{"main"};
        r.record(test_timer(), 1.0e9);
    }
    std::thread worker{[] {
        region r{"main"};
        r.record(test_timer(), 2.0e9);
    }};
    worker.join();
    const auto doc = json::parse(tim::format_tree_json(tim::collect_results(), {&test_timer()}));
    const auto& c = component_of(doc, "output_test_timer");
    EXPECT_EQ(c["thread_count"], 2);
    const auto& main = c["mpi"][0][0]["children"][0]["node"];
    EXPECT_EQ(main["tid"].size(), 2u);
    EXPECT_EQ(main["inclusive"]["entry"]["laps"], 2);
    EXPECT_DOUBLE_EQ(main["inclusive"]["stats"]["sum"].get<double>(), 3.0);
}

TEST_F(Outputs, PerComponentWritersTakeRowsPerRank) {
    record_standard_tree();
    const auto& t = test_timer();
    const auto tree = tim::collect_results();
    // One rank of component_view's rows: the very text the files get.
    tim::rank_views one(1);
    one[0] = tim::component_view(tree, t);
    EXPECT_EQ(tim::format_flat_json(t, one), tim::format_flat_json(tree, {&t}));
    EXPECT_EQ(tim::format_tree_json(t, one), tim::format_tree_json(tree, {&t}));

    // A second rank whose rows ran on thread 7: one entry per rank, counts over all ranks.
    tim::rank_views two{one[0], one[0]};
    for (auto& row : two[1]) row.tids = {7};
    const auto flat = component_of(json::parse(tim::format_flat_json(t, two)), t.id);
    ASSERT_EQ(flat["ranks"].size(), 2u);
    EXPECT_EQ(flat["ranks"][1]["rank"], 1);
    EXPECT_EQ(flat["ranks"][1]["graph"], flat["ranks"][0]["graph"]);
    EXPECT_EQ(flat["thread_count"], 2);
    const auto hier = component_of(json::parse(tim::format_tree_json(t, two)), t.id);
    ASSERT_EQ(hier["mpi"].size(), 2u);
    EXPECT_EQ(hier["mpi"][1][0]["children"][0]["node"]["tid"], json::array({7}));
    EXPECT_EQ(hier["mpi"][1][0]["node"]["inclusive"], hier["mpi"][0][0]["node"]["inclusive"]);

    // No rows: the component is still written, with an empty graph.
    const auto empty =
        component_of(json::parse(tim::format_flat_json(t, tim::rank_views(1))), t.id);
    EXPECT_EQ(empty["ranks"][0]["graph_size"], 0);
    EXPECT_EQ(empty["thread_count"], 1);
}

// ---- flamegraph --------------------------------------------------------------------------------

TEST_F(Outputs, FlamegraphDurationsAreMicroseconds) {
    record_standard_tree();
    tim::settings::instance().timing_units = "msec";  // must not change trace units
    write();
    const auto doc = read_json(file("test_timer.flamegraph.json"));
    EXPECT_EQ(doc["displayTimeUnit"], "ms");
    std::map<std::string, json> events;
    std::size_t metadata = 0;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] == "M") {
            ++metadata;
            continue;
        }
        EXPECT_EQ(e["ph"], "X");
        EXPECT_EQ(e["cat"], "test_timer");
        EXPECT_EQ(e["pid"], ::getpid());
        events[e["name"].get<std::string>()] = e;
    }
    EXPECT_EQ(metadata, 2u);  // process_name + thread_name
    ASSERT_EQ(events.size(), 4u);
    EXPECT_DOUBLE_EQ(events["main"]["dur"].get<double>(), 2.5e6);
    EXPECT_DOUBLE_EQ(events["solve"]["dur"].get<double>(), 1.5e6);
    EXPECT_DOUBLE_EQ(events["inner"]["dur"].get<double>(), 0.25e6);
    EXPECT_DOUBLE_EQ(events["io"]["dur"].get<double>(), 0.3e6);
    // solve ran twice, so the aggregate layout is used: children start at the parent's start,
    // siblings are laid end to end.
    EXPECT_DOUBLE_EQ(events["main"]["ts"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(events["solve"]["ts"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(events["inner"]["ts"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(events["io"]["ts"].get<double>(), 1.5e6);
    EXPECT_EQ(events["solve"]["args"]["count"], 2);
}

TEST_F(Outputs, FlamegraphTimelineUsesRealStartTimes) {
    {
        region a{"first"};
        a.record(test_timer(), 4.0e6);
        region b{"nested"};
        b.record(test_timer(), 1.0e6);
    }
    {
        region c{"second"};
        c.record(test_timer(), 2.0e6);
    }
    const auto tree = tim::collect_results();
    std::map<std::string, std::int64_t> start_ns;
    std::int64_t origin = INT64_MAX;
    for (const auto& row : tim::component_view(tree, test_timer())) {
        start_ns[row.label] = row.start_ns;
        origin = std::min(origin, row.start_ns);
    }
    const auto doc = json::parse(tim::format_flamegraph_json(tree, test_timer()));
    std::size_t checked = 0;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] != "X") continue;
        const auto name = e["name"].get<std::string>();
        EXPECT_DOUBLE_EQ(e["ts"].get<double>(), static_cast<double>(start_ns[name] - origin) / 1e3)
            << name;
        ++checked;
    }
    EXPECT_EQ(checked, 3u);
}

TEST_F(Outputs, FlamegraphOnlyForTimingComponents) {
    {
        region r{"alloc"};
        r.record(test_memory(), 2.0e6);
    }
    EXPECT_EQ(tim::format_flamegraph_json(tim::collect_results(), test_memory()), "");
    write();
    EXPECT_TRUE(fs::exists(file("test_memory.json")));
    EXPECT_FALSE(fs::exists(file("test_memory.flamegraph.json")));
}

// ---- files, console, metadata ------------------------------------------------------------------

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
    EXPECT_EQ(count, 5u);
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
