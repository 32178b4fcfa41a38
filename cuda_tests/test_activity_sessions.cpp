// The CUPTI sessions' start (plugin_parts.hpp): the first sampling thread starts the session,
// and a region sampling the component on another thread meanwhile waits until it is settled;
// its launches would otherwise run before the session is on and be lost (seen with
// cupti_counters on an H200: a second thread's 40 kernels, none profiled nor noted).
#include "plugin/plugin_parts.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace parts = tim::gpu::parts;
using parts::session_state;

namespace {

std::atomic<session_state> state{session_state::off};
std::mutex start_mutex;
std::atomic<int> starts{0};

// A slow start (CUPTI's host setup takes ~150 ms), which also samples itself once, as a start
// that made a region would: that must not wait for itself.
void slow_start() {
    ++starts;
    parts::start_once(state, start_mutex, "test", &slow_start);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    state.store(session_state::on);
}

// What every component's sample does.
void sample() {
    parts::ensure_started(state, start_mutex, "test", &slow_start);
}

}  // namespace

TEST(SessionStart, ASampleOnAnotherThreadWaitsUntilTheSessionIsOn) {
    std::atomic<bool> first_started{false};
    session_state seen_by_second = session_state::off;
    std::thread first{[&] {
        first_started = true;
        sample();
    }};
    while (!first_started) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the first is in slow_start
    std::thread second{[&] {
        sample();
        seen_by_second = state.load();  // what its region's launches would find
    }};
    first.join();
    second.join();
    EXPECT_EQ(starts.load(), 1);
    EXPECT_EQ(seen_by_second, session_state::on);
    EXPECT_TRUE(parts::session_settled(state.load()));
    EXPECT_FALSE(parts::session_settled(session_state::starting));
    EXPECT_FALSE(parts::session_settled(session_state::off));
    EXPECT_TRUE(parts::session_settled(session_state::unavailable));
}
