// The GPU components as the core knows them: slots, ids, labels and units. The CUDA code lives in
// a plugin (gpu/, libtimemory-gpu.so) that the core loads at run time, so that libtimemory itself
// never depends on CUDA. The plugin registers exactly these descriptions with its functions filled
// in; when it is absent (built without CUDA, toolkit libraries missing) the core registers them
// as unavailable with the reason, so listings and error messages stay the same everywhere.
#pragma once

#include "timemory/core/component_info.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tim::gpu {

enum gpu_index : std::uint16_t {
    cuda_event_index = 64,
    cupti_activity_index,
    cupti_memory_bytes_index,
    cupti_callback_index,
    nvtx_marker_index,
    cupti_counters_index,
};

/// Every GPU component's description, without sample/measure functions.
std::vector<component_info> component_descriptions();

/// "" once the GPU plugin is loaded; otherwise why not ("built without CUDA", or the loader's
/// error naming the file). Loads the plugin on first use.
const std::string& plugin_status();

/// Entry point the plugin exports (extern "C"): registers its components and observers. It may
/// call registry::add but nothing that looks components up (the loader is still running).
inline constexpr const char* plugin_entry_point = "timemory_gpu_plugin_register";

}  // namespace tim::gpu

namespace tim::detail {
/// Load run-time plugins (the GPU plugin) once; cheap after the first call. Called by the
/// registry before any lookup and when a thread creates its call graph.
void load_plugins() noexcept;
}  // namespace tim::detail
