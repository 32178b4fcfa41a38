// Row labels of CUPTI activity records (timemory 3's names) and the classes of CUDA API functions
// whose device work produces records. Pure CPU code; nothing here calls CUPTI.
#pragma once

#include "timemory/core/label.hpp"

#include <cupti_activity.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tim::gpu::activity {

/// "cudaMemcpy_HtoD", "cudaMemcpy_DtoH", ... "cudaMemcpy_PtoP", "cudaMemcpy_Unknown".
std::string_view memcpy_label(std::uint8_t copy_kind) noexcept;

/// Row of a memset record.
inline constexpr std::string_view memset_label = "cudaMemset";

/// "cudaEventSynchronize", "cudaStreamWaitEvent", "cudaStreamSynchronize",
/// "cudaDeviceSynchronize" (context synchronisation) or "cudaSynchronize_Unknown".
std::string_view sync_label(CUpti_ActivitySynchronizationType type) noexcept;

/// "cuptiOverhead_<kind>", e.g. "cuptiOverhead_LazyFunctionLoading".
std::string overhead_label(CUpti_ActivityOverheadKind kind);

/// Row under which records that no region claims are listed (top level).
inline constexpr std::string_view unattributed_label = "unattributed";

/// abi::__cxa_demangle of `name`, or `name` itself when it is not a mangled C++ name.
std::string demangle(const char* name);

/// A kernel's row: its demangled name, registered once as a label (so that attaching a record
/// per launch neither copies nor hashes the name).
struct kernel_label {
    std::string text;
    label_id id;
    explicit kernel_label(std::string demangled) : text{std::move(demangled)}, id{text} {}
};

/// Demangles each kernel name once. CUPTI hands the same `const char*` for every record of one
/// kernel, so the pointer is the key; the text is compared too, so a pointer reused for another
/// name (module unloaded and another loaded) is not mislabelled. The labels returned stay valid
/// as long as the object (records waiting for their launch point at them).
class kernel_names {
  public:
    const kernel_label& get(const char* name);
    std::size_t size() const noexcept { return m_cache.size(); }

  private:
    struct entry {
        std::string mangled;
        const kernel_label* label = nullptr;
    };
    std::unordered_map<const char*, entry> m_cache;
    std::deque<kernel_label> m_labels;  // never shrinks: references into it stay valid
};

/// What a CUDA API function does on the device, decided by its name (cuptiGetCallbackName gives
/// it at run time, so new variants such as CUDA 13's __cudaLaunchKernel are covered).
enum class api_class : std::uint8_t {
    none = 0,      ///< no device record of a traced kind
    launch,        ///< one kernel record: cudaLaunchKernel, __cudaLaunchKernel, cuLaunchKernelEx...
    graph_launch,  ///< any number of kernel/copy/set records: cudaGraphLaunch, cuGraphLaunch
    memcpy,        ///< one copy record: cudaMemcpy*, cuMemcpy*
    memset,        ///< one set record: cudaMemset*, cuMemset*
    sync,          ///< one synchronisation record: *Synchronize, *WaitEvent
    teardown,      ///< destroys or resets a context: cudaDeviceReset, cuCtxDestroy, ...
};

api_class classify_api(std::string_view function_name) noexcept;

/// Bit of an api_class in a class mask.
constexpr unsigned class_bit(api_class c) noexcept {
    return 1u << static_cast<unsigned>(c);
}

}  // namespace tim::gpu::activity
