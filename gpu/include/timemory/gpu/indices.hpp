// Fixed registry slots of the GPU plugin's components, inside slots::gpu (the ranges of every room
// are in timemory/core/slots.hpp). Each is described once, in the plugin's table
// (gpu/src/plugin/components.cpp); the core names them, while the plugin is absent, from its own
// table in core/src/plugins.cpp.
#pragma once

#include "timemory/core/slots.hpp"

#include <cstdint>

namespace tim::gpu {

enum gpu_index : std::uint16_t {
    cuda_event_index = slots::gpu.begin,
    cupti_activity_index,
    cupti_memory_bytes_index,
    cupti_callback_index,
    nvtx_marker_index,
    cupti_counters_index,
    gpu_index_end
};
static_assert(gpu_index_end <= slots::gpu.end, "GPU components outgrew their slot range");

}  // namespace tim::gpu
