// Event lookup and listing for timemory-avail -H and timemory.hardware_counters: PAPI's
// description of each event and whether it can be counted here.
#include "papi_backend.hpp"

#include "timemory/core/settings.hpp"

#include <span>
#include <string>
#include <vector>

namespace tim::papi {
namespace {

/// A preset needs a native event behind it; then (like any native) it must start here.
void check_availability(event_info& info, int code) {
    std::string why = info.preset ? backend::preset_mapping_reason(code) : std::string{};
    if (why.empty()) why = backend::try_count(std::span<const int>{&code, 1});
    info.available = why.empty();
    info.reason = std::move(why);
}

}  // namespace

std::string unavailable_reason() {
    return backend::init_status();
}

std::string version() {
    return backend::version_text();
}

event_info query_event(std::string_view name) {
    const std::string text{name};
    std::string why;
    const auto code = backend::event_code(text, why);
    if (!code) {
        event_info out;
        out.name = text;
        out.reason = why;
        return out;
    }
    event_info out = backend::describe(*code);
    out.name = text;  // the name asked for (PAPI's symbol may spell it differently)
    check_availability(out, *code);
    return out;
}

std::vector<event_info> list_events() {
    std::vector<event_info> out;
    for (int code : backend::all_event_codes()) {
        event_info info = backend::describe(code);
        if (info.name.empty()) continue;
        check_availability(info, code);
        out.push_back(std::move(info));
    }
    return out;
}

std::vector<std::string> split_events(std::string_view text) {
    return settings::split_list(text);
}

}  // namespace tim::papi
