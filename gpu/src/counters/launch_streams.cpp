#include "counters/launch_streams.hpp"

#include "plugin/internal_calls.hpp"

#include <cuda.h>
#include <cupti_driver_cbid.h>
#include <cupti_runtime_cbid.h>

namespace tim::gpu {
namespace {

// CUDA 13's <<<>>> entry points, __cudaLaunchKernel(_ptsz): CUPTI passes every runtime function's
// arguments as a struct of them in order, but the meta header has none for these two. Their
// arguments (crt/device_functions.h): kernel, gridDim, blockDim, args, sharedMem, stream.
struct launch_v13000_params {
    cudaKernel_t kernel;
    dim3 gridDim;
    dim3 blockDim;
    void** args;
    size_t sharedMem;
    cudaStream_t stream;
};

// The stream in a launch's parameters. The per-thread-stream variants (_ptsz) set `per_thread`:
// their null stream is the calling thread's stream.
std::optional<cudaStream_t> runtime_stream(CUpti_CallbackId cbid, const void* params,
                                           bool& per_thread) {
    switch (cbid) {
        case CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_ptsz_v13000:
            per_thread = true;
            [[fallthrough]];
        case CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000:
            return static_cast<const launch_v13000_params*>(params)->stream;
        case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_ptsz_v7000:
            per_thread = true;
            [[fallthrough]];
        case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000:
            return static_cast<const cudaLaunchKernel_v7000_params*>(params)->stream;
        case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_ptsz_v9000:
            per_thread = true;
            [[fallthrough]];
        case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchCooperativeKernel_v9000:
            return static_cast<const cudaLaunchCooperativeKernel_v9000_params*>(params)->stream;
        case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_ptsz_v11060:
            per_thread = true;
            [[fallthrough]];
        case CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_v11060: {
            const auto* config =
                static_cast<const cudaLaunchKernelExC_v11060_params*>(params)->config;
            if (config == nullptr) return std::nullopt;
            return config->stream;
        }
        default:
            return std::nullopt;
    }
}

std::optional<cudaStream_t> driver_stream(CUpti_CallbackId cbid, const void* params,
                                          bool& per_thread) {
    switch (cbid) {
        case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz:
            per_thread = true;
            [[fallthrough]];
        case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel:
            return static_cast<const cuLaunchKernel_params*>(params)->hStream;
        case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz:
            per_thread = true;
            [[fallthrough]];
        case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel:
            return static_cast<const cuLaunchCooperativeKernel_params*>(params)->hStream;
        case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz:
            per_thread = true;
            [[fallthrough]];
        case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx: {
            const auto* config = static_cast<const cuLaunchKernelEx_params*>(params)->config;
            if (config == nullptr) return std::nullopt;
            return config->hStream;
        }
        default:
            return std::nullopt;
    }
}

// Runs `call` (a CUDA runtime call timemory makes for itself) and keeps the program's view of
// the runtime's last error: a failure of ours must not show up in its cudaGetLastError().
template <typename Call>
cudaError_t own_call(Call&& call) noexcept {
    internal_calls_scope internal;  // not the program's call: its records are dropped
    const cudaError_t before = cudaPeekAtLastError();
    const cudaError_t result = call();
    if (result != cudaSuccess && before == cudaSuccess) (void)cudaGetLastError();
    return result;
}

}  // namespace

std::optional<cudaStream_t> launch_stream(CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                                          const void* params) noexcept {
    if (params == nullptr) return std::nullopt;
    bool per_thread = false;
    std::optional<cudaStream_t> stream;
    if (domain == CUPTI_CB_DOMAIN_RUNTIME_API) {
        stream = runtime_stream(cbid, params, per_thread);
    } else if (domain == CUPTI_CB_DOMAIN_DRIVER_API) {
        stream = driver_stream(cbid, params, per_thread);
    }
    if (stream && *stream == nullptr && per_thread) stream = cudaStreamPerThread;
    return stream;
}

bool launch_is_captured(CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                        const void* params) noexcept {
    const auto stream = launch_stream(domain, cbid, params);
    if (!stream) return false;
    cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
    return own_call([&] { return cudaStreamIsCapturing(*stream, &status); }) == cudaSuccess &&
           status != cudaStreamCaptureStatusNone;
}

CUcontext bind_current_context() noexcept {
    using get_current_fn = CUresult (*)(CUcontext*);
    // The driver's cuCtxGetCurrent through the runtime (the plugin does not link libcuda).
    static const auto get_current = []() -> get_current_fn {
        void* fn = nullptr;
        cudaDriverEntryPointQueryResult found{};
        if (cudaGetDriverEntryPointByVersion("cuCtxGetCurrent", &fn, 12000, cudaEnableDefault,
                                             &found) != cudaSuccess ||
            found != cudaDriverEntryPointSuccess) {
            return nullptr;
        }
        return reinterpret_cast<get_current_fn>(fn);
    }();
    if (get_current == nullptr) return nullptr;
    CUcontext context = nullptr;
    if (get_current(&context) == CUDA_SUCCESS && context != nullptr) return context;
    // cudaSetDevice makes the device's primary context current on this thread (CUDA 12 on), as
    // the launch would. Not cudaFree(nullptr), the usual idiom: it is not allowed while another
    // thread captures a stream in global mode, and would break that capture.
    int device = 0;
    if (own_call([&] { return cudaGetDevice(&device); }) != cudaSuccess ||
        own_call([&] { return cudaSetDevice(device); }) != cudaSuccess) {
        return nullptr;
    }
    return get_current(&context) == CUDA_SUCCESS ? context : nullptr;
}

}  // namespace tim::gpu
