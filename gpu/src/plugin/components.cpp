// The GPU components, described once: slot, ids, label, units and description, and the part that
// completes each with its functions. A new GPU component is one row here, its slot in
// timemory/gpu/indices.hpp and its part's file (and a row in the core's table of what a missing
// plugin would provide, core/src/plugins.cpp, so that its id resolves without the plugin).
#include "plugin/plugin_parts.hpp"

#include "timemory/gpu/indices.hpp"

#include <string_view>
#include <vector>

namespace tim::gpu::parts {
namespace {

struct row {
    std::uint16_t index;
    std::string_view id;
    std::vector<std::string_view> aliases;
    std::string_view label;
    std::string_view class_name;
    unit_kind units;
    /// Values arrive per kernel or copy, as child rows (see component_info::subtree_totals).
    bool subtree_totals;
    std::string_view description;
    void (*complete)(component_info&);
};

const std::vector<row>& table() {
    static const std::vector<row> rows = {
        {cuda_event_index,
         "cuda_event",
         {},
         "cuda_event",
         "CudaEvent",
         unit_kind::timing,
         false,
         "GPU time between two CUDA events recorded on a stream",
         &complete_cuda_event},
        {cupti_activity_index,
         "cupti_activity",
         {},
         "cupti_activity",
         "CuptiActivity",
         unit_kind::timing,
         true,
         "GPU time of kernels, copies and sets (CUPTI activity), under the region that launched "
         "them",
         &complete_cupti_activity},
        {cupti_memory_bytes_index,
         "cupti_memory_bytes",
         {"cuda_memcpy_bytes"},
         "cupti_memory_bytes",
         "CuptiMemoryBytes",
         unit_kind::memory,
         true,
         "Bytes copied and set by CUDA memcpy/memset (CUPTI activity)",
         &complete_cupti_memory_bytes},
        {cupti_callback_index,
         "cupti_callback",
         {"cuda_api"},
         "cuda_api",
         "CuptiCallback",
         unit_kind::timing,
         false,
         "Host time in each CUDA runtime and driver API call (CUPTI callbacks)",
         &complete_cupti_callback},
        // One value per metric of settings.cupti_metrics, set when the list is fixed.
        {cupti_counters_index,
         "cupti_counters",
         {"cupti_profiler"},
         "cupti_counters",
         "CuptiCounters",
         unit_kind::count,
         true,
         "GPU hardware metrics of each kernel (CUPTI Range Profiler, kernel replay), under the "
         "region that launched it",
         &complete_cupti_counters},
        {nvtx_marker_index,
         "nvtx_marker",
         {"nvtx"},
         "nvtx_marker",
         "NvtxMarker",
         unit_kind::count,
         false,
         "No values: every region is mirrored as an NVTX range automatically (nvtx_mirror); "
         "listed for timemory compatibility",
         &complete_nvtx_marker},
    };
    return rows;
}

}  // namespace

std::vector<component_info> components() {
    std::vector<component_info> out;
    for (const auto& r : table()) {
        auto info = describe_component(r.id, r.aliases, r.label, r.class_name, r.units, false,
                                       r.description);
        info.index = r.index;
        info.subtree_totals = r.subtree_totals;
        r.complete(info);
        out.push_back(std::move(info));
    }
    return out;
}

}  // namespace tim::gpu::parts
