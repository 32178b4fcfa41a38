// The papi_array component's registry entry (aliases papi_vector and papi, as in timemory, where
// both collected TIMEMORY_PAPI_EVENTS into one per-thread event set). Its values, one per event,
// are filled in when its event list is fixed (papi_config.cpp); until then it is unavailable
// with the reason, and one raw/one value keep the entry well-formed.
#include "papi_backend.hpp"
#include "papi_config.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/registry.hpp"

#include <exception>

namespace tim::component {
namespace {

std::string papi_array_unavailable() {
    return papi::detail::configure_from_settings();
}

struct registrar {
    registrar() noexcept {
        component_info info;
        info.index = papi_array_index;
        info.id = "papi_array";
        info.aliases = {"papi_vector", "papi"};
        info.label = "papi_array";
        info.class_name = "PapiArray";
        info.description = "PAPI hardware counters: one value per event of settings.papi_events";
        info.units = unit_kind::count;
        info.raw_count = 1;
        info.value_count = 1;
        info.sample = &papi::backend::read_this_thread;
        info.unavailable = &papi_array_unavailable;
        info.thread_scope_only = true;  // each thread's event set counts that thread only
        info.integer_values = true;
        try {
            registry::add(std::move(info));
        } catch (const std::exception& e) {
            log::warning("papi_array not registered: ", e.what());
        }
    }
};

const registrar registered;

}  // namespace
}  // namespace tim::component
