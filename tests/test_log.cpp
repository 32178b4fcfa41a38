// tim::log: repeats of one kind of warning are bounded, and finalize says how many were not
// printed. Each case runs in a forked child whose stderr goes to a file, so that the counts of
// this process (shared by every test of the binary) stay untouched and finalize can run.
#include "timemory/core/log.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/settings.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr const char* k_start = "--- the test starts here ---";

/// init() without outputs, and counts of its own: what this process said before the fork (other
/// tests' bad pops) is summarised before k_start and forgotten.
void quiet_init() {
    tim::init(std::vector<std::string>{"/x/test_log"});
    auto& s = tim::settings::instance();
    s.auto_output = false;
    s.changed();
    tim::log::report_suppressed();
    std::fprintf(stderr, "%s\n", k_start);
}

/// What the child wrote to stderr after its first k_start.
template <typename Body>
std::vector<std::string> lines_of_test(Body&& body) {
    auto lines = tim::test::stderr_lines_of_child(std::forward<Body>(body));
    const auto start = std::find(lines.begin(), lines.end(), k_start);
    EXPECT_NE(start, lines.end());
    lines.erase(lines.begin(), start == lines.end() ? start : start + 1);
    return lines;
}

}  // namespace

TEST(Log, HundredThousandBadPopsPrintTenWarningsAndOneSummaryAtFinalize) {
    const auto lines = lines_of_test([] {
        quiet_init();
        for (int i = 0; i < 100000; ++i) tim::region::pop("never-pushed");
        tim::log::warning("a warning of another kind, number ", 1);  // not suppressed
        tim::finalize();
    });
    const std::string pop =
        "[timemory][warning] pop of 'never-pushed' without a matching push; ignored";
    ASSERT_EQ(lines.size(), 13u);
    for (std::size_t i = 0; i < tim::log::repeat_limit; ++i) EXPECT_EQ(lines[i], pop) << i;
    EXPECT_EQ(lines[10],
              "[timemory][warning] further warnings like 'pop of '...' without a matching push; "
              "ignored' are counted, not printed; the count is given at finalize");
    EXPECT_EQ(lines[11], "[timemory][warning] a warning of another kind, number 1");
    EXPECT_EQ(lines[12],
              "[timemory][warning] 99,990 more warnings like 'pop of '...' without a matching "
              "push; ignored' were suppressed");
}

TEST(Log, AKindIsItsTemplateAndEachCollectionPrintsItsOwnTen) {
    const auto lines = lines_of_test([] {
        quiet_init();
        for (int i = 0; i < 12; ++i) tim::log::warning("value ", i, " is bad");
        for (int i = 0; i < 11; ++i) tim::log::warning("value ", i, " is odd");
        tim::finalize();
        tim::finalize();  // nothing suppressed since: no second summary
        quiet_init();     // summarises nothing: finalize did
        for (int i = 0; i < 11; ++i) tim::log::warning("value ", i, " is bad");  // ten again
        tim::finalize();
    });
    ASSERT_EQ(lines.size(), 10u + 1u + 10u + 1u + 2u + 1u + 10u + 1u + 1u);
    EXPECT_EQ(lines[0], "[timemory][warning] value 0 is bad");
    EXPECT_EQ(lines[9], "[timemory][warning] value 9 is bad");
    EXPECT_EQ(lines[10],
              "[timemory][warning] further warnings like 'value ... is bad' are counted, not "
              "printed; the count is given at finalize");
    EXPECT_EQ(lines[11], "[timemory][warning] value 0 is odd");
    EXPECT_EQ(lines[22],
              "[timemory][warning] 2 more warnings like 'value ... is bad' were suppressed");
    EXPECT_EQ(lines[23],
              "[timemory][warning] 1 more warning like 'value ... is odd' was suppressed");
    EXPECT_EQ(lines[24], k_start);
    EXPECT_EQ(lines[25], "[timemory][warning] value 0 is bad");
    EXPECT_EQ(lines[34], "[timemory][warning] value 9 is bad");
    EXPECT_EQ(lines[36],
              "[timemory][warning] 1 more warning like 'value ... is bad' was suppressed");
}
