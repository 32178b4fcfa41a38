// Instrumented kernels on a real device: each kernel, Thrust call and copy must land under the
// host region that launched it (cupti_activity / cupti_memory_bytes child rows), cuda_event must
// time the device work of its region without making the host wait, and instrumentation must not
// serialize streams. Without a device every case skips with the reason.
#include "kernels_support.hpp"

#include "timemory/core/pending.hpp"
#include "timemory/gpu/components.hpp"
#include "timemory/gpu/device.hpp"
#include "timemory/gpu/indices.hpp"
#include "timemory/timemory.hpp"

#include <cuda_runtime.h>
#include <gtest/gtest.h>
#include <thrust/device_vector.h>
#include <thrust/functional.h>
#include <thrust/reduce.h>
#include <thrust/sequence.h>
#include <thrust/sort.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <vector>

namespace {

using namespace kernels_test;
using tim::gpu::cuda_event_index;
using tim::gpu::cupti_activity_index;
using tim::gpu::cupti_memory_bytes_index;
using ns_t = unsigned long long;

// ---- kernels ------------------------------------------------------------------------------------

__global__ void tm_saxpy(int n, float a, const float* x, float* y) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < n) y[i] = a * x[i] + y[i];
}

__device__ ns_t global_ns() {
    ns_t t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

// One thread busy for `ns` of device time; writes the interval it ran in (globaltimer ns).
__global__ void tm_spin(ns_t ns, ns_t* interval) {
    const ns_t start = global_ns();
    while (global_ns() - start < ns) __nanosleep(1000);
    interval[0] = start;
    interval[1] = global_ns();
}

template <int Tag>
__global__ void tm_tagged(int* launches) {
    if (blockIdx.x == 0 && threadIdx.x == 0) atomicAdd(launches + Tag, 1);
}

constexpr ns_t ms = 1000000ull;

// ---- fixture ------------------------------------------------------------------------------------

class CudaKernels : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!tim::gpu::has_device()) GTEST_SKIP() << tim::gpu::device_unavailable_reason();
        all = tim::registry::parse_list("wall_clock,cupti_activity,cupti_memory_bytes,cuda_event");
        ASSERT_EQ(all.size(), 4u) << "every GPU component is usable with a device";
        timers = tim::registry::parse_list("wall_clock,cuda_event");
        ASSERT_EQ(timers.size(), 2u);
        CUDA_ASSERT(cudaMalloc(&interval, 4 * sizeof(ns_t)));
        // Lazy module loading makes a kernel's first launch slow: load them outside the regions.
        tm_spin<<<1, 1>>>(1000, interval);
        CUDA_ASSERT(cudaDeviceSynchronize());
        tim::flush_pending();
        tim::clear_results();
        ASSERT_EQ(tim::gpu::cuda_event_pending(), 0u);
    }
    void TearDown() override {
        if (interval != nullptr) cudaFree(interval);
        tim::flush_pending();
        tim::clear_results();
    }
    std::vector<ns_t> intervals() {
        std::vector<ns_t> host(4, 0);
        EXPECT_EQ(cudaMemcpy(host.data(), interval, 4 * sizeof(ns_t), cudaMemcpyDeviceToHost),
                  cudaSuccess);
        return host;
    }

    component_list all;
    component_list timers;
    ns_t* interval = nullptr;
};

// ---- attribution --------------------------------------------------------------------------------

// ctest runs these cases twice: as they are, and with TIMEMORY_CUPTI_ATTRIBUTION=external
// (kernels.cmake), so every case below checks both ways of attributing records.
TEST_F(CudaKernels, AttributionIsTheWayTheSettingAsks) {
    { region r{"start", all}; }  // the first region sampling cupti_activity starts its session
    const char* asked = std::getenv("TIMEMORY_CUPTI_ATTRIBUTION");
    EXPECT_EQ(tim::gpu::cupti_attribution(),
              asked != nullptr && std::string{asked} == "external" ? "external" : "callback");
}

TEST_F(CudaKernels, SaxpyIsAChildRowOfTheRegionThatLaunchedIt) {
    constexpr int n = 1 << 20;
    std::vector<float> x(n), y(n);
    for (int i = 0; i < n; ++i) {
        x[i] = static_cast<float>(i % 1024);
        y[i] = 1.0f;
    }
    float* dx = nullptr;
    float* dy = nullptr;
    CUDA_ASSERT(cudaMalloc(&dx, n * sizeof(float)));
    CUDA_ASSERT(cudaMalloc(&dy, n * sizeof(float)));
    CUDA_ASSERT(cudaMemcpy(dx, x.data(), n * sizeof(float), cudaMemcpyHostToDevice));
    CUDA_ASSERT(cudaMemcpy(dy, y.data(), n * sizeof(float), cudaMemcpyHostToDevice));
    tm_saxpy<<<1, 1>>>(0, 0.0f, dx, dy);  // module load, outside the region
    CUDA_ASSERT(cudaDeviceSynchronize());
    {
        region r{"saxpy", all};
        tm_saxpy<<<(n + 255) / 256, 256>>>(n, 2.0f, dx, dy);
    }
    CUDA_ASSERT(cudaMemcpy(y.data(), dy, n * sizeof(float), cudaMemcpyDeviceToHost));
    cudaFree(dx);
    cudaFree(dy);
    for (int i = 0; i < n; i += 4099) ASSERT_EQ(y[i], 2.0f * static_cast<float>(i % 1024) + 1.0f);

    const auto tree = tim::collect_results();
    const auto* node = path(tree, {"saxpy"});
    ASSERT_NE(node, nullptr);
    const auto kernels = children_containing(tree, *node, "tm_saxpy");
    ASSERT_EQ(kernels.size(), 1u) << describe_children(tree, *node);
    EXPECT_NE(kernels[0]->label.find("tm_saxpy(int, float"), std::string::npos)
        << "demangled name expected: " << kernels[0]->label;
    const auto kernel = value(*kernels[0], cupti_activity_index);
    EXPECT_EQ(kernel.count, 1u);
    EXPECT_GT(kernel.sum, 0.0);
    // The region's device time is the total of its subtree: the kernel (and any CUPTI overhead
    // rows attributed to the region).
    EXPECT_GE(value(*node, cupti_activity_index).sum, kernel.sum);
    EXPECT_EQ(value(*node, cuda_event_index).count, 1u);
    EXPECT_EQ(value(*node, tim::component::wall_clock::index).count, 1u);
}

TEST_F(CudaKernels, ThrustSortAndReduceKernelsLandUnderTheirRegions) {
    constexpr int n = 1 << 20;
    thrust::device_vector<int> data(n);
    // Warm-up outside the regions (lazy loading of the kernels), then descending input.
    thrust::sequence(data.begin(), data.end(), 0);
    thrust::sort(data.begin(), data.end());
    long long sum = thrust::reduce(data.begin(), data.end(), 0ll, thrust::plus<long long>());
    thrust::sequence(data.begin(), data.end(), n - 1, -1);
    {
        region r{"thrust_sort", all};
        thrust::sort(data.begin(), data.end());
    }
    {
        region r{"thrust_reduce", all};
        sum = thrust::reduce(data.begin(), data.end(), 0ll, thrust::plus<long long>());
    }
    EXPECT_EQ(sum, static_cast<long long>(n) * (n - 1) / 2);
    EXPECT_EQ(static_cast<int>(data[0]), 0);
    EXPECT_EQ(static_cast<int>(data[n - 1]), n - 1);

    const auto tree = tim::collect_results();
    const auto* sort = path(tree, {"thrust_sort"});
    const auto* reduce = path(tree, {"thrust_reduce"});
    ASSERT_NE(sort, nullptr);
    ASSERT_NE(reduce, nullptr);
    // CCCL implements both with CUB device algorithms: DeviceRadixSort*, DeviceReduce* kernels.
    const auto sort_kernels = children_containing(tree, *sort, "Sort");
    const auto reduce_kernels = children_containing(tree, *reduce, "Reduce");
    EXPECT_FALSE(sort_kernels.empty()) << describe_children(tree, *sort);
    EXPECT_FALSE(reduce_kernels.empty()) << describe_children(tree, *reduce);
    EXPECT_TRUE(children_containing(tree, *sort, "Reduce").empty())
        << describe_children(tree, *sort);
    for (const auto* k : sort_kernels)
        EXPECT_GT(value(*k, cupti_activity_index).sum, 0.0) << k->label;
    for (const auto* k : reduce_kernels)
        EXPECT_GT(value(*k, cupti_activity_index).sum, 0.0) << k->label;
    EXPECT_GT(value(*sort, cupti_activity_index).sum, 0.0);
    EXPECT_GT(value(*reduce, cupti_activity_index).sum, 0.0);
}

TEST_F(CudaKernels, KernelsFromTwoHostThreadsStayUnderTheirThreadsRegions) {
    constexpr int launches = 50;
    int* counts = nullptr;
    CUDA_ASSERT(cudaMalloc(&counts, 2 * sizeof(int)));
    CUDA_ASSERT(cudaMemset(counts, 0, 2 * sizeof(int)));
    tm_tagged<0><<<1, 32>>>(counts);  // module loads, outside the regions
    tm_tagged<1><<<1, 32>>>(counts);
    CUDA_ASSERT(cudaDeviceSynchronize());
    CUDA_ASSERT(cudaMemset(counts, 0, 2 * sizeof(int)));
    tim::flush_pending();
    tim::clear_results();

    auto worker = [&](auto tag, const char* label) {
        constexpr int t = decltype(tag)::value;
        region r{label, all};
        for (int i = 0; i < launches; ++i) tm_tagged<t><<<1, 32, 0, cudaStreamPerThread>>>(counts);
        cudaStreamSynchronize(cudaStreamPerThread);
    };
    on_two_threads(worker);
    int host[2] = {0, 0};
    CUDA_ASSERT(cudaMemcpy(host, counts, sizeof(host), cudaMemcpyDeviceToHost));
    cudaFree(counts);
    ASSERT_EQ(host[0], launches);
    ASSERT_EQ(host[1], launches);

    const auto tree = tim::collect_results();
    for (int t = 0; t < 2; ++t) {
        const std::string label = "worker_" + std::to_string(t);
        const auto* node = path(tree, {label});
        ASSERT_NE(node, nullptr) << label;
        const auto own = children_containing(tree, *node, "tm_tagged<" + std::to_string(t) + ">");
        const auto other =
            children_containing(tree, *node, "tm_tagged<" + std::to_string(1 - t) + ">");
        ASSERT_EQ(own.size(), 1u) << label << ": " << describe_children(tree, *node);
        EXPECT_EQ(value(*own[0], cupti_activity_index).count, static_cast<std::uint64_t>(launches));
        EXPECT_TRUE(other.empty()) << label << ": " << describe_children(tree, *node);
        EXPECT_EQ(value(*node, cuda_event_index).count, 1u) << label;
    }
}

TEST_F(CudaKernels, MemcpyOfKnownSizeReportsExactBytesUnderItsRegion) {
    constexpr std::size_t bytes = (std::size_t{1} << 20) + 12;
    char* host = nullptr;
    char* device = nullptr;
    CUDA_ASSERT(cudaMallocHost(&host, bytes));  // pinned: one DMA transfer per call
    CUDA_ASSERT(cudaMalloc(&device, bytes));
    std::fill(host, host + bytes, 'x');
    {
        region r{"copies", all};
        CUDA_ASSERT(cudaMemcpy(device, host, bytes, cudaMemcpyHostToDevice));
        CUDA_ASSERT(cudaMemcpy(host, device, bytes, cudaMemcpyDeviceToHost));
    }
    cudaFree(device);
    cudaFreeHost(host);

    const auto tree = tim::collect_results();
    const auto* node = path(tree, {"copies"});
    ASSERT_NE(node, nullptr);
    for (const char* kind : {"cudaMemcpy_HtoD", "cudaMemcpy_DtoH"}) {
        const auto* copy = child(tree, *node, kind);
        ASSERT_NE(copy, nullptr) << kind << ": " << describe_children(tree, *node);
        const auto moved = value(*copy, cupti_memory_bytes_index);
        EXPECT_EQ(moved.count, 1u) << kind;
        EXPECT_EQ(moved.sum, static_cast<double>(bytes)) << kind;
        EXPECT_GT(value(*copy, cupti_activity_index).sum, 0.0) << kind;
    }
    EXPECT_EQ(value(*node, cupti_memory_bytes_index).sum, 2.0 * static_cast<double>(bytes));
}

// ---- cuda_event ---------------------------------------------------------------------------------

TEST_F(CudaKernels, CudaEventIsCloseToWallTimeForAKernelBracketedByASync) {
    constexpr ns_t spin = 2 * ms;
    {
        region r{"spin_synced", timers};
        tm_spin<<<1, 1>>>(spin, interval);  // legacy default stream
        CUDA_ASSERT(cudaDeviceSynchronize());
    }
    const auto tree = tim::collect_results();
    const auto* node = path(tree, {"spin_synced"});
    ASSERT_NE(node, nullptr);
    const auto wall = value(*node, tim::component::wall_clock::index);
    const auto gpu = value(*node, cuda_event_index);
    ASSERT_EQ(gpu.count, 1u);
    EXPECT_GE(gpu.sum, 0.95 * static_cast<double>(spin));
    EXPECT_GE(gpu.sum, 0.5 * wall.sum) << "wall " << wall.sum;
    EXPECT_LE(gpu.sum, 2.0 * wall.sum + 50e3) << "wall " << wall.sum;
}

TEST_F(CudaKernels, CudaEventStopDoesNotWaitForTheDevice) {
    constexpr ns_t spin = 50 * ms;
    {
        region r{"not_waiting", timers};
        tm_spin<<<1, 1>>>(spin, interval);
    }
    // The pair is still queued: the stop recorded an event and returned.
    EXPECT_EQ(tim::gpu::cuda_event_pending(), 1u);
    const auto tree = tim::collect_results();  // waits for the events still pending
    EXPECT_EQ(tim::gpu::cuda_event_pending(), 0u);
    const auto* node = path(tree, {"not_waiting"});
    ASSERT_NE(node, nullptr);
    EXPECT_LT(value(*node, tim::component::wall_clock::index).sum, 0.5 * static_cast<double>(spin));
    const auto gpu = value(*node, cuda_event_index);
    EXPECT_EQ(gpu.count, 1u);
    EXPECT_GE(gpu.sum, 0.95 * static_cast<double>(spin));
}

TEST_F(CudaKernels, PendingPairsResolveAtLaterStopsOnceTheDeviceIsPast) {
    constexpr ns_t spin = 5 * ms;
    for (int i = 0; i < 3; ++i) {
        region r{"lazy", timers};
        tm_spin<<<1, 1>>>(spin, interval);
    }
    EXPECT_EQ(tim::gpu::cuda_event_pending(), 3u);
    CUDA_ASSERT(cudaDeviceSynchronize());
    { region r{"poke", timers}; }  // its stop polls the two oldest pairs: both are done
    EXPECT_EQ(tim::gpu::cuda_event_pending(), 2u);
    const auto tree = tim::collect_results();
    const auto* node = path(tree, {"lazy"});
    ASSERT_NE(node, nullptr);
    const auto gpu = value(*node, cuda_event_index);
    EXPECT_EQ(gpu.count, 3u);
    EXPECT_GE(gpu.min, 0.95 * static_cast<double>(spin));
    EXPECT_EQ(value(*path(tree, {"poke"}), cuda_event_index).count, 1u);
}

TEST_F(CudaKernels, CompileTimeBundleWithCudaEvent) {
    constexpr ns_t spin = 2 * ms;
    {
        TIMEMORY_SCOPED("scoped_spin", tim::component::wall_clock, tim::gpu::cuda_event);
        tm_spin<<<1, 1>>>(spin, interval);
    }
    const auto tree = tim::collect_results();
    const auto* node = path(tree, {"scoped_spin"});
    ASSERT_NE(node, nullptr);
    const auto gpu = value(*node, cuda_event_index);
    EXPECT_EQ(gpu.count, 1u);
    EXPECT_GE(gpu.sum, 0.95 * static_cast<double>(spin));
}

TEST_F(CudaKernels, CudaEventTimesTheStreamTheThreadSelected) {
    constexpr ns_t spin = 5 * ms;
    cudaStream_t stream = nullptr;
    CUDA_ASSERT(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    {
        // Default stream (per-thread): a non-blocking stream's kernel is not inside the pair.
        region r{"other_stream", timers};
        tm_spin<<<1, 1, 0, stream>>>(spin, interval);
    }
    CUDA_ASSERT(cudaStreamSynchronize(stream));
    {
        tim::gpu::cuda_event_stream_scope on{stream};
        EXPECT_EQ(tim::gpu::cuda_event_stream(), stream);
        region r{"chosen_stream", timers};
        tm_spin<<<1, 1, 0, stream>>>(spin, interval);
    }
    EXPECT_EQ(tim::gpu::cuda_event_stream(), cudaStreamPerThread);
    const auto tree = tim::collect_results();
    CUDA_ASSERT(cudaStreamDestroy(stream));
    EXPECT_LT(value(*path(tree, {"other_stream"}), cuda_event_index).sum,
              0.5 * static_cast<double>(spin));
    EXPECT_GE(value(*path(tree, {"chosen_stream"}), cuda_event_index).sum,
              0.95 * static_cast<double>(spin));
}

// ---- no device synchronisation added ------------------------------------------------------------

TEST_F(CudaKernels, TwoStreamsStillOverlapUnderInstrumentedRegions) {
    constexpr ns_t spin = 20 * ms;
    cudaStream_t a = nullptr;
    cudaStream_t b = nullptr;
    // Blocking streams: an instrumentation event on the legacy default stream would order them.
    CUDA_ASSERT(cudaStreamCreate(&a));
    CUDA_ASSERT(cudaStreamCreate(&b));
    {
        region outer{"two_streams", all};
        {
            region r{"stream_a", all};
            tm_spin<<<1, 1, 0, a>>>(spin, interval);
        }
        {
            region r{"stream_b", all};
            tm_spin<<<1, 1, 0, b>>>(spin, interval + 2);
        }
    }
    CUDA_ASSERT(cudaStreamSynchronize(a));
    CUDA_ASSERT(cudaStreamSynchronize(b));
    CUDA_ASSERT(cudaStreamDestroy(a));
    CUDA_ASSERT(cudaStreamDestroy(b));
    const auto t = intervals();
    const ns_t later_start = std::max(t[0], t[2]);
    const ns_t earlier_end = std::min(t[1], t[3]);
    EXPECT_LT(later_start, earlier_end) << "kernel intervals [" << t[0] << ", " << t[1] << "] and ["
                                        << t[2] << ", " << t[3] << "] do not intersect";

    const auto tree = tim::collect_results();
    for (const char* label : {"stream_a", "stream_b"}) {
        const auto* node = path(tree, {"two_streams", label});
        ASSERT_NE(node, nullptr) << label;
        const auto kernels = children_containing(tree, *node, "tm_spin");
        ASSERT_EQ(kernels.size(), 1u) << label << ": " << describe_children(tree, *node);
        EXPECT_GE(value(*kernels[0], cupti_activity_index).sum, 0.95 * static_cast<double>(spin));
    }
}

}  // namespace
