// Private to host/src: the PAPI functions timemory calls, resolved from libpapi at run time
// instead of linked (timemory/core/shared_library.hpp), so that a build with PAPI still starts
// on a machine without libpapi (the GPU machines have none) and says "PAPI not loaded: <why>".
// The library is TIMEMORY_PAPI_LIBRARY from the environment (a name or a path), else the soname
// the build found ("libpapi.so.7.0"), else that file in the directory the build found it in.
// The pointer types are decltype(&PAPI_xxx) of <papi.h>'s declarations.
#pragma once

#include <papi.h>

#include <string>

namespace tim::papi::library {

// Every PAPI function timemory calls; add a function here before calling it.
#define TIMEMORY_PAPI_FUNCTIONS(X)    \
    X(PAPI_add_event)                 \
    X(PAPI_assign_eventset_component) \
    X(PAPI_cleanup_eventset)          \
    X(PAPI_create_eventset)           \
    X(PAPI_destroy_eventset)          \
    X(PAPI_enum_cmp_event)            \
    X(PAPI_enum_event)                \
    X(PAPI_event_code_to_name)        \
    X(PAPI_event_name_to_code)        \
    X(PAPI_get_component_info)        \
    X(PAPI_get_event_component)       \
    X(PAPI_get_event_info)            \
    X(PAPI_get_opt)                   \
    X(PAPI_library_init)              \
    X(PAPI_multiplex_init)            \
    X(PAPI_num_components)            \
    X(PAPI_num_events)                \
    X(PAPI_read)                      \
    X(PAPI_register_thread)           \
    X(PAPI_remove_event)              \
    X(PAPI_reset)                     \
    X(PAPI_set_multiplex)             \
    X(PAPI_start)                     \
    X(PAPI_stop)                      \
    X(PAPI_strerror)                  \
    X(PAPI_thread_init)               \
    X(PAPI_unregister_thread)

struct functions {
#define TIMEMORY_PAPI_POINTER(name) decltype(&::name) name = nullptr;
    TIMEMORY_PAPI_FUNCTIONS(TIMEMORY_PAPI_POINTER)
#undef TIMEMORY_PAPI_POINTER
};

/// What load() opens first (TIMEMORY_PAPI_LIBRARY, else the build's soname).
std::string library_name();

/// Loads libpapi and resolves every function the first time (thread-safe, once; never closed).
/// nullptr when that failed: load_error() says why.
const functions* load() noexcept;

/// "" when load() succeeds, else "PAPI not loaded: <the loader's reason>". Calls load().
const std::string& load_error() noexcept;

/// The table, for code that runs only after load() succeeded (backend::init_status() did).
const functions& api() noexcept;

}  // namespace tim::papi::library
