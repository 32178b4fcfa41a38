// Submodule `hardware_counters`: the shape of timemory's hardware-counter API (api enum, Info,
// preset), without counters. Not available yet: PAPI/CUPTI counters come with the
// hardware-counters issue. available() is False, Info(...).available() is False and `preset` has
// no events; nothing here pretends to count.
#include "bindings.hpp"

#include <string>

namespace tim::python {
namespace {

enum class counter_api : int { papi = 0, cupti = 1, unknown = 2 };

constexpr const char* not_available =
    "not available yet: PAPI/CUPTI counters come with the hardware-counters issue";

struct counter_info {
    std::string symbol;
    counter_api api = counter_api::unknown;
};

}  // namespace

void init_hardware_counters(py::module_& root) {
    auto m = root.def_submodule(
        "hardware_counters",
        "Hardware counters (PAPI on the CPU, CUPTI on NVIDIA GPUs). Not available yet: PAPI/CUPTI "
        "counters come with the hardware-counters issue. available() returns False and `preset` "
        "lists no events.");
    py::enum_<counter_api>(m, "api", "Counter backends")
        .value("papi", counter_api::papi)
        .value("cupti", counter_api::cupti)
        .value("unknown", counter_api::unknown)
        .export_values();
    m.attr("api").attr("cuda") = m.attr("api").attr("cupti");

    py::class_<counter_info>(m, "Info", "Description of one hardware counter (none can be read yet)")
        .def(py::init([](const std::string& symbol, counter_api api) { return counter_info{symbol, api}; }),
             py::arg("symbol"), py::arg("api") = counter_api::unknown)
        .def("api", [](const counter_info& i) { return i.api; })
        .def("symbol", [](const counter_info& i) { return i.symbol; })
        .def("python_symbol", [](const counter_info& i) { return i.symbol; })
        .def("short_description", [](const counter_info&) { return std::string{not_available}; })
        .def("long_description", [](const counter_info&) { return std::string{not_available}; })
        .def("available", [](const counter_info&) { return false; })
        .def("__repr__", [](const counter_info& i) { return "Info('" + i.symbol + "', unavailable)"; });

    struct preset_tag {};
    py::class_<preset_tag>(m, "preset",
                           "One read-only property per available preset counter. Empty: "
                           "PAPI/CUPTI counters come with the hardware-counters issue.");

    m.def("available", [] { return false; },
          "Whether hardware counters can be read: False (not available yet: PAPI/CUPTI counters "
          "come with the hardware-counters issue)");
    m.def("unavailable_reason", [] { return std::string{not_available}; });
    m.attr("reason") = not_available;
}

}  // namespace tim::python
