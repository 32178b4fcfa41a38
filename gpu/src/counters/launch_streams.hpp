// Private to gpu/src: where a kernel launch goes. The stream, read from the parameters CUPTI
// hands the launch's callback, and whether that stream is being captured into a CUDA graph (a
// captured launch runs nothing now: the profiler makes no range for it); and the context of a
// thread's first launch, which is not current yet when the launch's callback is entered.
#pragma once

#include <cuda_runtime_api.h>
#include <cupti.h>

#include <optional>

namespace tim::gpu {

/// The stream of the kernel launch `cbid` in `domain` with CUPTI's `params` (the callback data's
/// functionParams); nullopt for calls whose parameters are not known here (not a kernel launch,
/// or a launch variant this file does not list). The per-thread-stream variants (_ptsz) report
/// cudaStreamPerThread for the null stream.
std::optional<cudaStream_t> launch_stream(CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                                          const void* params) noexcept;

/// True when the launch goes to a stream that is being captured (cudaStreamIsCapturing, made as
/// one of timemory's own calls; a failure leaves the program's last CUDA error as it was). False
/// when the stream is unknown or the query fails.
bool launch_is_captured(CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                        const void* params) noexcept;

/// The calling thread's current context, binding the current device's primary context first if
/// none is (what the runtime does inside a thread's first launch). nullptr if that fails. Made
/// as timemory's own calls; a failure leaves the program's last CUDA error as it was.
CUcontext bind_current_context() noexcept;

}  // namespace tim::gpu
