// Host time per kernel launch, bare and with timemory's CUPTI activity tracing on (target: at
// most 1 µs added per launch), in one process: the bare runs come first because tracing,
// once started, stays on for the process.
//
//   build/bench/timemory-bench-cuda-launch [launches=20000] [repeats=7] [mode=timemory]
//
// Modes (one per process, since CUPTI stays on once started):
//   timemory         cupti_activity as configured (settings.cupti_attribution, activity level)
//   external         cupti_activity attributing through external correlation ids per region
//   cupti-kernels    CUPTI alone: concurrent-kernel activity records, no callbacks (the floor of
//                    any activity-based tracer)
//   cupti-callbacks  CUPTI alone: an empty callback on cudaLaunchKernel, __cudaLaunchKernel and
//                    cuLaunchKernel (what a <<<>>> launch goes through), no records
//   cupti-both       CUPTI alone: both of the above (what the timemory mode asks of CUPTI, so
//                    timemory minus cupti-both is timemory's own share)
//
// Each measurement launches an empty kernel `launches` times on one stream in batches of 256,
// synchronising between batches so that the launch queue never fills (a full queue would make
// launches wait for the device); only the time inside the launch calls counts, and the best of
// `repeats` is kept. Without a GPU it says why.
#include <timemory/gpu/device.hpp>
#include <timemory/timemory.hpp>

#include <cuda_runtime.h>
#include <cupti.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

__global__ void empty_kernel() {}

// Host time spent in the launch calls only: the periodic synchronisations (which wait for the
// device to run the kernels) are outside the timed intervals.
double ns_per_launch(int launches, cudaStream_t stream) {
    using clock = std::chrono::steady_clock;
    clock::duration in_launches{};
    for (int i = 0; i < launches; i += 256) {
        const int batch = std::min(256, launches - i);
        const auto t0 = clock::now();
        for (int k = 0; k < batch; ++k) empty_kernel<<<1, 1, 0, stream>>>();
        in_launches += clock::now() - t0;
        cudaStreamSynchronize(stream);
    }
    return std::chrono::duration<double, std::nano>(in_launches).count() / launches;
}

double best_of(int repeats, int launches, cudaStream_t stream) {
    double best = 1e300;
    for (int r = 0; r < repeats; ++r) best = std::min(best, ns_per_launch(launches, stream));
    return best;
}

// ---- CUPTI alone (modes cupti-kernels, cupti-callbacks) -----------------------------------------
void CUPTIAPI give_buffer(std::uint8_t** buffer, std::size_t* size, std::size_t* max_records) {
    *size = std::size_t{8} << 20;
    *buffer = static_cast<std::uint8_t*>(std::aligned_alloc(8, *size));
    *max_records = 0;
}
void CUPTIAPI take_buffer(CUcontext, std::uint32_t, std::uint8_t* buffer, std::size_t,
                          std::size_t) {
    std::free(buffer);  // records dropped: only CUPTI's cost at launch is measured
}
void CUPTIAPI empty_callback(void*, CUpti_CallbackDomain, CUpti_CallbackId, const void*) {}

// "" or what failed.
std::string start_cupti_alone(const std::string& mode) {
    if (mode == "cupti-kernels" || mode == "cupti-both") {
        if (cuptiActivityRegisterCallbacks(&give_buffer, &take_buffer) != CUPTI_SUCCESS)
            return "cuptiActivityRegisterCallbacks failed";
        if (cuptiActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) != CUPTI_SUCCESS)
            return "cuptiActivityEnable(CONCURRENT_KERNEL) failed";
        if (mode == "cupti-kernels") return {};
    }
    CUpti_SubscriberHandle handle = nullptr;
    if (cuptiSubscribe(&handle, &empty_callback, nullptr) != CUPTI_SUCCESS)
        return "cuptiSubscribe failed";
    for (auto cbid : {CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
                      CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000}) {
        cuptiEnableCallback(1, handle, CUPTI_CB_DOMAIN_RUNTIME_API, cbid);
    }
    cuptiEnableCallback(1, handle, CUPTI_CB_DOMAIN_DRIVER_API,
                        CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel);
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    const int launches = argc > 1 ? std::atoi(argv[1]) : 20000;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 7;
    auto& s = tim::settings::instance();
    s.auto_output = false;
    s.changed();
    if (!tim::gpu::has_device()) {
        std::printf("no GPU: %s\n", tim::gpu::device_unavailable_reason().c_str());
        return 0;
    }
    cudaStream_t stream = nullptr;
    cudaStreamCreate(&stream);
    ns_per_launch(launches, stream);  // warm up: module load, first-launch costs
    const double bare = best_of(repeats, launches, stream);

    const std::string mode = argc > 3 ? argv[3] : "timemory";
    if (mode == "cupti-kernels" || mode == "cupti-callbacks" || mode == "cupti-both") {
        if (const auto why = start_cupti_alone(mode); !why.empty()) {
            std::printf("%s: %s\n", mode.c_str(), why.c_str());
            return 1;
        }
        ns_per_launch(launches, stream);
        const double traced = best_of(repeats, launches, stream);
        std::printf("launch, bare:                   %8.1f ns\n", bare);
        std::printf("launch, %-23s %8.1f ns\n", (mode + ":").c_str(), traced);
        std::printf("added per launch:               %8.1f ns (%.2fx)\n", traced - bare,
                    traced / bare);
        return 0;
    }
    if (mode == "external") {
        s.cupti_attribution = "external";
        s.changed();
    } else if (mode != "timemory") {
        std::printf(
            "unknown mode '%s' (timemory, external, cupti-kernels, cupti-callbacks, "
            "cupti-both)\n",
            mode.c_str());
        return 2;
    }
    // Tracing on: a region that samples cupti_activity starts the CUPTI session; every launch in
    // the region is then attributed to it (through the subscriber's callback, or the region's
    // external correlation id).
    tim::runtime_bundle region{"launches", tim::registry::parse_list("wall_clock, cupti_activity")};
    region.start();
    ns_per_launch(launches, stream);
    const double traced = best_of(repeats, launches, stream);
    region.stop();
    const auto rows =
        tim::component_view(tim::collect_results(), tim::registry::get("cupti_activity"));
    double kernels = 0.0;
    for (const auto& row : rows) {
        if (row.label == "launches") kernels = static_cast<double>(row.inclusive[0].count);
    }
    std::printf("launch, bare:                   %8.1f ns\n", bare);
    std::printf("launch, cupti_activity (%s): %8.1f ns\n", mode.c_str(), traced);
    std::printf("added per launch:               %8.1f ns (%.2fx)\n", traced - bare, traced / bare);
    // Device activities under the region: every kernel plus the synchronisations between batches.
    std::printf("device activities attributed to the region: %.0f (%d kernels + syncs)\n", kernels,
                launches * (repeats + 1));
    cudaStreamDestroy(stream);
    return 0;
}
