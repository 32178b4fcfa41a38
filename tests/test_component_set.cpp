// The one measurement order (core/component_set.hpp), checked through every C++ entry point:
// start samples in set order, stop samples in reverse order, finish/record after every stop
// sample; and the frame stack that closes a thread's open frames when the thread ends.
//
// The test components sample a shared sequence number, so each value says exactly when the
// component's stop sample was taken relative to the others'.
#include "timemory/core/bundle.hpp"
#include "timemory/core/component_set.hpp"
#include "timemory/core/frame_stack.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace {

// Every sample takes the next number; the late component's finish takes one too.
thread_local double this_thread_sequence = 0.0;
struct finish_call {
    double start = 0, stop = 0, at = 0;
    std::uint64_t node = 0;
};
thread_local finish_call this_thread_finish;

void sample_sequence(double* raw) noexcept {
    raw[0] = ++this_thread_sequence;
}
void record_finish(const double* start, const double* stop, std::uint64_t node) noexcept {
    this_thread_finish = {start[0], stop[0], ++this_thread_sequence, node};
}

std::uint16_t add_sequence_component(const char* id, tim::finish_fn finish = nullptr) {
    return tim::test::add_component(id, "sequence number of its sample",
                                    [finish](tim::component_info& c) {
                                        c.sample = &sample_sequence;
                                        c.finish = finish;
                                    })
        .index;
}

struct seq_first {
    static void sample(double* raw) noexcept { raw[0] = ++this_thread_sequence; }
    static inline const std::uint16_t index = add_sequence_component("test_seq_first");
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
};
struct seq_second {
    static void sample(double* raw) noexcept { raw[0] = ++this_thread_sequence; }
    static inline const std::uint16_t index = add_sequence_component("test_seq_second");
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
};
struct seq_late {
    static void sample(double* raw) noexcept { raw[0] = ++this_thread_sequence; }
    static void finish(const double* start, const double* stop, std::uint64_t node) noexcept {
        record_finish(start, stop, node);
    }
    static inline const std::uint16_t index =
        add_sequence_component("test_seq_late", &record_finish);
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
};

const tim::component_info& info(std::uint16_t index) {
    return *tim::registry::at(index);
}

class ComponentSet : public tim::test::results_test {
  protected:
    void SetUp() override {
        results_test::SetUp();
        this_thread_sequence = 0.0;
        this_thread_finish = {};
    }

    /// Sum of `index`'s values on the row labelled `label` (fails the test when absent).
    static double value_of(std::uint16_t index, const std::string& label) {
        const auto rows = tim::test::rows_of(info(index));
        if (const auto* row = tim::test::find_row(rows, label)) return row->inclusive[0].sum;
        ADD_FAILURE() << "no row '" << label << "' for " << info(index).id;
        return -1.0;
    }

    /// Samples: first=1, second=2 at start; at stop second=3 then first=4 (reverse order).
    void expect_first_brackets_second(const std::string& label) {
        EXPECT_EQ(value_of(seq_first::index, label), 3.0);  // 4 - 1: its interval holds the other's
        EXPECT_EQ(value_of(seq_second::index, label), 1.0);  // 3 - 2
        EXPECT_EQ(this_thread_sequence, 4.0);                // two samples each, nothing else
    }
};

TEST_F(ComponentSet, CompileTimeBundleStopsInReverseOrder) {
    {
        static const tim::label_id label{"compile-time"};
        tim::scoped<seq_first, seq_second> scope{label};
    }
    expect_first_brackets_second("compile-time");
}

TEST_F(ComponentSet, RuntimeBundleStopsInReverseOrder) {
    tim::runtime_bundle b{"runtime", tim::registry::parse_list("test_seq_first,test_seq_second")};
    b.start();
    b.stop();
    expect_first_brackets_second("runtime");
    EXPECT_EQ(b.last_values(), (std::vector<double>{3.0, 1.0}));  // values in set order
}

TEST_F(ComponentSet, RegionsByNameStopInReverseOrder) {
    {
        const tim::test::region_defaults_guard restore;
        tim::region::set_default("test_seq_first,test_seq_second");
        tim::region::push("by-name");
        EXPECT_TRUE(tim::region::pop("by-name"));
    }
    expect_first_brackets_second("by-name");
}

TEST_F(ComponentSet, FrameStackStopsInReverseOrderAndReturnsTheLap) {
    const tim::component_set set{tim::registry::parse_list("test_seq_first,test_seq_second")};
    EXPECT_EQ(set.raw_total(), 2u);
    EXPECT_EQ(set.value_total(), 2u);
    tim::frame_stack frames{"test frame"};
    frames.open(set, tim::add_label("stacked"), 42);
    ASSERT_EQ(frames.find_last(42), 0u);
    EXPECT_EQ(frames.find_last(43), tim::frame_stack::npos);
    double lap[2] = {-1, -1};
    const auto closed = frames.close(0, lap);
    EXPECT_EQ(closed.key, 42u);
    EXPECT_TRUE(frames.empty());
    EXPECT_EQ(lap[0], 3.0);
    EXPECT_EQ(lap[1], 1.0);
    expect_first_brackets_second("stacked");
}

TEST_F(ComponentSet, LateValuesAreFinishedAfterEveryStopSample) {
    const tim::component_set set{tim::registry::parse_list("test_seq_late,test_seq_first")};
    tim::frame_stack frames{"test frame"};
    frames.open(set, tim::add_label("late"), 1);
    const auto node = tim::current_node_id();
    double lap[2] = {-1, -1};
    frames.close_top(lap);
    // start: late=1, first=2; stop (reverse): first=3, late=4; then finish at 5.
    EXPECT_EQ(this_thread_finish.start, 1.0);
    EXPECT_EQ(this_thread_finish.stop, 4.0);
    EXPECT_EQ(this_thread_finish.at, 5.0);
    EXPECT_EQ(this_thread_finish.node, node);
    EXPECT_TRUE(std::isnan(lap[0]));  // known later: no value in the lap
    EXPECT_EQ(lap[1], 1.0);
    EXPECT_EQ(value_of(seq_first::index, "late"), 1.0);
}

TEST_F(ComponentSet, CompileTimeBundleFinishesLateValuesAfterEveryStopSample) {
    {
        static const tim::label_id label{"late-static"};
        tim::scoped<seq_late, seq_first> scope{label};
    }
    EXPECT_EQ(this_thread_finish.start, 1.0);
    EXPECT_EQ(this_thread_finish.stop, 4.0);
    EXPECT_EQ(this_thread_finish.at, 5.0);
    EXPECT_NE(this_thread_finish.node, tim::no_node_id);
}

// The component a caller expects (Fast) is sampled inline only when the set is exactly it.
thread_local int this_thread_fast_samples = 0;
struct seq_first_inline {
    static void sample(double* raw) noexcept {
        ++this_thread_fast_samples;
        seq_first::sample(raw);
    }
    static inline const std::uint16_t index = seq_first::index;
    static constexpr unsigned raw_count = 1;
    static constexpr unsigned value_count = 1;
};

TEST_F(ComponentSet, SingleComponentSetTakesTheFastPathWithTheSameValue) {
    this_thread_fast_samples = 0;
    const tim::component_set set{tim::registry::parse_list("test_seq_first")};
    tim::frame_stack frames{"test frame"};
    frames.open<seq_first_inline>(set, tim::add_label("single"), 7);
    ++this_thread_sequence;  // something happens inside the frame
    double lap = -1;
    frames.close_top<seq_first_inline>(&lap);
    EXPECT_EQ(this_thread_fast_samples, 2);  // start and stop, inline
    EXPECT_EQ(lap, 2.0);                     // 3 - 1
    EXPECT_EQ(value_of(seq_first::index, "single"), 2.0);

    // Any other set goes through the registry, with the same order and values.
    this_thread_fast_samples = 0;
    const tim::component_set pair{tim::registry::parse_list("test_seq_first,test_seq_second")};
    frames.open<seq_first_inline>(pair, tim::add_label("not-single"), 8);
    frames.close_top<seq_first_inline>();
    EXPECT_EQ(this_thread_fast_samples, 0);
    EXPECT_EQ(value_of(seq_first::index, "not-single"), 3.0);
}

TEST_F(ComponentSet, AMovedFromSetOrBundleMeasuresNothing) {
    tim::component_set set{tim::registry::parse_list("test_seq_first")};
    const tim::component_set moved = std::move(set);
    EXPECT_EQ(moved.raw_total(), 1u);
    EXPECT_TRUE(set.empty());  // NOLINT(bugprone-use-after-move): what a moved-from set is
    EXPECT_EQ(set.raw_total(), 0u);
    EXPECT_EQ(set.value_total(), 0u);

    tim::runtime_bundle a{"moved-from", tim::registry::parse_list("test_seq_first")};
    tim::runtime_bundle b{std::move(a)};
    a.start();  // NOLINT(bugprone-use-after-move)
    a.stop();
    EXPECT_EQ(this_thread_sequence, 0.0);  // nothing sampled
    b.start();
    b.stop();
    EXPECT_EQ(value_of(seq_first::index, "moved-from"), 1.0);
}

TEST_F(ComponentSet, InternedSetsAreOnePerListAndOrder) {
    const auto ab = tim::registry::parse_list("test_seq_first,test_seq_second");
    const auto ba = tim::registry::parse_list("test_seq_second,test_seq_first");
    EXPECT_EQ(&tim::component_set::intern(ab), &tim::component_set::intern(ab));
    EXPECT_NE(&tim::component_set::intern(ab), &tim::component_set::intern(ba));
    EXPECT_EQ(tim::component_set::intern(ba).items(), ba);
}

TEST_F(ComponentSet, FramesClosedOutOfOrderKeepTheOthersSamples) {
    const tim::component_set set{tim::registry::parse_list("test_seq_first")};
    tim::frame_stack frames{"test frame"};
    frames.open(set, tim::add_label("outer"), 1);  // 1
    frames.open(set, tim::add_label("inner"), 2);  // 2
    frames.close(frames.find_last(1));             // 3: outer = 2 (warns: not the top)
    frames.open(set, tim::add_label("again"), 3);  // 4
    frames.close(frames.find_last(3));             // 5: again = 1
    frames.close(frames.find_last(2));             // 6: inner = 4
    EXPECT_TRUE(frames.empty());
    EXPECT_EQ(value_of(seq_first::index, "outer"), 2.0);
    EXPECT_EQ(value_of(seq_first::index, "inner"), 4.0);
}

TEST_F(ComponentSet, UnmeasuredFramesCloseWithoutSampling) {
    const tim::component_set set{tim::registry::parse_list("test_seq_first")};
    tim::frame_stack frames{"test frame"};
    frames.open_unmeasured(9);
    frames.open(set, tim::add_label("measured"), 10);
    EXPECT_EQ(frames.close(frames.find_last(9)).set, nullptr);
    frames.close_top();
    EXPECT_EQ(this_thread_sequence, 2.0);
    EXPECT_EQ(value_of(seq_first::index, "measured"), 1.0);
}

// A thread that ends with frames open: the core closes them, keeps their time, and says so.
TEST_F(ComponentSet, FramesLeftOpenWhenTheirThreadEndsAreClosedAndKept) {
    static const tim::component_set set{tim::registry::parse_list("test_seq_first")};
    testing::internal::CaptureStderr();
    std::thread worker{[] {
        thread_local tim::frame_stack* slot = nullptr;
        auto& frames = tim::create_thread_frame_stack(slot, "test frame");
        frames.open(set, tim::add_label("left-open"), 1);
        frames.open(set, tim::add_label("left-open-inner"), 2);
        this_thread_sequence += 10;
    }};
    worker.join();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("2 test frame(s) still open when their thread ended were closed"),
              std::string::npos)
        << err;
    // inner: 2 -> 13 (first stop sample after the +10), outer: 1 -> 14.
    EXPECT_EQ(value_of(seq_first::index, "left-open"), 13.0);
    EXPECT_EQ(value_of(seq_first::index, "left-open-inner"), 11.0);
}

}  // namespace
