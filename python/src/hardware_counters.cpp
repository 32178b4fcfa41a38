// Submodule `hardware_counters`: the hardware counters this build can describe and count.
//
//   hw = timemory.hardware_counters
//   [i.symbol() for i in hw.available() if i.available()]   # PAPI presets and natives here
//   hw.info("perf::TASK-CLOCK").long_description()
//   timemory.settings.papi_events = ["perf::TASK-CLOCK", "perf::PAGE-FAULTS"]
//   with timemory.util.marker(["wall_clock", "papi_array"]): ...
//   hw.available(hw.api.cupti, chip="GH100")      # CUPTI metrics of a chip, without a GPU
//   hw.cupti_configuration(chip="GH100")["passes"]
//
// PAPI on the CPU comes from timemory/components/papi.hpp; CUPTI metrics (NVIDIA GPUs) from
// timemory/gpu/metrics.hpp, whose catalogue works offline for a named chip.
#include "bindings.hpp"

#include "timemory/components/papi.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/gpu/metrics.hpp"
#include "timemory/hardware_counters.hpp"

#include <pybind11/stl.h>

#include <cctype>
#include <string>
#include <utility>
#include <vector>

namespace tim::python {
namespace {

namespace hw = hardware_counters;
namespace metrics = gpu::metrics;
using counter_api = hw::api;
using counter_info = hw::counter;

std::string chip_text(const py::object& chip) {
    return chip.is_none() ? std::string{} : chip.cast<std::string>();
}

counter_info lookup(const std::string& symbol, counter_api api, const py::object& chip) {
    const auto name = chip_text(chip);
    py::gil_scoped_release release;  // PAPI probes the event; CUPTI may load its tables
    return hw::info(symbol, api, name);
}

/// {name: reason} of the names a configuration left out.
py::dict rejected_dict(const std::vector<std::pair<std::string, std::string>>& rejected) {
    py::dict out;
    for (const auto& [name, why] : rejected) out[py::str(name)] = why;
    return out;
}

py::dict metric_set_dict(const metrics::metric_set& c) {
    py::dict out;
    out["chip"] = c.chip;
    out["requested"] = c.requested;
    out["metrics"] = c.metrics;
    out["rejected"] = rejected_dict(c.rejected);
    out["passes"] = c.passes;
    out["passes_each"] = c.passes_each;
    out["reason"] = c.reason;
    out["fixed"] = c.fixed;
    return out;
}

/// "perf::TASK-CLOCK" -> "perf__TASK_CLOCK": a valid Python attribute name.
std::string python_symbol(const std::string& name) {
    std::string out;
    for (char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) out.insert(0, "_");
    return out;
}

std::vector<counter_info> papi_events(bool only_available) {
    py::gil_scoped_release release;  // probing every event takes tens of milliseconds
    return hw::available(counter_api::papi, only_available);
}

py::dict configuration_dict(const papi::configuration& c) {
    py::dict out;
    out["requested"] = c.requested;
    out["events"] = c.events;
    out["rejected"] = rejected_dict(c.rejected);
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
        "PAPI only: CUPTI metrics are listed by available(api.cupti).";
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
        "component from settings.papi_events) and CUPTI metrics on NVIDIA GPUs (collected by "
        "cupti_counters from settings.cupti_metrics; listed offline for a named chip, e.g. "
        "chip='GH100'). available() lists every counter with whether it can be counted here, "
        "info(name) describes one, derived() computes IPC, FLOP/s and DRAM bandwidth from "
        "totals.");
    py::enum_<counter_api>(m, "api", "Counter back-ends")
        .value("papi", counter_api::papi)
        .value("cupti", counter_api::cupti)
        .value("unknown", counter_api::unknown)
        .export_values();
    m.attr("api").attr("cuda") = m.attr("api").attr("cupti");

    py::class_<counter_info>(m, "Info", "Description of one hardware counter")
        .def(py::init(&lookup), py::arg("symbol"), py::arg("api") = counter_api::papi,
             py::arg("chip") = py::none(),
             "Look `symbol` up: PAPI for api.papi, CUPTI for api.cupti (on `chip`, default this "
             "machine's GPU), api.unknown by the name's form (CUPTI's have '__')")
        .def("api", [](const counter_info& i) { return i.source; })
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
            "Units of the raw count: 'ns' for times (perf's software clocks, CUPTI's nanosecond "
            "metrics), '' for plain PAPI counts, else CUPTI's dimension ('byte', 'percent', ...)")
        .def(
            "preset", [](const counter_info& i) { return i.event.preset; },
            "A PAPI preset (PAPI_*) rather than a native event")
        .def(
            "component", [](const counter_info& i) { return i.event.component; },
            "The PAPI component that provides it (perf_event, ...), or 'cupti'")
        .def(
            "chip", [](const counter_info& i) { return i.chip; },
            "CUPTI: the GPU chip it was described for ('' for PAPI)")
        .def(
            "metric_type", [](const counter_info& i) { return i.metric_type; },
            "CUPTI: 'counter', 'ratio' or 'throughput' ('' for PAPI)")
        .def(
            "submetrics", [](const counter_info& i) { return i.submetrics; },
            "CUPTI: the suffixes that make a collectable name of a base metric ('.sum', ...)")
        .def("__repr__", [](const counter_info& i) {
            return "Info('" + i.event.name + "', " +
                   (i.event.available ? std::string{"available"}
                                      : "unavailable: " + i.event.reason) +
                   ")";
        });

    m.def("info", &lookup, py::arg("symbol"), py::arg("api") = counter_api::papi,
          py::arg("chip") = py::none(),
          "The Info of one counter; an unknown name gives available() False with the reason. "
          "api.cupti without a chip and without a GPU raises RuntimeError saying so.");
    m.def(
        "available",
        [](py::object api, bool only_available, py::object chip) {
            const auto which = api.is_none() ? counter_api::unknown : api.cast<counter_api>();
            const auto name = chip_text(chip);
            py::gil_scoped_release release;
            return hw::available(which, only_available, name);
        },
        py::arg("api") = py::none(), py::arg("only_available") = false,
        py::arg("chip") = py::none(),
        "Every PAPI preset and native event (api.papi) and every CUPTI base metric of `chip` "
        "(api.cupti; default: this machine's GPU, none without one) as Info, each with its "
        "description and whether it can be counted here; api=None gives both. "
        "only_available=True keeps those that can be counted here.");
    m.def("cupti_chips", &metrics::supported_chips,
          "GPU chips whose CUPTI metrics can be listed offline (GA100, GH100, ...)");
    m.def(
        "cupti_configuration",
        [](py::object chip) {
            if (chip.is_none()) return metric_set_dict(metrics::current_configuration());
            return metric_set_dict(
                metrics::check(metrics::requested_metrics(), chip.cast<std::string>()));
        },
        py::arg("chip") = py::none(),
        "What cupti_counters collects: {'chip', 'requested', 'metrics', 'rejected': {name: "
        "reason}, 'passes', 'passes_each', 'reason', 'fixed'} for settings.cupti_metrics (its "
        "default when empty) on this machine's GPU, or checked for `chip` offline.");
    m.def(
        "check_cupti_metrics",
        [](const std::vector<std::string>& names, py::object chip) {
            return metric_set_dict(metrics::check(names, hw::chip_or_device(chip_text(chip))));
        },
        py::arg("metrics"), py::arg("chip") = py::none(),
        "Validate CUPTI metric names for `chip` (default: this machine's GPU) and count the "
        "replay passes they need, alone and together (same dict as cupti_configuration())");
    m.def(
        "working", [] { return papi::working(); }, "Whether PAPI works in this process");
    m.def(
        "unavailable_reason", [] { return papi::unavailable_reason(); },
        "Why PAPI does not work here ('' when it does)");
    m.def("papi_version", [] { return papi::version(); });
    m.def("cupti_unavailable_reason", &hw::cupti_unavailable_reason,
          "Why CUPTI metrics cannot be collected here ('' when they can)");

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
            for (const auto& d : derived_metrics(events, values, wall_seconds)) {
                out[py::str(d.name)] = d.value;
            }
            return out;
        },
        py::arg("totals"), py::arg("wall_seconds") = 0.0,
        "Derived metrics from event totals ({'PAPI_TOT_INS': n, ...}, e.g. a region's "
        "papi_array values) and the region's wall time in seconds: 'IPC' = PAPI_TOT_INS / "
        "PAPI_TOT_CYC; 'DP FLOP/s' = PAPI_DP_OPS / wall_seconds, 'SP FLOP/s' likewise, "
        "'FLOP/s' = their sum (or PAPI_FP_OPS / wall_seconds); from a region's cupti_counters "
        "values, 'DRAM bandwidth' = dram__bytes.sum / gpu__time_duration.sum in bytes/s (read "
        "and write likewise). Metrics whose inputs are missing are left out.");

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
        if (name == "cupti_reason")
            return py::str(hw::cupti_unavailable_reason());  // computed: probes the GPU
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
