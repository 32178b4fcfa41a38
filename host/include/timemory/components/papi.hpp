// PAPI hardware counters on the host: the `papi_array` component (aliases `papi_vector`, `papi`)
// and the helpers behind `timemory-avail -H` and Python's timemory.hardware_counters.
//
//   TIMEMORY_PAPI_EVENTS="perf::TASK-CLOCK,perf::PAGE-FAULTS" ./app      # or settings.papi_events
//   tim::runtime_bundle b{"solve", tim::registry::parse_list("wall_clock,papi_array")};
//
// papi_array has one value per event, labelled with the event's name. Each event is checked on
// its own (known to PAPI, countable here, countable together with the events before it); one
// that fails is reported once by name with PAPI's reason and the others are counted. With no
// event left, papi_array is unavailable and says why (registry::unavailable_reason).
//
// When the event list is read: papi_array takes settings.papi_events each time it is looked up
// for measuring (registry::parse_list / registry::usable, regions, markers, Python component
// lists, timemory-avail), until a list with at least one countable event is found. That list is
// then fixed for the rest of the process, because bundles and call graphs size their buffers and
// columns from it. Changing settings.papi_events afterwards prints one warning and changes
// nothing. Code that takes papi_array from registry::get()/find() directly must call
// tim::papi::current_configuration() (or registry::usable) before building a bundle with it.
//
// Counting: each thread gets its own PAPI event set on its first sample, started once and left
// running; a measurement is the difference of two PAPI_read calls, so each thread counts only
// what it does itself (thread_scope_only). Values are counts, except perf's software clocks
// (perf::TASK-CLOCK, perf::CPU-CLOCK), which count nanoseconds: they are timing values, shown in
// settings.timing_units like wall_clock. Built without PAPI (TIMEMORY_USE_PAPI=OFF), papi_array is
// listed as unavailable, "built without PAPI". Built with PAPI, libpapi is loaded on first use
// rather than linked: where it is missing, "PAPI not loaded: <the loader's reason>"
// (TIMEMORY_PAPI_LIBRARY names another file).
#pragma once

#include "timemory/core/component_info.hpp"
#include "timemory/core/derived_metrics.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tim::component {
/// papi_array's registry slot: the first of the hardware-counter slots.
inline constexpr std::uint16_t papi_array_index = slots::hardware_counters.begin;
static_assert(slots::hardware_counters.contains(papi_array_index));
}  // namespace tim::component

namespace tim::papi {

/// One PAPI event as PAPI describes it, and whether it can be counted here.
struct event_info {
    std::string name;                   ///< PAPI_TOT_CYC, perf::TASK-CLOCK, ...
    std::string short_description;      ///< PAPI's short description (often empty for natives)
    std::string description;            ///< PAPI's long description
    std::string units;                  ///< PAPI's units text ("" for most events)
    std::string component;              ///< PAPI component ("perf_event", ...)
    unit_kind kind = unit_kind::count;  ///< timing for perf's software clocks, else count
    bool preset = false;                ///< a PAPI preset (PAPI_*), not a native event
    bool available = false;             ///< can be added to an event set and started here
    std::string reason;                 ///< why not, when !available
};

/// Whether this timemory was built with PAPI.
bool built_with_papi() noexcept;

/// "" when PAPI works in this process; else why not: "built without PAPI", "PAPI not loaded:
/// <the loader's reason>" or "PAPI_library_init failed: <PAPI's reason>". The first call
/// initialises PAPI (with thread support when settings.papi_threading, multiplexing when
/// settings.papi_multiplexing).
std::string unavailable_reason();
inline bool working() {
    return unavailable_reason().empty();
}

/// PAPI's version, e.g. "7.0.0.0"; "" when PAPI does not work here.
std::string version();

/// PAPI's description of one event and whether it can be counted here on its own. An unknown
/// name gives available == false and the reason.
event_info query_event(std::string_view name);

/// Every PAPI preset, then every native event of each active PAPI component (base names, no
/// unit masks), each checked for whether it can be counted here. Empty when PAPI does not work.
std::vector<event_info> list_events();

/// "a, b;c d" -> {"a", "b", "c", "d"} (separators: comma, semicolon, whitespace; quotes dropped).
std::vector<std::string> split_events(std::string_view text);

/// What papi_array counts.
struct configuration {
    std::vector<std::string> requested;  ///< the names it was built from (settings.papi_events)
    std::vector<std::string> events;     ///< counted, in value order
    std::vector<std::pair<std::string, std::string>> rejected;  ///< (name, PAPI's reason)
    std::string reason;  ///< "" when events is not empty, else why nothing counts
    bool fixed = false;  ///< true: the list no longer changes (see above)
};

/// papi_array's event list, re-read from settings.papi_events when that changed and the list is
/// not fixed yet (the same step as looking papi_array up).
configuration current_configuration();

/// Set settings.papi_events and apply it now; same rules as current_configuration().
configuration set_events(const std::vector<std::string>& events);
configuration set_events(std::string_view events);

/// Direct use of PAPI event sets (Python's timemory.api.papi). PAPI runs one event set per
/// thread at a time, so a thread that counts papi_array cannot start another one (PAPI_EISRUN).
/// Every call throws std::runtime_error naming the PAPI call and PAPI's reason.
namespace event_sets {
int event_code(std::string_view name);  ///< PAPI_event_name_to_code
std::string event_name(int code);       ///< PAPI_event_code_to_name
int create();                           ///< PAPI_create_eventset
void destroy(int set);                  ///< PAPI_cleanup_eventset + PAPI_destroy_eventset
void add(int set, int code);            ///< PAPI_add_event
void remove(int set, int code);         ///< PAPI_remove_event
void start(int set);                    ///< PAPI_start
std::vector<long long> read(int set);   ///< PAPI_read: one value per event, in add order
std::vector<long long> stop(int set);   ///< PAPI_stop: the final values
void reset(int set);                    ///< PAPI_reset
}  // namespace event_sets

/// Derived metrics (IPC, FLOP/s) from event totals: tim::derived_metrics
/// (timemory/core/derived_metrics.hpp), which also covers CUPTI's DRAM bandwidth.
using tim::derived_metric;
using tim::derived_metrics;

}  // namespace tim::papi
