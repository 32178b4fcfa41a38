// Finds and loads the run-time plugins (next to libtimemory, or where the environment says), or
// registers the components each one would provide as unavailable with the reason it could not.
// What the core knows of a plugin is the data in plugin_table below; everything else (the
// components' descriptions, units, functions) the plugin registers itself.
#include "timemory/core/plugins.hpp"

#include "timemory/core/component_info.hpp"
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
#include <utility>
#include <vector>

namespace tim::plugins {
namespace {

// The GPU plugin's components (gpu/include/timemory/gpu/indices.hpp numbers them).
constexpr placeholder gpu_components[] = {
    {slots::gpu.begin + 0, "cuda_event", {}, "cuda_event", "CudaEvent"},
    {slots::gpu.begin + 1, "cupti_activity", {}, "cupti_activity", "CuptiActivity"},
    {slots::gpu.begin + 2,
     "cupti_memory_bytes",
     {"cuda_memcpy_bytes"},
     "cupti_memory_bytes",
     "CuptiMemoryBytes"},
    {slots::gpu.begin + 3, "cupti_callback", {"cuda_api"}, "cuda_api", "CuptiCallback"},
    {slots::gpu.begin + 4, "nvtx_marker", {"nvtx"}, "nvtx_marker", "NvtxMarker"},
    {slots::gpu.begin + 5, "cupti_counters", {"cupti_profiler"}, "cupti_counters", "CuptiCounters"},
};

struct plugin_spec {
    std::string_view name;         ///< as plugins::status() takes it
    std::string_view title;        ///< starts the reasons: "GPU plugin not loaded: ..."
    const char* env;               ///< a path to load instead, or "off"
    const char* file;              ///< file name beside libtimemory; nullptr: not in this build
    std::string_view not_built;    ///< the reason when file is nullptr
    const char* entry_point;       ///< extern "C" int (), 0 on success
    std::string_view description;  ///< of its components while it is absent
    std::span<const placeholder> components;
};

#ifdef TIMEMORY_GPU_PLUGIN_FILE
constexpr const char* gpu_plugin_file = TIMEMORY_GPU_PLUGIN_FILE;
#else
constexpr const char* gpu_plugin_file = nullptr;
#endif

// An entry point may call registry::add and publish() but nothing that looks components up (the
// loader is still running).
constexpr plugin_spec plugin_table[] = {
    {"gpu", "GPU plugin", "TIMEMORY_GPU_PLUGIN", gpu_plugin_file, "built without CUDA",
     "timemory_gpu_plugin_register", "A GPU component (CUDA plugin libtimemory-gpu)",
     gpu_components},
};
constexpr std::size_t plugin_count = std::size(plugin_table);

std::string& status_text(std::size_t i) {
    static auto* texts = new std::string[plugin_count];
    return texts[i];
}

struct service_table {
    std::mutex mutex;
    std::vector<std::pair<std::string, const void*>> entries;
};
service_table& services() {
    static auto* instance = new service_table{};
    return *instance;
}

// Reasons stay with the plugin's status: a placeholder's availability function has no argument,
// so there is one per plugin of the table.
template <std::size_t I>
std::string unavailable_without_plugin() {
    return status_text(I);
}
void sample_nothing(double*) noexcept {}

// Without the plugin the slots still exist, so that names resolve and say why they can't measure.
template <std::size_t I>
void register_placeholders() {
    const auto& spec = plugin_table[I];
    for (const auto& c : spec.components) {
        component_info info;
        info.index = c.slot;
        info.id = c.id;
        for (auto alias : c.aliases) {
            if (!alias.empty()) info.aliases.push_back(alias);
        }
        info.label = c.label;
        info.class_name = c.class_name;
        info.description = spec.description;
        // No values: a placeholder left in a list by mistake records nothing at all.
        info.raw_count = 0;
        info.value_count = 0;
        info.sample = &sample_nothing;
        info.unavailable = &unavailable_without_plugin<I>;
        try {
            registry::add(std::move(info));
        } catch (const std::exception& e) {
            log::warning(spec.title, " component placeholder not registered: ", e.what());
        }
    }
}

// Directory of libtimemory itself: plugins are installed beside it.
std::string own_directory() {
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&sample_nothing), &info) == 0 ||
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
std::string try_load(const plugin_spec& spec) {
    if (spec.file == nullptr) return std::string{spec.not_built};
    return load_library(spec.title, spec.env, spec.file, spec.entry_point);
}

template <std::size_t... I>
void load_all(std::index_sequence<I...>) {
    ((status_text(I) = try_load(plugin_table[I]),
      status_text(I).empty() ? void() : register_placeholders<I>()),
     ...);
}

std::size_t index_of(std::string_view name) {
    for (std::size_t i = 0; i < plugin_count; ++i) {
        if (plugin_table[i].name == name) return i;
    }
    return plugin_count;
}

}  // namespace

const std::string& status(std::string_view name) {
    detail::load_plugins();
    const auto i = index_of(name);
    if (i < plugin_count) return status_text(i);
    static thread_local std::string unknown;
    unknown = "no plugin " + std::string{name};
    return unknown;
}

std::optional<std::string> library_path(const char* env, const char* file) {
    if (const char* value = std::getenv(env); value != nullptr && *value != '\0') {
        if (is_off(value)) return std::nullopt;
        return std::string{value};
    }
    return own_directory() + file;
}

std::string load_library(std::string_view title, const char* env, const char* file,
                         const char* entry_point) {
    const auto path = library_path(env, file);
    if (!path) return std::string{title} + " disabled by " + env + "=" + std::getenv(env);
    void* handle = ::dlopen(path->c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* err = ::dlerror();
        return std::string{title} + " not loaded: " + (err ? err : *path);
    }
    using entry_fn = int (*)();
    auto entry = reinterpret_cast<entry_fn>(::dlsym(handle, entry_point));
    if (entry == nullptr) return std::string{title} + " " + *path + " has no " + entry_point;
    if (entry() != 0) return std::string{title} + " " + *path + " failed to register";
    return {};
}

std::span<const placeholder> placeholders(std::string_view name) {
    const auto i = index_of(name);
    return i < plugin_count ? plugin_table[i].components : std::span<const placeholder>{};
}

void publish(std::string_view service, const void* table) {
    auto& s = services();
    std::lock_guard<std::mutex> lock{s.mutex};
    for (auto& [name, entry] : s.entries) {
        if (name == service) {
            entry = table;
            return;
        }
    }
    s.entries.emplace_back(std::string{service}, table);
}

const void* find(std::string_view service) noexcept {
    detail::load_plugins();
    auto& s = services();
    std::lock_guard<std::mutex> lock{s.mutex};
    for (const auto& [name, table] : s.entries) {
        if (name == service) return table;
    }
    return nullptr;
}

}  // namespace tim::plugins

namespace tim::detail {

void load_plugins() noexcept {
    // Not std::call_once: a plugin's entry point registers components, and a lookup from inside
    // it on this thread must return instead of waiting for itself.
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
        plugins::load_all(std::make_index_sequence<plugins::plugin_count>{});
    } catch (const std::exception& e) {
        log::warning("loading plugins: ", e.what());
    }
    loader.store(std::thread::id{});
    state.store(2, std::memory_order_release);
}

}  // namespace tim::detail
