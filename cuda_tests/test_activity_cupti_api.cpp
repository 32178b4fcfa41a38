// The CUPTI function table (gpu/src/cupti/cupti_api.hpp): libcupti is dlopened on first use, every
// function resolves from it, and a library that cannot be used is refused with the loader's
// reason. Loading libcupti and the three functions called here (names, result strings and the
// version) are safe without a driver; nothing else of CUPTI is called. This process maps libcupti
// on purpose; test_activity_lazy_load.cpp checks that a plain timemory program does not. The last
// test needs a device (it runs after the one that checks libcupti is not mapped yet).
#include "cupti/cupti_api.hpp"
#include "cupti/cupti_subscriber.hpp"
#include "test_activity_support.hpp"

#include "timemory/gpu/device.hpp"

#include <cuda_runtime_api.h>
#include <cupti_runtime_cbid.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace cupti = tim::gpu::cupti;

namespace {

bool libcupti_mapped() {
    std::ifstream in{"/proc/self/maps"};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str().find("/libcupti.so") != std::string::npos;
}

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

}  // namespace

TEST(CuptiApi, AMissingLibraryIsRefusedWithTheLoadersReason) {
    cupti::functions table;
    const auto why = cupti::open("libtimemory-test-no-such-cupti.so.13", table);
    EXPECT_EQ(why,
              "CUPTI not loaded: libtimemory-test-no-such-cupti.so.13: cannot open shared object "
              "file: No such file or directory");
    EXPECT_EQ(table.cuptiActivityEnable, nullptr);
    EXPECT_EQ(table.cuptiSubscribe_v2, nullptr);
}

TEST(CuptiApi, ALibraryWithoutTheFunctionsIsNotUsedAtAll) {
    // The CUDA runtime: loadable, but no CUPTI in it. The first function missing is named.
    cupti::functions table;
    const auto why =
        cupti::open(("libcudart.so." + std::to_string(CUDART_VERSION / 1000)).c_str(), table);
    EXPECT_TRUE(starts_with(why, "CUPTI not loaded: ")) << why;
    EXPECT_NE(why.find("undefined symbol: cuptiActivityEnable"), std::string::npos) << why;
    EXPECT_EQ(table.cuptiActivityEnable, nullptr);
}

TEST(CuptiApi, LoadsLibcuptiOnFirstUseAndResolvesEveryFunction) {
    ASSERT_FALSE(libcupti_mapped()) << "libcupti was mapped before anything asked for it";
    const cupti::functions* api = cupti::load();
    ASSERT_NE(api, nullptr) << cupti::load_error();
    EXPECT_EQ(cupti::load_error(), "");
    EXPECT_EQ(cupti::load(), api);  // once
    EXPECT_EQ(&cupti::api(), api);
    EXPECT_TRUE(libcupti_mapped());
    std::size_t functions = 0;
    std::string unresolved;
#define TIMEMORY_TEST_RESOLVED(fn) \
    ++functions;                   \
    if (api->fn == nullptr) unresolved += " " #fn;
    TIMEMORY_CUPTI_FUNCTIONS(TIMEMORY_TEST_RESOLVED)
#undef TIMEMORY_TEST_RESOLVED
    EXPECT_GE(functions, 14u);
    EXPECT_EQ(unresolved, "");

    // The driver-free functions answer through the table.
    const char* name = nullptr;
    ASSERT_EQ(api->cuptiGetCallbackName(CUPTI_CB_DOMAIN_RUNTIME_API,
                                        CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, &name),
              CUPTI_SUCCESS);
    EXPECT_STREQ(name, "cudaLaunchKernel_v7000");
    const char* text = nullptr;
    ASSERT_EQ(api->cuptiGetResultString(CUPTI_ERROR_INVALID_PARAMETER, &text), CUPTI_SUCCESS);
    EXPECT_TRUE(starts_with(text, "CUPTI_ERROR_INVALID_PARAMETER")) << text;
    const auto unknown = tim::gpu::subscriber::result_text(CUPTI_ERROR_UNKNOWN);
    EXPECT_TRUE(starts_with(unknown, "CUPTI_ERROR_UNKNOWN")) << unknown;
}

// The version the loaded library reports, not the headers' own: a libcupti of another CUDA
// major (another toolkit's on the library path) lays its records out differently.
TEST(CuptiApi, TheLibraryIsTheCuptiOfTheHeadersMajorVersion) {
    // From CUDA 13 on the version is xxyyzz, xx the CUDA major (the soname's number).
    static_assert(CUPTI_API_VERSION >= 130000, "CUPTI_API_VERSION is not in the xxyyzz format");
    const cupti::functions* api = cupti::load();
    if (api == nullptr) GTEST_SKIP() << cupti::load_error();
    std::uint32_t loaded = 0;
    ASSERT_EQ(api->cuptiGetVersion(&loaded), CUPTI_SUCCESS);
    EXPECT_EQ(loaded / 10000, CUPTI_API_VERSION / 10000)
        << cupti::library_name() << " reports CUPTI " << loaded << ", the headers "
        << CUPTI_API_VERSION;
    EXPECT_EQ(std::string{cupti::library_name()}, "libcupti.so." + std::to_string(loaded / 10000));
}

TEST(CuptiApi, WithADeviceCudaApiCallsAreTimedThroughTheTable) {
    if (!tim::gpu::has_device()) GTEST_SKIP() << tim::gpu::device_unavailable_reason();
    namespace at = activity_test;
    tim::clear_results();
    constexpr std::size_t bytes = std::size_t{1} << 20;
    {
        tim::runtime_bundle region{"api-calls", tim::registry::parse_list("wall_clock, cuda_api")};
        ASSERT_EQ(region.components().size(), 2u) << cupti::unavailable_reason();
        region.start();  // loads libcupti, subscribes, enables the API domains
        void* p = nullptr;
        EXPECT_EQ(cudaMalloc(&p, bytes), cudaSuccess);
        EXPECT_EQ(cudaMemset(p, 0, bytes), cudaSuccess);
        EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
        EXPECT_EQ(cudaFree(p), cudaSuccess);
        region.stop();
    }
    EXPECT_TRUE(libcupti_mapped());
    const auto rows = at::rows_of(tim::registry::get("cuda_api"));
    const auto* region = at::find_row(rows, "api-calls");
    ASSERT_NE(region, nullptr) << at::labels(rows);
    double children = 0.0;
    for (const char* fn : {"cudaMalloc", "cudaMemset", "cudaDeviceSynchronize", "cudaFree"}) {
        const auto* row = at::find_row(rows, fn);
        ASSERT_NE(row, nullptr) << fn << " not timed:\n" << at::labels(rows);
        EXPECT_EQ(row->depth, region->depth + 1) << fn;
        EXPECT_EQ(row->inclusive[0].count, 1u) << fn;
        EXPECT_GT(row->inclusive[0].sum, 0.0) << fn;
        children += row->inclusive[0].sum;
    }
    EXPECT_GE(region->inclusive[0].sum, children);  // subtree total
    tim::clear_results();
}
