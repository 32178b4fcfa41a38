// cupti_activity and cupti_memory_bytes: GPU time and bytes of every kernel, copy, set and
// synchronisation, each as a child row of the region that launched it (activity_processor.hpp).
//
// The session starts the first time a region samples either component, and only with a device:
//  1. kinds from settings (activity_kinds.hpp), buffers registered (4 MiB, 8-byte aligned);
//  2. attribution: timemory's CUPTI subscriber notes each launch's correlation id with the
//     launching thread's node (cupti_subscriber.hpp). When another tool holds the subscriber
//     (Nsight Systems, ...), the fallback pushes each region's node as a CUSTOM0 external
//     correlation id on region push/pop, and the EXTERNAL_CORRELATION records map ids to nodes;
//  3. the kinds are enabled; an exit handler is registered for the final flush.
// Sampling after that is one atomic load. The components record nothing at pop: their values
// come from the records. flush_cupti_activity() (run by every collect_results()) forces CUPTI to
// deliver what it holds; the exit handler does it a last time before the CUDA runtime tears down
// (it is registered after the runtime initialised, so it runs before the runtime's own handler)
// and then stops calling CUPTI. Nothing CUPTI is called, and libcupti is not even loaded
// (cupti_api.hpp), unless the session starts on a device.
#include "cupti/activity_kinds.hpp"
#include "cupti/activity_session.hpp"
#include "cupti/cupti_api.hpp"
#include "cupti/cupti_subscriber.hpp"
#include "plugin/plugin_parts.hpp"

#include "timemory/core/graph.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/macros.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/gpu/components.hpp"
#include "timemory/gpu/device.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace tim::gpu {
namespace activity {
namespace {

constexpr std::size_t buffer_bytes = std::size_t{4} << 20;

std::atomic<session_state> state{session_state::off};
std::mutex start_mutex;  // held while the session starts
std::atomic<bool> external{false};
// What start() settled on: "callback", "external", or "none" (neither could be set up).
std::atomic<const char*> attribution_mode{""};
std::atomic<std::uint64_t> dropped{0};
// Written once while starting; never destroyed (CUPTI may deliver buffers during exit).
std::vector<CUpti_ActivityKind>& enabled_kinds = *new std::vector<CUpti_ActivityKind>{};
thread_local std::uint32_t external_depth = 0;  // ids this thread pushed and has not popped

activity_processor& the_processor() {
    static auto* p = new activity_processor{};  // never destroyed: CUPTI may deliver at exit
    return *p;
}

// Function name of an API record ("cudaMemcpyAsync"; CUPTI's "_v3020" version suffix dropped).
std::string cupti_api_name(CUpti_ActivityKind kind, std::uint32_t cbid) {
    const auto domain = kind == CUPTI_ACTIVITY_KIND_RUNTIME ? CUPTI_CB_DOMAIN_RUNTIME_API
                                                            : CUPTI_CB_DOMAIN_DRIVER_API;
    const char* name = nullptr;
    if (cupti::api().cuptiGetCallbackName(domain, cbid, &name) != CUPTI_SUCCESS || name == nullptr)
        return {};
    std::string text{name};
    if (const auto v = text.rfind("_v");
        v != std::string::npos && v + 2 < text.size() &&
        text.find_first_not_of("0123456789", v + 2) == std::string::npos) {
        text.erase(v);
    }
    return text;
}

// settings.cupti_attribution: "external" or "callback" (the default); anything else warns once
// naming the valid values and uses the callback.
bool wants_external_attribution(const std::string& value) {
    if (value == "external") return true;
    if (value != "callback" && !value.empty()) {
        log::warning("settings.cupti_attribution is '", value, "', which is not one of: callback, ",
                     "external; using callback");
    }
    return false;
}

// The settings asked for records of `kind` (and so, for API kinds, for their rows).
bool asked_for(CUpti_ActivityKind kind) {
    return std::find(enabled_kinds.begin(), enabled_kinds.end(), kind) != enabled_kinds.end();
}

processor_options current_options() {
    processor_options o;
    o.add_secondary = settings::instance().add_secondary;
    o.place_runtime_records = asked_for(CUPTI_ACTIVITY_KIND_RUNTIME);
    o.place_driver_records = asked_for(CUPTI_ACTIVITY_KIND_DRIVER);
    o.api_name = &cupti_api_name;
    return o;
}

void CUPTIAPI buffer_requested(std::uint8_t** buffer, std::size_t* size, std::size_t* max_records) {
    *max_records = 0;  // as many as fit
    *buffer = static_cast<std::uint8_t*>(std::aligned_alloc(8, buffer_bytes));
    *size = *buffer != nullptr ? buffer_bytes : 0;  // 0: CUPTI drops records (and counts them)
}

void CUPTIAPI buffer_completed(CUcontext context, std::uint32_t stream, std::uint8_t* buffer,
                               std::size_t, std::size_t valid) {
    try {
        if (buffer != nullptr && valid != 0) {
            std::vector<const CUpti_Activity*> records;
            CUpti_Activity* record = nullptr;
            while (cupti::api().cuptiActivityGetNextRecord(buffer, valid, &record) ==
                   CUPTI_SUCCESS) {
                records.push_back(record);
            }
            auto& p = the_processor();
            p.set_options(current_options());
            p.process(records);
        }
        std::size_t lost = 0;
        if (cupti::api().cuptiActivityGetNumDroppedRecords(context, stream, &lost) ==
            CUPTI_SUCCESS) {
            dropped.fetch_add(lost, std::memory_order_relaxed);
        }
    } catch (const std::exception& e) {
        log::warning("cupti_activity: a buffer of records was lost: ", e.what());
    }
    std::free(buffer);
}

void flush(bool final) noexcept {
    static std::mutex mutex;  // one flush at a time; buffer callbacks take only the processor's
    std::lock_guard<std::mutex> lock{mutex};
    const auto now = state.load();
    if (now != session_state::on && now != session_state::closed) return;
    try {
        if (now == session_state::on) {
            cupti::api().cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
        }
        the_processor().end_forced_flush(final || now == session_state::closed);
        static bool warned = false;
        if (const auto n = dropped.load(); n != 0 && !warned) {
            warned = true;
            log::warning("cupti_activity: CUPTI dropped ", n, " activity record(s) (its ",
                         "buffers were full); their GPU time is missing from the results");
        }
    } catch (const std::exception& e) {
        log::warning("cupti_activity: flush failed: ", e.what());
    }
    if (final && now == session_state::on) {
        // The CUDA runtime's teardown still makes API calls: note nothing more, push no ids.
        state.store(session_state::closed);
        subscriber::set_correlation(0, false);
        if (external.exchange(false)) parts::refresh_region_observer();
    }
}

void flush_at_exit() {
    flush(true);
}

// Another tool holds the subscriber (or settings.cupti_attribution asks for it): tag regions
// with external correlation ids instead. `why` empty: asked for, nothing to warn about.
void start_external_correlation(const std::string& why) {
    if (!why.empty()) {
        log::warning("cupti_activity: ", why, "; GPU activity is attributed through external ",
                     "correlation ids pushed with each region instead (regions already open on ",
                     "other threads are not tagged)");
    }
    const auto& api = cupti::api();
    if (const auto r = api.cuptiActivityEnable(CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION);
        r != CUPTI_SUCCESS) {
        log::warning("cupti_activity: external correlation unavailable (",
                     subscriber::result_text(r), "); GPU activity will be listed as '",
                     unattributed_label, " <name>'");
        return;
    }
    // External-correlation records accompany API records only, so the API kinds must be on.
    // cuptiActivityEnableRuntimeApi/DriverApi(cbid, 1) alone produce no records (CUDA 13, seen
    // on an H200 with driver 580): they only narrow a kind that is on. So both kinds go on, then
    // every call this session does not trace goes off again (unless its rows were asked for). A
    // runtime launch's kernel carries the runtime call's correlation id (the driver calls it makes
    // are not recorded); a launch through the driver API carries the driver call's.
    const unsigned mask = traced_api_classes(enabled_kinds);
    const auto tables = subscriber::tables_from_cupti();
    // false: the kind could not be enabled (warned).
    const auto narrow = [&](CUpti_ActivityKind kind, const std::vector<api_class>& table,
                            CUptiResult (*enable)(CUpti_CallbackId, std::uint8_t)) {
        if (const auto r = api.cuptiActivityEnable(kind); r != CUPTI_SUCCESS) {
            log::warning("cupti_activity: activity kind '", kind_name(kind), "' not enabled (",
                         subscriber::result_text(r), "); launches through it stay unattributed");
            return false;
        }
        if (asked_for(kind)) return true;  // every call's row was asked for
        for (std::uint32_t cbid = 1; cbid < table.size(); ++cbid) {
            if ((mask & class_bit(table[cbid])) == 0 || table[cbid] == api_class::none)
                enable(cbid, 0);
        }
        return true;
    };
    const bool runtime_on =
        narrow(CUPTI_ACTIVITY_KIND_RUNTIME, tables.runtime, api.cuptiActivityEnableRuntimeApi);
    const bool driver_on =
        narrow(CUPTI_ACTIVITY_KIND_DRIVER, tables.driver, api.cuptiActivityEnableDriverApi);
    if (!runtime_on && !driver_on) return;  // no API records, so no external ids either
    external.store(true);
    attribution_mode.store("external");
    parts::refresh_region_observer();
    // The region sampling us opened before the observer was there: tag it now on this thread
    // (its pop pops the id).
    parts::correlation_push(0, current_node_id());
}

void start() {
    if (!has_device()) {
        log::warning("cupti_activity: ", device_unavailable_reason(),
                     "; no GPU activity is recorded");
        state.store(session_state::unavailable);
        return;
    }
    const auto* api = cupti::load();
    if (api == nullptr) {
        log::warning("cupti_activity: ", cupti::load_error(), "; no GPU activity is recorded");
        state.store(session_state::unavailable);
        return;
    }
    const auto& s = settings::instance();
    enabled_kinds = select_kinds(s.cupti_activity_level, s.cupti_activity_kinds);
    the_processor().set_options(current_options());
    if (const auto r = api->cuptiActivityRegisterCallbacks(&buffer_requested, &buffer_completed);
        r != CUPTI_SUCCESS) {
        log::warning("cupti_activity: cuptiActivityRegisterCallbacks: ", subscriber::result_text(r),
                     "; no GPU activity is recorded");
        state.store(session_state::unavailable);
        return;
    }
    if (wants_external_attribution(s.cupti_attribution)) {
        attribution_mode.store("none");  // unless it starts
        start_external_correlation({});
    } else {
        std::string why = subscriber::subscribe();
        if (why.empty()) {
            why = subscriber::enable_correlation(traced_api_classes(enabled_kinds),
                                                 wants_api_records(enabled_kinds));
        }
        if (why.empty()) {
            attribution_mode.store("callback");
        } else {
            attribution_mode.store("none");  // unless the fallback starts
            start_external_correlation(why);
        }
    }
    for (auto kind : enabled_kinds) {
        if (const auto r = api->cuptiActivityEnable(kind); r != CUPTI_SUCCESS) {
            log::warning("cupti_activity: activity kind '", kind_name(kind),
                         "' not enabled: ", subscriber::result_text(r));
        }
    }
    std::atexit(&flush_at_exit);
    state.store(session_state::on);
}

}  // namespace

session_state session() noexcept {
    return state.load(std::memory_order_acquire);
}

void start_session() noexcept {
    parts::ensure_started(state, start_mutex, "cupti_activity", &start);
}

activity_processor& session_processor() {
    return the_processor();
}

std::uint64_t dropped_records() noexcept {
    return dropped.load(std::memory_order_relaxed);
}

bool external_correlation() noexcept {
    return external.load(std::memory_order_relaxed);
}

}  // namespace activity

std::string cupti_attribution() {
    return activity::attribution_mode.load();
}

namespace parts {
namespace {

void sample_activity(double*) noexcept {
    ensure_started(activity::state, activity::start_mutex, "cupti_activity", &activity::start);
}

void complete(component_info& info) {
    info.raw_count = 0;
    info.value_count = 1;
    info.sample = &sample_activity;
    info.finish = &finish_nothing;
    info.unavailable = &cupti::unavailable_reason;
    info.integer_values = true;
}

}  // namespace

void complete_cupti_activity(component_info& info) {
    complete(info);
}
void complete_cupti_memory_bytes(component_info& info) {
    complete(info);
}

bool correlation_observing() noexcept {
    return activity::external_correlation();
}

// Called only while external correlation is on, i.e. after the session loaded libcupti.
void correlation_push(hash_value, std::uint64_t node) noexcept {
    if (cupti::api().cuptiActivityPushExternalCorrelationId(CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0,
                                                            node) == CUPTI_SUCCESS) {
        ++activity::external_depth;
    }
}

void correlation_pop(hash_value, std::uint64_t) noexcept {
    // Regions opened before the fallback started pushed nothing: their pops pop nothing.
    if (activity::external_depth == 0) return;
    --activity::external_depth;
    std::uint64_t last = 0;
    cupti::api().cuptiActivityPopExternalCorrelationId(CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0,
                                                       &last);
}

void flush_cupti_activity() noexcept {
    activity::flush(false);
}

}  // namespace parts
}  // namespace tim::gpu
