// cupti_counters' attribution, fed constructed range values: range i belongs to launch i, each
// kernel becomes a child row of the region that launched it (beside cupti_activity's row of the
// same name), regions show the totals of their kernels, and a count mismatch attaches nothing.
// Also the stream each launch variant's callback parameters name (launch_streams.hpp), by which
// launches into a capturing stream are left out.
#include "counters/counters_launches.hpp"
#include "counters/launch_streams.hpp"
#include "test_activity_support.hpp"

#include "timemory/core/registry.hpp"
#include "timemory/gpu/indices.hpp"

#include <cuda.h>
#include <cupti_driver_cbid.h>
#include <cupti_runtime_cbid.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace at = activity_test;
using tim::gpu::counters::launch_log;

namespace {

const char* const saxpy = "saxpy(int, float, float const*, float*)";
const char* const scale = "scale(float*, float)";

// Two metrics, as if settings.cupti_metrics had been fixed on a device (done once per process).
const tim::component_info& counters_with_two_metrics() {
    static const bool done = [] {
        tim::registry::set_value_layout(
            tim::gpu::cupti_counters_index,
            {{"dram__bytes.sum", "bytes", tim::unit_kind::memory},
             {"smsp__inst_executed.sum", "instructions", tim::unit_kind::count}},
            0);
        return true;
    }();
    (void)done;
    return tim::registry::get("cupti_counters");
}

class Launches : public ::testing::Test {
  protected:
    void SetUp() override { tim::clear_results(); }
    void TearDown() override { tim::clear_results(); }

    // Range i's values: bytes 1000 * (i + 1), instructions 10 * (i + 1).
    static bool fake_range(std::size_t i, double* values) {
        values[0] = 1000.0 * static_cast<double>(i + 1);
        values[1] = 10.0 * static_cast<double>(i + 1);
        return true;
    }
};

}  // namespace

TEST_F(Launches, EachRangeGoesToItsLaunchAsAKernelRowUnderTheRegion) {
    const auto& info = counters_with_two_metrics();
    launch_log log;
    {
        at::region solve{"solve"};
        log.note(solve.node, saxpy);  // range 0
        {
            at::region inner{"inner"};
            log.note(inner.node, scale);  // range 1
        }
        log.note(solve.node, saxpy);  // range 2
    }
    EXPECT_EQ(log.size(), 3u);
    EXPECT_EQ(log.attach(3, 2, info.index, &fake_range), "");
    EXPECT_EQ(log.size(), 0u);

    const auto rows = at::rows_of(info);
    const auto* solve = at::find_row(rows, "solve");
    const auto* kernel = at::find_row(rows, saxpy);
    const auto* inner = at::find_row(rows, "inner");
    const auto* inner_kernel = at::find_row(rows, scale);
    ASSERT_TRUE(solve && kernel && inner && inner_kernel) << at::labels(rows);
    // saxpy ran as ranges 0 and 2: 1000 + 3000 bytes, 10 + 30 instructions, two launches.
    EXPECT_DOUBLE_EQ(kernel->inclusive[0].sum, 4000.0);
    EXPECT_DOUBLE_EQ(kernel->inclusive[1].sum, 40.0);
    EXPECT_EQ(kernel->inclusive[0].count, 2u);
    EXPECT_EQ(kernel->depth, 1u);
    EXPECT_DOUBLE_EQ(inner_kernel->inclusive[0].sum, 2000.0);
    EXPECT_EQ(inner_kernel->depth, 2u);
    // Regions: totals of every kernel beneath.
    EXPECT_DOUBLE_EQ(solve->inclusive[0].sum, 6000.0);
    EXPECT_DOUBLE_EQ(solve->inclusive[1].sum, 60.0);
    EXPECT_DOUBLE_EQ(inner->inclusive[0].sum, 2000.0);
}

TEST_F(Launches, UnmeasuredLaunchesConsumeTheirRangeAndAttachNothing) {
    const auto& info = counters_with_two_metrics();
    launch_log log;
    {
        at::region solve{"solve"};
        log.note(tim::no_node_id, scale);  // measurement off: range 0 consumed, nothing kept
        log.note(solve.node, saxpy);       // range 1
    }
    EXPECT_EQ(log.attach(2, 2, info.index, &fake_range), "");
    const auto rows = at::rows_of(info);
    ASSERT_NE(at::find_row(rows, saxpy), nullptr) << at::labels(rows);
    EXPECT_EQ(at::find_row(rows, scale), nullptr) << at::labels(rows);
    EXPECT_DOUBLE_EQ(at::find_row(rows, "solve")->inclusive[0].sum, 2000.0);  // range 1's
}

TEST_F(Launches, ACountMismatchAttachesNothingAndSaysSo) {
    const auto& info = counters_with_two_metrics();
    launch_log log;
    {
        at::region solve{"solve"};
        log.note(solve.node, saxpy);
        log.note(solve.node, saxpy);
    }
    const auto problem = log.attach(3, 2, info.index, &fake_range);
    EXPECT_EQ(problem, "CUPTI decoded 3 kernel range(s) for 2 launch(es)");
    EXPECT_EQ(log.size(), 0u);
    EXPECT_EQ(at::find_row(at::rows_of(info), saxpy), nullptr);
}

TEST_F(Launches, RangesDecodedOnAnotherThreadLandInTheLaunchingThreadsGraph) {
    const auto& info = counters_with_two_metrics();
    launch_log log;
    {
        at::region solve{"solve"};
        log.note(solve.node, saxpy);
    }
    std::thread flusher{[&] { log.attach(1, 2, info.index, &fake_range); }};
    flusher.join();
    const auto rows = at::rows_of(info);
    const auto* kernel = at::find_row(rows, saxpy);
    ASSERT_NE(kernel, nullptr) << at::labels(rows);
    EXPECT_EQ(kernel->depth, 1u);
    ASSERT_GE(kernel->parent, 0);
    EXPECT_EQ(rows[static_cast<std::size_t>(kernel->parent)].label, "solve");
    EXPECT_DOUBLE_EQ(kernel->inclusive[0].sum, 1000.0);
}

// ---- the stream of a launch, from its callback parameters ---------------------------------------

TEST(LaunchStreams, EachLaunchVariantNamesItsStream) {
    const auto stream = reinterpret_cast<cudaStream_t>(0x1234);
    const auto runtime = CUPTI_CB_DOMAIN_RUNTIME_API;
    const auto driver = CUPTI_CB_DOMAIN_DRIVER_API;
    // CUDA 13's <<<>>> entry point takes the arguments of cudaLaunchKernel (a cudaKernel_t first).
    cudaLaunchKernel_v7000_params classic{};
    classic.stream = stream;
    for (CUpti_CallbackId cbid : {CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000,
                                  CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000}) {
        EXPECT_EQ(tim::gpu::launch_stream(runtime, cbid, &classic), stream) << cbid;
    }
    cudaLaunchConfig_t config{};
    config.stream = stream;
    cudaLaunchKernelExC_v11060_params ex{};
    ex.config = &config;
    EXPECT_EQ(
        tim::gpu::launch_stream(runtime, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_v11060, &ex),
        stream);
    EXPECT_EQ(tim::gpu::launch_stream(
                  runtime, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_ptsz_v11060, &ex),
              stream);
    cudaLaunchCooperativeKernel_v9000_params cooperative{};
    cooperative.stream = stream;
    EXPECT_EQ(
        tim::gpu::launch_stream(runtime, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_v9000,
                                &cooperative),
        stream);
    cuLaunchKernel_params cu{};
    cu.hStream = stream;
    EXPECT_EQ(tim::gpu::launch_stream(driver, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, &cu), stream);
    cuLaunchCooperativeKernel_params cu_cooperative{};
    cu_cooperative.hStream = stream;
    EXPECT_EQ(tim::gpu::launch_stream(driver, CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel,
                                      &cu_cooperative),
              stream);
    CUlaunchConfig cu_config{};
    cu_config.hStream = stream;
    cuLaunchKernelEx_params cu_ex{};
    cu_ex.config = &cu_config;
    EXPECT_EQ(tim::gpu::launch_stream(driver, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx, &cu_ex),
              stream);
    EXPECT_EQ(
        tim::gpu::launch_stream(driver, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz, &cu_ex),
        stream);
}

TEST(LaunchStreams, PerThreadVariantsMapTheNullStreamAndUnknownCallsNameNone) {
    cudaLaunchKernel_v7000_params null_stream{};
    EXPECT_EQ(tim::gpu::launch_stream(CUPTI_CB_DOMAIN_RUNTIME_API,
                                      CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_ptsz_v13000,
                                      &null_stream),
              cudaStreamPerThread);
    EXPECT_EQ(
        tim::gpu::launch_stream(CUPTI_CB_DOMAIN_RUNTIME_API,
                                CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000, &null_stream),
        cudaStream_t{});  // the legacy stream stays the null stream
    EXPECT_FALSE(tim::gpu::launch_stream(CUPTI_CB_DOMAIN_RUNTIME_API,
                                         CUPTI_RUNTIME_TRACE_CBID_cudaMalloc_v3020, &null_stream));
    EXPECT_FALSE(tim::gpu::launch_stream(CUPTI_CB_DOMAIN_RUNTIME_API,
                                         CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, nullptr));
    cudaLaunchKernelExC_v11060_params no_config{};
    EXPECT_FALSE(tim::gpu::launch_stream(CUPTI_CB_DOMAIN_RUNTIME_API,
                                         CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_v11060,
                                         &no_config));
}
