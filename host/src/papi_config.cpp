// papi_array's event list: settings.papi_events split, each event checked on its own, the
// accepted ones fixed once (see timemory/components/papi.hpp).
//
// Why the list is fixed at the first successful configuration rather than at the first sample:
// regions, runtime bundles, Python components and each thread's call-graph columns size their
// buffers from papi_array's raw_count/value_count when they are built, which happens right after
// the lookup that configured it. Changing the count after that could overrun those buffers.
#include "papi_config.hpp"

#include "papi_backend.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace tim::papi {
namespace {

constexpr const char* no_events_reason =
    "no PAPI events selected: set TIMEMORY_PAPI_EVENTS or settings.papi_events, e.g. "
    "\"perf::TASK-CLOCK,perf::PAGE-FAULTS\" (timemory-avail -H lists the events)";

/// The accepted events with what papi_array's registry entry shows for them. Never destroyed:
/// the registry's value labels and descriptions point into it.
struct fixed_events {
    backend::event_set_spec spec;
    std::vector<std::string> descriptions;
    std::vector<unit_kind> kinds;
};

struct config_state {
    std::mutex mutex;
    bool validated = false;  ///< `current` reflects `current.requested`
    configuration current;
    std::set<std::vector<std::string>> ignored;  ///< lists already warned about once fixed
};

config_state& state() {
    static auto* instance = new config_state{};
    return *instance;
}

std::string value_description(const event_info& info) {
    std::string text = info.short_description.empty() ? info.description : info.short_description;
    if (info.kind == unit_kind::timing) text += " (nanoseconds)";
    return text;
}

/// Check each requested event alone, then together with those accepted before it.
configuration validate(const std::vector<std::string>& requested, fixed_events& out) {
    configuration c;
    c.requested = requested;
    if (!built_with_papi()) {
        c.reason = backend::built_without;
        return c;
    }
    if (requested.empty()) {
        c.reason = no_events_reason;
        return c;
    }
    if (const auto& status = backend::init_status(); !status.empty()) {
        c.reason = status;
        return c;
    }
    std::vector<int>& accepted = out.spec.codes;
    for (const auto& name : requested) {
        if (std::find(c.events.begin(), c.events.end(), name) != c.events.end()) continue;
        std::string why;
        const auto code = backend::event_code(name, why);
        if (code && accepted.size() >= max_component_values) {
            why = "papi_array counts at most " + std::to_string(max_component_values) + " events";
        } else if (code) {
            why = backend::try_count({&*code, 1});
            if (!why.empty()) {
                why = "cannot be counted here: " + why;
            } else {
                accepted.push_back(*code);
                why = backend::try_count(accepted);
                if (!why.empty()) {
                    accepted.pop_back();
                    why = "cannot be counted together with " + settings::join_list(c.events) +
                          ": " + why;
                }
            }
        }
        if (!why.empty()) {
            c.rejected.emplace_back(name, std::move(why));
            continue;
        }
        const event_info info = backend::describe(*code);
        c.events.push_back(name);
        out.descriptions.push_back(value_description(info));
        out.kinds.push_back(info.kind);
    }
    out.spec.names = c.events;
    if (c.events.empty()) {
        c.reason = "none of the PAPI events can be counted here:";
        for (const auto& [name, why] : c.rejected) c.reason += " " + name + " (" + why + ");";
        c.reason.pop_back();
    }
    return c;
}

/// One warning per rejected event, naming it with PAPI's reason.
void report(const configuration& c) {
    if (c.rejected.empty() || settings::instance().papi_quiet) return;
    const std::string counted =
        c.events.empty() ? "" : "; papi_array counts the others: " + settings::join_list(c.events);
    for (const auto& [name, why] : c.rejected) {
        log::warning("PAPI event '", name, "' is not counted: ", why, counted);
    }
}

/// papi_array's registry entry gets one value per accepted event, once, before anything was
/// sized from it (see top).
void complete_registry_entry(const fixed_events& fixed) {
    const auto n = static_cast<unsigned>(fixed.spec.names.size());
    std::vector<value_info> values;
    for (unsigned i = 0; i < n; ++i) {
        values.push_back({fixed.spec.names[i], fixed.descriptions[i], fixed.kinds[i]});
    }
    registry::set_value_layout(component::papi_array_index, std::move(values), n);
}

}  // namespace

namespace detail {

std::string configure_from_settings() {
    const auto names = split_events(settings::instance().papi_events);
    auto& st = state();
    std::lock_guard<std::mutex> lock{st.mutex};
    if (st.current.fixed) {
        if (names != st.current.requested && st.ignored.insert(names).second) {
            log::warning("settings.papi_events changed to '", settings::join_list(names),
                         "' after papi_array's events were fixed; it keeps counting ",
                         settings::join_list(st.current.events),
                         " (the list is fixed for the process once papi_array is in use)");
        }
        return {};
    }
    if (st.validated && names == st.current.requested) return st.current.reason;

    auto fixed = std::make_unique<fixed_events>();
    st.current = validate(names, *fixed);
    st.validated = true;
    report(st.current);
    if (!st.current.rejected.empty() && settings::instance().papi_fail_on_error) {
        st.validated = false;  // fail again on the next lookup rather than count a partial list
        throw std::runtime_error("timemory: PAPI event '" + st.current.rejected.front().first +
                                 "' is not counted: " + st.current.rejected.front().second +
                                 " (settings.papi_fail_on_error is set)");
    }
    if (!st.current.events.empty()) {
        const fixed_events* kept = fixed.release();  // lives for the process (see fixed_events)
        complete_registry_entry(*kept);
        backend::set_spec(&kept->spec);
        st.current.fixed = true;
    }
    return st.current.reason;
}

}  // namespace detail

configuration current_configuration() {
    detail::configure_from_settings();
    auto& st = state();
    std::lock_guard<std::mutex> lock{st.mutex};
    return st.current;
}

configuration set_events(std::string_view events) {
    auto& s = settings::instance();
    s.papi_events = std::string{events};
    s.changed();
    return current_configuration();
}

configuration set_events(const std::vector<std::string>& events) {
    std::string text;
    for (const auto& e : events) text += (text.empty() ? "" : ",") + e;
    return set_events(std::string_view{text});
}

}  // namespace tim::papi
