// Activity kinds chosen by settings, row labels of records, and which API functions launch work.
#include "cupti/activity_kinds.hpp"
#include "cupti/activity_labels.hpp"

#include <gtest/gtest.h>

namespace act = tim::gpu::activity;
using K = std::vector<CUpti_ActivityKind>;

TEST(ActivityKinds, LevelsAreKernelsThenCopiesSetsSyncAndOverheadThenApiCalls) {
    EXPECT_EQ(act::kinds_for_level(0), (K{CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL}));
    const K level1{CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
                   CUPTI_ACTIVITY_KIND_MEMSET, CUPTI_ACTIVITY_KIND_SYNCHRONIZATION,
                   CUPTI_ACTIVITY_KIND_OVERHEAD};
    EXPECT_EQ(act::kinds_for_level(1), level1);
    auto level2 = level1;
    level2.insert(level2.end(), {CUPTI_ACTIVITY_KIND_RUNTIME, CUPTI_ACTIVITY_KIND_DRIVER});
    EXPECT_EQ(act::kinds_for_level(2), level2);
    EXPECT_EQ(act::kinds_for_level(7), level2);
    EXPECT_EQ(act::kinds_for_level(-1), act::kinds_for_level(0));
}

TEST(ActivityKinds, ListsAcceptNamesPrefixesAndNumbersAndReportTheRest) {
    const auto parsed =
        act::parse_kinds("Concurrent_Kernel, CUPTI_ACTIVITY_KIND_MEMCPY;38 memcpy bogus  event");
    EXPECT_EQ(parsed.kinds, (K{CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
                               CUPTI_ACTIVITY_KIND_SYNCHRONIZATION}));
    EXPECT_EQ(parsed.unknown, (std::vector<std::string>{"bogus", "event"}));
}

TEST(ActivityKinds, AnExplicitListWinsAndUnknownNamesWarnWithTheValidOnes) {
    testing::internal::CaptureStderr();
    EXPECT_EQ(act::select_kinds(1, "kernel,nope"), (K{CUPTI_ACTIVITY_KIND_KERNEL}));
    const auto err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("'nope'"), std::string::npos) << err;
    EXPECT_NE(err.find(act::valid_kind_names()), std::string::npos) << err;

    testing::internal::CaptureStderr();
    EXPECT_EQ(act::select_kinds(0, "nope"), act::kinds_for_level(0));  // nothing valid: the level
    EXPECT_NE(testing::internal::GetCapturedStderr().find("names no valid kind"),
              std::string::npos);

    testing::internal::CaptureStderr();
    EXPECT_EQ(act::select_kinds(2, ""), act::kinds_for_level(2));
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(ActivityKinds, TracedCallClassesFollowTheKinds) {
    using act::api_class;
    using act::class_bit;
    EXPECT_EQ(act::traced_api_classes(act::kinds_for_level(0)),
              class_bit(api_class::launch) | class_bit(api_class::graph_launch));
    EXPECT_EQ(act::traced_api_classes(act::kinds_for_level(1)),
              class_bit(api_class::launch) | class_bit(api_class::graph_launch) |
                  class_bit(api_class::memcpy) | class_bit(api_class::memset) |
                  class_bit(api_class::sync));
    EXPECT_EQ(act::traced_api_classes({CUPTI_ACTIVITY_KIND_SYNCHRONIZATION}),
              class_bit(api_class::sync));
    EXPECT_FALSE(act::wants_api_records(act::kinds_for_level(1)));
    EXPECT_TRUE(act::wants_api_records(act::kinds_for_level(2)));
}

TEST(ActivityLabels, CopiesAreNamedByDirectionAsTimemoryDid) {
    EXPECT_EQ(act::memcpy_label(CUPTI_ACTIVITY_MEMCPY_KIND_HTOD), "cudaMemcpy_HtoD");
    EXPECT_EQ(act::memcpy_label(CUPTI_ACTIVITY_MEMCPY_KIND_DTOH), "cudaMemcpy_DtoH");
    EXPECT_EQ(act::memcpy_label(CUPTI_ACTIVITY_MEMCPY_KIND_DTOD), "cudaMemcpy_DtoD");
    EXPECT_EQ(act::memcpy_label(CUPTI_ACTIVITY_MEMCPY_KIND_HTOH), "cudaMemcpy_HtoH");
    EXPECT_EQ(act::memcpy_label(CUPTI_ACTIVITY_MEMCPY_KIND_PTOP), "cudaMemcpy_PtoP");
    EXPECT_EQ(act::memcpy_label(CUPTI_ACTIVITY_MEMCPY_KIND_ATOD), "cudaMemcpy_AtoD");
    EXPECT_EQ(act::memcpy_label(0), "cudaMemcpy_Unknown");
    EXPECT_EQ(act::memcpy_label(200), "cudaMemcpy_Unknown");
    EXPECT_EQ(act::overhead_label(CUPTI_ACTIVITY_OVERHEAD_DRIVER_COMPILER),
              "cuptiOverhead_DriverCompiler");
}

TEST(ActivityLabels, KernelNamesAreDemangledOncePerNameAndPointerReuseIsCaught) {
    EXPECT_EQ(act::demangle("_ZN6thrust8for_eachEv"), "thrust::for_each()");
    EXPECT_EQ(act::demangle("plain_c_kernel"), "plain_c_kernel");
    act::kernel_names names;
    char buffer[32] = "_Z5saxpyifPKfPf";
    const auto& saxpy = names.get(buffer);
    EXPECT_EQ(saxpy.text, "saxpy(int, float, float const*, float*)");
    EXPECT_EQ(&names.get(buffer), &saxpy);  // once per name
    EXPECT_EQ(saxpy.id.hash(), tim::hash_label(saxpy.text));
    EXPECT_EQ(names.size(), 1u);
    std::snprintf(buffer, sizeof buffer, "_Z4stepv");  // same pointer, another kernel
    EXPECT_EQ(names.get(buffer).text, "step()");
    // The first label is still there (records waiting for their launch point at it).
    EXPECT_EQ(saxpy.text, "saxpy(int, float, float const*, float*)");
    EXPECT_EQ(names.get(nullptr).text, "<unnamed kernel>");
}

TEST(ActivityLabels, EveryLaunchCopySetSyncAndTeardownVariantIsClassifiedByName) {
    using act::api_class;
    for (const char* name :
         {"cudaLaunchKernel_v7000", "cudaLaunchKernel_ptsz", "__cudaLaunchKernel_v13000",
          "cudaLaunchKernelExC_v11060", "cudaLaunchCooperativeKernel", "cuLaunchKernel",
          "cuLaunchKernelEx", "cuLaunchCooperativeKernel_ptsz", "cuLaunchGrid",
          "cudaLaunch_v3020"}) {
        EXPECT_EQ(act::classify_api(name), api_class::launch) << name;
    }
    for (const char* name : {"cudaGraphLaunch_v10000", "cudaGraphLaunch_ptsz", "cuGraphLaunch"}) {
        EXPECT_EQ(act::classify_api(name), api_class::graph_launch) << name;
    }
    for (const char* name :
         {"cudaMemcpy", "cudaMemcpyAsync_ptsz", "cudaMemcpy2DToArray", "cudaMemcpyPeerAsync",
          "cuMemcpyHtoD_v2", "cuMemcpyBatchAsync", "cudaMemcpyToSymbol"}) {
        EXPECT_EQ(act::classify_api(name), api_class::memcpy) << name;
    }
    for (const char* name :
         {"cudaMemset", "cudaMemsetAsync", "cuMemsetD8_v2", "cuMemsetD2D32Async"}) {
        EXPECT_EQ(act::classify_api(name), api_class::memset) << name;
    }
    for (const char* name :
         {"cudaDeviceSynchronize", "cudaStreamSynchronize_ptsz", "cudaEventSynchronize",
          "cudaStreamWaitEvent", "cuCtxSynchronize", "cuStreamWaitEvent", "cudaThreadSynchronize",
          "cudaFree", "cuMemFree_v2", "cudaFreeHost", "cudaFreeArray", "cudaEventQuery",
          "cuEventQuery", "cudaEventElapsedTime"}) {
        EXPECT_EQ(act::classify_api(name), api_class::sync) << name;
    }
    // cupti_counters collects its ranges before these (the context goes away).
    for (const char* name : {"cudaDeviceReset", "cuCtxDestroy_v2", "cuDevicePrimaryCtxReset_v2",
                             "cuDevicePrimaryCtxRelease_v2"}) {
        EXPECT_EQ(act::classify_api(name), api_class::teardown) << name;
    }
    for (const char* name :
         {"cudaMalloc", "cudaLaunchHostFunc", "cuLaunchHostFunc_ptsz", "cudaGraphAddMemcpyNode",
          "cudaGraphInstantiate", "cuStreamWaitValue32", "cudaGetLastError",
          "__cudaPushCallConfiguration", "cudaFreeAsync", "cuMemFreeAsync"}) {
        EXPECT_EQ(act::classify_api(name), api_class::none) << name;
    }
}
