#include "cupti/cupti_subscriber.hpp"
#include "plugin/internal_calls.hpp"

#include "cupti/activity_correlation.hpp"
#include "cupti/cupti_api.hpp"

#include "timemory/core/graph.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/gpu/indices.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <mutex>

namespace tim::gpu::subscriber {
namespace {

using activity::api_class;

// ---- dispatch state ----------------------------------------------------------------------------
// Written once before callbacks are enabled (tables) or as single atomics (flags); the callback
// reads them without locks. Never destroyed: the CUDA runtime's teardown at exit makes API calls
// after this library's static objects would be gone.
dispatch_tables& tables = *new dispatch_tables{};
std::atomic<unsigned> correlation_mask{0};
std::atomic<bool> correlation_all{false};
std::atomic<bool> api_timing{false};
std::atomic<const launch_hooks*> hooks{nullptr};

api_class class_of(CUpti_CallbackDomain domain, CUpti_CallbackId cbid) noexcept {
    const auto& table = domain == CUPTI_CB_DOMAIN_RUNTIME_API ? tables.runtime : tables.driver;
    return cbid < table.size() ? table[cbid] : api_class::none;
}

// Label hash of each function, registered on first use (the functionName CUPTI passes is a
// global constant, the same for every call of one cbid).
constexpr std::size_t label_slots = 1024;
std::array<std::atomic<hash_value>, label_slots> runtime_labels{};
std::array<std::atomic<hash_value>, label_slots> driver_labels{};

hash_value function_label(CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const char* name) {
    auto& slots = domain == CUPTI_CB_DOMAIN_RUNTIME_API ? runtime_labels : driver_labels;
    if (cbid >= slots.size()) return add_label(name ? name : "cudaUnknownFunction");
    hash_value h = slots[cbid].load(std::memory_order_relaxed);
    if (h == 0) {
        h = add_label(name ? name : "cudaUnknownFunction");
        slots[cbid].store(h, std::memory_order_relaxed);
    }
    return h;
}

std::int64_t now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Per-thread API nesting. Trivially destructible: callbacks may come while the thread exits.
struct api_thread_state {
    std::uint32_t depth = 0;          ///< API calls in progress on this thread
    std::uint32_t noted = 0;          ///< correlation id noted for the outermost traced call
    node_id noted_node = no_node_id;  ///< its node
    bool has_note = false;            ///< a call in the current outermost call was noted
    bool timing = false;              ///< the outermost call is being timed
    bool hooked = false;              ///< the outermost call is a launch the hooks entered
    bool hooked_graph = false;        ///< ... of a graph
    std::uint32_t timed_node = no_node;
    std::int64_t start_ns = 0;
    thread_graph* graph = nullptr;
};
thread_local api_thread_state this_thread;

bool traced(api_class c, bool all) noexcept {
    return all || (c != api_class::none && (correlation_mask.load(std::memory_order_relaxed) &
                                            activity::class_bit(c)) != 0);
}

void api_enter(CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const CUpti_CallbackData& data) {
    auto& t = this_thread;
    const bool outermost = t.depth++ == 0;
    if (outermost) {
        t.has_note = false;
        t.timing = false;
        t.hooked = false;
    }
    // Correlation first: the kernel belongs to the region, not to the API row pushed below.
    const bool all = correlation_all.load(std::memory_order_relaxed);
    const api_class c = class_of(domain, cbid);
    if (traced(c, all)) {
        const std::uint8_t flags = c == api_class::graph_launch ? activity::note_sticky : 0;
        if (!t.has_note) {
            // Measurement off, or timemory's own call: a note without a node, so that the
            // records are dropped instead of ending up "unattributed".
            t.noted_node = is_enabled() && !in_internal_calls ? current_node_id() : no_node_id;
            t.noted = data.correlationId;
            t.has_note = true;
            activity::note_correlation({data.correlationId, 0, t.noted_node, flags});
        } else if (data.correlationId != t.noted) {
            // timemory's own call inside the program's (a launch hook's query): no node.
            activity::note_correlation({data.correlationId, t.noted,
                                        in_internal_calls ? no_node_id : t.noted_node, flags});
        }
    }
    if (const auto* h = hooks.load(std::memory_order_acquire); h != nullptr && outermost) {
        if (c == api_class::launch || c == api_class::graph_launch) {
            t.hooked_graph = c == api_class::graph_launch;
            h->enter(domain, cbid, data, t.hooked_graph);
            t.hooked = true;
        } else if (c == api_class::teardown) {
            h->teardown(data);
        }
    }
    if (outermost && api_timing.load(std::memory_order_relaxed) && is_enabled() &&
        !in_internal_calls) {
        t.graph = &this_thread_graph();
        t.timed_node =
            t.graph->push(function_label(domain, cbid, data.functionName), scope_mode::tree, false);
        t.timing = true;
        t.start_ns = now_ns();
    }
}

void api_exit(CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const CUpti_CallbackData& data) {
    auto& t = this_thread;
    if (t.depth == 0) return;  // its enter came before the callbacks were enabled
    const bool outermost = --t.depth == 0;
    const int result = data.functionReturnValue != nullptr
                           ? *static_cast<const int*>(data.functionReturnValue)
                           : 0;  // cudaSuccess and CUDA_SUCCESS are 0
    // A failed call leaves no record, so its note is cancelled. Not so a query that finds the
    // work unfinished (cudaErrorNotReady and CUDA_ERROR_NOT_READY are both 600): CUPTI still
    // records its synchronisation, which must find its region (or, for timemory's own queries,
    // be dropped).
    constexpr int not_ready = 600;
    if (result != 0 && result != not_ready && t.has_note &&
        traced(class_of(domain, cbid), correlation_all.load())) {
        activity::note_correlation({data.correlationId, 0, no_node_id, activity::note_cancel});
    }
    if (outermost && t.hooked) {
        t.hooked = false;
        if (const auto* h = hooks.load(std::memory_order_acquire); h != nullptr) {
            // CUDA calls the hook makes (cudaStreamIsCapturing) are nested in this launch, not
            // new outermost calls that would reset its notes and its timing row.
            ++t.depth;
            h->exit(domain, cbid, data, result != 0, t.hooked_graph);
            --t.depth;
        }
    }
    if (outermost && t.timing) {
        const double elapsed = static_cast<double>(now_ns() - t.start_ns);
        t.graph->record(t.timed_node, cupti_callback_index, &elapsed, 1);
        t.graph->pop(t.timed_node, false);
        t.timing = false;
    }
}

// ---- CUPTI -------------------------------------------------------------------------------------
CUpti_SubscriberHandle handle = nullptr;

void CUPTIAPI callback(void*, CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                       const void* data) {
    if (data == nullptr) return;
    if (domain == CUPTI_CB_DOMAIN_RUNTIME_API || domain == CUPTI_CB_DOMAIN_DRIVER_API) {
        on_api(domain, cbid, *static_cast<const CUpti_CallbackData*>(data));
    }
}

std::vector<api_class> classify_domain(CUpti_CallbackDomain domain, std::uint32_t size) {
    const auto& api = cupti::api();
    std::vector<api_class> out(size, api_class::none);
    for (std::uint32_t cbid = 1; cbid < size; ++cbid) {
        const char* name = nullptr;
        if (api.cuptiGetCallbackName(domain, cbid, &name) == CUPTI_SUCCESS && name != nullptr) {
            out[cbid] = activity::classify_api(name);
        }
    }
    return out;
}

}  // namespace

void set_tables(dispatch_tables t) {
    tables = std::move(t);
}

void set_correlation(unsigned class_mask, bool all_calls) noexcept {
    correlation_mask.store(class_mask, std::memory_order_relaxed);
    correlation_all.store(all_calls, std::memory_order_relaxed);
}

void set_api_timing(bool on) noexcept {
    api_timing.store(on, std::memory_order_relaxed);
}

void set_launch_hooks(const launch_hooks* h) noexcept {
    hooks.store(h, std::memory_order_release);
}

void on_api(CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
            const CUpti_CallbackData& data) noexcept {
    try {
        if (data.callbackSite == CUPTI_API_ENTER) {
            api_enter(domain, cbid, data);
        } else {
            api_exit(domain, cbid, data);
        }
    } catch (...) {
        // Out of memory in a first-time node or label: this call goes unmeasured.
    }
}

std::string result_text(int result) {
    // A result comes from a CUPTI call, so libcupti is loaded; load() just finds it.
    const auto* api = cupti::load();
    const char* text = nullptr;
    if (api == nullptr ||
        api->cuptiGetResultString(static_cast<CUptiResult>(result), &text) != CUPTI_SUCCESS ||
        text == nullptr) {
        return "CUPTI error " + std::to_string(result);
    }
    return text;
}

const std::string& subscribe() {
    static const std::string reason = []() -> std::string {
        const auto* api = cupti::load();
        if (api == nullptr) return cupti::load_error();
        CUpti_SubscriberParams params{};
        params.structSize = CUpti_SubscriberParams_STRUCT_SIZE;
        params.subscriberName = "timemory";
        std::array<char, CUPTI_OLD_SUBSCRIBER_NAME_MIN_LEN + 1> holder{};
        params.oldSubscriberName = holder.data();
        params.oldSubscriberSize = holder.size() - 1;
        const CUptiResult r = api->cuptiSubscribe_v2(&handle, &callback, nullptr, &params);
        if (r == CUPTI_SUCCESS) {
            set_tables(tables_from_cupti());
            return std::string{};
        }
        std::string why = "cuptiSubscribe_v2: " + result_text(r);
        if (holder[0] != '\0')
            why += " (the CUPTI subscriber is '" + std::string{holder.data()} + "')";
        return why;
    }();
    return reason;
}

dispatch_tables tables_from_cupti() {
    dispatch_tables t;
    t.runtime = classify_domain(CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_SIZE);
    t.driver = classify_domain(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_SIZE);
    return t;
}

namespace {
// Enable the callbacks of every function whose class is in `class_mask` (every function with
// `all_calls`). Callers hold enable_mutex.
CUptiResult enable_classes(unsigned class_mask, bool all_calls) {
    CUptiResult r = CUPTI_SUCCESS;
    if (all_calls) {
        for (auto domain : {CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_CB_DOMAIN_DRIVER_API}) {
            if (r == CUPTI_SUCCESS) r = cupti::api().cuptiEnableDomain(1, handle, domain);
        }
        return r;
    }
    const auto enable = [&](CUpti_CallbackDomain domain, const std::vector<api_class>& table) {
        for (std::uint32_t cbid = 0; cbid < table.size() && r == CUPTI_SUCCESS; ++cbid) {
            if ((class_mask & activity::class_bit(table[cbid])) != 0 &&
                table[cbid] != api_class::none) {
                r = cupti::api().cuptiEnableCallback(1, handle, domain, cbid);
            }
        }
    };
    enable(CUPTI_CB_DOMAIN_RUNTIME_API, tables.runtime);
    enable(CUPTI_CB_DOMAIN_DRIVER_API, tables.driver);
    return r;
}
std::mutex enable_mutex;
}  // namespace

std::string enable_correlation(unsigned class_mask, bool all_calls) {
    std::lock_guard<std::mutex> lock{enable_mutex};
    if (handle == nullptr) return "no CUPTI subscriber";
    if (const auto r = enable_classes(class_mask, all_calls); r != CUPTI_SUCCESS) {
        return "cuptiEnableCallback: " + result_text(r);
    }
    set_correlation(class_mask, all_calls);
    return {};
}

std::string enable_launch_hooks(const launch_hooks* h) {
    std::lock_guard<std::mutex> lock{enable_mutex};
    if (handle == nullptr) return "no CUPTI subscriber";
    const unsigned mask = activity::class_bit(api_class::launch) |
                          activity::class_bit(api_class::graph_launch) |
                          activity::class_bit(api_class::teardown);
    if (const auto r = enable_classes(mask, false); r != CUPTI_SUCCESS) {
        return "cuptiEnableCallback: " + result_text(r);
    }
    set_launch_hooks(h);
    return {};
}

std::string enable_api_timing() {
    if (handle == nullptr) return "no CUPTI subscriber";
    for (auto domain : {CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_CB_DOMAIN_DRIVER_API}) {
        if (const CUptiResult r = cupti::api().cuptiEnableDomain(1, handle, domain);
            r != CUPTI_SUCCESS) {
            return "cuptiEnableDomain: " + result_text(r);
        }
    }
    set_api_timing(true);
    return {};
}

}  // namespace tim::gpu::subscriber
