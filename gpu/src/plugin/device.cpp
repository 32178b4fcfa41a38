#include "timemory/gpu/device.hpp"

#include <cuda_runtime_api.h>

namespace tim::gpu {

const device_status& device() {
    static const device_status status = [] {
        device_status s;
        cudaRuntimeGetVersion(&s.runtime_version);
        cudaDriverGetVersion(&s.driver_version);
        int count = 0;
        const cudaError_t err = cudaGetDeviceCount(&count);
        if (err != cudaSuccess) {
            s.reason = std::string{"no CUDA device: "} + cudaGetErrorString(err);
            cudaGetLastError();  // do not leave the error for the application to trip over
        } else if (count == 0) {
            s.reason = "no CUDA device: cudaGetDeviceCount found none";
        } else {
            s.count = count;
        }
        return s;
    }();
    return status;
}

bool has_device() {
    return device().count > 0;
}

std::string device_unavailable_reason() {
    return device().reason;
}

}  // namespace tim::gpu
