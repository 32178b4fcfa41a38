// The CUPTI functions the plugin calls, resolved from libcupti at run time instead of linked.
//
// Linking CUPTI maps libcupti into every process that loads the plugin, i.e. every timemory
// program of a CUDA build, with or without a GPU, whether it asks for a CUPTI component or not
// (and its thread-local storage has crashed LeakSanitizer's exit scan). The plugin therefore
// only includes the CUPTI headers (types, record structs, callback ids) and dlopens
// TIMEMORY_CUPTI_LIBRARY ("libcupti.so.<CUDA major>", the headers' own version) the first time
// a CUPTI function is really needed: when the activity session or API timing starts on a
// device, or when a component's unavailable() is asked on a device. On a machine without a GPU
// only the metric catalogue loads it (timemory-avail -H --chip, hardware_counters with a chip),
// to call the Profiler Host functions, which need no driver.
//
// The pointer types are decltype(&cuptiXxx) of the headers' declarations, so a signature cannot
// drift from the library the headers describe.
#pragma once

#include <cupti.h>
#include <cupti_profiler_host.h>
#include <cupti_profiler_target.h>
#include <cupti_range_profiler.h>
#include <cupti_target.h>

#include <string>

namespace tim::gpu::cupti {

// Every CUPTI function the plugin calls; add a function here before calling it.
#define TIMEMORY_CUPTI_FUNCTIONS(X)                 \
    X(cuptiActivityEnable)                          \
    X(cuptiActivityEnableDriverApi)                 \
    X(cuptiActivityEnableRuntimeApi)                \
    X(cuptiActivityFlushAll)                        \
    X(cuptiActivityGetNextRecord)                   \
    X(cuptiActivityGetNumDroppedRecords)            \
    X(cuptiActivityPopExternalCorrelationId)        \
    X(cuptiActivityPushExternalCorrelationId)       \
    X(cuptiActivityRegisterCallbacks)               \
    X(cuptiEnableCallback)                          \
    X(cuptiEnableDomain)                            \
    X(cuptiGetCallbackName)                         \
    X(cuptiGetDeviceId)                             \
    X(cuptiGetResultString)                         \
    X(cuptiGetVersion)                              \
    X(cuptiSubscribe_v2)                            \
    TIMEMORY_CUPTI_PROFILER_HOST_FUNCTIONS(X)       \
    X(cuptiDeviceGetChipName)                       \
    X(cuptiProfilerInitialize)                      \
    X(cuptiProfilerGetCounterAvailability)          \
    X(cuptiRangeProfilerEnable)                     \
    X(cuptiRangeProfilerDisable)                    \
    X(cuptiRangeProfilerGetCounterDataSize)         \
    X(cuptiRangeProfilerCounterDataImageInitialize) \
    X(cuptiRangeProfilerSetConfig)                  \
    X(cuptiRangeProfilerStart)                      \
    X(cuptiRangeProfilerStop)                       \
    X(cuptiRangeProfilerDecodeData)                 \
    X(cuptiRangeProfilerGetCounterDataInfo)

// The Profiler Host API: metric catalogue, config images and evaluation for a named chip. These
// work without a GPU or driver (they only read libnvperf_host's chip tables), so the metric
// catalogue may load libcupti on a machine without a device to call them, and only them.
#define TIMEMORY_CUPTI_PROFILER_HOST_FUNCTIONS(X) \
    X(cuptiProfilerHostInitialize)                \
    X(cuptiProfilerHostDeinitialize)              \
    X(cuptiProfilerHostGetSupportedChips)         \
    X(cuptiProfilerHostGetBaseMetrics)            \
    X(cuptiProfilerHostGetSubMetrics)             \
    X(cuptiProfilerHostGetMetricProperties)       \
    X(cuptiProfilerHostConfigAddMetrics)          \
    X(cuptiProfilerHostGetConfigImageSize)        \
    X(cuptiProfilerHostGetConfigImage)            \
    X(cuptiProfilerHostGetNumOfPasses)            \
    X(cuptiProfilerHostEvaluateToGpuValues)

/// One pointer per function, named like it: api().cuptiActivityEnable(kind).
struct functions {
#define TIMEMORY_CUPTI_POINTER(name) decltype(&::name) name = nullptr;
    TIMEMORY_CUPTI_FUNCTIONS(TIMEMORY_CUPTI_POINTER)
#undef TIMEMORY_CUPTI_POINTER
};

/// The library dlopened by load(): this soname on the search path, else in the directory the
/// build found it in.
const char* library_name() noexcept;

/// Loads the library and resolves every function the first time it is called (thread-safe,
/// once; the library is never closed, CUPTI's threads outlive everything). nullptr when the
/// library or one of the functions is missing: load_error() says why, and nothing stays mapped.
/// Callers must have established has_device() (or call only functions that are safe without a
/// driver: cuptiGetCallbackName, cuptiGetResultString, cuptiGetVersion and the cuptiProfilerHost*
/// functions).
const functions* load() noexcept;

/// "" when load() succeeds, else "CUPTI not loaded: <dlerror>". Calls load().
const std::string& load_error() noexcept;

/// unavailable() of the CUPTI components: without a device, the device's reason (and libcupti
/// stays unloaded); with one, load_error().
std::string unavailable_reason();

/// The table, for code that only runs after load() succeeded (a started session, a subscribed
/// callback).
const functions& api() noexcept;

/// dlopen `library` and resolve the table from it into `out`: "" on success (the library stays
/// open), else "CUPTI not loaded: <why>" with the library closed again and `out` untouched.
/// What load() does once with library_name(); exposed for tests.
std::string open(const char* library, functions& out);

}  // namespace tim::gpu::cupti
