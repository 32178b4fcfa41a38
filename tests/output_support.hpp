// Shared by the test_output_*.cpp files (one per output format): the test components, a region
// that records known values, readers for what the writers produced, the standard tree most tests
// record, and the Outputs fixture. Every value is recorded through the real graph API with known
// numbers, so assertions are exact.
//
// The fixture is one class for the whole Outputs suite (GoogleTest requires that of a suite
// spread over several files), so it lives at global scope; the helpers are in output_test.
#pragma once

#include "timemory/core/graph.hpp"
#include "timemory/core/output.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace output_test {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- test components (core tests cannot rely on host components) -------------------------------

/// A timer in raw ns with an alias, an output label of its own and integer values.
inline const tim::component_info& test_timer() {
    static const auto& info = tim::test::add_component(
        "output_test_timer", "Timer for output tests", [](tim::component_info& c) {
            c.aliases = {"output_test_clock"};
            c.label = "test_timer";
            c.units = tim::unit_kind::timing;
            c.integer_values = true;
        });
    return info;
}

/// A component with its own output label and units, and one value per entry of `values` (one
/// when there are none).
inline const tim::component_info& output_component(std::string_view id, std::string_view label,
                                                   std::string_view description,
                                                   tim::unit_kind units, bool integer_values,
                                                   std::vector<tim::value_info> values = {}) {
    return tim::test::add_component(id, description, [&](tim::component_info& c) {
        c.label = label;
        c.units = units;
        c.integer_values = integer_values;
        c.value_count = values.empty() ? 1u : static_cast<unsigned>(values.size());
        c.values = std::move(values);
    });
}

/// Label and description of wall_clock, to compare a table with timemory 3's.
inline const tim::component_info& test_wall() {
    static const auto& info =
        output_component("output_test_wall", "wall", "Real-clock timer (i.e. wall-clock timer)",
                         tim::unit_kind::timing, true);
    return info;
}

inline const tim::component_info& test_memory() {
    static const auto& info =
        output_component("output_test_memory", "test_memory", "Memory for output tests",
                         tim::unit_kind::memory, false);
    return info;
}

inline const tim::component_info& test_pair() {
    static const auto& info =
        output_component("output_test_pair", "test_pair", "Two values for output tests",
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

// The standard tree used by most tests (test_timer, raw ns):
//   main      1 lap  2.5 s
//   |_solve   2 laps 0.5 s + 1.0 s
//     |_inner 1 lap  0.25 s
//   |_io      1 lap  0.3 s
inline void record_standard_tree() {
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

// ---- reading back ------------------------------------------------------------------------------

inline std::string read_file(const fs::path& path) {
    std::ifstream in{path};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline json read_json(const fs::path& path) {
    return json::parse(read_file(path));
}

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// Cells of a table row, trimmed, split where `rule` (the "|----|----|" line under the header)
/// has its '|' separators: labels themselves contain '|' (">>> |_solve").
inline std::vector<std::string> cells_of(const std::string& row, const std::string& rule) {
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

/// A component's section of a JSON output.
inline const json& component_of(const json& doc, std::string_view id) {
    return doc.at("timemory").at(std::string{id});
}

}  // namespace output_test

/// Known output settings whatever the environment says, no results, and a folder of the test's
/// own (removed after it) for write().
class Outputs : public tim::test::results_test {
  protected:
    void SetUp() override {
        auto& s = tim::settings::instance();
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
        results_test::SetUp();
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = std::filesystem::temp_directory_path() /
                ("timemory-outputs-" + std::to_string(::getpid()) + "-" + test->name());
        std::filesystem::remove_all(m_dir);
    }

    void TearDown() override {
        results_test::TearDown();
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }

    std::filesystem::path file(const std::string& name) const { return m_dir / name; }

    /// write_outputs() into the test's folder; what it printed is kept in m_stdout.
    std::vector<tim::written_file> write() {
        ::testing::internal::CaptureStdout();
        auto files = tim::write_outputs(tim::collect_results(), m_dir.string());
        m_stdout = ::testing::internal::GetCapturedStdout();
        return files;
    }

    std::filesystem::path m_dir;
    std::string m_stdout;
};
