// tim::papi::event_sets: thin, checked wrappers over PAPI's event-set calls for Python's
// timemory.api.papi (timemory 3 exposed the same). Built without PAPI, every call throws
// "built without PAPI".
#include "papi_backend.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#if defined(TIMEMORY_USE_PAPI)
#include "papi_library.hpp"

#include <papi.h>
#endif

namespace tim::papi::event_sets {
namespace {

[[noreturn]] void unavailable() {
    throw std::runtime_error("timemory: PAPI is not available: " + backend::init_status());
}

#if defined(TIMEMORY_USE_PAPI)
/// Throws unless PAPI works here.
void require_papi() {
    if (!backend::init_status().empty()) unavailable();
}

void check(int rc, const char* call) {
    if (rc == PAPI_OK) return;
    const char* text = library::api().PAPI_strerror(rc);
    throw std::runtime_error(std::string{"timemory: "} + call +
                             " failed: " + (text != nullptr ? text : "unknown error") +
                             " (PAPI error " + std::to_string(rc) + ")");
}

std::vector<long long> values_buffer(int set) {
    const int n = library::api().PAPI_num_events(set);
    if (n < 0) check(n, "PAPI_num_events");
    return std::vector<long long>(static_cast<std::size_t>(n > 0 ? n : 1));
}
#endif

}  // namespace

#if defined(TIMEMORY_USE_PAPI)

int event_code(std::string_view name) {
    require_papi();
    int code = PAPI_NULL;
    check(library::api().PAPI_event_name_to_code(std::string{name}.c_str(), &code),
          "PAPI_event_name_to_code");
    return code;
}

std::string event_name(int code) {
    require_papi();
    char name[PAPI_MAX_STR_LEN] = {};
    check(library::api().PAPI_event_code_to_name(code, name), "PAPI_event_code_to_name");
    return name;
}

int create() {
    require_papi();
    int set = PAPI_NULL;
    check(library::api().PAPI_create_eventset(&set), "PAPI_create_eventset");
    return set;
}

void destroy(int set) {
    require_papi();
    check(library::api().PAPI_cleanup_eventset(set), "PAPI_cleanup_eventset");
    check(library::api().PAPI_destroy_eventset(&set), "PAPI_destroy_eventset");
}

void add(int set, int code) {
    check(library::api().PAPI_add_event(set, code), "PAPI_add_event");
}

void remove(int set, int code) {
    check(library::api().PAPI_remove_event(set, code), "PAPI_remove_event");
}

void start(int set) {
    check(library::api().PAPI_start(set), "PAPI_start");
}

std::vector<long long> read(int set) {
    auto values = values_buffer(set);
    check(library::api().PAPI_read(set, values.data()), "PAPI_read");
    values.resize(static_cast<std::size_t>(library::api().PAPI_num_events(set)));
    return values;
}

std::vector<long long> stop(int set) {
    auto values = values_buffer(set);
    check(library::api().PAPI_stop(set, values.data()), "PAPI_stop");
    values.resize(static_cast<std::size_t>(library::api().PAPI_num_events(set)));
    return values;
}

void reset(int set) {
    check(library::api().PAPI_reset(set), "PAPI_reset");
}

#else  // built without PAPI: every call says so

int event_code(std::string_view) {
    unavailable();
}
std::string event_name(int) {
    unavailable();
}
int create() {
    unavailable();
}
void destroy(int) {
    unavailable();
}
void add(int, int) {
    unavailable();
}
void remove(int, int) {
    unavailable();
}
void start(int) {
    unavailable();
}
std::vector<long long> read(int) {
    unavailable();
}
std::vector<long long> stop(int) {
    unavailable();
}
void reset(int) {
    unavailable();
}

#endif

}  // namespace tim::papi::event_sets
