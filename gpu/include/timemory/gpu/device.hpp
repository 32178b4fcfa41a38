// Is there a CUDA device here? Asked once (cudaGetDeviceCount) and remembered. Every CUPTI call
// in the plugin is behind this: without a driver some CUPTI functions crash instead of failing.
#pragma once

#include <string>

namespace tim::gpu {

struct device_status {
    int count = 0;            ///< devices visible to this process
    int runtime_version = 0;  ///< cudaRuntimeGetVersion, e.g. 13000
    int driver_version = 0;   ///< cudaDriverGetVersion, 0 without a driver
    std::string reason;       ///< "" with a device, else "no CUDA device: <CUDA's error text>"
};

/// Probes on first call (thread-safe), then returns the remembered answer.
const device_status& device();

/// device().count > 0
bool has_device();

/// "" when a device is present, else device().reason: the unavailable reason of GPU components.
std::string device_unavailable_reason();

}  // namespace tim::gpu
