// The record processor, fed with real CUPTI record structs: where each kernel, copy, set,
// synchronisation and overhead record lands in the call graph, with which values, and what
// happens to records whose launch is known late, never, or on a thread that is gone.
#include "cupti/activity_processor.hpp"
#include "test_activity_support.hpp"

#include "timemory/core/settings.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <string>
#include <thread>

namespace at = activity_test;
using tim::gpu::activity::activity_processor;
using tim::gpu::activity::correlation_note;
using tim::gpu::activity::note_correlation;

namespace {

class Records : public ::testing::Test {
  protected:
    void SetUp() override {
        tim::clear_results();
        processor.reset();
    }
    void TearDown() override {
        processor.reset();
        tim::clear_results();
    }
    // What the API-enter callback does for a launch from the calling thread.
    static void launched(std::uint32_t correlation, tim::node_id node, std::uint8_t flags = 0) {
        note_correlation({correlation, 0, node, flags});
    }
    activity_processor processor;
};

const char* const saxpy_mangled = "_Z5saxpyifPKfPf";
const char* const saxpy = "saxpy(int, float, float const*, float*)";

// prefix + n + suffix (built with append: g++ 12 warns falsely on "literal" + std::string)
std::string numbered(const char* prefix, int n, const char* suffix = "") {
    std::string out{prefix};
    out.append(std::to_string(n)).append(suffix);
    return out;
}

}  // namespace

TEST_F(Records, KernelIsAChildRowOfTheLaunchingRegionWithItsDemangledNameAndGpuTime) {
    at::region solve{"solve"};
    launched(101, solve.node);
    launched(102, solve.node);
    solve.close();

    const auto k1 = at::kernel(101, saxpy_mangled, 1000, 1250);
    const auto k2 = at::kernel(102, saxpy_mangled, 2000, 2750);
    processor.process(at::buffer(k1, k2));

    const auto rows = at::rows_of(at::activity_info());
    ASSERT_EQ(rows.size(), 2u) << at::labels(rows);
    EXPECT_EQ(rows[0].label, "solve");
    EXPECT_EQ(rows[0].depth, 0u);
    EXPECT_DOUBLE_EQ(rows[0].inclusive[0].sum, 1000.0);  // total of its subtree
    EXPECT_EQ(rows[0].inclusive[0].count, 2u);
    EXPECT_EQ(rows[1].label, saxpy);
    EXPECT_EQ(rows[1].depth, 1u);
    EXPECT_EQ(rows[1].parent, 0);
    EXPECT_DOUBLE_EQ(rows[1].inclusive[0].sum, 1000.0);
    EXPECT_EQ(rows[1].inclusive[0].count, 2u);
    EXPECT_DOUBLE_EQ(rows[1].inclusive[0].min, 250.0);
    EXPECT_DOUBLE_EQ(rows[1].inclusive[0].max, 750.0);

    // The kernel row is the region's child in the same tree: host components don't list it.
    const auto wall = at::rows_of(tim::registry::get("wall_clock"));
    ASSERT_EQ(wall.size(), 1u);
    EXPECT_EQ(wall[0].label, "solve");

    const auto c = processor.counters();
    EXPECT_EQ(c.records, 2u);
    EXPECT_EQ(c.placed, 2u);
    EXPECT_EQ(c.waiting, 0u);
}

TEST_F(Records, CopiesAndSetsCarryGpuTimeAndExactBytesPerDirection) {
    at::region io{"io"};
    for (std::uint32_t id = 201; id <= 206; ++id) launched(id, io.node);
    io.close();

    const auto h2d = at::copy(201, CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, 4096, 0, 100);
    const auto h2d_again = at::copy(202, CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, 1000, 0, 20);
    const auto d2h = at::copy(203, CUPTI_ACTIVITY_MEMCPY_KIND_DTOH, 1024, 0, 50);
    const auto d2d = at::copy(204, CUPTI_ACTIVITY_MEMCPY_KIND_DTOD, 8192, 10, 40);
    const auto p2p = at::peer_copy(205, 65536, 0, 300);
    const auto set = at::set(206, 256, 5, 12);
    processor.process(at::buffer(h2d, h2d_again, d2h, d2d, p2p, set));

    const auto time = at::rows_of(at::activity_info());
    const auto bytes = at::rows_of(at::bytes_info());
    ASSERT_EQ(time.size(), 6u) << at::labels(time);
    ASSERT_EQ(bytes.size(), 6u) << at::labels(bytes);
    const auto expect = [&](const char* label, double ns, double b, std::uint64_t count) {
        const auto* t = at::find_row(time, label);
        const auto* m = at::find_row(bytes, label);
        ASSERT_TRUE(t && m) << label << "\n" << at::labels(time);
        EXPECT_DOUBLE_EQ(t->inclusive[0].sum, ns) << label;
        EXPECT_DOUBLE_EQ(m->inclusive[0].sum, b) << label;
        EXPECT_EQ(m->inclusive[0].count, count) << label;
    };
    expect("cudaMemcpy_HtoD", 120.0, 5096.0, 2);
    expect("cudaMemcpy_DtoH", 50.0, 1024.0, 1);
    expect("cudaMemcpy_DtoD", 30.0, 8192.0, 1);
    expect("cudaMemcpy_PtoP", 300.0, 65536.0, 1);
    expect("cudaMemset", 7.0, 256.0, 1);
    expect("io", 507.0, 4096.0 + 1000 + 1024 + 8192 + 65536 + 256, 6);
    EXPECT_EQ(time[0].label, "io");
    const auto* min_max = at::find_row(bytes, "cudaMemcpy_HtoD");
    EXPECT_DOUBLE_EQ(min_max->inclusive[0].min, 1000.0);
    EXPECT_DOUBLE_EQ(min_max->inclusive[0].max, 4096.0);
}

TEST_F(Records, EveryEnclosingRegionShowsTheTotalOfItsSubtree) {
    at::region outer{"outer"};
    at::region inner{"inner"};
    launched(301, inner.node);
    inner.close();
    launched(302, outer.node);
    outer.close();

    const auto k_inner = at::kernel(301, "_Z4stepv", 0, 400);
    const auto k_outer = at::kernel(302, "_Z6reducev", 0, 100);
    const auto copy = at::copy(301, CUPTI_ACTIVITY_MEMCPY_KIND_DTOH, 64, 500, 520);  // same call
    processor.process(at::buffer(k_inner, copy, k_outer));

    const auto rows = at::rows_of(at::activity_info());
    ASSERT_EQ(rows.size(), 5u) << at::labels(rows);
    EXPECT_EQ(at::labels(rows), "outer\n  inner\n    step()\n    cudaMemcpy_DtoH\n  reduce()\n");
    EXPECT_DOUBLE_EQ(at::find_row(rows, "inner")->inclusive[0].sum, 420.0);
    EXPECT_DOUBLE_EQ(at::find_row(rows, "outer")->inclusive[0].sum, 520.0);
    EXPECT_EQ(at::find_row(rows, "outer")->inclusive[0].count, 3u);
    const auto bytes = at::rows_of(at::bytes_info());
    EXPECT_EQ(at::labels(bytes), "outer\n  inner\n    cudaMemcpy_DtoH\n");
    EXPECT_DOUBLE_EQ(bytes[0].inclusive[0].sum, 64.0);
}

TEST_F(Records, SynchronizationIsARowNamingItsKindAndOverheadStaysOutOfRegions) {
    at::region wait{"wait"};
    launched(401, wait.node);
    launched(402, wait.node);
    launched(403, wait.node);
    launched(404, wait.node);
    wait.close();

    const auto s1 =
        at::synchronization(401, CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE, 0, 90);
    const auto s2 =
        at::synchronization(402, CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE, 0, 9);
    const auto s3 =
        at::synchronization(403, CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE, 0, 1);
    const auto s4 =
        at::synchronization(404, CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT, 0, 3);
    const auto lazy = at::overhead(CUPTI_ACTIVITY_OVERHEAD_LAZY_FUNCTION_LOADING, 100, 5100);
    const auto flush = at::overhead(CUPTI_ACTIVITY_OVERHEAD_CUPTI_BUFFER_FLUSH, 0, 70);
    processor.process(at::buffer(s1, lazy, s2, s3, s4, flush));

    const auto rows = at::rows_of(at::activity_info());
    EXPECT_EQ(
        at::labels(rows),
        "wait\n  cudaStreamSynchronize\n  cudaEventSynchronize\n  cudaDeviceSynchronize\n"
        "  cudaStreamWaitEvent\ncuptiOverhead_LazyFunctionLoading\ncuptiOverhead_BufferFlush\n");
    EXPECT_DOUBLE_EQ(at::find_row(rows, "wait")->inclusive[0].sum, 103.0);
    EXPECT_DOUBLE_EQ(at::find_row(rows, "cuptiOverhead_LazyFunctionLoading")->inclusive[0].sum,
                     5000.0);
    EXPECT_EQ(processor.counters().placed, 6u);
}

TEST_F(Records, ExternalCorrelationBeforeTheKernelPlacesItAtOnce) {
    at::region tagged{"tagged"};  // fallback mode: its node was pushed as external id
    tagged.close();

    const auto ext = at::external(501, tagged.node);
    const auto k = at::kernel(501, saxpy_mangled, 0, 10);
    processor.process(at::buffer(ext, k));

    EXPECT_EQ(processor.counters().waiting, 0u);
    const auto rows = at::rows_of(at::activity_info());
    EXPECT_EQ(at::labels(rows), std::string{"tagged\n  "} + saxpy + "\n");
}

TEST_F(Records, ExternalCorrelationInALaterBufferPlacesTheWaitingKernel) {
    at::region tagged{"tagged-late"};
    tagged.close();

    const auto k = at::kernel(502, saxpy_mangled, 0, 10);
    const auto other_tool = at::external(502, 12345, CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM1);
    processor.process(at::buffer(k, other_tool));  // someone else's id is not a node
    EXPECT_EQ(processor.counters().waiting, 1u);
    EXPECT_TRUE(at::rows_of(at::activity_info()).empty());

    const auto ext = at::external(502, tagged.node);
    processor.process(at::buffer(ext));
    EXPECT_EQ(processor.counters().waiting, 0u);
    const auto rows = at::rows_of(at::activity_info());
    EXPECT_EQ(at::labels(rows), std::string{"tagged-late\n  "} + saxpy + "\n");
}

TEST_F(Records, RecordsLandOnTheirNodeAfterTheRegionClosedAndAfterItsThreadExited) {
    tim::node_id worker_node = tim::no_node_id;
    std::int64_t worker_tid = -1;
    std::thread worker{[&] {
        at::region r{"worker-region"};
        worker_node = r.node;
        worker_tid = tim::this_thread_graph().tid();
        launched(601, r.node);  // noted in the worker's own log
        r.close();
    }};
    worker.join();
    at::region closed{"main-region"};
    launched(602, closed.node);
    closed.close();

    const auto k1 = at::kernel(601, "_Z6workerv", 0, 30);
    const auto k2 = at::kernel(602, "_Z4mainv", 0, 40);
    processor.process(at::buffer(k2, k1));  // on this thread, the worker long gone

    const auto tree = tim::collect_results(false);
    const auto rows = tim::component_view(tree, at::activity_info());
    const auto* w = at::find_row(rows, "worker()");
    const auto* m = at::find_row(rows, "main()");
    ASSERT_TRUE(w && m) << at::labels(rows);
    EXPECT_EQ(rows[static_cast<std::size_t>(w->parent)].label, "worker-region");
    EXPECT_EQ(rows[static_cast<std::size_t>(m->parent)].label, "main-region");
    EXPECT_EQ(w->tids, std::set<std::int64_t>{worker_tid});
    EXPECT_NE(worker_tid, tim::this_thread_graph().tid());
    EXPECT_DOUBLE_EQ(w->inclusive[0].sum, 30.0);
    EXPECT_NE(worker_node >> 32, tim::current_node_id() >> 32);  // another thread's graph
}

TEST_F(Records, UnknownLaunchesGoToUnattributedAfterAFullForcedFlushOrAtTheFinalOne) {
    at::region r{"known"};
    launched(701, r.node);
    r.close();
    const auto known = at::kernel(701, "_Z1kv", 0, 5);
    const auto orphan = at::kernel(702, "_Z6orphanv", 0, 60);
    const auto orphan_copy = at::copy(703, CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, 128, 0, 9);
    processor.process(at::buffer(known, orphan, orphan_copy));
    EXPECT_EQ(processor.counters().waiting, 2u);

    // First forced flush: they arrived in this cycle, their correlation may still come.
    processor.end_forced_flush(false);
    EXPECT_EQ(processor.counters().waiting, 2u);
    EXPECT_EQ(at::labels(at::rows_of(at::activity_info())), "known\n  k()\n");

    // The final flush leaves nothing waiting, and says so once.
    testing::internal::CaptureStderr();
    processor.end_forced_flush(true);
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("2 CUPTI activity record(s) could not be matched"), std::string::npos)
        << err;
    const auto rows = at::rows_of(at::activity_info());
    // One row per name, so that it says what could not be placed.
    EXPECT_EQ(at::labels(rows),
              "known\n  k()\nunattributed orphan()\nunattributed cudaMemcpy_HtoD\n");
    const auto* kernel = at::find_row(rows, "unattributed orphan()");
    const auto* copy = at::find_row(rows, "unattributed cudaMemcpy_HtoD");
    ASSERT_TRUE(kernel && copy);
    EXPECT_DOUBLE_EQ(kernel->inclusive[0].sum + copy->inclusive[0].sum, 69.0);
    EXPECT_EQ(kernel->inclusive[0].count + copy->inclusive[0].count, 2u);
    const auto bytes = at::rows_of(at::bytes_info());
    ASSERT_EQ(bytes.size(), 1u);
    EXPECT_DOUBLE_EQ(bytes[0].inclusive[0].sum, 128.0);
    const auto c = processor.counters();
    EXPECT_EQ(c.waiting, 0u);
    EXPECT_EQ(c.unattributed, 2u);

    // Without a final flush: a record still unknown after a whole forced-flush cycle.
    const auto late = at::kernel(704, "_Z4latev", 0, 1);
    processor.process(at::buffer(late));
    processor.end_forced_flush(false);
    EXPECT_EQ(processor.counters().unattributed, 2u);
    testing::internal::CaptureStderr();
    processor.end_forced_flush(false);
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");  // warned once already
    EXPECT_EQ(processor.counters().unattributed, 3u);
}

TEST_F(Records, WithoutSecondaryRowsTheValuesGoToTheLaunchingRegionItself) {
    processor.set_options({.add_secondary = false});
    at::region r{"flat"};
    launched(801, r.node);
    launched(802, r.node);
    r.close();
    const auto k = at::kernel(801, saxpy_mangled, 0, 70);
    const auto c = at::copy(802, CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, 512, 0, 30);
    processor.process(at::buffer(k, c));

    const auto rows = at::rows_of(at::activity_info());
    ASSERT_EQ(rows.size(), 1u) << at::labels(rows);
    EXPECT_EQ(rows[0].label, "flat");
    EXPECT_DOUBLE_EQ(rows[0].inclusive[0].sum, 100.0);
    EXPECT_EQ(rows[0].inclusive[0].count, 2u);
    const auto bytes = at::rows_of(at::bytes_info());
    ASSERT_EQ(bytes.size(), 1u);
    EXPECT_DOUBLE_EQ(bytes[0].inclusive[0].sum, 512.0);
}

TEST_F(Records, LaunchesNotedWhileMeasurementWasOffAreDroppedNotUnattributed) {
    launched(901, tim::no_node_id);
    const auto k = at::kernel(901, saxpy_mangled, 0, 70);
    processor.process(at::buffer(k));
    processor.end_forced_flush(true);
    EXPECT_TRUE(at::rows_of(at::activity_info()).empty());
    EXPECT_EQ(processor.counters().dropped, 1u);
    EXPECT_EQ(processor.counters().unattributed, 0u);
}

TEST_F(Records, ApiRecordsAreRowsOnlyWhenAskedFor) {
    at::region r{"api"};
    launched(1001, r.node);
    launched(1002, r.node);
    r.close();
    const auto runtime = at::api(CUPTI_ACTIVITY_KIND_RUNTIME, 41, 1001, 0, 700);
    processor.process(at::buffer(runtime));
    EXPECT_TRUE(at::rows_of(at::activity_info()).empty());
    EXPECT_EQ(processor.counters().ignored, 1u);

    const auto name = [](CUpti_ActivityKind kind, std::uint32_t cbid) {
        return std::string{kind == CUPTI_ACTIVITY_KIND_DRIVER ? "cu" : "cuda"} +
               (cbid == 41 ? "MemcpyAsync" : "Other");
    };
    // Runtime rows asked for, driver rows not (external correlation still records both kinds).
    processor.set_options({.place_runtime_records = true, .api_name = name});
    const auto driver = at::api(CUPTI_ACTIVITY_KIND_DRIVER, 41, 1002, 0, 300);
    const auto runtime_again = at::api(CUPTI_ACTIVITY_KIND_RUNTIME, 41, 1002, 0, 900);
    processor.process(at::buffer(driver, runtime_again));
    EXPECT_EQ(at::labels(at::rows_of(at::activity_info())), "api\n  cudaMemcpyAsync\n");
    EXPECT_EQ(processor.counters().ignored, 2u);

    processor.set_options(
        {.place_runtime_records = true, .place_driver_records = true, .api_name = name});
    processor.process(at::buffer(driver));
    EXPECT_EQ(at::labels(at::rows_of(at::activity_info())),
              "api\n  cudaMemcpyAsync\n  cuMemcpyAsync\n");
}

TEST_F(Records, AGraphLaunchServesEveryRecordItProduces) {
    at::region r{"graph"};
    launched(1101, r.node, tim::gpu::activity::note_sticky);
    r.close();
    const auto a = at::kernel(1101, "_Z1av", 0, 10);
    const auto b = at::kernel(1101, "_Z1bv", 10, 30);
    const auto c = at::copy(1101, CUPTI_ACTIVITY_MEMCPY_KIND_DTOD, 32, 30, 35);
    processor.process(at::buffer(a, b));
    processor.end_forced_flush(false);
    processor.end_forced_flush(false);  // records came in the first cycle only ...
    processor.process(at::buffer(c));   // ... so the id is gone by now
    processor.end_forced_flush(true);
    EXPECT_EQ(at::labels(at::rows_of(at::activity_info())),
              "graph\n  a()\n  b()\nunattributed cudaMemcpy_DtoD\n");
    EXPECT_EQ(processor.counters().correlations, 0u);
}

TEST_F(Records, LaunchesFromSeveralThreadsLandUnderEachThreadsRegionWhileBuffersAreProcessed) {
    constexpr int threads = 4;
    constexpr std::uint32_t per_thread = 5000;
    const auto first_id = [](int t) { return 100000u * static_cast<std::uint32_t>(t + 1); };
    std::array<std::atomic<std::uint32_t>, threads> noted{};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            at::region r{numbered("launcher-", t).c_str()};
            for (std::uint32_t i = 0; i < per_thread; ++i) {
                launched(first_id(t) + i, r.node);
                noted[t].store(i + 1, std::memory_order_release);
            }
            r.close();
        });
    }
    // Meanwhile, as CUPTI's thread would: buffers of records for launches that happened.
    const std::array<const char*, threads> names{"_Z2k0v", "_Z2k1v", "_Z2k2v", "_Z2k3v"};
    std::array<std::uint32_t, threads> placed{};
    while (std::any_of(placed.begin(), placed.end(), [](auto n) { return n < per_thread; })) {
        std::vector<CUpti_ActivityKernel10> kernels;
        for (int t = 0; t < threads; ++t) {
            const auto upto = noted[t].load(std::memory_order_acquire);
            for (; placed[t] < upto; ++placed[t]) {
                kernels.push_back(at::kernel(first_id(t) + placed[t], names[t], 0, 2));
            }
        }
        std::vector<const CUpti_Activity*> records;
        for (const auto& k : kernels)
            records.push_back(reinterpret_cast<const CUpti_Activity*>(&k));
        processor.process(records);
    }
    for (auto& th : pool) th.join();

    EXPECT_EQ(processor.counters().waiting, 0u);
    EXPECT_EQ(processor.counters().placed, threads * per_thread);
    const auto rows = at::rows_of(at::activity_info());
    ASSERT_EQ(rows.size(), 2u * threads) << at::labels(rows);
    for (int t = 0; t < threads; ++t) {
        const auto* region = at::find_row(rows, numbered("launcher-", t));
        const auto* kernel = at::find_row(rows, numbered("k", t, "()"));
        ASSERT_TRUE(region && kernel) << t << "\n" << at::labels(rows);
        EXPECT_EQ(rows[static_cast<std::size_t>(kernel->parent)].label, region->label);
        EXPECT_EQ(kernel->inclusive[0].count, per_thread);
        EXPECT_DOUBLE_EQ(region->inclusive[0].sum, 2.0 * per_thread);
    }
}
