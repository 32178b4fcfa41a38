// The host fallback of a CUDA build, on any machine: without a device the GPU components are
// listed unavailable with the device's reason, asking for one warns once, and bundles holding
// cuda_event (chosen at run time or at compile time) keep measuring everything else. With a
// device the same code measures cuda_event too.
#include "kernels_support.hpp"

#include "timemory/gpu/components.hpp"
#include "timemory/gpu/device.hpp"
#include "timemory/gpu/indices.hpp"
#include "timemory/timemory.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace {

using namespace kernels_test;
using tim::gpu::cuda_event_index;

constexpr double pause_ns = 2e6;
void pause() {
    std::this_thread::sleep_for(std::chrono::nanoseconds{static_cast<long>(pause_ns)});
}

TEST(CudaHostFallback, GpuComponentsAreListedWithTheDeviceReason) {
    for (const char* id : {"cuda_event", "cupti_activity", "cupti_memory_bytes"}) {
        const std::string reason = tim::registry::unavailable_reason(tim::registry::get(id));
        if (tim::gpu::has_device()) {
            EXPECT_EQ(reason, "") << id;
            continue;
        }
        EXPECT_EQ(reason.rfind("no CUDA device: ", 0), 0u) << id << ": " << reason;
        EXPECT_GT(reason.size(), std::string{"no CUDA device: "}.size()) << "CUDA's error text";
        EXPECT_EQ(reason, tim::gpu::device_unavailable_reason()) << id;
    }
}

TEST(CudaHostFallback, BundlesWithCudaEventStillRecordWallClock) {
    const bool device = tim::gpu::has_device();
    testing::internal::CaptureStderr();
    const auto first = tim::registry::parse_list("wall_clock,cuda_event");
    const auto second = tim::registry::parse_list("cuda_event wall_clock");
    const std::string err = testing::internal::GetCapturedStderr();
    if (device) {
        EXPECT_EQ(first.size(), 2u);
        EXPECT_EQ(err.find("cuda_event"), std::string::npos) << err;
    } else {
        ASSERT_EQ(first.size(), 1u);
        ASSERT_EQ(second.size(), 1u);
        EXPECT_EQ(first[0]->id, "wall_clock");
        const std::string expected =
            "'cuda_event' is not available here (" + tim::gpu::device_unavailable_reason() + ")";
        const auto at = err.find(expected);
        EXPECT_NE(at, std::string::npos) << err;
        EXPECT_EQ(err.find("'cuda_event'", at + 1), std::string::npos) << "warned twice: " << err;
    }

    {
        region r{"fallback_runtime", first};
        pause();
    }
    {
        TIMEMORY_SCOPED("fallback_scoped", tim::component::wall_clock, tim::gpu::cuda_event);
        pause();
    }
    const auto tree = tim::collect_results();
    for (const char* label : {"fallback_runtime", "fallback_scoped"}) {
        const auto* node = path(tree, {label});
        ASSERT_NE(node, nullptr) << label;
        const auto wall = value(*node, tim::component::wall_clock::index);
        EXPECT_EQ(wall.count, 1u) << label;
        EXPECT_GE(wall.sum, pause_ns) << label;
        // With a device: one pair (on an idle device, about the host time between the events);
        // without one: no value at all.
        EXPECT_EQ(value(*node, cuda_event_index).count, device ? 1u : 0u) << label;
        if (device) EXPECT_LT(value(*node, cuda_event_index).sum, wall.sum + 1e6) << label;
    }
    EXPECT_EQ(tim::gpu::cuda_event_pending(), 0u);
    tim::clear_results();
}

TEST(CudaHostFallback, CudaEventSamplesAreNoOpsWithoutADevice) {
    if (tim::gpu::has_device()) GTEST_SKIP() << "a CUDA device is present";
    double start = 0.0;
    double stop = 0.0;
    tim::gpu::cuda_event::sample(&start);
    tim::gpu::cuda_event::sample(&stop);
    EXPECT_EQ(start, -1.0);
    EXPECT_EQ(stop, -1.0);
    double value = 42.0;
    tim::gpu::cuda_event::measure(&start, &stop, &value);
    EXPECT_EQ(value, 0.0);
    tim::gpu::cuda_event::finish(&start, &stop, tim::current_node_id());
    EXPECT_EQ(tim::gpu::cuda_event_pending(), 0u);
    const auto tree = tim::collect_results();
    for (const auto& node : tree.nodes)
        EXPECT_EQ(node.data.count(cuda_event_index), 0u) << node.label;
    // Choosing a stream is allowed anyway (a program does not need to know whether it has a GPU).
    const cudaStream_t previous = tim::gpu::set_cuda_event_stream(cudaStreamLegacy);
    EXPECT_EQ(previous, cudaStreamPerThread);
    EXPECT_EQ(tim::gpu::set_cuda_event_stream(previous), cudaStreamLegacy);
}

}  // namespace
