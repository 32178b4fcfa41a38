// Submodule `hardware_counters`: the hardware counters this build can describe and count.
//
//   hw = timemory.hardware_counters
//   [i.symbol() for i in hw.available() if i.available()]   # PAPI presets and natives here
//   hw.info("perf::TASK-CLOCK").long_description()
//   timemory.settings.papi_events = ["perf::TASK-CLOCK", "perf::PAGE-FAULTS"]
//   with timemory.util.marker(["wall_clock", "papi_array"]): ...
//
// PAPI on the CPU comes from timemory/components/papi.hpp; CUPTI metrics (NVIDIA GPUs) are not
// available yet and say so wherever they would appear.
#include "bindings.hpp"

#include "timemory/components/papi.hpp"

#include <pybind11/stl.h>

#include <cctype>
#include <string>
#include <utility>
#include <vector>

namespace tim::python {
namespace {

enum class counter_api : int { papi = 0, cupti = 1, unknown = 2 };

constexpr const char* cupti_not_available = "CUPTI metrics: not available yet";

/// One counter: PAPI's description of an event, or a CUPTI name that cannot be described yet.
struct counter_info {
    counter_api api = counter_api::papi;
    papi::event_info event;
};

counter_info lookup(const std::string& symbol, counter_api api) {
    if (api == counter_api::cupti) {
        counter_info out{api, {}};
        out.event.name = symbol;
        out.event.reason = cupti_not_available;
        return out;
    }
    // `unknown` looks the name up in PAPI, the only back-end that can describe counters now.
    py::gil_scoped_release release;
    return {counter_api::papi, papi::query_event(symbol)};
}

/// "perf::TASK-CLOCK" -> "perf__TASK_CLOCK": a valid Python attribute name.
std::string python_symbol(const std::string& name) {
    std::string out;
    for (char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) out.insert(0, "_");
    return out;
}

std::vector<counter_info> papi_events(bool only_available) {
    std::vector<papi::event_info> events;
    {
        py::gil_scoped_release release;  // probing every event takes tens of milliseconds
        events = papi::list_events();
    }
    std::vector<counter_info> out;
    for (auto& e : events) {
        if (!only_available || e.available) out.push_back({counter_api::papi, std::move(e)});
    }
    return out;
}

py::dict configuration_dict(const papi::configuration& c) {
    py::dict rejected;
    for (const auto& [name, why] : c.rejected) rejected[py::str(name)] = why;
    py::dict out;
    out["requested"] = c.requested;
    out["events"] = c.events;
    out["rejected"] = rejected;
    out["reason"] = c.reason;
    out["fixed"] = c.fixed;
    return out;
}

/// The `preset` class: one attribute (an Info) per event that counts here. Built on first use,
/// since probing every event at import would slow every `import timemory` down.
py::object make_preset_class(py::module_& m) {
    py::dict ns;
    ns["__module__"] = "timemory.hardware_counters";
    ns["__doc__"] =
        "One read-only attribute per hardware counter that can be counted here "
        "(its python_symbol: perf::TASK-CLOCK -> perf__TASK_CLOCK), each an Info. "
        "CUPTI metrics: not available yet.";
    for (auto& c : papi_events(true)) ns[py::str(python_symbol(c.event.name))] = py::cast(c);
    py::object type = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(&PyType_Type));
    py::object cls = type("preset", py::make_tuple(), ns);
    m.attr("preset") = cls;
    return cls;
}

}  // namespace

void init_hardware_counters(py::module_& root) {
    auto m = root.def_submodule(
        "hardware_counters",
        "Hardware counters: PAPI presets and native events on the CPU (counted by the papi_array "
        "component from settings.papi_events) and CUPTI metrics on NVIDIA GPUs (CUPTI metrics: "
        "not available yet). available() lists every counter with whether it can be counted "
        "here, info(name) describes one, derived() computes IPC and FLOP/s from totals.");
    py::enum_<counter_api>(m, "api", "Counter back-ends")
        .value("papi", counter_api::papi)
        .value("cupti", counter_api::cupti)
        .value("unknown", counter_api::unknown)
        .export_values();
    m.attr("api").attr("cuda") = m.attr("api").attr("cupti");

    py::class_<counter_info>(m, "Info", "Description of one hardware counter")
        .def(py::init(&lookup), py::arg("symbol"), py::arg("api") = counter_api::papi,
             "Look `symbol` up (PAPI for api.papi and api.unknown)")
        .def("api", [](const counter_info& i) { return i.api; })
        .def("symbol", [](const counter_info& i) { return i.event.name; })
        .def("python_symbol", [](const counter_info& i) { return python_symbol(i.event.name); })
        .def("short_description",
             [](const counter_info& i) {
                 return i.event.short_description.empty() ? i.event.description
                                                          : i.event.short_description;
             })
        .def("long_description", [](const counter_info& i) { return i.event.description; })
        .def(
            "available", [](const counter_info& i) { return i.event.available; },
            "Whether it can be counted here")
        .def(
            "reason", [](const counter_info& i) { return i.event.reason; },
            "Why it cannot be counted here ('' when it can)")
        .def(
            "units",
            [](const counter_info& i) {
                return i.event.kind == unit_kind::timing ? std::string{"ns"} : i.event.units;
            },
            "Units of the raw count ('ns' for perf's software clocks, '' for plain counts)")
        .def(
            "preset", [](const counter_info& i) { return i.event.preset; },
            "A PAPI preset (PAPI_*) rather than a native event")
        .def(
            "component", [](const counter_info& i) { return i.event.component; },
            "The PAPI component that provides it (perf_event, ...)")
        .def("__repr__", [](const counter_info& i) {
            return "Info('" + i.event.name + "', " +
                   (i.event.available ? std::string{"available"}
                                      : "unavailable: " + i.event.reason) +
                   ")";
        });

    m.def("info", &lookup, py::arg("symbol"), py::arg("api") = counter_api::papi,
          "The Info of one counter; an unknown name gives available() False with the reason");
    m.def(
        "available",
        [](py::object api, bool only_available) {
            std::vector<counter_info> out;
            if (api.is_none() || api.cast<counter_api>() != counter_api::cupti) {
                out = papi_events(only_available);
            }
            return out;  // CUPTI metrics: not available yet
        },
        py::arg("api") = py::none(), py::arg("only_available") = false,
        "Every PAPI preset and native event (api=None or api.papi) as Info, each with its "
        "description and whether it can be counted here; only_available=True keeps those that "
        "can. CUPTI metrics: not available yet (api.cupti gives []).");
    m.def(
        "working", [] { return papi::working(); }, "Whether PAPI works in this process");
    m.def(
        "unavailable_reason", [] { return papi::unavailable_reason(); },
        "Why PAPI does not work here ('' when it does)");
    m.def("papi_version", [] { return papi::version(); });
    m.attr("cupti_reason") = cupti_not_available;

    m.def(
        "configuration", [] { return configuration_dict(papi::current_configuration()); },
        "What papi_array counts: {'requested', 'events', 'rejected': {name: reason}, 'reason', "
        "'fixed'}. Re-read from settings.papi_events until the list is fixed (the first time "
        "papi_array is looked up with an event that counts); later changes only warn.");
    m.def(
        "set_events",
        [](py::object events) {
            if (py::isinstance<py::str>(events)) {
                return configuration_dict(papi::set_events(events.cast<std::string>()));
            }
            return configuration_dict(papi::set_events(events.cast<std::vector<std::string>>()));
        },
        py::arg("events"),
        "Set settings.papi_events (a list or a comma-separated string) and "
        "apply it; returns configuration()");

    m.def(
        "derived",
        [](const py::dict& totals, double wall_seconds) {
            std::vector<std::string> events;
            std::vector<double> values;
            for (auto [key, value] : totals) {
                events.push_back(py::str(key).cast<std::string>());
                values.push_back(value.cast<double>());
            }
            py::dict out;
            for (const auto& d : papi::derived_metrics(events, values, wall_seconds)) {
                out[py::str(d.name)] = d.value;
            }
            return out;
        },
        py::arg("totals"), py::arg("wall_seconds") = 0.0,
        "Derived metrics from event totals ({'PAPI_TOT_INS': n, ...}, e.g. a region's "
        "papi_array values) and the region's wall time in seconds: 'IPC' = PAPI_TOT_INS / "
        "PAPI_TOT_CYC; 'DP FLOP/s' = PAPI_DP_OPS / wall_seconds, 'SP FLOP/s' likewise, "
        "'FLOP/s' = their sum (or PAPI_FP_OPS / wall_seconds). Metrics whose inputs are "
        "missing are left out.");

    // Raw PAPI event sets behind timemory.api.papi (RuntimeError with PAPI's reason on failure).
    namespace sets = papi::event_sets;
    auto raw = m.def_submodule("_event_sets", "PAPI event sets, used by timemory.api.papi");
    raw.def("event_code", [](const std::string& name) { return sets::event_code(name); });
    raw.def("event_name", &sets::event_name);
    raw.def("create", &sets::create);
    raw.def("destroy", &sets::destroy);
    raw.def("add", &sets::add);
    raw.def("remove", &sets::remove);
    raw.def("start", &sets::start);
    raw.def("read", &sets::read);
    raw.def("stop", &sets::stop);
    raw.def("reset", &sets::reset);

    // `preset` is built on first access (PEP 562 module __getattr__), then cached as an attribute.
    m.def("__getattr__", [m](const std::string& name) mutable -> py::object {
        if (name == "preset") return make_preset_class(m);
        throw py::attribute_error("module 'timemory.hardware_counters' has no attribute '" + name +
                                  "'");
    });
    m.def("__dir__", [m]() {
        py::list names = py::module_::import("builtins").attr("sorted")(m.attr("__dict__"));
        if (!m.attr("__dict__").contains("preset")) names.append("preset");
        return names;
    });
}

}  // namespace tim::python
