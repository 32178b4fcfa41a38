// Submodule `scope`: how a push places its call-graph node.
//
//   TREE     nested under the current node (the default)
//   FLAT     directly under the root: every entry at depth 0
//   TIMELINE a new node for every push (no aggregation: each entry has count 1)
//
//     cfg = timemory.scope.config(flat=True)          # or config(timemory.scope.FLAT)
//     cfg.mode      -> "flat";  cfg.value -> int(tim::scope_mode::flat)
//
// None leaves the choice to the settings (flat_profile / timeline_profile). Timeline wins when
// both flat and timeline are asked for, as in the settings.
#include "bindings.hpp"

#include "timemory/core/graph.hpp"

#include <optional>
#include <string>

namespace tim::python {
namespace {

struct tree_tag {};
struct flat_tag {};
struct timeline_tag {};

struct scope_config {
    std::optional<bool> flat;
    std::optional<bool> timeline;

    scope_mode mode() const {
        if (timeline.value_or(false)) return scope_mode::timeline;
        if (flat.value_or(false)) return scope_mode::flat;
        if (flat.has_value() || timeline.has_value()) return scope_mode::tree;
        return scope_mode::use_default;
    }
};

// Apply one argument of config(): None, a bool for `which`, or a scope object.
void apply(scope_config& cfg, py::handle arg, bool is_flat_arg) {
    if (arg.is_none()) return;
    if (py::isinstance<tree_tag>(arg)) {
        cfg.flat = false;
        cfg.timeline = false;
    } else if (py::isinstance<flat_tag>(arg)) {
        cfg.flat = true;
    } else if (py::isinstance<timeline_tag>(arg)) {
        cfg.timeline = true;
    } else if (py::isinstance<scope_config>(arg)) {
        const auto& other = arg.cast<const scope_config&>();
        if (other.flat) cfg.flat = other.flat;
        if (other.timeline) cfg.timeline = other.timeline;
    } else if (PyBool_Check(arg.ptr()) || PyLong_Check(arg.ptr())) {
        (is_flat_arg ? cfg.flat : cfg.timeline) = arg.cast<bool>();
    } else {
        throw py::type_error(
            "timemory.scope.config: expected None, a bool or a scope object "
            "(TREE, FLAT, TIMELINE), not " +
            py::repr(arg).cast<std::string>());
    }
}

}  // namespace

void init_scope(py::module_& root) {
    auto m = root.def_submodule(
        "scope",
        "Call-graph placement of pushes: TREE (nested, default), FLAT (every entry at "
        "depth 0), TIMELINE (a new entry per push); config() combines them");
    py::class_<tree_tag>(m, "_tree").def(py::init<>()).def("__repr__", [](const tree_tag&) {
        return "timemory.scope.TREE";
    });
    py::class_<flat_tag>(m, "_flat").def(py::init<>()).def("__repr__", [](const flat_tag&) {
        return "timemory.scope.FLAT";
    });
    py::class_<timeline_tag>(m, "_timeline")
        .def(py::init<>())
        .def("__repr__", [](const timeline_tag&) { return "timemory.scope.TIMELINE"; });
    m.attr("TREE") = tree_tag{};
    m.attr("FLAT") = flat_tag{};
    m.attr("TIMELINE") = timeline_tag{};

    py::class_<scope_config>(m, "config",
                             "A scope choice: flat / timeline, each True, False or "
                             "None (follow the settings)")
        .def(py::init([](py::handle flat, py::handle time) {
                 scope_config cfg;
                 apply(cfg, flat, true);
                 apply(cfg, time, false);
                 return cfg;
             }),
             py::arg("flat") = py::none(), py::arg("time") = py::none())
        .def_property_readonly("flat", [](const scope_config& c) { return c.flat; })
        .def_property_readonly("timeline", [](const scope_config& c) { return c.timeline; })
        .def_property_readonly("tree",
                               [](const scope_config& c) { return c.mode() == scope_mode::tree; })
        .def_property_readonly(
            "mode", [](const scope_config& c) { return std::string{scope_mode_name(c.mode())}; },
            "'default', 'tree', 'flat' or 'timeline'")
        .def_property_readonly(
            "value", [](const scope_config& c) { return static_cast<int>(c.mode()); },
            "The core's scope_mode as an int (0 default, 1 tree, 2 flat, 3 timeline)")
        .def("__or__",
             [](const scope_config& a, py::handle b) {
                 scope_config out = a;
                 apply(out, b, true);
                 return out;
             })
        .def("__repr__", [](const scope_config& c) {
            return "timemory.scope.config(mode='" + std::string{scope_mode_name(c.mode())} + "')";
        });
}

}  // namespace tim::python
