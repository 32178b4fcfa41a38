// Submodule `component`: the enum `id` (one value per registered component, exported) and one
// stand-alone class per component (WallClock, CpuClock, PeakRss, ...). Every class derives from
// the hidden `_Component` base bound here; the classes themselves are created at import from the
// registry, so a component registered by any room (host, gpu, papi) gets its class for free.
//
//     wc = WallClock("bar"); wc.push(); wc.start(); ...; wc.stop(); wc.pop()
//
// Unless push() was called, measurements stay in the object (laps(), get()). Between push() and
// pop() the stops are also kept for the call graph, and pop() records their sum into the node
// `bar` of the calling thread as one entry: push on even and pop on odd iterations of a loop of
// ten start/stop pairs gives `bar` a count of 5 (as in timemory).
#include "components.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/core/units.hpp"

#include <pybind11/stl.h>

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <map>
#include <sstream>

namespace tim::python {
namespace {

// Unscoped on purpose: pybind11 lets values of a convertible enum compare equal to ints.
enum component_id : std::uint16_t {};

// Python objects created once at import and deliberately never destroyed (destroying them after
// the interpreter is gone would crash at exit).
struct class_table {
    py::object base;
    py::object enum_type;
    std::map<std::uint16_t, py::object> classes;
};
class_table& table() {
    static auto* instance = new class_table{};
    return *instance;
}

bool is_identifier(std::string_view text) {
    if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
    for (char c : text) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
}

std::string valid_ids() {
    std::string out;
    for (const auto* info : registry::all()) {
        if (!out.empty()) out += ", ";
        out += info->id;
    }
    return out;
}

[[noreturn]] void unknown_index(long long index) {
    throw py::value_error("timemory.component: no component has index " + std::to_string(index) +
                          "; valid components: " + valid_ids());
}

py::object value_tuple(const component_info& info, const std::vector<double>& values) {
    if (info.value_count == 1) return py::float_(values.empty() ? 0.0 : values[0]);
    py::tuple out(info.value_count);
    for (unsigned v = 0; v < info.value_count; ++v)
        out[v] = py::float_(v < values.size() ? values[v] : 0.0);
    return out;
}

py::object displayed(const component_object& c) {
    if (!c.available) return py::none();
    std::vector<double> values(c.info->value_count, 0.0);
    for (unsigned v = 0; v < c.info->value_count && v < c.accum.size(); ++v)
        values[v] = display_value(*c.info, v, c.accum[v]);
    return value_tuple(*c.info, values);
}

py::object raw(const component_object& c) {
    if (!c.available) return py::none();
    std::vector<double> values(c.info->value_count, 0.0);
    for (unsigned v = 0; v < c.info->value_count && v < c.accum.size(); ++v)
        values[v] = display_value(*c.info, v, c.accum[v]) * display_scale(*c.info, v);
    return value_tuple(*c.info, values);
}

py::object last_lap(const component_object& c) {
    if (!c.available) return py::none();
    std::vector<double> values(c.last.size());
    for (unsigned v = 0; v < c.last.size(); ++v) values[v] = c.last[v] / display_scale(*c.info, v);
    return value_tuple(*c.info, values);
}

// Static per-class members, bound on each generated class.
py::object unit_of(const component_info& info) {
    if (info.value_count == 1) return py::float_(display_scale(info, 0));
    py::tuple out(info.value_count);
    for (unsigned v = 0; v < info.value_count; ++v) out[v] = py::float_(display_scale(info, v));
    return out;
}

py::object display_unit_of(const component_info& info) {
    if (info.value_count == 1) return py::str(display_unit_name(info, 0));
    py::tuple out(info.value_count);
    for (unsigned v = 0; v < info.value_count; ++v) out[v] = py::str(display_unit_name(info, v));
    return out;
}

template <typename F>
void add_static(py::object& cls, const char* name, F&& f, const char* doc) {
    cls.attr(name) =
        py::staticmethod(py::cpp_function(std::forward<F>(f), py::name(name), py::doc(doc)));
}

py::object make_class(const component_info& info, py::module_& m) {
    auto& t = table();
    const std::uint16_t index = info.index;
    const std::string reason = registry::unavailable_reason(info);
    py::dict ns;
    ns["__module__"] = "timemory.component";
    ns["__qualname__"] = std::string{info.class_name};
    std::string doc = std::string{info.description} + " (component '" + std::string{info.id} + "')";
    if (!reason.empty())
        doc += "\n\nNot available here: " + reason +
               ". Every method is a no-op and get() returns None.";
    ns["__doc__"] = doc;
    ns["available"] = py::bool_(reason.empty());
    ns["has_value"] = py::bool_(true);
    py::object metaclass =
        py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(Py_TYPE(t.base.ptr())));
    py::object cls = metaclass(std::string{info.class_name}, py::make_tuple(t.base), ns);

    py::object base_init = t.base.attr("__init__");
    cls.attr("__init__") = py::cpp_function(
        [base_init, index](py::handle self, const std::string& label) {
            base_init(self, index, label);
        },
        py::name("__init__"), py::is_method(cls), py::arg("label") = "",
        py::doc("Create a stand-alone component; `label` names its call-graph node when pushed"));
    const component_info* ip = &info;
    add_static(
        cls, "id", [ip] { return std::string{ip->id}; }, "Primary string id, e.g. 'wall_clock'");
    add_static(
        cls, "label", [ip] { return std::string{ip->label}; },
        "Output label (file stem and METRIC column)");
    add_static(
        cls, "description", [ip] { return std::string{ip->description}; },
        "What this component measures");
    add_static(
        cls, "unit", [ip] { return unit_of(*ip); },
        "Raw units per display unit (tuple when multi-valued)");
    add_static(
        cls, "display_unit", [ip] { return display_unit_of(*ip); },
        "Display unit name (tuple when multi-valued)");
    add_static(
        cls, "index", [index] { return component_enum(index); }, "The timemory.component.id value");
    // Asked each time: papi_array becomes available once settings.papi_events names a countable
    // event.
    add_static(
        cls, "is_available", [ip] { return registry::unavailable_reason(*ip).empty(); },
        "Whether this component can measure here");
    add_static(
        cls, "unavailable_reason", [ip] { return registry::unavailable_reason(*ip); },
        "Why the component cannot measure here ('' when it can)");
    py::setattr(m, py::str(std::string{info.class_name}), cls);
    return cls;
}

void bind_base(py::module_& m) {
    py::class_<component_object> base(
        m, "_Component",
        "Base of every component class: a stopwatch over one component that records into the "
        "call graph between push() and pop()");
    base.def(py::init([](std::uint16_t index, const std::string& label) {
                 const auto* info = registry::at(index);
                 if (info == nullptr) unknown_index(index);
                 auto c = std::make_unique<component_object>();
                 c->info = info;
                 c->available = registry::unavailable_reason(*info).empty();
                 c->label = label;
                 c->reset();
                 return c;
             }),
             py::arg("index"), py::arg("label") = "");
    auto self_op = [](void (component_object::*op)()) {
        return [op](py::object self) {
            (self.cast<component_object&>().*op)();
            return self;
        };
    };
    base.def("start", self_op(&component_object::start), "Start measuring; returns self")
        .def("stop", self_op(&component_object::stop),
             "Stop measuring and add the lap (also kept for the call graph while pushed)")
        .def("push", self_op(&component_object::push),
             "Insert this component's label into the call graph of the calling thread")
        .def("pop", self_op(&component_object::pop),
             "Record what was measured since push() into the call-graph node (one entry per "
             "push/pop pair) and leave the node")
        .def("reset", self_op(&component_object::reset), "Forget every lap")
        .def(
            "mark_begin", [](py::object self) { return self; },
            "No-op (kept for timemory compatibility)")
        .def(
            "mark_end", [](py::object self) { return self; },
            "No-op (kept for timemory compatibility)")
        .def("get", &displayed,
             "Accumulated value in display units (settings.timing_units / memory_units, re-read "
             "each call); a tuple for multi-valued components, None when unavailable")
        .def("get_raw", &raw, "Accumulated value in raw units (ns, bytes, counts)")
        .def("get_last", &last_lap, "Value of the last lap in display units")
        .def("laps", &component_object::laps, "Number of start/stop pairs")
        .def(
            "key", [](const component_object& c) { return c.label; }, "This instance's label")
        .def(
            "rekey",
            [](py::object self, const std::string& label) {
                auto& c = self.cast<component_object&>();
                if (c.pushed) throw py::value_error("rekey() while pushed: pop() first");
                c.label = label;
                return self;
            },
            py::arg("label"), "Change the label (not while pushed)")
        .def(
            "hash",
            [](const component_object& c) {
                return hash_label(c.label.empty() ? c.info->id : std::string_view{c.label});
            },
            "Hash of the label as used in the call graph")
        .def_property_readonly("running", [](const component_object& c) { return c.running; })
        .def_property_readonly("pushed", [](const component_object& c) { return c.pushed; })
        .def("__enter__", self_op(&component_object::start))
        .def("__exit__",
             [](component_object& c, py::args) {
                 c.stop();
                 return false;
             })
        .def("__str__",
             [](const component_object& c) {
                 if (!c.available)
                     return std::string{c.info->id} + ": not available (" +
                            registry::unavailable_reason(*c.info) + ")";
                 return format_values(*c.info, c.accum);
             })
        .def("__repr__", [](py::object self) {
            const auto& c = self.cast<const component_object&>();
            std::string text = std::string{c.info->class_name} + "('" + c.label + "')";
            if (!c.available) return text + " <not available>";
            return text + " laps=" + std::to_string(c.laps()) + ":" +
                   format_values(*c.info, c.accum);
        });
    base.attr("__module__") = "timemory.component";
    table().base = base;
}

void bind_enum(py::module_& m) {
    py::enum_<component_id> e(m, "id", py::arithmetic(),
                              "Component ids; values are registry indices (aliases share values)");
    std::vector<std::string> used;
    auto add = [&](std::string_view name, std::uint16_t index) {
        std::string text{name};
        if (!is_identifier(text) || std::find(used.begin(), used.end(), text) != used.end()) return;
        used.push_back(text);
        e.value(text.c_str(), static_cast<component_id>(index));
    };
    const auto all = registry::all();
    for (const auto* info : all) add(info->id, info->index);
    for (const auto* info : all) {
        for (auto alias : info->aliases) add(alias, info->index);
    }
    e.export_values();
    table().enum_type = e;
}

}  // namespace

// ---- component_object -----------------------------------------------------------------------

void component_object::reset() {
    accum.assign(info->value_count, accumulator{});
    last.assign(info->value_count, 0.0);
    running = false;
}

void component_object::start() {
    if (!available || running) return;
    info->sample(start_raw.data());
    running = true;
}

void component_object::stop() {
    if (!running) return;
    running = false;
    std::array<double, max_component_raw> stop_raw{};
    std::array<double, max_component_values> values{};
    info->sample(stop_raw.data());
    info->compute(start_raw.data(), stop_raw.data(), values.data());
    for (unsigned v = 0; v < info->value_count; ++v) {
        accum[v].add(values[v]);
        last[v] = values[v];
        if (pushed) pending_values[v] += values[v];
    }
    pending = pending || pushed;
}

void component_object::push() {
    if (!available || pushed || !is_enabled()) return;
    hash = add_label(label.empty() ? info->id : std::string_view{label});
    graph = &this_thread_graph();
    node = graph->push(hash);
    pushed = true;
    pending = false;
    pending_values.assign(info->value_count, 0.0);
}

void component_object::pop() {
    if (!pushed) return;
    pushed = false;
    const bool same_thread = graph == &this_thread_graph();
    if (pending && node != no_node) {
        if (same_thread) {
            if (node < graph->nodes().size()) graph->record(node, *info, pending_values.data());
        } else {
            // Another thread: hand the value over without touching that thread's graph.
            attach_record(graph->global_id(node), info->index, pending_values.data(),
                          info->value_count);
        }
    }
    pending = false;
    if (same_thread) {
        graph->pop(node);
    } else {
        log::warning("component '", label,
                     "': pop() on another thread than push(); the "
                     "measurement is kept but the node stays open on the pushing thread");
    }
    graph = nullptr;
    node = no_node;
}

component_object::~component_object() {
    if (pushed) pop();
}

// ---- shared helpers -------------------------------------------------------------------------

double display_scale(const component_info& info, unsigned v) {
    return display_unit_for(info.value_units(v)).scale;
}

std::string display_unit_name(const component_info& info, unsigned v) {
    return display_unit_for(info.value_units(v)).name;
}

double display_value(const component_info& info, unsigned v, const accumulator& acc) {
    const auto kind = info.value_units(v);
    const double total =
        (kind == unit_kind::percent || kind == unit_kind::rate) ? acc.mean() : acc.sum;
    return total / display_scale(info, v);
}

std::string format_values(const component_info& info, const std::vector<accumulator>& accum) {
    std::string out;
    for (unsigned v = 0; v < info.value_count; ++v) {
        const accumulator acc = v < accum.size() ? accum[v] : accumulator{};
        const auto kind = info.value_units(v);
        std::ostringstream ss;
        ss << std::setw(8) << format_number(display_value(info, v, acc), kind, info.integer_values);
        const auto unit = display_unit_name(info, v);
        if (!unit.empty()) ss << ' ' << unit;
        ss << ' ' << info.value_label(v);
        if (v != 0) out += ", ";
        out += ss.str();
    }
    return out;
}

py::object component_enum(std::uint16_t index) {
    return table().enum_type(index);
}

const component_info& resolve_component(py::handle obj) {
    auto& t = table();
    if (py::isinstance<py::str>(obj)) {
        const auto name = obj.cast<std::string>();
        if (const auto* info = registry::find(name)) return *info;
        for (const auto* info : registry::all()) {
            if (info->class_name == name) return *info;
        }
        throw py::value_error(unknown_component(name).what());
    }
    if (py::isinstance(obj, t.base)) return *obj.cast<const component_object&>().info;
    if (PyType_Check(obj.ptr()) && PyObject_IsSubclass(obj.ptr(), t.base.ptr()) == 1) {
        return resolve_component(obj.attr("index")());
    }
    if (py::isinstance(obj, t.enum_type) || (PyLong_Check(obj.ptr()) && !PyBool_Check(obj.ptr()))) {
        const auto index = py::int_(py::reinterpret_borrow<py::object>(obj)).cast<long long>();
        const bool in_range = index >= 0 && index < static_cast<long long>(max_components);
        const auto* info = in_range ? registry::at(static_cast<std::uint16_t>(index)) : nullptr;
        if (info == nullptr) unknown_index(index);
        return *info;
    }
    throw py::type_error(
        "timemory: a component is named by a string id, a timemory.component.id "
        "value or a component class, not " +
        py::str(py::type::handle_of(obj).attr("__name__")).cast<std::string>());
}

std::vector<const component_info*> resolve_components(py::handle objs) {
    std::vector<const component_info*> out;
    auto add = [&out](const component_info& info) {
        if (std::find(out.begin(), out.end(), &info) == out.end()) out.push_back(&info);
    };
    if (objs.is_none()) return out;
    if (py::isinstance<py::str>(objs)) {
        try {
            for (const auto* info : registry::parse_list(objs.cast<std::string>())) add(*info);
        } catch (const unknown_component& e) {
            throw py::value_error(e.what());
        }
        return out;
    }
    if (!py::isinstance<py::iterable>(objs)) {
        add(resolve_component(objs));
        return out;
    }
    for (auto item : objs) add(resolve_component(item));
    return out;
}

py::object make_component(const component_info& info, const std::string& label,
                          const std::vector<accumulator>& accum) {
    auto it = table().classes.find(info.index);
    if (it == table().classes.end()) unknown_index(info.index);
    py::object obj = it->second(label);
    auto& c = obj.cast<component_object&>();
    c.accum = accum;
    c.accum.resize(info.value_count);
    return obj;
}

void init_components(py::module_& root) {
    auto m = root.def_submodule(
        "component",
        "Stand-alone classes for the components. Unless push() and pop() are called on these "
        "objects, they do not store any data in the timemory call graph.");
    bind_base(m);
    bind_enum(m);
    for (const auto* info : registry::all()) table().classes[info->index] = make_class(*info, m);

    m.def(
        "is_available",
        [](py::handle obj) {
            try {
                return registry::unavailable_reason(resolve_component(obj)).empty();
            } catch (const py::value_error&) {
                return false;
            }
        },
        py::arg("component"),
        "Whether the named component (id, alias, enum or class) can measure here");
    m.def(
        "get_generator",
        [](py::handle key) -> py::object {
            try {
                return table().classes.at(resolve_component(key).index);
            } catch (const py::value_error&) {
                return py::cpp_function([](py::args, py::kwargs) { return py::none(); });
            }
        },
        py::arg("key"), "A callable creating the named component (returns None for unknown names)");
    m.def(
        "get_types",
        [] {
            std::vector<std::string> out;
            for (const auto* info : registry::all()) out.emplace_back(info->class_name);
            return out;
        },
        "Class names of every registered component");
    m.def(
        "get_available_types",
        [](bool arithmetic) {
            std::vector<std::string> out;
            for (const auto* info : registry::all()) {
                if (!registry::unavailable_reason(*info).empty()) continue;
                if (arithmetic && info->value_count != 1) continue;
                out.emplace_back(info->class_name);
            }
            return out;
        },
        py::arg("arithmetic") = false,
        "Class names of the components that can measure here (single-valued only if arithmetic)");
}

}  // namespace tim::python
