// What the GPU plugin relies on in the core, tested with plain host components: region observers
// (NVTX mirroring), values known only after the region closed (finish), device rows whose
// totals roll up into every enclosing region (subtree_totals), late-record flushes run before
// every result (pending sources), and unavailable components dropped with one warning.
#include "timemory/core/bundle.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/core/observer.hpp"
#include "timemory/core/pending.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

// ---- a recording observer ----------------------------------------------------------------------
struct observed_event {
    char kind;  // '+' push, '-' pop
    std::string label;
    std::uint64_t node;
};
thread_local std::vector<observed_event>* this_thread_events = nullptr;

void record_push(tim::hash_value label, std::uint64_t node) noexcept {
    if (this_thread_events) this_thread_events->push_back({'+', tim::label_text(label), node});
}
void record_pop(tim::hash_value label, std::uint64_t node) noexcept {
    if (this_thread_events) this_thread_events->push_back({'-', tim::label_text(label), node});
}
const tim::region_observer recording_observer{&record_push, &record_pop};

class Observer : public ::testing::Test {
  protected:
    void SetUp() override {
        this_thread_events = &events;
        previous = tim::set_region_observer(&recording_observer);
    }
    void TearDown() override {
        tim::set_region_observer(previous);
        this_thread_events = nullptr;
        tim::clear_results();
    }
    std::string trace() const {
        std::string out;
        for (const auto& e : events) out += std::string{e.kind} + e.label + " ";
        return out;
    }
    std::vector<observed_event> events;
    const tim::region_observer* previous = nullptr;
};

// ---- components whose values arrive late -------------------------------------------------------
struct late_value {
    std::uint64_t node;
    double value;
};
std::vector<late_value> late_values;  // finish() hands values here; the test attaches them

// Raw sample: a counter the test advances; finish() does not record, it queues.
thread_local double this_thread_counter = 0.0;

const tim::component_info& deferred_component() {
    static const auto& info = tim::test::add_component(
        "test_deferred_timer", "value known after the region closed", [](tim::component_info& c) {
            c.sample = [](double* raw) noexcept { raw[0] = this_thread_counter; };
            c.finish = [](const double* start, const double* stop, std::uint64_t node) noexcept {
                late_values.push_back({node, stop[0] - start[0]});
            };
        });
    return info;
}

const tim::component_info& device_time_component() {
    static const auto& info = tim::test::add_component(
        "test_device_time", "rows attached under regions, totals rolled up",
        [](tim::component_info& c) {
            c.sample = [](double*) noexcept {};
            c.raw_count = 0;
            c.subtree_totals = true;
        });
    return info;
}

const tim::component_info& never_available_component() {
    static const auto& info = tim::test::add_component(
        "test_never_available", "cannot measure anywhere", [](tim::component_info& c) {
            c.unavailable = [] { return std::string{"no such hardware in tests"}; };
        });
    return info;
}

using tim::test::find_row;

int flush_calls = 0;
void count_flush() noexcept {
    ++flush_calls;
}

}  // namespace

TEST_F(Observer, SeesEveryPushAndPopInOrderWithTheirNodes) {
    tim::region::set_default("wall_clock");
    tim::region::push("outer");
    const auto outer_node = tim::current_node_id();
    {
        tim::runtime_bundle inner{"inner", tim::registry::parse_list("wall_clock")};
        inner.start();
        inner.stop();
    }
    tim::region::pop("outer");
    EXPECT_EQ(trace(), "+outer +inner -inner -outer ");
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].node, outer_node);
    EXPECT_EQ(events[3].node, outer_node);
    EXPECT_EQ(events[1].node, events[2].node);
    EXPECT_NE(events[1].node, outer_node);
}

TEST_F(Observer, OutOfOrderCloseNamesTheNodeItCloses) {
    auto& graph = tim::this_thread_graph();
    const auto a = graph.push(tim::add_label("a"));
    const auto b = graph.push(tim::add_label("b"));
    graph.pop(a);  // closes "a" while "b" is still open (warns)
    graph.pop(b);
    EXPECT_EQ(trace(), "+a +b -a -b ");
    EXPECT_EQ(events[2].node, graph.global_id(a));

    events.clear();
    graph.push(tim::add_label("c"));
    EXPECT_TRUE(graph.pop_label(tim::add_label("c")));
    EXPECT_EQ(trace(), "+c -c ");
}

TEST_F(Observer, UnobservedPushesAndSkippedDepthsAreNotSeen) {
    auto& graph = tim::this_thread_graph();
    const auto quiet = graph.push(tim::add_label("quiet"), tim::scope_mode::use_default, false);
    graph.pop(quiet, false);
    EXPECT_TRUE(events.empty());

    auto& s = tim::settings::instance();
    const auto saved = s.max_depth;
    s.max_depth = 1;
    s.changed();
    const auto top = graph.push(tim::add_label("top"));
    const auto deep = graph.push(tim::add_label("too-deep"));  // beyond max_depth: not recorded
    graph.pop(deep);
    graph.pop(top);
    s.max_depth = saved;
    s.changed();
    EXPECT_EQ(trace(), "+top -top ");
}

TEST_F(Observer, RemovingItStopsTheCalls) {
    tim::set_region_observer(previous);
    auto& graph = tim::this_thread_graph();
    graph.pop(graph.push(tim::add_label("unseen")));
    EXPECT_TRUE(events.empty());
}

TEST(LateValues, FinishGetsTheNodeInsteadOfARecordFromEveryFrontEnd) {
    tim::clear_results();
    late_values.clear();
    const auto& deferred = deferred_component();
    const tim::test::region_defaults_guard defaults;

    // runtime bundle
    tim::runtime_bundle bundle{"late-bundle", {&deferred}};
    bundle.start();
    const auto bundle_node = tim::current_node_id();
    this_thread_counter += 7.0;
    bundle.stop();
    // region by name
    tim::region::set_default(deferred.id);
    tim::region::push("late-region");
    const auto region_node = tim::current_node_id();
    this_thread_counter += 11.0;
    tim::region::pop("late-region");

    ASSERT_EQ(late_values.size(), 2u);
    EXPECT_EQ(late_values[0].node, bundle_node);
    EXPECT_DOUBLE_EQ(late_values[0].value, 7.0);
    EXPECT_EQ(late_values[1].node, region_node);
    EXPECT_DOUBLE_EQ(late_values[1].value, 11.0);

    // Nothing was recorded at the pops: the rows appear once the values are attached, from
    // another thread, after the regions closed.
    EXPECT_TRUE(tim::component_view(tim::collect_results(true), deferred).empty());
    std::thread{[] {
        for (const auto& v : late_values)
            tim::attach_record(v.node, deferred_component().index, &v.value, 1);
    }}.join();
    const auto rows = tim::component_view(tim::collect_results(true), deferred);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].label, "late-bundle");
    EXPECT_DOUBLE_EQ(rows[0].inclusive[0].sum, 7.0);
    EXPECT_EQ(rows[0].inclusive[0].count, 1u);
    EXPECT_EQ(rows[1].label, "late-region");
    EXPECT_DOUBLE_EQ(rows[1].inclusive[0].sum, 11.0);
    tim::clear_results();
}

TEST(LateValues, SubtreeTotalsRollUpIntoEveryEnclosingRegion) {
    tim::clear_results();
    const auto& device = device_time_component();
    tim::runtime_bundle outer{"solve", tim::registry::parse_list("wall_clock")};
    tim::runtime_bundle inner{"step", tim::registry::parse_list("wall_clock")};
    outer.start();
    const auto solve = tim::current_node_id();
    inner.start();
    const auto step = tim::current_node_id();
    inner.stop();
    outer.stop();

    // Two launches of one kernel and a copy in "step", one kernel directly in "solve".
    const double k1 = 100.0, k2 = 300.0, copy = 50.0, direct = 1000.0;
    tim::attach_record(step, device.index, &k1, 1, "saxpy");
    tim::attach_record(step, device.index, &k2, 1, "saxpy");
    tim::attach_record(step, device.index, &copy, 1, "cudaMemcpy_HtoD");
    tim::attach_record(solve, device.index, &direct, 1, "reduce");

    const auto rows = tim::component_view(tim::collect_results(true), device);
    const auto* solve_row = find_row(rows, "solve");
    const auto* step_row = find_row(rows, "step");
    const auto* saxpy = find_row(rows, "saxpy");
    ASSERT_TRUE(solve_row && step_row && saxpy);
    EXPECT_DOUBLE_EQ(saxpy->inclusive[0].sum, 400.0);
    EXPECT_EQ(saxpy->inclusive[0].count, 2u);
    EXPECT_DOUBLE_EQ(saxpy->inclusive[0].min, 100.0);
    EXPECT_DOUBLE_EQ(saxpy->inclusive[0].max, 300.0);
    EXPECT_DOUBLE_EQ(step_row->inclusive[0].sum, 450.0);
    EXPECT_EQ(step_row->inclusive[0].count, 3u);  // device activities beneath
    EXPECT_DOUBLE_EQ(step_row->exclusive[0].sum, 0.0);
    EXPECT_DOUBLE_EQ(solve_row->inclusive[0].sum, 1450.0);
    EXPECT_EQ(solve_row->inclusive[0].count, 4u);
    EXPECT_EQ(saxpy->depth, 2u);  // solve > step > saxpy
    // The host table is untouched by device rows.
    const auto wall =
        tim::component_view(tim::collect_results(true), tim::registry::get("wall_clock"));
    EXPECT_EQ(find_row(wall, "saxpy"), nullptr);
    ASSERT_NE(find_row(wall, "step"), nullptr);
    tim::clear_results();
}

TEST(LateValues, PendingSourcesAreFlushedBeforeEveryResult) {
    tim::add_pending_source(&count_flush);
    tim::add_pending_source(&count_flush);  // once per function
    const int before = flush_calls;
    (void)tim::collect_results(true);
    EXPECT_EQ(flush_calls, before + 1);
    tim::flush_pending();
    EXPECT_EQ(flush_calls, before + 2);
}

TEST(LateValues, UnavailableComponentsAreDroppedWithOneWarning) {
    const auto& missing = never_available_component();
    testing::internal::CaptureStderr();
    const auto first = tim::registry::parse_list("wall_clock, test_never_available");
    const auto second = tim::registry::parse_list("test_never_available cpu_clock");
    const std::string err = testing::internal::GetCapturedStderr();
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0]->id, "wall_clock");
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0]->id, "cpu_clock");
    EXPECT_NE(err.find("'test_never_available' is not available here (no such hardware in tests)"),
              std::string::npos)
        << err;
    // One warning per process, not one per request.
    EXPECT_EQ(err.find("test_never_available", err.find("test_never_available") + 30),
              std::string::npos)
        << err;
    EXPECT_EQ(tim::registry::usable({&missing}).size(), 0u);
}
