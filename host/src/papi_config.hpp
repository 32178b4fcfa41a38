// Private to host/src: papi_array's event list, taken from settings.papi_events and validated
// event by event (see timemory/components/papi.hpp for the rule users see).
#pragma once

#include <string>

namespace tim::papi::detail {

/// papi_array's availability function, run whenever it is looked up for measuring: applies
/// settings.papi_events if it changed and the list is not fixed yet, fixes the list (and
/// completes papi_array's registry entry) once an event can be counted, and returns "" or why
/// papi_array cannot count. Throws std::runtime_error when settings.papi_fail_on_error is set and
/// an event is rejected.
std::string configure_from_settings();

}  // namespace tim::papi::detail
