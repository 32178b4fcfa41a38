#include "cupti/activity_labels.hpp"

#include <cxxabi.h>

#include <array>
#include <cstdlib>
#include <memory>

namespace tim::gpu::activity {

std::string_view memcpy_label(std::uint8_t copy_kind) noexcept {
    // Indexed by CUpti_ActivityMemcpyKind.
    constexpr std::array<std::string_view, 11> labels{
        "cudaMemcpy_Unknown", "cudaMemcpy_HtoD", "cudaMemcpy_DtoH", "cudaMemcpy_HtoA",
        "cudaMemcpy_AtoH",    "cudaMemcpy_AtoA", "cudaMemcpy_AtoD", "cudaMemcpy_DtoA",
        "cudaMemcpy_DtoD",    "cudaMemcpy_HtoH", "cudaMemcpy_PtoP"};
    return copy_kind < labels.size() ? labels[copy_kind] : labels[0];
}

std::string_view sync_label(CUpti_ActivitySynchronizationType type) noexcept {
    switch (type) {
        case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE:
            return "cudaEventSynchronize";
        case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT:
            return "cudaStreamWaitEvent";
        case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE:
            return "cudaStreamSynchronize";
        case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE:
            return "cudaDeviceSynchronize";
        default:
            break;
    }
    return "cudaSynchronize_Unknown";
}

std::string overhead_label(CUpti_ActivityOverheadKind kind) {
    std::string_view name;
    switch (kind) {
        case CUPTI_ACTIVITY_OVERHEAD_DRIVER_COMPILER:
            name = "DriverCompiler";
            break;
        case CUPTI_ACTIVITY_OVERHEAD_CUPTI_BUFFER_FLUSH:
            name = "BufferFlush";
            break;
        case CUPTI_ACTIVITY_OVERHEAD_CUPTI_INSTRUMENTATION:
            name = "Instrumentation";
            break;
        case CUPTI_ACTIVITY_OVERHEAD_CUPTI_RESOURCE:
            name = "Resource";
            break;
        case CUPTI_ACTIVITY_OVERHEAD_RUNTIME_TRIGGERED_MODULE_LOADING:
            name = "ModuleLoading";
            break;
        case CUPTI_ACTIVITY_OVERHEAD_LAZY_FUNCTION_LOADING:
            name = "LazyFunctionLoading";
            break;
        case CUPTI_ACTIVITY_OVERHEAD_COMMAND_BUFFER_FULL:
            name = "CommandBufferFull";
            break;
        case CUPTI_ACTIVITY_OVERHEAD_ACTIVITY_BUFFER_REQUEST:
            name = "ActivityBufferRequest";
            break;
        case CUPTI_ACTIVITY_OVERHEAD_UVM_ACTIVITY_INIT:
            name = "UvmActivityInit";
            break;
        default:
            name = "Unknown";
            break;
    }
    return "cuptiOverhead_" + std::string{name};
}

std::string demangle(const char* name) {
    if (name == nullptr) return "<unnamed kernel>";
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> text{
        abi::__cxa_demangle(name, nullptr, nullptr, &status), &std::free};
    return (status == 0 && text) ? std::string{text.get()} : std::string{name};
}

const kernel_label& kernel_names::get(const char* name) {
    // Outlives exit-time use.
    static const auto* unnamed = new kernel_label{demangle(nullptr)};
    if (name == nullptr) return *unnamed;
    auto it = m_cache.find(name);
    if (it != m_cache.end() && it->second.mangled == name) return *it->second.label;
    if (it == m_cache.end()) it = m_cache.emplace(name, entry{}).first;
    it->second.mangled = name;
    // A new label even when the pointer was known: records may still point at the old one.
    it->second.label = &m_labels.emplace_back(demangle(name));
    return *it->second.label;
}

api_class classify_api(std::string_view name) noexcept {
    const auto has = [&](std::string_view part) {
        return name.find(part) != std::string_view::npos;
    };
    // Host functions run on a driver thread and leave no kernel record; graph construction
    // (cudaGraphAddMemcpyNode, ...) leaves none either: only launching a graph does.
    if (has("HostFunc")) return api_class::none;
    // cudaDeviceReset also synchronises, but CUPTI records no synchronisation for it.
    if (has("DeviceReset") || has("CtxDestroy") || has("PrimaryCtxReset") ||
        has("PrimaryCtxRelease")) {
        return api_class::teardown;
    }
    if (has("Graph")) return has("Launch") ? api_class::graph_launch : api_class::none;
    if (has("Launch")) return api_class::launch;
    if (has("Memcpy")) return api_class::memcpy;
    if (has("Memset")) return api_class::memset;
    // CUPTI records event queries and elapsed-time reads as event synchronisations too.
    if (has("Synchronize") || has("WaitEvent") || has("EventQuery") || has("EventElapsedTime")) {
        return api_class::sync;
    }
    // cudaFree / cuMemFree synchronise the device, and CUPTI records that as a synchronisation
    // of the call (cub's temporary storage makes these frequent); the stream-ordered frees do not.
    if (has("Free") && !has("Async")) return api_class::sync;
    return api_class::none;
}

}  // namespace tim::gpu::activity
