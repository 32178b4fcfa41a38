// timemory's one CUPTI subscriber (CUPTI allows one per process; cuptiSubscribe_v2 names it
// "timemory" and, when the slot is taken, says by whom). Its runtime/driver API callback serves
// two features:
//
//  - correlation (cupti_activity): on API enter, note CUPTI's correlation id with the calling
//    thread's current node (activity_correlation.hpp), so that the kernel, copy, set or
//    synchronisation record it produces is placed under the region that launched it. Only the
//    calls whose device work is traced are noted (every launch, graph launch, copy, set and
//    synchronisation variant, found by name), or every call when API records were asked for.
//    A call that fails is cancelled on exit (it leaves no record).
//  - API timing (cupti_callback / cuda_api): the host time of each CUDA runtime and driver call,
//    as a child row named after the function, under the calling thread's current region. The
//    row is a node of the thread's own graph (push on enter, record + pop on exit), so timing a
//    call costs what a region costs and needs no lock.
//
// Nesting: only the outermost API call on a thread is timed. A driver call the runtime makes on
// behalf of a runtime call (cudaLaunchKernel -> cuLaunchKernel) is part of that call's time and
// has no row of its own, so totals never count it twice; a driver call the application makes
// itself is outermost and gets its row ("cuLaunchKernel"). For correlation, a nested call's id is
// noted too when it differs from the outer call's, with the same node.
//
// Nothing here calls CUPTI, or loads libcupti (cupti_api.hpp), unless a caller established
// tim::gpu::has_device(); on_api() and the dispatch state are plain code that tests drive directly.
#pragma once

#include "cupti/activity_labels.hpp"

#include <cupti_callbacks.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tim::gpu::subscriber {

/// Class of every callback id, per API domain (index = cbid).
struct dispatch_tables {
    std::vector<activity::api_class> runtime;
    std::vector<activity::api_class> driver;
};

// ---- dispatch state (plain code) ---------------------------------------------------------------

/// Install the tables; done once, before any callback is enabled.
void set_tables(dispatch_tables tables);

/// Note correlations for calls whose class is in `class_mask`, or for every call (`all_calls`).
/// A mask of 0 and all_calls false turns correlation off.
void set_correlation(unsigned class_mask, bool all_calls) noexcept;

/// Time every outermost API call (cupti_callback).
void set_api_timing(bool on) noexcept;

/// cupti_counters' hooks (cupti_counters.cpp): `enter` and `exit` run for the outermost call of
/// every kernel or graph launch (`graph`; a runtime launch and the driver launch it makes are one
/// call), with the call's domain and id (to read its parameters), `exit` with whether it failed;
/// `teardown` runs on entering a call that destroys, resets or releases a context
/// (cudaDeviceReset, cuCtxDestroy, cuDevicePrimaryCtxReset, ...).
struct launch_hooks {
    void (*enter)(CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                  const CUpti_CallbackData& data, bool graph) noexcept = nullptr;
    void (*exit)(CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const CUpti_CallbackData& data,
                 bool failed, bool graph) noexcept = nullptr;
    void (*teardown)(const CUpti_CallbackData& data) noexcept = nullptr;
};

/// Call `hooks` (nullptr: stop calling them); they must live for the process.
void set_launch_hooks(const launch_hooks* hooks) noexcept;

/// The callback body for CUPTI_CB_DOMAIN_RUNTIME_API / DRIVER_API.
void on_api(CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
            const CUpti_CallbackData& data) noexcept;

// ---- CUPTI (only with a device) ----------------------------------------------------------------

/// Load libcupti and subscribe, once (thread-safe). "" on success, else why not: the load error,
/// or CUPTI's error naming the current holder of the subscriber slot.
const std::string& subscribe();

/// Tables from cuptiGetCallbackName + activity::classify_api (after subscribe() succeeded).
dispatch_tables tables_from_cupti();

/// Enable the callbacks `set_correlation(class_mask, all_calls)` needs, then set it.
/// "" on success, else the CUPTI error.
std::string enable_correlation(unsigned class_mask, bool all_calls);

/// Enable the launch, graph-launch and teardown callbacks, then set_launch_hooks(hooks). "" or the
/// CUPTI error.
std::string enable_launch_hooks(const launch_hooks* hooks);

/// Enable every runtime and driver callback, then set_api_timing(true). "" or the CUPTI error.
std::string enable_api_timing();

/// Readable text of a CUPTI result: "CUPTI_ERROR_...: description" (from the loaded libcupti;
/// "CUPTI error <n>" without one).
std::string result_text(int result);

}  // namespace tim::gpu::subscriber
