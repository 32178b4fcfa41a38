// Attribution without a device: the correlation table's lifetime rules, the per-thread launch
// logs, and the CUPTI API callback body (subscriber::on_api) driven with real CUpti_CallbackData
// the way CUPTI calls it: correlation notes for launches, nested runtime/driver calls, failed
// calls, and the cuda_api rows of API timing.
#include "cupti/activity_kinds.hpp"
#include "cupti/activity_processor.hpp"
#include "cupti/cupti_subscriber.hpp"
#include "plugin/internal_calls.hpp"
#include "test_activity_support.hpp"

#include <cupti_driver_cbid.h>
#include <cupti_runtime_cbid.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <utility>

namespace at = activity_test;
namespace act = tim::gpu::activity;
namespace sub = tim::gpu::subscriber;

// ---- correlation table ------------------------------------------------------------------------

TEST(CorrelationTable, AnEntryServesEveryRecordOfItsCallUntilOneForcedFlushAfterTheFirst) {
    act::correlation_table table;
    table.apply({1, 0, 42, 0});
    EXPECT_EQ(table.use(1), 42u);
    EXPECT_EQ(table.use(1), 42u);  // second record of the same call (kernel + API record)
    table.end_forced_flush();      // retired in this cycle: kept through it
    EXPECT_EQ(table.use(1), 42u);
    table.end_forced_flush();
    EXPECT_EQ(table.use(1), std::nullopt);
    EXPECT_EQ(table.size(), 0u);
}

TEST(CorrelationTable, NestedCallsWithTheirOwnIdsAreOneGroup) {
    act::correlation_table table;
    table.apply({10, 0, 7, 0});    // cudaLaunchKernel
    table.apply({11, 10, 7, 0});   // cuLaunchKernel made by it, another id
    table.apply({12, 0, 8, 0});    // an unrelated launch
    EXPECT_EQ(table.use(11), 7u);  // the record names the driver call: the group retires
    table.end_forced_flush();
    table.end_forced_flush();
    EXPECT_EQ(table.size(), 1u);  // only the unrelated launch is left
    EXPECT_EQ(table.use(12), 8u);
}

TEST(CorrelationTable, AFailedCallIsForgottenAndANestedFailureTakesOnlyItself) {
    act::correlation_table table;
    table.apply({20, 0, 1, 0});
    table.apply({21, 20, 1, 0});
    table.apply({21, 0, tim::no_node_id, act::note_cancel});  // nested call failed, retried
    EXPECT_EQ(table.use(21), std::nullopt);
    EXPECT_EQ(table.use(20), 1u);

    table.apply({30, 0, 2, 0});
    table.apply({31, 30, 2, 0});
    table.apply({30, 0, tim::no_node_id, act::note_cancel});  // the outer call failed
    EXPECT_EQ(table.use(30), std::nullopt);
    EXPECT_EQ(table.use(31), std::nullopt);
}

TEST(CorrelationTable, AGraphLaunchLivesUntilACycleWithoutRecords) {
    act::correlation_table table;
    table.apply({40, 0, 3, act::note_sticky});
    EXPECT_EQ(table.use(40), 3u);
    table.end_forced_flush();
    EXPECT_EQ(table.use(40), 3u);  // kernels of the graph still arriving
    table.end_forced_flush();
    EXPECT_EQ(table.size(), 1u);
    table.end_forced_flush();  // a whole cycle without a record
    EXPECT_EQ(table.size(), 0u);
}

TEST(CorrelationTable, EntriesWhoseRecordsNeverComeExpireAfterFourForcedFlushes) {
    act::correlation_table table;
    table.apply({50, 0, 4, 0});
    for (std::uint32_t i = 0; i < act::correlation_table::stale_flushes; ++i) {
        EXPECT_EQ(table.size(), 1u) << i;
        table.end_forced_flush();
    }
    EXPECT_EQ(table.size(), 0u);
}

TEST(CorrelationTable, WithoutForcedFlushesRetiredEntriesAreBounded) {
    act::correlation_table table;
    constexpr std::uint32_t launches = 200000;
    for (std::uint32_t id = 1; id <= launches; ++id) {
        table.apply({id, 0, id, 0});
        ASSERT_EQ(table.use(id), id);
    }
    EXPECT_LE(table.size(), act::correlation_table::retired_cap + 1);
    EXPECT_GE(table.size(), act::correlation_table::retired_cap / 2);
    EXPECT_EQ(table.use(launches), launches);  // the newest are kept
}

// ---- per-thread launch logs --------------------------------------------------------------------

TEST(CorrelationLogs, NotesKeepEachThreadsOrderAndLogsOfExitedThreadsAreFreed) {
    std::vector<act::correlation_note> notes;
    act::drain_correlation_notes(notes);
    notes.clear();
    act::note_correlation({60, 0, 1, 0});  // this thread's log exists from here on
    const auto before = act::correlation_log_count();
    std::thread{[] {
        act::note_correlation({61, 0, 2, 0});
        act::note_correlation({61, 0, tim::no_node_id, act::note_cancel});
    }}.join();
    EXPECT_EQ(act::correlation_log_count(), before + 1);
    act::drain_correlation_notes(notes);
    ASSERT_EQ(notes.size(), 3u);
    EXPECT_EQ(notes[0].correlation, 60u);
    EXPECT_EQ(notes[1].correlation, 61u);
    EXPECT_EQ(notes[2].flags, act::note_cancel);
    EXPECT_EQ(act::correlation_log_count(), before);  // the exited thread's log is gone
}

// ---- the API callback body ---------------------------------------------------------------------

namespace {

class ApiCallback : public ::testing::Test {
  protected:
    void SetUp() override {
        tim::clear_results();
        processor.reset();
        // Classes as tables_from_cupti() would find them by name.
        sub::dispatch_tables tables;
        tables.runtime.assign(CUPTI_RUNTIME_TRACE_CBID_SIZE, act::api_class::none);
        tables.driver.assign(CUPTI_DRIVER_TRACE_CBID_SIZE, act::api_class::none);
        for (auto [cbid, name] :
             {std::pair{CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, "cudaLaunchKernel_v7000"},
              {CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000, "__cudaLaunchKernel_v13000"},
              {CUPTI_RUNTIME_TRACE_CBID_cudaMemcpyAsync_v3020, "cudaMemcpyAsync_v3020"},
              {CUPTI_RUNTIME_TRACE_CBID_cudaGraphLaunch_v10000, "cudaGraphLaunch_v10000"},
              {CUPTI_RUNTIME_TRACE_CBID_cudaMalloc_v3020, "cudaMalloc_v3020"},
              {CUPTI_RUNTIME_TRACE_CBID_cudaEventQuery_v3020, "cudaEventQuery_v3020"}}) {
            tables.runtime[cbid] = act::classify_api(name);
        }
        tables.driver[CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel] = act::classify_api("cuLaunchKernel");
        sub::set_tables(std::move(tables));
        sub::set_correlation(act::traced_api_classes(act::kinds_for_level(1)), false);
    }
    void TearDown() override {
        sub::set_correlation(0, false);
        sub::set_api_timing(false);
        processor.reset();
        tim::clear_results();
    }

    // One callback as CUPTI makes it.
    static void call(CUpti_CallbackDomain domain, CUpti_CallbackId cbid, CUpti_ApiCallbackSite site,
                     std::uint32_t correlation, const char* function, int result = 0) {
        CUpti_CallbackData data{};
        data.callbackSite = site;
        data.functionName = function;
        data.correlationId = correlation;
        data.functionReturnValue = site == CUPTI_API_EXIT ? &result : nullptr;
        sub::on_api(domain, cbid, data);
    }
    static void runtime_call(CUpti_CallbackId cbid, std::uint32_t correlation, const char* function,
                             int result = 0) {
        call(CUPTI_CB_DOMAIN_RUNTIME_API, cbid, CUPTI_API_ENTER, correlation, function);
        call(CUPTI_CB_DOMAIN_RUNTIME_API, cbid, CUPTI_API_EXIT, correlation, function, result);
    }

    act::activity_processor processor;
};

}  // namespace

TEST_F(ApiCallback, EveryLaunchVariantIsNotedWithTheCallingRegion) {
    at::region r{"launches"};
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, 2001, "cudaLaunchKernel");
    runtime_call(CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000, 2002, "__cudaLaunchKernel");
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaMemcpyAsync_v3020, 2003, "cudaMemcpyAsync");
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaGraphLaunch_v10000, 2004, "cudaGraphLaunch");
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaMalloc_v3020, 2005, "cudaMalloc");  // not traced
    r.close();

    const auto a = at::kernel(2001, "_Z1av", 0, 1);
    const auto b = at::kernel(2002, "_Z1bv", 0, 2);
    const auto c = at::copy(2003, CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, 8, 0, 3);
    const auto g1 = at::kernel(2004, "_Z2g1v", 0, 4);
    const auto g2 = at::kernel(2004, "_Z2g2v", 0, 5);
    const auto stray = at::kernel(2005, "_Z5strayv", 0, 6);
    processor.process(at::buffer(a, b, c, g1, g2, stray));
    EXPECT_EQ(at::labels(at::rows_of(at::activity_info())),
              "launches\n  a()\n  b()\n  cudaMemcpy_HtoD\n  g1()\n  g2()\n");
    EXPECT_EQ(processor.counters().waiting, 1u);  // cudaMalloc was not noted
}

TEST_F(ApiCallback, ADriverCallInsideARuntimeCallBelongsToTheSameRegionWhateverItsId) {
    at::region r{"nested"};
    call(CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
         CUPTI_API_ENTER, 3001, "cudaLaunchKernel");
    {
        // Whatever region the runtime may be in when it calls the driver, the outer call's
        // node is what the launch belongs to.
        at::region inside{"not-the-launcher"};
        call(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, CUPTI_API_ENTER,
             3002, "cuLaunchKernel");
        call(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, CUPTI_API_EXIT,
             3002, "cuLaunchKernel");
        inside.close();
    }
    call(CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
         CUPTI_API_EXIT, 3001, "cudaLaunchKernel");
    r.close();

    const auto k = at::kernel(3002, "_Z1kv", 0, 9);  // carries the driver call's id
    processor.process(at::buffer(k));
    EXPECT_EQ(at::labels(at::rows_of(at::activity_info())), "nested\n  k()\n");
}

TEST_F(ApiCallback, AFailedLaunchIsCancelledAndItsStrayRecordIsUnattributed) {
    at::region r{"failing"};
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, 4001, "cudaLaunchKernel", 98);
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, 4002, "cudaLaunchKernel");
    r.close();
    const auto bad = at::kernel(4001, "_Z3badv", 0, 1);
    const auto good = at::kernel(4002, "_Z4goodv", 0, 2);
    processor.process(at::buffer(bad, good));
    testing::internal::CaptureStderr();
    processor.end_forced_flush(true);
    testing::internal::GetCapturedStderr();
    EXPECT_EQ(at::labels(at::rows_of(at::activity_info())),
              "failing\n  good()\nunattributed bad()\n");
}

TEST_F(ApiCallback, AnEventQueryThatFindsTheWorkUnfinishedStillHasItsSynchronisation) {
    // CUPTI records a synchronisation for cudaEventQuery even when it returns cudaErrorNotReady
    // (600): the program's query lands under its region, timemory's own (cuda_event resolving
    // its pairs) is dropped; neither is "unattributed".
    constexpr int not_ready = 600;
    at::region r{"polling"};
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaEventQuery_v3020, 7001, "cudaEventQuery", not_ready);
    {
        tim::gpu::internal_calls_scope internal;
        runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaEventQuery_v3020, 7002, "cudaEventQuery",
                     not_ready);
    }
    r.close();
    const auto users =
        at::synchronization(7001, CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE, 0, 1);
    const auto ours =
        at::synchronization(7002, CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE, 0, 2);
    processor.process(at::buffer(users, ours));
    processor.end_forced_flush(true);
    EXPECT_EQ(at::labels(at::rows_of(at::activity_info())), "polling\n  cudaEventSynchronize\n");
    EXPECT_EQ(processor.counters().unattributed, 0u);
    EXPECT_EQ(processor.counters().dropped, 1u);
}

TEST_F(ApiCallback, MeasurementOffNotesLaunchesWithoutANode) {
    auto& s = tim::settings::instance();
    s.enabled = false;
    s.changed();
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, 5001, "cudaLaunchKernel");
    s.enabled = true;
    s.changed();
    const auto k = at::kernel(5001, "_Z1kv", 0, 1);
    processor.process(at::buffer(k));
    processor.end_forced_flush(true);
    EXPECT_TRUE(at::rows_of(at::activity_info()).empty());
    EXPECT_EQ(processor.counters().dropped, 1u);
}

TEST_F(ApiCallback, ApiTimingGivesEachOutermostCallARowUnderItsRegion) {
    sub::set_api_timing(true);
    const auto& cuda_api = tim::registry::get("cuda_api");
    at::region r{"api-region"};
    call(CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
         CUPTI_API_ENTER, 6001, "cudaLaunchKernel");
    call(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, CUPTI_API_ENTER, 6001,
         "cuLaunchKernel");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    call(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, CUPTI_API_EXIT, 6001,
         "cuLaunchKernel");
    call(CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
         CUPTI_API_EXIT, 6001, "cudaLaunchKernel");
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaMalloc_v3020, 6002, "cudaMalloc");
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaMalloc_v3020, 6003, "cudaMalloc");
    // A driver call the application makes itself is outermost: it has its row.
    call(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, CUPTI_API_ENTER, 6004,
         "cuLaunchKernel");
    call(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, CUPTI_API_EXIT, 6004,
         "cuLaunchKernel");
    r.close();

    // The kernel belongs to the region, not to the cudaLaunchKernel row.
    const auto k = at::kernel(6001, "_Z1kv", 0, 9);
    processor.process(at::buffer(k));
    EXPECT_EQ(at::labels(at::rows_of(at::activity_info())), "api-region\n  k()\n");

    const auto rows = at::rows_of(cuda_api);
    EXPECT_EQ(at::labels(rows), "api-region\n  cudaLaunchKernel\n  cudaMalloc\n  cuLaunchKernel\n");
    const auto* launch = at::find_row(rows, "cudaLaunchKernel");
    ASSERT_NE(launch, nullptr);
    EXPECT_EQ(launch->inclusive[0].count, 1u);
    EXPECT_GE(launch->inclusive[0].sum, 2.0e6);  // the 2 ms inside, in ns
    EXPECT_EQ(at::find_row(rows, "cudaMalloc")->inclusive[0].count, 2u);
    EXPECT_EQ(rows[0].inclusive[0].count, 4u);  // region total: every call beneath it
    EXPECT_GE(rows[0].inclusive[0].sum, launch->inclusive[0].sum);
    // The region's own host timer is untouched by the API rows.
    const auto wall = at::rows_of(tim::registry::get("wall_clock"));
    ASSERT_EQ(wall.size(), 1u);
    EXPECT_EQ(wall[0].label, "api-region");
}

TEST_F(ApiCallback, AnExitWithoutItsEnterIsIgnored) {
    sub::set_api_timing(true);
    at::region r{"late-subscriber"};
    call(CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_cudaMalloc_v3020, CUPTI_API_EXIT,
         7001, "cudaMalloc");
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaMalloc_v3020, 7002, "cudaMalloc");
    r.close();
    const auto rows = at::rows_of(tim::registry::get("cuda_api"));
    EXPECT_EQ(at::labels(rows), "late-subscriber\n  cudaMalloc\n");
    EXPECT_EQ(rows[1].inclusive[0].count, 1u);
}

// ---- cupti_counters' launch hooks ---------------------------------------------------------------

namespace {

struct hook_log {
    int enters = 0, exits = 0, failed_exits = 0, graph_enters = 0, graph_exits = 0, teardowns = 0;
    std::pair<CUpti_CallbackDomain, CUpti_CallbackId> last_exit{CUPTI_CB_DOMAIN_INVALID, 0};
};
hook_log hooks_seen;

void hook_enter(CUpti_CallbackDomain, CUpti_CallbackId, const CUpti_CallbackData&,
                bool graph) noexcept {
    ++hooks_seen.enters;
    if (graph) ++hooks_seen.graph_enters;
}
void hook_exit(CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const CUpti_CallbackData&,
               bool failed, bool graph) noexcept {
    ++hooks_seen.exits;
    hooks_seen.last_exit = {domain, cbid};
    if (failed) ++hooks_seen.failed_exits;
    if (graph) ++hooks_seen.graph_exits;
}
void hook_teardown(const CUpti_CallbackData&) noexcept {
    ++hooks_seen.teardowns;
}
const sub::launch_hooks test_hooks{&hook_enter, &hook_exit, &hook_teardown};

class LaunchHooks : public ApiCallback {
  protected:
    void SetUp() override {
        ApiCallback::SetUp();
        hooks_seen = {};
        sub::set_launch_hooks(&test_hooks);
    }
    void TearDown() override {
        sub::set_launch_hooks(nullptr);
        ApiCallback::TearDown();
    }
};

}  // namespace

TEST_F(LaunchHooks, OneEnterAndOneExitPerOutermostLaunchWithFailureAndGraphFlags) {
    // A runtime launch and the driver launch it makes: one enter, one exit.
    call(CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
         CUPTI_API_ENTER, 7001, "cudaLaunchKernel");
    call(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, CUPTI_API_ENTER, 7002,
         "cuLaunchKernel");
    EXPECT_EQ(hooks_seen.enters, 1);
    call(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, CUPTI_API_EXIT, 7002,
         "cuLaunchKernel");
    EXPECT_EQ(hooks_seen.exits, 0);  // only the outermost call's exit
    call(CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
         CUPTI_API_EXIT, 7001, "cudaLaunchKernel");
    EXPECT_EQ(hooks_seen.exits, 1);
    EXPECT_EQ(hooks_seen.failed_exits, 0);
    // The exit names the outermost call (whose parameters cupti_counters reads).
    EXPECT_EQ(hooks_seen.last_exit,
              std::pair(CUPTI_CB_DOMAIN_RUNTIME_API,
                        CUpti_CallbackId{CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000}));

    // A failed launch says so at exit; a graph launch is flagged; other calls are not hooked.
    runtime_call(CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000, 7003, "__cudaLaunchKernel",
                 /*cudaErrorInvalidValue*/ 1);
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaGraphLaunch_v10000, 7004, "cudaGraphLaunch");
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaMemcpyAsync_v3020, 7005, "cudaMemcpyAsync");
    EXPECT_EQ(hooks_seen.enters, 3);
    EXPECT_EQ(hooks_seen.exits, 3);
    EXPECT_EQ(hooks_seen.failed_exits, 1);
    EXPECT_EQ(hooks_seen.graph_enters, 1);
    EXPECT_EQ(hooks_seen.graph_exits, 1);
    EXPECT_EQ(hooks_seen.teardowns, 0);
}

TEST_F(LaunchHooks, ContextTeardownIsHookedOnEntryAndHooksCanBeRemoved) {
    sub::dispatch_tables tables;
    tables.runtime.assign(CUPTI_RUNTIME_TRACE_CBID_SIZE, act::api_class::none);
    tables.driver.assign(CUPTI_DRIVER_TRACE_CBID_SIZE, act::api_class::none);
    tables.runtime[CUPTI_RUNTIME_TRACE_CBID_cudaDeviceReset_v3020] =
        act::classify_api("cudaDeviceReset_v3020");
    tables.runtime[CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000] =
        act::classify_api("cudaLaunchKernel_v7000");
    sub::set_tables(std::move(tables));
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaDeviceReset_v3020, 7101, "cudaDeviceReset");
    EXPECT_EQ(hooks_seen.teardowns, 1);
    EXPECT_EQ(hooks_seen.enters, 0);
    sub::set_launch_hooks(nullptr);
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, 7102, "cudaLaunchKernel");
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaDeviceReset_v3020, 7103, "cudaDeviceReset");
    EXPECT_EQ(hooks_seen.enters, 0);
    EXPECT_EQ(hooks_seen.teardowns, 1);
}

namespace {
// An exit hook that makes a CUDA call of its own, as cupti_counters' does (cudaStreamIsCapturing).
void nested_call(CUpti_ApiCallbackSite site) {
    CUpti_CallbackData data{};
    int result = 0;
    data.callbackSite = site;
    data.functionName = "cudaStreamIsCapturing";
    data.correlationId = 7202;
    data.functionReturnValue = site == CUPTI_API_EXIT ? &result : nullptr;
    sub::on_api(CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_cudaStreamIsCapturing_v10000,
                data);
}
void exit_with_a_call(CUpti_CallbackDomain, CUpti_CallbackId, const CUpti_CallbackData&, bool,
                      bool) noexcept {
    nested_call(CUPTI_API_ENTER);
    nested_call(CUPTI_API_EXIT);
}
const sub::launch_hooks calling_hooks{&hook_enter, &exit_with_a_call, &hook_teardown};
}  // namespace

TEST_F(LaunchHooks, ACallTheExitHookMakesIsNestedInTheLaunch) {
    // With API timing on, the hook's call must not look outermost: it would end the launch's
    // timing and leave its row open on the thread's stack.
    sub::set_api_timing(true);
    sub::set_launch_hooks(&calling_hooks);
    at::region r{"hooked"};
    const auto region_node = tim::current_node_id();
    runtime_call(CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, 7201, "cudaLaunchKernel");
    EXPECT_EQ(tim::current_node_id(), region_node) << "the launch's API row was left open";
    r.close();
    const auto rows = at::rows_of(tim::registry::get("cuda_api"));
    EXPECT_EQ(at::labels(rows), "hooked\n  cudaLaunchKernel\n");
}
