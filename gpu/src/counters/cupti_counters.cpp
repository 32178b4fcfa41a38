// cupti_counters: hardware metrics of every kernel through CUDA 13's Range Profiler, each kernel
// a child row (named like cupti_activity's) of the region that launched it; a region's values
// are the totals of its kernels (subtree_totals).
//
// How it collects: auto ranges with kernel replay. CUPTI makes every kernel launch one range and
// runs the kernel once per replay pass the metrics need (saving and restoring the memory it
// touches), inside the launch call. Ranges are numbered in the order the context saw the
// launches, so timemory's subscriber calls the launch hooks below for every launch; they note the
// launching thread's node and the kernel name (counters_launches.hpp) while holding a mutex from
// the launch's enter to its exit, which makes the noted order the context's order even with
// several threads. Per context, the profiler is enabled on its first launch, and its counter data
// is decoded and evaluated (cuptiProfilerHostEvaluateToGpuValues) every `ranges_per_image`
// launches, at every collect_results() (pending flush), before a context is reset or destroyed,
// and at exit.
//
// Cost: kernels are serialised and each launch returns only after all its passes ran, so
// cupti_counters is for counting, not timing: time kernels (cupti_activity, cuda_event) in runs
// without it. Only settings.cupti_device is profiled; the ranges of kernels launched through CUDA
// graphs are discarded (the launches before a graph are collected first), and launches into a
// stream being captured are not noted (they make no range).
#include "counters/counters_catalogue.hpp"
#include "counters/counters_host.hpp"
#include "counters/counters_launches.hpp"
#include "counters/launch_streams.hpp"
#include "cupti/activity_labels.hpp"
#include "cupti/cupti_api.hpp"
#include "cupti/cupti_subscriber.hpp"
#include "plugin/internal_calls.hpp"
#include "plugin/plugin_parts.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/macros.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/gpu/device.hpp"
#include "timemory/gpu/indices.hpp"

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

namespace tim::gpu::counters {
namespace {

constexpr std::size_t ranges_per_image = 256;

using parts::session_state;
std::atomic<session_state> state{session_state::off};

struct context_profile {
    CUcontext context = nullptr;
    CUpti_RangeProfiler_Object* object = nullptr;  ///< nullptr: this context is not profiled
    std::vector<std::uint8_t> counter_data;
    launch_log launches;  ///< ranges since the last start, in order
};

struct profiler {
    std::mutex mutex;  ///< held from a launch's enter to its exit, and by every flush
    const fixed_metrics* metrics = nullptr;
    std::vector<std::uint8_t> availability;  ///< the device's counter availability image
    std::unique_ptr<host_object> host;       ///< configures and evaluates (chip + availability)
    std::vector<std::uint8_t> config;
    std::vector<std::unique_ptr<context_profile>> contexts;
    activity::kernel_names kernels;
    bool warned_mismatch = false;
    bool warned_graph = false;
};

profiler& the_profiler() {
    static auto* p = new profiler{};  // never destroyed: launch callbacks may come during exit
    return *p;
}

thread_local std::unique_lock<std::mutex> held_launch;  // this thread's launch in progress

std::string cupti_error(const char* function, CUptiResult r) {
    std::string text = error_text(function, r);
    if (r == CUPTI_ERROR_INSUFFICIENT_PRIVILEGES) {
        text +=
            " (GPU performance counters are restricted to administrators: run as root, or "
            "load the NVIDIA driver with NVreg_RestrictProfilingToAdminUsers=0)";
    }
    return text;
}

void throw_on_error(const char* function, CUptiResult r) {
    if (r != CUPTI_SUCCESS) throw std::runtime_error(cupti_error(function, r));
}

// Counter data initialised and the profiler configured and started for the next batch of ranges.
void start_ranges(profiler& p, context_profile& c) {
    const auto& api = cupti::api();
    auto init = TIMEMORY_CUPTI_PARAMS(CUpti_RangeProfiler_CounterDataImage_Initialize_Params);
    init.pRangeProfilerObject = c.object;
    init.counterDataSize = c.counter_data.size();
    init.pCounterData = c.counter_data.data();
    throw_on_error("cuptiRangeProfilerCounterDataImageInitialize",
                   api.cuptiRangeProfilerCounterDataImageInitialize(&init));
    auto config = TIMEMORY_CUPTI_PARAMS(CUpti_RangeProfiler_SetConfig_Params);
    config.pRangeProfilerObject = c.object;
    config.configSize = p.config.size();
    config.pConfig = p.config.data();
    config.counterDataImageSize = c.counter_data.size();
    config.pCounterDataImage = c.counter_data.data();
    config.range = CUPTI_AutoRange;
    config.replayMode = CUPTI_KernelReplay;
    config.maxRangesPerPass = ranges_per_image;
    config.numNestingLevels = 1;
    config.minNestingLevel = 1;
    config.passIndex = 0;
    config.targetNestingLevel = 1;
    throw_on_error("cuptiRangeProfilerSetConfig", api.cuptiRangeProfilerSetConfig(&config));
    auto start = TIMEMORY_CUPTI_PARAMS(CUpti_RangeProfiler_Start_Params);
    start.pRangeProfilerObject = c.object;
    throw_on_error("cuptiRangeProfilerStart", api.cuptiRangeProfilerStart(&start));
}

// The host object that configures the range profiler, made with the counters this device has.
void make_host_object(profiler& p, CUcontext context) {
    const auto& api = cupti::api();
    auto avail = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_GetCounterAvailability_Params);
    avail.ctx = context;
    throw_on_error("cuptiProfilerGetCounterAvailability",
                   api.cuptiProfilerGetCounterAvailability(&avail));
    p.availability.resize(avail.counterAvailabilityImageSize);
    avail.pCounterAvailabilityImage = p.availability.data();
    throw_on_error("cuptiProfilerGetCounterAvailability",
                   api.cuptiProfilerGetCounterAvailability(&avail));
    auto host = std::make_unique<host_object>(p.metrics->chip, p.availability.data());
    throw_on_error("cuptiProfilerHostConfigAddMetrics", host->add(p.metrics->names));
    p.config = host->config_image();
    p.host = std::move(host);
}

void disable(context_profile& c) noexcept {
    auto off = TIMEMORY_CUPTI_PARAMS(CUpti_RangeProfiler_Disable_Params);
    off.pRangeProfilerObject = c.object;
    cupti::api().cuptiRangeProfilerDisable(&off);
    c.object = nullptr;
}

// The profile of `context` if one was made, else nullptr.
context_profile* find_profile(profiler& p, CUcontext context) noexcept {
    for (auto& c : p.contexts) {
        if (c->context == context) return c.get();
    }
    return nullptr;
}

// The profile of `context` (not null), created and started on its first launch: its object is
// nullptr when the context is not profiled (another device, or CUPTI refused: warned once).
context_profile& profile_of(profiler& p, CUcontext context) {
    if (auto* known = find_profile(p, context)) return *known;
    p.contexts.push_back(std::make_unique<context_profile>());
    auto& c = *p.contexts.back();
    c.context = context;
    const auto& api = cupti::api();
    std::uint32_t device = 0;
    if (const auto r = api.cuptiGetDeviceId(context, &device); r != CUPTI_SUCCESS) {
        log::warning(
            "cupti_counters: kernels of a context whose device is unknown are not "
            "profiled (",
            cupti_error("cuptiGetDeviceId", r), ")");
        return c;
    }
    if (static_cast<int>(device) != p.metrics->device) {
        log::warning("cupti_counters: kernels on CUDA device ", device, " are not profiled (",
                     "the metrics were chosen for device ", p.metrics->device,
                     ", settings.cupti_device)");
        return c;
    }
    try {
        if (!p.host) make_host_object(p, context);
        auto enable = TIMEMORY_CUPTI_PARAMS(CUpti_RangeProfiler_Enable_Params);
        enable.ctx = context;
        throw_on_error("cuptiRangeProfilerEnable", api.cuptiRangeProfilerEnable(&enable));
        c.object = enable.pRangeProfilerObject;
        auto size = TIMEMORY_CUPTI_PARAMS(CUpti_RangeProfiler_GetCounterDataSize_Params);
        size.pRangeProfilerObject = c.object;
        size.pMetricNames = const_cast<const char**>(p.metrics->c_names.data());
        size.numMetrics = p.metrics->c_names.size();
        size.maxNumOfRanges = ranges_per_image;
        size.maxNumRangeTreeNodes = ranges_per_image;
        throw_on_error("cuptiRangeProfilerGetCounterDataSize",
                       api.cuptiRangeProfilerGetCounterDataSize(&size));
        c.counter_data.resize(size.counterDataSize);
        start_ranges(p, c);
    } catch (const std::exception& e) {
        log::warning("cupti_counters: no metrics are collected: ", e.what());
        if (c.object != nullptr) disable(c);  // enabled, then refused: leave the context clean
    }
    return c;
}

// Decode the ranges collected since the last start, attach their values (none with `discard`),
// and start again (`restart`) or disable the profiler of the context (it is about to go away, or
// the process is).
void collect(profiler& p, context_profile& c, bool restart, bool discard = false) {
    const auto& api = cupti::api();
    try {
        auto stop = TIMEMORY_CUPTI_PARAMS(CUpti_RangeProfiler_Stop_Params);
        stop.pRangeProfilerObject = c.object;
        throw_on_error("cuptiRangeProfilerStop", api.cuptiRangeProfilerStop(&stop));
        auto decode = TIMEMORY_CUPTI_PARAMS(CUpti_RangeProfiler_DecodeData_Params);
        decode.pRangeProfilerObject = c.object;
        throw_on_error("cuptiRangeProfilerDecodeData", api.cuptiRangeProfilerDecodeData(&decode));
        auto info = TIMEMORY_CUPTI_PARAMS(CUpti_RangeProfiler_GetCounterDataInfo_Params);
        info.pCounterDataImage = c.counter_data.data();
        info.counterDataImageSize = c.counter_data.size();
        throw_on_error("cuptiRangeProfilerGetCounterDataInfo",
                       api.cuptiRangeProfilerGetCounterDataInfo(&info));
        const auto& names = p.metrics->c_names;
        if (discard) c.launches.clear();
        const auto problem =
            discard
                ? std::string{}
                : c.launches.attach(info.numTotalRanges, static_cast<unsigned>(names.size()),
                                    cupti_counters_index, [&](std::size_t range, double* values) {
                                        return p.host->evaluate(c.counter_data, range, names,
                                                                values) == CUPTI_SUCCESS;
                                    });
        if (!problem.empty() && !p.warned_mismatch) {
            p.warned_mismatch = true;
            log::warning("cupti_counters: ", problem, " (", decode.numOfRangeDropped,
                         " dropped); the metrics of those kernels are left out");
        }
        if (restart) start_ranges(p, c);
    } catch (const std::exception& e) {
        log::warning("cupti_counters: metrics lost: ", e.what());
        c.launches.clear();
        restart = false;
    }
    if (!restart) disable(c);
}

// ---- launch hooks (called by the subscriber for the outermost call of every launch) -----------
// Enter takes the lock and makes sure the launch's context is profiled before the kernel runs;
// exit notes the launch (its range exists now, if the context is profiled) and releases the
// lock. Noting at exit uses the context the launch really went to (at enter the callback's is
// null when the thread has no current context yet; enter then binds the one the launch will use).
// State is checked again under the lock: the final flush at exit may have closed the session
// while this thread waited.
bool session_on() noexcept {
    return state.load(std::memory_order_acquire) == session_state::on;
}

void on_launch_enter(CUpti_CallbackDomain domain, CUpti_CallbackId, const CUpti_CallbackData& data,
                     bool graph) noexcept {
    if (!session_on()) return;
    auto& p = the_profiler();
    held_launch = std::unique_lock<std::mutex>{p.mutex};
    if (!session_on()) return;
    try {
        // A thread's first runtime launch enters with no current context (the runtime binds it
        // inside the launch): bind it now, so that its profiler is on before the kernel runs. A
        // driver launch without a context fails, and must still.
        CUcontext context = data.context;
        if (context == nullptr && domain == CUPTI_CB_DOMAIN_RUNTIME_API) {
            context = bind_current_context();
        }
        auto* c = context != nullptr ? &profile_of(p, context) : nullptr;
        // A graph makes an unknown number of ranges: collect what came before, so that only
        // the graph's own kernels are lost (discarded at its exit).
        if (graph && c != nullptr && c->object != nullptr && c->launches.size() != 0) {
            collect(p, *c, true);
        }
    } catch (...) {
        // Out of memory making the profile: this launch goes unprofiled.
    }
}

void on_launch_exit(CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                    const CUpti_CallbackData& data, bool failed, bool graph) noexcept {
    if (!held_launch.owns_lock()) return;
    auto& p = the_profiler();
    try {
        auto* c = session_on() && !failed ? find_profile(p, data.context) : nullptr;
        // A launch into a stream being captured runs nothing now and makes no range: noting it
        // would shift every later range onto the wrong launch. (Its kernel runs when the graph
        // is launched, and graph launches are not profiled.)
        if (c != nullptr && !graph && launch_is_captured(domain, cbid, data.functionParams)) {
            c = nullptr;
        }
        if (c != nullptr && c->object != nullptr) {
            if (graph) {
                collect(p, *c, true, /*discard=*/true);
                if (!p.warned_graph) {
                    p.warned_graph = true;
                    log::warning(
                        "cupti_counters: kernels launched through CUDA graphs are not "
                        "profiled");
                }
            } else {
                const node_id node =
                    is_enabled() && !in_internal_calls ? current_node_id() : no_node_id;
                c->launches.note(node, data.symbolName != nullptr
                                           ? p.kernels.get(data.symbolName).text
                                           : std::string{"unknown kernel"});
                if (c->launches.size() >= ranges_per_image) collect(p, *c, true);
            }
        }
    } catch (...) {
        // Out of memory noting the launch: its range will not match; collect() says so.
    }
    held_launch.unlock();
}

// Every context's ranges are collected before any context is destroyed or reset (the call does
// not say which; cuDevicePrimaryCtxRelease, which may only drop a reference, is treated the same);
// profilers are enabled again on the next launch.
void on_teardown(const CUpti_CallbackData&) noexcept {
    if (!session_on()) return;
    auto& p = the_profiler();
    std::lock_guard<std::mutex> lock{p.mutex};
    if (!session_on()) return;
    for (auto& c : p.contexts) {
        if (c->object != nullptr) collect(p, *c, false);
    }
    p.contexts.clear();
}

const subscriber::launch_hooks hooks{&on_launch_enter, &on_launch_exit, &on_teardown};

void flush(bool final) noexcept {
    if (!session_on()) return;
    auto& p = the_profiler();
    std::lock_guard<std::mutex> lock{p.mutex};
    if (!session_on()) return;
    for (auto& c : p.contexts) {
        if (c->object != nullptr && (final || c->launches.size() != 0)) collect(p, *c, !final);
    }
    if (final) {
        subscriber::set_launch_hooks(nullptr);
        state.store(session_state::closed);
    }
}

void flush_at_exit() {
    flush(true);
}

void start() {
    auto& p = the_profiler();
    if (!has_device() || cupti::load() == nullptr) {
        state.store(session_state::unavailable);  // unavailable() said why, once
        return;
    }
    current_configuration();  // fixes the list if nothing looked cupti_counters up before
    p.metrics = fixed_configuration();
    if (p.metrics == nullptr) {
        state.store(session_state::unavailable);
        return;
    }
    if (const auto why = initialize_profiler(); !why.empty()) {
        log::warning("cupti_counters: ", why, "; no GPU metrics are collected");
        state.store(session_state::unavailable);
        return;
    }
    std::string why = subscriber::subscribe();
    if (why.empty()) why = subscriber::enable_launch_hooks(&hooks);
    if (!why.empty()) {
        log::warning("cupti_counters: ", why, "; no GPU metrics are collected (kernels are ",
                     "attributed to regions through timemory's CUPTI subscriber)");
        state.store(session_state::unavailable);
        return;
    }
    if (settings::instance().verbose > 0 || p.metrics->passes > 1) {
        log::info("cupti_counters: ", p.metrics->names.size(), " metric(s) on ", p.metrics->chip,
                  ", ", p.metrics->passes, " replay pass(es) per kernel");
    }
    // has_device() initialised the CUDA runtime first, so this runs before its teardown.
    std::atexit(&flush_at_exit);
    state.store(session_state::on);
}

std::mutex start_mutex;

void sample_counters(double*) noexcept {
    parts::ensure_started(state, start_mutex, "cupti_counters", &start);
}

std::string counters_unavailable() {
    // has_device() first: without a driver nothing CUPTI is loaded or called.
    if (const auto why = cupti::unavailable_reason(); !why.empty()) return why;
    return current_configuration().reason;
}

}  // namespace
}  // namespace tim::gpu::counters

namespace tim::gpu::parts {

void flush_cupti_counters() noexcept {
    counters::flush(false);
}

void complete_cupti_counters(component_info& info) {
    // No values until the metric list is fixed (counters_config.cpp sets one per metric).
    info.raw_count = 0;
    info.value_count = 0;
    info.sample = &counters::sample_counters;
    info.finish = &finish_nothing;  // values come from the kernels' ranges
    info.unavailable = &counters::counters_unavailable;
}

}  // namespace tim::gpu::parts
