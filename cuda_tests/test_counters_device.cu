// cupti_counters on a real device: the metrics of a kernel of known size, under the region that
// launched it. A copy kernel moving 2 x 256 MiB must show dram__bytes.sum within 10% of that
// (the L2 cache, 50 MB on an H100, holds far less than either buffer); a multi-pass metric set
// is replayed without corrupting the kernel's output. Without a device every case skips with the
// reason. Its own executable: once cupti_counters runs, kernel replay serialises every kernel
// of the process, which the stream-overlap checks of timemory-cuda-kernel-tests must not see.
#include "kernels_support.hpp"

#include "timemory/core/derived_metrics.hpp"
#include "timemory/core/pending.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/gpu/device.hpp"
#include "timemory/gpu/indices.hpp"
#include "timemory/gpu/metrics.hpp"

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace kernels_test;

__global__ void tm_copy(int n, const float* in, float* out) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < n) out[i] = in[i] + 1.0f;
}

template <int Tag>
__global__ void tm_tagged_add(int n, float* data) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < n) data[i] += static_cast<float>(Tag + 1);
}

// Index of `metric` among cupti_counters' values, or -1.
int value_index(const tim::component_info& info, std::string_view metric) {
    for (unsigned i = 0; i < info.size(); ++i) {
        if (info.value_label(i) == metric) return static_cast<int>(i);
    }
    return -1;
}

class CuptiCounters : public ::testing::Test {
  protected:
    // `metrics`: settings.cupti_metrics for this process (ctest runs each case in its own).
    // Skips (the caller returns when IsSkipped()) without a device or a usable list.
    void use(const char* metrics) {
        if (!tim::gpu::has_device()) GTEST_SKIP() << tim::gpu::device_unavailable_reason();
        auto& s = tim::settings::instance();
        s.cupti_metrics = metrics;
        s.changed();
        counters = &tim::registry::get("cupti_counters");
        if (const auto why = tim::registry::unavailable_reason(*counters); !why.empty()) {
            GTEST_SKIP() << "cupti_counters: " << why;
        }
        const auto config = tim::gpu::metrics::current_configuration();
        if (config.requested != tim::settings::split_list(metrics)) {
            GTEST_SKIP() << "the metric list was fixed by an earlier test in this process";
        }
    }
    void TearDown() override {
        tim::flush_pending();
        tim::clear_results();
    }
    const tim::component_info* counters = nullptr;
};

}  // namespace

TEST_F(CuptiCounters, DramBytesOfACopyKernelMatchTheBytesItMoves) {
    use("dram__bytes.sum,gpu__time_duration.sum,smsp__inst_executed.sum");
    if (IsSkipped()) return;
    constexpr int n = 64 << 20;  // 64 Mi floats: 256 MiB in, 256 MiB out
    float* in = nullptr;
    float* out = nullptr;
    CUDA_ASSERT(cudaMalloc(&in, sizeof(float) * n));
    CUDA_ASSERT(cudaMalloc(&out, sizeof(float) * n));
    CUDA_ASSERT(cudaMemset(in, 0, sizeof(float) * n));
    CUDA_ASSERT(cudaDeviceSynchronize());
    {
        region copy{"copy", {counters}};
        tm_copy<<<(n + 255) / 256, 256>>>(n, in, out);
        CUDA_ASSERT(cudaGetLastError());
        CUDA_ASSERT(cudaDeviceSynchronize());
    }
    std::vector<float> head(4);
    CUDA_ASSERT(cudaMemcpy(head.data(), out, sizeof(float) * head.size(), cudaMemcpyDeviceToHost));
    cudaFree(in);
    cudaFree(out);
    EXPECT_EQ(head[0], 1.0f);

    tim::flush_pending();
    const auto tree = tim::collect_results(true);
    const auto* region_node = path(tree, {"copy"});
    ASSERT_NE(region_node, nullptr);
    const auto kernels = children_containing(tree, *region_node, "tm_copy");
    ASSERT_EQ(kernels.size(), 1u) << describe_children(tree, *region_node);
    const auto it = kernels[0]->data.find(tim::gpu::cupti_counters_index);
    ASSERT_NE(it, kernels[0]->data.end()) << describe_children(tree, *region_node);
    const auto& values = it->second;
    const int bytes = value_index(*counters, "dram__bytes.sum");
    const int time = value_index(*counters, "gpu__time_duration.sum");
    const int inst = value_index(*counters, "smsp__inst_executed.sum");
    ASSERT_TRUE(bytes >= 0 && time >= 0 && inst >= 0);
    ASSERT_EQ(values.size(), counters->size());
    const double expected = 2.0 * sizeof(float) * n;
    EXPECT_NEAR(values[bytes].sum, expected, 0.1 * expected);
    EXPECT_EQ(values[bytes].count, 1u);
    EXPECT_GT(values[time].sum, 1.0e3);  // ns: at least a microsecond, less than a second
    EXPECT_LT(values[time].sum, 1.0e9);
    EXPECT_GT(values[inst].sum, n / 32.0);  // at least one instruction per warp
    // The region shows the total of its kernels.
    const auto region_values = region_node->data.find(tim::gpu::cupti_counters_index);
    ASSERT_NE(region_values, region_node->data.end());
    EXPECT_DOUBLE_EQ(region_values->second[bytes].sum, values[bytes].sum);
    // DRAM bandwidth derived from the two: below 10 TB/s on any current GPU, above 10 GB/s.
    const auto derived = tim::derived_metrics({"dram__bytes.sum", "gpu__time_duration.sum"},
                                              {values[bytes].sum, values[time].sum}, 0.0);
    ASSERT_EQ(derived.size(), 1u);
    EXPECT_GT(derived[0].value, 1.0e10);
    EXPECT_LT(derived[0].value, 1.0e13);
}

TEST_F(CuptiCounters, MultiPassMetricsReplayKernelsWithoutChangingTheirResults) {
    use("sm__throughput.avg.pct_of_peak_sustained_elapsed,dram__bytes.sum");
    if (IsSkipped()) return;
    const auto config = tim::gpu::metrics::current_configuration();
    EXPECT_GT(config.passes, 1u) << config.chip;
    constexpr int n = 1 << 20;
    float* in = nullptr;
    float* out = nullptr;
    CUDA_ASSERT(cudaMalloc(&in, sizeof(float) * n));
    CUDA_ASSERT(cudaMalloc(&out, sizeof(float) * n));
    CUDA_ASSERT(cudaMemset(in, 0, sizeof(float) * n));
    CUDA_ASSERT(cudaMemset(out, 0, sizeof(float) * n));
    {
        region twice{"twice", {counters}};
        for (int k = 0; k < 2; ++k) tm_copy<<<(n + 255) / 256, 256>>>(n, out, out);
        CUDA_ASSERT(cudaDeviceSynchronize());
    }
    // Each launch adds 1 once, however many passes replayed it.
    float last = 0.0f;
    CUDA_ASSERT(cudaMemcpy(&last, out + n - 1, sizeof(float), cudaMemcpyDeviceToHost));
    cudaFree(in);
    cudaFree(out);
    EXPECT_EQ(last, 2.0f);

    tim::flush_pending();
    const auto tree = tim::collect_results(true);
    const auto* region_node = path(tree, {"twice"});
    ASSERT_NE(region_node, nullptr);
    const auto kernels = children_containing(tree, *region_node, "tm_copy");
    ASSERT_EQ(kernels.size(), 1u) << describe_children(tree, *region_node);
    const auto& values = kernels[0]->data.at(tim::gpu::cupti_counters_index);
    const int pct = value_index(*counters, "sm__throughput.avg.pct_of_peak_sustained_elapsed");
    ASSERT_GE(pct, 0);
    EXPECT_EQ(values[pct].count, 2u);
    EXPECT_GT(values[pct].max, 0.0);
    EXPECT_LE(values[pct].max, 100.0);
}

// Launches from two threads sharing the primary context: the lock from launch entry to exit keeps
// the noted launches in the context's order, so each thread's kernels stay under its region.
TEST_F(CuptiCounters, KernelsFromTwoHostThreadsStayUnderTheirThreadsRegions) {
    use("smsp__inst_executed.sum,dram__bytes.sum");
    if (IsSkipped()) return;
    constexpr int n = 1 << 16;
    constexpr int launches = 40;
    float* data[2] = {nullptr, nullptr};
    for (auto*& d : data) {
        CUDA_ASSERT(cudaMalloc(&d, sizeof(float) * n));
        CUDA_ASSERT(cudaMemset(d, 0, sizeof(float) * n));
    }
    CUDA_ASSERT(cudaDeviceSynchronize());
    auto worker = [&](auto tag, const char* label) {
        constexpr int t = decltype(tag)::value;
        region r{label, {counters}};
        for (int i = 0; i < launches; ++i)
            tm_tagged_add<t><<<(n + 255) / 256, 256, 0, cudaStreamPerThread>>>(n, data[t]);
        cudaStreamSynchronize(cudaStreamPerThread);
    };
    on_two_threads(worker);
    float last[2] = {0.0f, 0.0f};
    for (int t = 0; t < 2; ++t) {
        CUDA_ASSERT(cudaMemcpy(&last[t], data[t] + n - 1, sizeof(float), cudaMemcpyDeviceToHost));
        cudaFree(data[t]);
    }
    EXPECT_EQ(last[0], 1.0f * launches);  // replay leaves each launch's effect once
    EXPECT_EQ(last[1], 2.0f * launches);

    tim::flush_pending();
    const auto tree = tim::collect_results(true);
    const int inst = value_index(*counters, "smsp__inst_executed.sum");
    ASSERT_GE(inst, 0);
    double per_launch[2] = {0.0, 0.0};
    for (int t = 0; t < 2; ++t) {
        const std::string label = "worker_" + std::to_string(t);
        const auto* node = path(tree, {label});
        ASSERT_NE(node, nullptr) << label;
        const auto own = children_containing(tree, *node, "tm_tagged_add<" + std::to_string(t));
        const auto other =
            children_containing(tree, *node, "tm_tagged_add<" + std::to_string(1 - t));
        ASSERT_EQ(own.size(), 1u) << label << ": " << describe_children(tree, *node)
                                  << "\ntop level: " << describe_children(tree, tree.nodes[0]);
        EXPECT_TRUE(other.empty()) << label << ": " << describe_children(tree, *node);
        const auto& values = own[0]->data.at(tim::gpu::cupti_counters_index);
        EXPECT_EQ(values[inst].count, static_cast<std::uint64_t>(launches)) << label;
        per_launch[t] = values[inst].sum / launches;
    }
    // Same shape of kernel: the same instruction count per launch in both threads.
    EXPECT_NEAR(per_launch[0], per_launch[1], 0.01 * per_launch[0]);
}

// A CUDA graph (captured from a stream, then launched) between two regions: its kernels are not
// profiled, and the kernels before and after it keep their values.
TEST_F(CuptiCounters, KernelsAroundACapturedGraphKeepTheirValues) {
    use("smsp__inst_executed.sum,dram__bytes.sum");
    if (IsSkipped()) return;
    constexpr int n = 1 << 16;
    float* data = nullptr;
    CUDA_ASSERT(cudaMalloc(&data, sizeof(float) * n));
    CUDA_ASSERT(cudaMemset(data, 0, sizeof(float) * n));
    cudaStream_t stream = nullptr;
    CUDA_ASSERT(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    CUDA_ASSERT(cudaDeviceSynchronize());
    {
        region r{"before", {counters}};
        tm_tagged_add<0><<<(n + 255) / 256, 256, 0, stream>>>(n, data);
        CUDA_ASSERT(cudaStreamSynchronize(stream));
    }
    {
        region r{"graph", {counters}};
        cudaGraph_t graph = nullptr;
        cudaGraphExec_t exec = nullptr;
        CUDA_ASSERT(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
        tm_tagged_add<1><<<(n + 255) / 256, 256, 0, stream>>>(n, data);
        CUDA_ASSERT(cudaStreamEndCapture(stream, &graph));
        CUDA_ASSERT(cudaGraphInstantiate(&exec, graph, 0));
        CUDA_ASSERT(cudaGraphLaunch(exec, stream));
        CUDA_ASSERT(cudaStreamSynchronize(stream));
        cudaGraphExecDestroy(exec);
        cudaGraphDestroy(graph);
    }
    {
        region r{"after", {counters}};
        tm_tagged_add<2><<<(n + 255) / 256, 256, 0, stream>>>(n, data);
        CUDA_ASSERT(cudaStreamSynchronize(stream));
    }
    float last = 0.0f;
    CUDA_ASSERT(cudaMemcpy(&last, data + n - 1, sizeof(float), cudaMemcpyDeviceToHost));
    cudaStreamDestroy(stream);
    cudaFree(data);
    EXPECT_EQ(last, 1.0f + 2.0f + 3.0f);

    tim::flush_pending();
    const auto tree = tim::collect_results(true);
    const int inst = value_index(*counters, "smsp__inst_executed.sum");
    ASSERT_GE(inst, 0);
    for (auto [label, tag] :
         {std::pair{"before", "tm_tagged_add<0"}, {"after", "tm_tagged_add<2"}}) {
        const auto* node = path(tree, {label});
        ASSERT_NE(node, nullptr) << label;
        const auto kernels = children_containing(tree, *node, tag);
        ASSERT_EQ(kernels.size(), 1u) << label << ": " << describe_children(tree, *node);
        const auto& values = kernels[0]->data.at(tim::gpu::cupti_counters_index);
        EXPECT_EQ(values[inst].count, 1u) << label;
        EXPECT_GT(values[inst].sum, n / 32.0) << label;  // at least one instruction per warp
    }
}
