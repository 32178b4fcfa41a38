// What the tests in tests/ share: throw-away components registered in a dynamic slot of the
// registry, counters of the lines tim::log writes to stderr, the stderr of a forked child, a
// fixture base that starts each test
// from no results and gives back the settings, a guard for the regions' default component sets,
// and lookups in the merged results.
//
// Everything is inline in namespace tim::test. All test_*.cpp files build one binary, so a
// component registered from a function-local static of an inline function here is registered
// once for all of them.
//
//   const tim::component_info& my_counter() {
//       static const auto& info = tim::test::add_component(
//           "test_mine_counter", "what the test reads", [](tim::component_info& c) {
//               c.sample = [](double* raw) noexcept { raw[0] = this_thread_counter; };
//           });
//       return info;
//   }
#pragma once

#include "timemory/core/region.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"

#include "child_support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tim::test {

// ---- throw-away components ---------------------------------------------------------------------

/// The sample of a component whose values the test records itself: reads nothing.
inline void sample_zero(double* raw) noexcept {
    raw[0] = 0.0;
}

/// Registers a component for a test in the next free dynamic slot and returns its entry: id and
/// label `id`, one raw sample and one value, sampled by sample_zero. `adjust` changes whatever
/// the test needs (sample, measure, finish, sizes, units, ...) before the component is added, so
/// the registry's own checks apply (it throws for a component larger than the sample buffers).
/// Call it once per id, from a function-local static: the registry does not refuse a second
/// component with the same id.
template <typename Adjust>
const component_info& add_component(std::string_view id, std::string_view description,
                                    Adjust&& adjust) {
    component_info info;
    info.index = registry::dynamic_index;
    info.id = id;
    info.label = id;
    info.description = description;
    info.sample = &sample_zero;
    std::forward<Adjust>(adjust)(info);
    return *registry::at(registry::add(std::move(info)));
}

inline const component_info& add_component(std::string_view id, std::string_view description) {
    return add_component(id, description, [](component_info&) {});
}

// ---- what tim::log wrote -----------------------------------------------------------------------

/// Occurrences of `needle` in `text`, overlapping ones included.
inline std::size_t count_of(std::string_view text, std::string_view needle) {
    std::size_t n = 0;
    for (auto p = text.find(needle); p != std::string_view::npos; p = text.find(needle, p + 1)) ++n;
    return n;
}

/// Warnings tim::log wrote into `text` (stderr captured with testing::internal::CaptureStderr).
inline std::size_t count_warnings(std::string_view text) {
    return count_of(text, "[timemory][warning]");
}

/// Runs `body` in a forked child whose stderr goes to a file and returns the lines it wrote. For
/// what is said once per process (first_time, the rate limit of tim::log, finalize): the child
/// has its own, and this process's stay as they were. The child ends with _exit(0) after `body`.
template <typename Body>
std::vector<std::string> stderr_lines_of_child(Body&& body) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("timemory-test-stderr-" + std::to_string(::getpid()) + ".txt");
    const pid_t child = child_test::start_child_with_stderr(path, std::forward<Body>(body));
    int status = 0;
    EXPECT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
    std::vector<std::string> lines;
    std::ifstream in{path};
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::filesystem::remove(path);
    return lines;
}

// ---- results -----------------------------------------------------------------------------------

/// The rows of `info` in the results of every thread, merged by call path.
inline std::vector<component_record> rows_of(const component_info& info) {
    return component_view(collect_results(true), info);
}

/// The row labelled `label`, or nullptr.
inline const component_record* find_row(const std::vector<component_record>& rows,
                                        std::string_view label) {
    const auto it = std::find_if(rows.begin(), rows.end(),
                                 [&](const component_record& r) { return r.label == label; });
    return it == rows.end() ? nullptr : &*it;
}

/// Base of the fixtures that record: each test starts with no results and leaves none, and the
/// settings it changed are put back as the fixture found them.
class results_test : public ::testing::Test {
  protected:
    void SetUp() override { clear_results(); }
    void TearDown() override {
        settings::instance() = m_saved;
        settings::instance().changed();
        clear_results();
    }

    settings m_saved = settings::instance();
};

// ---- regions by name ---------------------------------------------------------------------------

/// "a,b," for a component set: what tim::region::set_default() takes back.
inline std::string ids_of(const std::vector<const component_info*>& set) {
    std::string out;
    for (const auto* c : set) out += std::string{c->id} + ",";
    return out;
}

/// Puts back, when it goes, the default component sets of regions and traces it found.
class region_defaults_guard {
  public:
    region_defaults_guard()
        : m_regions{ids_of(region::default_components())},
          m_traces{ids_of(region::trace_default_components())} {}
    ~region_defaults_guard() {
        if (!m_regions.empty()) region::set_default(m_regions);
        if (!m_traces.empty()) region::set_trace_default(m_traces);
    }
    region_defaults_guard(const region_defaults_guard&) = delete;
    region_defaults_guard& operator=(const region_defaults_guard&) = delete;

  private:
    std::string m_regions;
    std::string m_traces;
};

}  // namespace tim::test
