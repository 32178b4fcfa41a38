// Private to host/src: every call into the PAPI library that papi_array and the listings make
// (papi_event_sets.cpp holds the only other PAPI code; only these two files include <papi.h>).
// Built without PAPI it compiles to stubs that say "built without PAPI", so the event list,
// papi_array and the listings behave the same either way.
#pragma once

#include "timemory/components/papi.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tim::papi::backend {

inline constexpr const char* built_without = "built without PAPI";

/// "" once PAPI is initialised, else why not. The first call initialises it (once per process).
const std::string& init_status();

/// PAPI's version text ("7.0.0.0"); "" when PAPI does not work.
std::string version_text();

/// PAPI's code for `name`; std::nullopt with `reason` (naming the failed PAPI call) when PAPI
/// does not know it.
std::optional<int> event_code(const std::string& name, std::string& reason);

/// PAPI's description of `code` (available/reason left unset).
event_info describe(int code);

/// "" when `codes` can be counted together in one event set here (added one by one, started,
/// read and stopped), else the failing PAPI call and PAPI's reason.
std::string try_count(std::span<const int> codes);

/// Codes of every preset and of every native base event of each active PAPI component.
std::vector<int> all_event_codes();

/// Whether PAPI has a native event behind preset `code` on this CPU ("" when it has).
std::string preset_mapping_reason(int code);

/// The events every thread's event set counts: fixed once, then read by all threads.
struct event_set_spec {
    std::vector<int> codes;
    std::vector<std::string> names;
};

/// Hot path of papi_array: reads the calling thread's counters into raw[0..n). The first call
/// on a thread creates and starts its event set from `current_spec()`; a thread whose set cannot
/// be created reads zeros after one warning naming the thread and PAPI's reason.
void read_this_thread(double* raw) noexcept;

/// Install the spec that threads build their event sets from (once; later calls are ignored).
void set_spec(const event_set_spec* spec) noexcept;
const event_set_spec* current_spec() noexcept;

}  // namespace tim::papi::backend
