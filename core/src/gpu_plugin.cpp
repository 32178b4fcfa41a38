// Finds and loads libtimemory-gpu (next to libtimemory, or TIMEMORY_GPU_PLUGIN), or registers
// the GPU components as unavailable with the reason it could not.
#include "timemory/core/gpu_components.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/macros.hpp"
#include "timemory/core/registry.hpp"

#include <dlfcn.h>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace tim::gpu {
namespace {

component_info describe(std::uint16_t index, std::string_view id,
                        std::vector<std::string_view> aliases, std::string_view label,
                        std::string_view class_name, unit_kind units,
                        std::string_view description) {
    auto info =
        describe_component(id, std::move(aliases), label, class_name, units, false, description);
    info.index = index;
    return info;
}

std::string& status_text() {
    static auto* text = new std::string{};
    return *text;
}

std::string unavailable_without_plugin() {
    return status_text();
}
void sample_nothing(double*) noexcept {}

// Without the plugin the slots still exist, so that names resolve and say why they can't measure.
void register_placeholders() {
    for (auto info : component_descriptions()) {
        // No values: a placeholder left in a list by mistake records nothing at all.
        info.raw_count = 0;
        info.value_count = 0;
        info.sample = &sample_nothing;
        info.unavailable = &unavailable_without_plugin;
        try {
            registry::add(std::move(info));
        } catch (const std::exception& e) {
            log::warning("GPU component placeholder not registered: ", e.what());
        }
    }
}

#ifdef TIMEMORY_GPU_PLUGIN_FILE
// Directory of libtimemory itself: the plugin is installed beside it.
std::string own_directory() {
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&register_placeholders), &info) == 0 ||
        info.dli_fname == nullptr) {
        return {};
    }
    std::string path = info.dli_fname;
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string{} : path.substr(0, slash + 1);
}

bool is_off(std::string_view value) {
    for (auto word : {"off", "OFF", "Off", "0", "no", "NO", "none", "false", "FALSE"}) {
        if (value == word) return true;
    }
    return false;
}

// "" on success, else the reason.
std::string try_load() {
    std::string path;
    if (const char* env = std::getenv("TIMEMORY_GPU_PLUGIN"); env != nullptr && *env != '\0') {
        if (is_off(env)) return "GPU plugin disabled by TIMEMORY_GPU_PLUGIN=" + std::string{env};
        path = env;
    } else {
        path = own_directory() + TIMEMORY_GPU_PLUGIN_FILE;
    }
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* err = ::dlerror();
        return "GPU plugin not loaded: " + std::string{err ? err : path.c_str()};
    }
    using entry_fn = int (*)();
    auto entry = reinterpret_cast<entry_fn>(::dlsym(handle, plugin_entry_point));
    if (entry == nullptr) return "GPU plugin " + path + " has no " + plugin_entry_point;
    if (entry() != 0) return "GPU plugin " + path + " failed to register its components";
    return {};
}
#endif

}  // namespace

std::vector<component_info> component_descriptions() {
    std::vector<component_info> out;
    out.push_back(describe(cuda_event_index, "cuda_event", {}, "cuda_event", "CudaEvent",
                           unit_kind::timing,
                           "GPU time between two CUDA events recorded on a stream"));
    auto activity = describe(cupti_activity_index, "cupti_activity", {}, "cupti_activity",
                             "CuptiActivity", unit_kind::timing,
                             "GPU time of kernels, copies and sets (CUPTI activity), under the "
                             "region that launched them");
    activity.subtree_totals = true;
    out.push_back(std::move(activity));
    auto bytes = describe(cupti_memory_bytes_index, "cupti_memory_bytes", {"cuda_memcpy_bytes"},
                          "cupti_memory_bytes", "CuptiMemoryBytes", unit_kind::memory,
                          "Bytes copied and set by CUDA memcpy/memset (CUPTI activity)");
    bytes.subtree_totals = true;
    out.push_back(std::move(bytes));
    out.push_back(describe(cupti_callback_index, "cupti_callback", {"cuda_api"}, "cuda_api",
                           "CuptiCallback", unit_kind::timing,
                           "Host time in each CUDA runtime and driver API call (CUPTI callbacks)"));
    // One value per metric of settings.cupti_metrics, set when the list is fixed (values arrive
    // per kernel, as child rows like cupti_activity's).
    auto counters = describe(cupti_counters_index, "cupti_counters", {"cupti_profiler"},
                             "cupti_counters", "CuptiCounters", unit_kind::count,
                             "GPU hardware metrics of each kernel (CUPTI Range Profiler, kernel "
                             "replay), under the region that launched it");
    counters.subtree_totals = true;
    out.push_back(std::move(counters));
    out.push_back(describe(nvtx_marker_index, "nvtx_marker", {"nvtx"}, "nvtx_marker", "NvtxMarker",
                           unit_kind::count,
                           "No values: every region is mirrored as an NVTX range automatically "
                           "(nvtx_mirror); listed for timemory compatibility"));
    return out;
}

const std::string& plugin_status() {
    detail::load_plugins();
    return status_text();
}

}  // namespace tim::gpu

namespace tim::detail {

void load_plugins() noexcept {
    // Not std::call_once: the plugin's entry point registers components, and a lookup from
    // inside it on this thread must return instead of waiting for itself.
    static std::atomic<int> state{0};  // 0 not started, 1 loading, 2 done
    static std::atomic<std::thread::id> loader{};
    if (TIMEMORY_LIKELY(state.load(std::memory_order_acquire) == 2)) return;
    if (loader.load() == std::this_thread::get_id()) return;
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock{mutex};
    if (state.load(std::memory_order_acquire) == 2) return;
    state.store(1);
    loader.store(std::this_thread::get_id());
    try {
#ifdef TIMEMORY_GPU_PLUGIN_FILE
        gpu::status_text() = gpu::try_load();
#else
        gpu::status_text() = "built without CUDA";
#endif
        if (!gpu::status_text().empty()) gpu::register_placeholders();
    } catch (const std::exception& e) {
        log::warning("loading plugins: ", e.what());
    }
    loader.store(std::thread::id{});
    state.store(2, std::memory_order_release);
}

}  // namespace tim::detail
