// Every call into PAPI (see papi_backend.hpp). Built without PAPI, the functions at the bottom
// answer "built without PAPI" and count nothing.
#include "papi_backend.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/macros.hpp"
#include "timemory/core/settings.hpp"

#include <atomic>
#include <string_view>

#if defined(TIMEMORY_USE_PAPI)
#include "papi_library.hpp"

#include <papi.h>
#include <pthread.h>

#include <optional>
#include <sstream>
#include <thread>
#endif

namespace tim::papi {
bool built_with_papi() noexcept {
#if defined(TIMEMORY_USE_PAPI)
    return true;
#else
    return false;
#endif
}
}  // namespace tim::papi

namespace tim::papi::backend {
namespace {

std::atomic<const event_set_spec*> g_spec{nullptr};

}  // namespace

void set_spec(const event_set_spec* spec) noexcept {
    const event_set_spec* expected = nullptr;
    g_spec.compare_exchange_strong(expected, spec, std::memory_order_acq_rel);
}

const event_set_spec* current_spec() noexcept {
    return g_spec.load(std::memory_order_acquire);
}

#if defined(TIMEMORY_USE_PAPI)

namespace {

// Written once by init_status(), before any event set exists: later settings changes cannot
// make threads register with a PAPI that was initialised without thread support.
bool g_multiplex = false;
bool g_threading = false;

/// perf's software clocks count nanoseconds (the Linux perf ABI); PAPI 7 gives them no units.
bool counts_time(std::string_view description, std::string_view units) {
    return units == "ns" || units == "nsec" || units == "nanoseconds" ||
           description.starts_with("PERF_COUNT_SW_TASK_CLOCK") ||
           description.starts_with("PERF_COUNT_SW_CPU_CLOCK");
}

void warn_unless_quiet(const std::string& message) {
    if (!settings::instance().papi_quiet) log::warning(message);
}

std::string error_text(int rc) {
    const char* text = library::api().PAPI_strerror(rc);
    return (text != nullptr ? std::string{text} : std::string{"unknown error"}) + " (PAPI error " +
           std::to_string(rc) + ")";
}

unsigned long papi_thread_id() {
    return static_cast<unsigned long>(::pthread_self());
}

void destroy_set(int& set, bool started) {
    if (set == PAPI_NULL) return;
    if (started) {
        long long ignored[max_component_raw];
        library::api().PAPI_stop(set, ignored);
    }
    library::api().PAPI_cleanup_eventset(set);
    library::api().PAPI_destroy_eventset(&set);
    set = PAPI_NULL;
}

/// Create an event set with `codes`, started. "" on success, else the failing call and reason
/// (and `set` is PAPI_NULL again).
std::string build_set(std::span<const int> codes, int& set) {
    set = PAPI_NULL;
    int rc = library::api().PAPI_create_eventset(&set);
    if (rc != PAPI_OK) {
        set = PAPI_NULL;
        return "PAPI_create_eventset: " + error_text(rc);
    }
    if (g_multiplex && !codes.empty()) {
        // Multiplexed sets must be bound to their component before PAPI_set_multiplex.
        rc = library::api().PAPI_assign_eventset_component(
            set, library::api().PAPI_get_event_component(codes.front()));
        if (rc == PAPI_OK) rc = library::api().PAPI_set_multiplex(set);
        if (rc != PAPI_OK) {
            destroy_set(set, false);
            return "PAPI_set_multiplex: " + error_text(rc);
        }
    }
    for (int code : codes) {
        rc = library::api().PAPI_add_event(set, code);
        if (rc != PAPI_OK) {
            destroy_set(set, false);
            char name[PAPI_MAX_STR_LEN] = {};
            library::api().PAPI_event_code_to_name(code, name);
            return std::string{"PAPI_add_event("} + name + "): " + error_text(rc);
        }
    }
    rc = library::api().PAPI_start(set);
    if (rc != PAPI_OK) {
        destroy_set(set, false);
        return "PAPI_start: " + error_text(rc);
    }
    return {};
}

// ---- per-thread event sets -----------------------------------------------------------------

struct thread_counters {
    int set = PAPI_NULL;
    unsigned count = 0;
    bool ok = false;
    bool warned = false;
    thread_counters() = default;
    thread_counters(const thread_counters&) = delete;
    thread_counters& operator=(const thread_counters&) = delete;
    ~thread_counters();
};

// The hot path reads only this pointer; the object it points to lives in tl_owner.
thread_local thread_counters* tl_counters TIMEMORY_INITIAL_EXEC = nullptr;
thread_local bool tl_exiting = false;
thread_local std::optional<thread_counters> tl_owner;
// The counts when the thread's set was destroyed. Thread-locals are destroyed before atexit
// handlers run, and finalize() (an atexit handler) closes the regions still open on the main
// thread: they read these instead of zeros, so their values stay stop - start.
thread_local double tl_final[max_component_raw] = {};

thread_counters::~thread_counters() {
    // Thread exit: a sample after this point (finalize closing the main thread's regions, or
    // another thread-local's destructor) reads the final counts instead of building a new set
    // on a dying thread.
    tl_exiting = true;
    tl_counters = nullptr;
    long long values[max_component_raw];
    if (ok && library::api().PAPI_read(set, values) == PAPI_OK) {
        for (unsigned i = 0; i < count; ++i) tl_final[i] = static_cast<double>(values[i]);
    }
    destroy_set(set, ok);
    if (g_threading) library::api().PAPI_unregister_thread();
}

std::string thread_name() {
    std::ostringstream ss;
    ss << std::this_thread::get_id();
    return ss.str();
}

TIMEMORY_NOINLINE thread_counters* start_this_thread() {
    const event_set_spec* spec = current_spec();
    if (spec == nullptr || tl_exiting || !init_status().empty()) return nullptr;
    thread_counters& owner = tl_owner.emplace();
    owner.count = static_cast<unsigned>(spec->codes.size());
    if (g_threading) library::api().PAPI_register_thread();
    const std::string why = build_set(spec->codes, owner.set);
    owner.ok = why.empty();
    if (!owner.ok) {
        owner.warned = true;
        warn_unless_quiet("papi_array: the PAPI event set of thread " + thread_name() +
                          " could not be started (" + why +
                          "); this thread's papi_array values are 0");
    }
    tl_counters = &owner;
    return &owner;
}

TIMEMORY_NOINLINE void read_failed(thread_counters& tc, int rc, double* raw) noexcept {
    for (unsigned i = 0; i < tc.count; ++i) raw[i] = 0.0;
    if (tc.warned) return;
    tc.warned = true;
    try {
        warn_unless_quiet("papi_array: PAPI_read failed on thread " + thread_name() + " (" +
                          error_text(rc) + "); this thread's papi_array values are 0");
    } catch (...) {
        // out of memory while warning: the zeros stand
    }
}

TIMEMORY_NOINLINE void read_unstarted(double* raw) noexcept {
    const event_set_spec* spec = current_spec();
    if (spec != nullptr) {
        // An exiting thread (see tl_final), or PAPI failed (papi_array is unavailable then).
        for (std::size_t i = 0; i < spec->codes.size(); ++i) raw[i] = tl_final[i];
        return;
    }
    // Sampled before its event list was fixed: registry::get()/find() used without
    // registry::usable() or tim::papi::current_configuration(). raw_count is still 1.
    raw[0] = 0.0;
    static std::atomic<bool> warned{false};
    if (warned.exchange(true)) return;
    try {
        log::warning(
            "papi_array sampled before its events were configured; look it up through "
            "registry::parse_list/registry::usable or call "
            "tim::papi::current_configuration() first. Its values are 0");
    } catch (...) {
        // out of memory while warning: the zero stands
    }
}

}  // namespace

const std::string& init_status() {
    static const std::string status = []() -> std::string {
        if (library::load() == nullptr) return library::load_error();
        const int version = library::api().PAPI_library_init(PAPI_VER_CURRENT);
        if (version != PAPI_VER_CURRENT) {
            if (version > 0) {
                return "PAPI_library_init failed: the library is version " +
                       std::to_string(PAPI_VERSION_MAJOR(version)) + "." +
                       std::to_string(PAPI_VERSION_MINOR(version)) + ", timemory was built for " +
                       std::to_string(PAPI_VERSION_MAJOR(PAPI_VER_CURRENT)) + "." +
                       std::to_string(PAPI_VERSION_MINOR(PAPI_VER_CURRENT));
            }
            return "PAPI_library_init failed: " + error_text(version);
        }
        const auto& s = settings::instance();
        if (s.papi_threading) {
            const int rc = library::api().PAPI_thread_init(&papi_thread_id);
            if (rc != PAPI_OK) return "PAPI_thread_init failed: " + error_text(rc);
            g_threading = true;
        }
        if (s.papi_multiplexing) {
            const int rc = library::api().PAPI_multiplex_init();
            if (rc != PAPI_OK) return "PAPI_multiplex_init failed: " + error_text(rc);
            g_multiplex = true;
        }
        return {};
    }();
    return status;
}

std::string version_text() {
    if (!init_status().empty()) return {};
    const int v = library::api().PAPI_get_opt(PAPI_LIB_VERSION, nullptr);
    if (v < 0) return {};
    return std::to_string(PAPI_VERSION_MAJOR(v)) + "." + std::to_string(PAPI_VERSION_MINOR(v)) +
           "." + std::to_string(PAPI_VERSION_REVISION(v)) + "." +
           std::to_string(PAPI_VERSION_INCREMENT(v));
}

std::optional<int> event_code(const std::string& name, std::string& reason) {
    if (const auto& status = init_status(); !status.empty()) {
        reason = status;
        return std::nullopt;
    }
    int code = PAPI_NULL;
    const int rc = library::api().PAPI_event_name_to_code(name.c_str(), &code);
    if (rc != PAPI_OK) {
        reason = "unknown to PAPI (PAPI_event_name_to_code: " + error_text(rc) + ")";
        return std::nullopt;
    }
    return code;
}

event_info describe(int code) {
    event_info out;
    PAPI_event_info_t info{};
    if (library::api().PAPI_get_event_info(code, &info) != PAPI_OK) {
        char name[PAPI_MAX_STR_LEN] = {};
        library::api().PAPI_event_code_to_name(code, name);
        out.name = name;
        return out;
    }
    out.name = info.symbol;
    out.short_description = info.short_descr;
    out.description = info.long_descr;
    out.units = info.units;
    out.preset = IS_PRESET(code);
    if (const auto* cmp = library::api().PAPI_get_component_info(info.component_index);
        cmp != nullptr) {
        out.component = cmp->name;
    }
    out.kind = counts_time(out.description, out.units) ? unit_kind::timing : unit_kind::count;
    return out;
}

std::string try_count(std::span<const int> codes) {
    if (const auto& status = init_status(); !status.empty()) return status;
    const auto probe = [codes] {
        int set = PAPI_NULL;
        std::string why = build_set(codes, set);
        if (!why.empty()) return why;
        long long values[max_component_raw];
        const int rc =
            codes.size() <= max_component_raw ? library::api().PAPI_read(set, values) : PAPI_OK;
        destroy_set(set, true);
        return rc == PAPI_OK ? std::string{} : "PAPI_read: " + error_text(rc);
    };
    if (!g_threading) return probe();
    // PAPI runs one event set per thread at a time, and this thread may be counting papi_array
    // already (PAPI_start would fail with PAPI_EISRUN): probe on a thread of its own.
    std::string why;
    std::thread prober{[&] {
        library::api().PAPI_register_thread();
        why = probe();
        library::api().PAPI_unregister_thread();
    }};
    prober.join();
    return why;
}

std::vector<int> all_event_codes() {
    std::vector<int> codes;
    if (!init_status().empty()) return codes;
    int code = PAPI_PRESET_MASK;
    if (library::api().PAPI_enum_event(&code, PAPI_ENUM_FIRST) == PAPI_OK) {
        do {
            codes.push_back(code);
        } while (library::api().PAPI_enum_event(&code, PAPI_ENUM_EVENTS) == PAPI_OK);
    }
    const int components = library::api().PAPI_num_components();
    for (int cidx = 0; cidx < components; ++cidx) {
        const auto* cmp = library::api().PAPI_get_component_info(cidx);
        if (cmp == nullptr || cmp->disabled != 0) continue;
        code = PAPI_NATIVE_MASK;
        if (library::api().PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cidx) != PAPI_OK) continue;
        do {
            codes.push_back(code);
        } while (library::api().PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cidx) == PAPI_OK);
    }
    return codes;
}

std::string preset_mapping_reason(int code) {
    PAPI_event_info_t info{};
    const int rc = library::api().PAPI_get_event_info(code, &info);
    if (rc != PAPI_OK) return "PAPI_get_event_info: " + error_text(rc);
    return info.count == 0 ? "PAPI has no native event for this preset on this CPU" : "";
}

void read_this_thread(double* raw) noexcept {
    thread_counters* tc = tl_counters;
    if (TIMEMORY_UNLIKELY(tc == nullptr)) {
        try {
            tc = start_this_thread();
        } catch (...) {
            tc = nullptr;
        }
        if (tc == nullptr) {
            read_unstarted(raw);
            return;
        }
    }
    long long values[max_component_raw];
    const int rc =
        TIMEMORY_LIKELY(tc->ok) ? library::api().PAPI_read(tc->set, values) : PAPI_ENOTRUN;
    if (TIMEMORY_UNLIKELY(rc != PAPI_OK)) {
        read_failed(*tc, rc, raw);
        return;
    }
    for (unsigned i = 0; i < tc->count; ++i) raw[i] = static_cast<double>(values[i]);
}

#else  // built without PAPI

const std::string& init_status() {
    static const std::string status{built_without};
    return status;
}

std::string version_text() {
    return {};
}

std::optional<int> event_code(const std::string&, std::string& reason) {
    reason = built_without;
    return std::nullopt;
}

event_info describe(int) {
    return {};
}

std::string try_count(std::span<const int>) {
    return built_without;
}

std::vector<int> all_event_codes() {
    return {};
}

std::string preset_mapping_reason(int) {
    return built_without;
}

void read_this_thread(double* raw) noexcept {
    const event_set_spec* spec = current_spec();
    const std::size_t n = spec != nullptr ? spec->codes.size() : 1;
    for (std::size_t i = 0; i < n; ++i) raw[i] = 0.0;
}

#endif

}  // namespace tim::papi::backend
