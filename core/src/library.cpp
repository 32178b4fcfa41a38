// The C API: thin wrappers that never let a C++ exception cross into C or Fortran.
#include "timemory/library.h"

#include "timemory/core/log.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"

#include <exception>

namespace {
template <typename F>
auto guarded(const char* what, F&& fn) noexcept {
    try {
        return fn();
    } catch (const std::exception& e) {
        tim::log::error(what, ": ", e.what());
    } catch (...) {
        tim::log::error(what, ": unknown error");
    }
    using result = decltype(fn());
    if constexpr (!std::is_void_v<result>) return result{-1};
}
const char* safe(const char* s) {
    return s ? s : "";
}
}  // namespace

extern "C" {

void timemory_init_library(int argc, char** argv) {
    guarded("timemory_init_library", [&] { tim::init(argc, argv); });
}

void timemory_finalize_library(void) {
    guarded("timemory_finalize_library", [] { tim::finalize(); });
}

int timemory_set_default(const char* components) {
    return guarded("timemory_set_default", [&] {
        return tim::region::set_default_keep_known(safe(components), "timemory_set_default") ? 0
                                                                                             : -1;
    });
}

int timemory_set_trace_default(const char* components) {
    return guarded("timemory_set_trace_default", [&] {
        return tim::region::set_trace_default_keep_known(safe(components),
                                                         "timemory_set_trace_default")
                   ? 0
                   : -1;
    });
}

void timemory_push_region(const char* name) {
    if (!tim::is_enabled()) return;  // runtime off costs a branch
    guarded("timemory_push_region", [&] { tim::region::push(safe(name)); });
}

void timemory_pop_region(const char* name) {
    if (!tim::is_enabled() && tim::region::open_count() == 0) return;
    guarded("timemory_pop_region", [&] { tim::region::pop(safe(name)); });
}

void timemory_push_trace(const char* name) {
    if (!tim::is_enabled()) return;
    guarded("timemory_push_trace", [&] { tim::region::push_trace(safe(name)); });
}

void timemory_pop_trace(const char* name) {
    if (!tim::is_enabled() && tim::region::open_count() == 0) return;
    guarded("timemory_pop_trace", [&] { tim::region::pop_trace(safe(name)); });
}

int timemory_is_throttled(const char* name) {
    return guarded("timemory_is_throttled",
                   [&] { return tim::region::is_throttled(safe(name)) ? 1 : 0; });
}

}  // extern "C"
