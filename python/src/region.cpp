// The `region` submodule (named regions over tim::region, the same calls the C API makes) and the
// call-graph bundles behind timemory.util.marker:
//
//   region.push("solve"); ...; region.pop("solve")        # default components (set_default)
//   site = region.marker_site(["wall_clock"], "solve")     # components parsed, label hashed once
//   site.start(); ...; site.stop()                         # reentrant, per thread (marker's hot
//   path) d = timemory.component_decorator(["wall_clock"], "solve", "flat")   # push+start now,
//   d.stop()                                               # stop+pop (or when destroyed)
//
// Python tests: tests/python/test_region.py, test_util.py.
#include "region.hpp"
#include "hook_support.hpp"

#include "timemory/core/bundle.hpp"
#include "timemory/core/frame_stack.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"

#include <pybind11/stl.h>
#include <structmember.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tim::python {
namespace region_detail {
namespace {

void add_unique(std::vector<const component_info*>& out, const component_info* c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
}

void append_components(py::handle obj, std::vector<const component_info*>& out, int depth) {
    if (depth > 8) throw py::value_error("component list nested too deeply");
    if (obj.is_none()) return;
    if (py::isinstance<py::str>(obj)) {
        for (const auto* c : registry::parse_list(obj.cast<std::string>())) add_unique(out, c);
        return;
    }
    if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj) ||
        py::isinstance<py::set>(obj)) {
        for (auto item : obj) append_components(item, out, depth + 1);
        return;
    }
    if (py::hasattr(obj, "name") && py::isinstance<py::str>(obj.attr("name"))) {
        // timemory.component.id enum values (and any object naming its component).
        add_unique(out, &registry::get(obj.attr("name").cast<std::string>()));
        return;
    }
    if (py::isinstance<py::int_>(obj)) {
        const auto index = obj.cast<long long>();
        const component_info* c = index >= 0 && index < static_cast<long long>(max_components)
                                      ? registry::at(static_cast<std::uint16_t>(index))
                                      : nullptr;
        if (c == nullptr) {
            throw py::value_error("no component has index " + std::to_string(index));
        }
        add_unique(out, c);
        return;
    }
    if (PyCallable_Check(obj.ptr())) {
        append_components(obj(), out, depth + 1);
        return;
    }
    throw py::type_error(
        "components must be names (str), timemory.component.id values, "
        "indices or lists of those; got " +
        py::str(py::type::of(obj)).cast<std::string>());
}

std::string lower(std::string text) {
    for (auto& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return text;
}

}  // namespace

std::vector<const component_info*> to_components(py::handle obj) {
    std::vector<const component_info*> out;
    append_components(obj, out, 0);
    // Whatever form named them: drop those that cannot measure here (one warning each), and let
    // papi_array take its events from the settings before anything is sized from it.
    return registry::usable(std::move(out));
}

std::vector<const component_info*> to_components_or_default(py::handle obj) {
    auto out = to_components(obj);
    if (out.empty()) out = tim::region::default_components();
    return out;
}

scope_mode to_scope(bool flat, bool timeline) {
    return timeline ? scope_mode::timeline : flat ? scope_mode::flat : scope_mode::use_default;
}

scope_mode to_scope(py::handle obj) {
    if (obj.is_none()) return scope_mode::use_default;
    const std::string text =
        lower(py::isinstance<py::str>(obj)
                  ? obj.cast<std::string>()
                  : py::str(py::type::of(obj).attr("__name__")).cast<std::string>());
    if (text.empty() || text == "default" || text == "use_default") return scope_mode::use_default;
    if (text.find("timeline") != std::string::npos) return scope_mode::timeline;
    if (text.find("flat") != std::string::npos) return scope_mode::flat;
    if (text.find("tree") != std::string::npos) return scope_mode::tree;
    throw py::value_error(
        "unknown scope '" + py::str(obj).cast<std::string>() +
        "'; valid: 'tree', 'flat', 'timeline', 'default' or a timemory.scope object");
}

std::string caller_label() {
    PyFrameObject* frame = PyEval_GetFrame();  // borrowed
    if (frame == nullptr) return "python";
    auto code =
        py::reinterpret_steal<py::object>(reinterpret_cast<PyObject*>(PyFrame_GetCode(frame)));
    std::string file = code.attr("co_filename").cast<std::string>();
    if (auto slash = file.find_last_of("/\\"); slash != std::string::npos) file.erase(0, slash + 1);
    return code.attr("co_name").cast<std::string>() + "@" + file + ":" +
           std::to_string(PyFrame_GetLineNumber(frame));
}

std::string join_ids(const std::vector<const component_info*>& components) {
    std::string out;
    for (const auto* c : components) {
        if (!out.empty()) out += ',';
        out += c->id;
    }
    return out;
}

}  // namespace region_detail

namespace {

using region_detail::to_components;
using region_detail::to_scope;

py::list id_list(const std::vector<const component_info*>& components) {
    py::list out;
    for (const auto* c : components) out.append(py::str(std::string{c->id}));
    return out;
}

// ---- marker_site: the hot path of util.marker ----------------------------------------------

// The open markers of this thread: owned by the core, which closes them if the thread ends.
thread_local frame_stack* t_sites TIMEMORY_INITIAL_EXEC = nullptr;

/// One instrumented place (a decorated function, a `with marker(...)` statement): its components
/// are parsed and its label hashed once; start()/stop() only push/pop the graph and read clocks.
/// Reentrant (recursion) and per thread: stop() closes the most recent start() of this site on
/// the calling thread.
class marker_site {
  public:
    marker_site(py::handle components, std::string label, scope_mode mode)
        : m_set{&component_set::intern(region_detail::to_components_or_default(components))},
          m_label{std::move(label)},
          m_hash{add_label(m_label)},
          m_mode{mode},
          m_id{next_id()} {}

    void start() {
        auto& frames = thread_frame_stack(t_sites, "marker");
        if (TIMEMORY_UNLIKELY(!is_enabled())) {
            frames.open_unmeasured(m_id);
            return;
        }
        frames.open<hook_fast_component>(*m_set, m_hash, m_id, 0, m_mode);
    }

    /// Close this site's most recent frame on this thread; `lap` (if given) receives the values
    /// of every component in order (NaN for a value known later). Returns false when no frame of
    /// this site is open here.
    bool stop(std::vector<double>* lap = nullptr) {
        frame_stack* frames = t_sites;
        const std::size_t i = frames != nullptr ? frames->find_last(m_id) : frame_stack::npos;
        if (i == frame_stack::npos) {
            log::warning("marker '", m_label,
                         "' stopped without a matching start on this thread; ignored");
            return false;
        }
        double* values = nullptr;
        if (lap != nullptr) {
            lap->clear();
            if ((*frames)[i].set != nullptr) {
                lap->resize(m_set->value_total());
                values = lap->data();
            }
        }
        frames->close<hook_fast_component>(i, values);
        return true;
    }

    /// stop(), then "label : <value> <unit> <metric>, ..." for the lap (timemory's report line).
    std::string stop_report() {
        std::vector<double> lap;
        if (!stop(&lap) || lap.empty()) return m_label + " : (not measured)";
        return m_label + " : " + region_detail::format_values(m_set->items(), lap.data());
    }

    const std::string& label() const noexcept { return m_label; }
    hash_value hash() const noexcept { return m_hash; }
    const std::vector<const component_info*>& components() const noexcept { return m_set->items(); }
    scope_mode mode() const noexcept { return m_mode; }

  private:
    static std::uint64_t next_id() {
        static std::uint64_t counter = 0;  // guarded by the GIL
        return ++counter;
    }

    /// Interned: a frame left open by a site that is gone still closes (at thread end).
    const component_set* m_set;
    std::string m_label;
    hash_value m_hash;
    scope_mode m_mode;
    std::uint64_t m_id;
};

// ---- marker_function: a decorated function whose call is start; func(...); stop in C++ --------
//
// The decorator path of util.marker returns one of these instead of a Python wrapper: a callable
// with vectorcall (no argument tuple/dict is built), the function's attributes copied into its
// __dict__ by functools.update_wrapper, and __get__ binding it like a function (methods work, and
// Py_TPFLAGS_METHOD_DESCRIPTOR keeps obj.method() free of bound-method objects). An exception in
// the function passes through after stop().

struct marker_function_object {
    PyObject_HEAD vectorcallfunc vectorcall;
    PyObject* func;  ///< the wrapped callable
    PyObject* site;  ///< the marker_site Python object (keeps `cpp` alive)
    marker_site* cpp;
    PyObject* dict;
    PyObject* weaklist;
};

PyTypeObject* marker_function_type = nullptr;

PyObject* marker_function_call(PyObject* self, PyObject* const* args, std::size_t nargsf,
                               PyObject* kwnames) {
    auto* mf = reinterpret_cast<marker_function_object*>(self);
    try {
        mf->cpp->start();
    } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
        return nullptr;
    }
    PyObject* result = PyObject_Vectorcall(mf->func, args, nargsf, kwnames);
    try {
        mf->cpp->stop();  // no Python API: a pending exception stays untouched
    } catch (const std::exception& e) {
        log::error("marker '", mf->cpp->label(), "': ", e.what());
    }
    return result;
}

int marker_function_traverse(PyObject* self, visitproc visit, void* arg) {
    auto* mf = reinterpret_cast<marker_function_object*>(self);
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(mf->func);
    Py_VISIT(mf->site);
    Py_VISIT(mf->dict);
    return 0;
}

int marker_function_clear(PyObject* self) {
    auto* mf = reinterpret_cast<marker_function_object*>(self);
    Py_CLEAR(mf->func);
    Py_CLEAR(mf->site);
    Py_CLEAR(mf->dict);
    mf->cpp = nullptr;
    return 0;
}

void marker_function_dealloc(PyObject* self) {
    PyTypeObject* type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (reinterpret_cast<marker_function_object*>(self)->weaklist != nullptr) {
        PyObject_ClearWeakRefs(self);
    }
    marker_function_clear(self);
    type->tp_free(self);
    Py_DECREF(type);
}

PyObject* marker_function_get(PyObject* self, PyObject* obj, PyObject*) {
    if (obj == nullptr || obj == Py_None) {
        Py_INCREF(self);
        return self;
    }
    return PyMethod_New(self, obj);
}

PyObject* marker_function_repr(PyObject* self) {
    auto* mf = reinterpret_cast<marker_function_object*>(self);
    return PyUnicode_FromFormat("<timemory marker '%s' of %R>",
                                mf->cpp ? mf->cpp->label().c_str() : "", mf->func);
}

// Pickle by reference, like a function: the name it is reachable under in its module.
PyObject* marker_function_reduce(PyObject* self, PyObject*) {
    return PyObject_GetAttrString(self, "__qualname__");
}

PyMethodDef marker_function_methods[] = {
    {"__reduce__", marker_function_reduce, METH_NOARGS, nullptr}, {nullptr, nullptr, 0, nullptr}};

PyMemberDef marker_function_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(marker_function_object, vectorcall), READONLY,
     nullptr},
    {"__dictoffset__", T_PYSSIZET, offsetof(marker_function_object, dict), READONLY, nullptr},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(marker_function_object, weaklist), READONLY,
     nullptr},
    {"site", T_OBJECT, offsetof(marker_function_object, site), READONLY,
     "the timemory.region.marker_site measured around each call"},
    {nullptr, 0, 0, 0, nullptr}};

PyGetSetDef marker_function_getset[] = {
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

void init_marker_function_type() {
    static PyType_Slot slots[] = {
        {Py_tp_dealloc, reinterpret_cast<void*>(marker_function_dealloc)},
        {Py_tp_traverse, reinterpret_cast<void*>(marker_function_traverse)},
        {Py_tp_clear, reinterpret_cast<void*>(marker_function_clear)},
        {Py_tp_call, reinterpret_cast<void*>(PyVectorcall_Call)},
        {Py_tp_descr_get, reinterpret_cast<void*>(marker_function_get)},
        {Py_tp_repr, reinterpret_cast<void*>(marker_function_repr)},
        {Py_tp_methods, marker_function_methods},
        {Py_tp_members, marker_function_members},
        {Py_tp_getset, marker_function_getset},
        {Py_tp_doc,
         const_cast<char*>("A function decorated with timemory.util.marker: each call is "
                           "measured by `site` (start, call, stop).")},
        {0, nullptr}};
    static PyType_Spec spec = {"timemory.region.marker_function",
                               static_cast<int>(sizeof(marker_function_object)), 0,
                               Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
                                   Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_METHOD_DESCRIPTOR,
                               slots};
    marker_function_type = reinterpret_cast<PyTypeObject*>(PyType_FromSpec(&spec));
    if (marker_function_type == nullptr) throw py::error_already_set();
}

py::object wrap_function(py::object site_obj, py::object func) {
    if (!PyCallable_Check(func.ptr())) throw py::type_error("marker_site.wrap() needs a callable");
    marker_site* cpp = &site_obj.cast<marker_site&>();
    auto* mf = PyObject_GC_New(marker_function_object, marker_function_type);
    if (mf == nullptr) throw py::error_already_set();
    mf->vectorcall = marker_function_call;
    mf->func = func.release().ptr();
    mf->cpp = cpp;
    mf->site = site_obj.release().ptr();
    mf->dict = nullptr;
    mf->weaklist = nullptr;
    PyObject_GC_Track(mf);
    return py::reinterpret_steal<py::object>(reinterpret_cast<PyObject*>(mf));
}

// ---- fast start/stop callables (context managers call these without pybind11's dispatch) ------

struct site_ref {
    py::object site;  ///< keeps the marker_site alive
    marker_site* cpp;
};

PyObject* site_ref_start(PyObject* capsule, PyObject*) {
    auto* ref = static_cast<site_ref*>(PyCapsule_GetPointer(capsule, nullptr));
    if (ref == nullptr) return nullptr;
    try {
        ref->cpp->start();
    } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
        return nullptr;
    }
    Py_RETURN_NONE;
}

PyObject* site_ref_stop(PyObject* capsule, PyObject*) {
    auto* ref = static_cast<site_ref*>(PyCapsule_GetPointer(capsule, nullptr));
    if (ref == nullptr) return nullptr;
    try {
        ref->cpp->stop();
    } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
        return nullptr;
    }
    Py_RETURN_NONE;
}

PyMethodDef site_ref_start_def = {"start", site_ref_start, METH_NOARGS, "marker_site.start()"};
PyMethodDef site_ref_stop_def = {"stop", site_ref_stop, METH_NOARGS, "marker_site.stop()"};

void site_ref_destroy(PyObject* capsule) {
    delete static_cast<site_ref*>(PyCapsule_GetPointer(capsule, nullptr));
}

py::tuple bound_calls(py::object site_obj) {
    auto* ref = new site_ref{site_obj, &site_obj.cast<marker_site&>()};
    PyObject* raw = PyCapsule_New(ref, nullptr, site_ref_destroy);
    if (raw == nullptr) {
        delete ref;
        throw py::error_already_set();
    }
    auto capsule = py::reinterpret_steal<py::object>(raw);
    auto start =
        py::reinterpret_steal<py::object>(PyCFunction_New(&site_ref_start_def, capsule.ptr()));
    auto stop =
        py::reinterpret_steal<py::object>(PyCFunction_New(&site_ref_stop_def, capsule.ptr()));
    if (!start || !stop) throw py::error_already_set();
    return py::make_tuple(start, stop);
}

// ---- component_decorator: push+start at construction, stop+pop at stop()/destruction --------

class component_decorator {
  public:
    component_decorator(py::handle components, const std::string& key, py::handle scope)
        : m_label{key.empty() ? region_detail::caller_label() : key},
          m_bundle{m_label, region_detail::to_components_or_default(components), to_scope(scope)} {
        m_bundle.start();
    }
    void stop() { m_bundle.stop(); }
    bool running() const noexcept { return m_bundle.running(); }
    const std::string& label() const noexcept { return m_label; }
    py::list components() const { return id_list(m_bundle.components()); }

  private:
    std::string m_label;
    runtime_bundle m_bundle;
};

// ---- region.begin/end: regions by handle ------------------------------------------------------

struct handle_table {
    std::map<std::uint64_t, std::unique_ptr<runtime_bundle>> open;  // guarded by the GIL
    std::uint64_t next = 1;
};
handle_table& handles() {
    static auto* table = new handle_table{};  // never destroyed: safe during interpreter exit
    return *table;
}

constexpr std::uint64_t disabled_handle = UINT64_MAX;

std::vector<std::vector<const component_info*>>& component_stack() {
    static auto* stack = new std::vector<std::vector<const component_info*>>{};
    return *stack;
}

void set_default_list(const std::vector<const component_info*>& components) {
    if (components.empty()) {
        throw py::value_error("regions need at least one component; valid components: " +
                              region_detail::join_ids(registry::all()));
    }
    tim::region::set_default(region_detail::join_ids(components));
}

void set_enabled(bool on) {
    auto& s = settings::instance();
    s.enabled = on;
    s.changed();
}

void init_region_module(py::module_& m) {
    init_marker_function_type();
    auto r = m.def_submodule(
        "region",
        "Named regions, the calls C, C++ and Fortran make through timemory/library.h.\n\n"
        "Each region measures the default components (set_default; initially\n"
        "settings.components, else settings.global_components, else wall_clock).\n"
        "Regions are kept per thread; pop() closes the most recent open region of that name.\n"
        "Regions are not throttled (timemory.trace.push/pop are). Traces measure their own\n"
        "components: set_default here does not change them, nor timemory.trace.init this set.");

    r.def(
        "push", [](const std::string& key) { tim::region::push(key); }, py::arg("key"),
        "Open a region named `key` on this thread");
    r.def(
        "pop", [](const std::string& key) { return tim::region::pop(key); }, py::arg("key"),
        "Close the most recent open region named `key` on this thread (warns and returns False "
        "when none is open)");
    r.def(
        "pause", [] { set_enabled(false); }, "Stop measuring (settings.enabled = False)");
    r.def(
        "resume", [] { set_enabled(true); }, "Measure again (settings.enabled = True)");
    r.def(
        "is_paused", [] { return !is_enabled(); }, "True while measurement is off");
    r.def(
        "open_count", [] { return tim::region::open_count(); },
        "Number of regions open on this thread");

    r.def(
        "set_default", [](py::object components) { set_default_list(to_components(components)); },
        py::arg("components"),
        "Components measured by regions from now on, e.g. ['wall_clock', 'peak_rss'] or "
        "'wall_clock,peak_rss'. An unknown name raises ValueError and keeps the previous set");
    r.def(
        "get_default", [] { return id_list(tim::region::default_components()); },
        "Ids of the components regions measure now");
    r.def(
        "add_components",
        [](py::object components) {
            auto current = tim::region::default_components();
            for (const auto* c : to_components(components)) {
                if (std::find(current.begin(), current.end(), c) == current.end())
                    current.push_back(c);
            }
            set_default_list(current);
        },
        py::arg("components"), "Add components to the default set");
    r.def(
        "remove_components",
        [](py::object components) {
            auto current = tim::region::default_components();
            for (const auto* c : to_components(components)) {
                current.erase(std::remove(current.begin(), current.end(), c), current.end());
            }
            set_default_list(current);
        },
        py::arg("components"), "Remove components from the default set (at least one must stay)");
    r.def(
        "push_components",
        [](py::object components) {
            auto next = to_components(components);
            auto previous = tim::region::default_components();
            set_default_list(next);
            component_stack().push_back(std::move(previous));
        },
        py::arg("components"), "Use these components until the matching pop_components()");
    r.def(
        "pop_components",
        [] {
            auto& stack = component_stack();
            if (stack.empty()) {
                log::warning(
                    "region.pop_components() without a matching push_components(); ignored");
                return false;
            }
            set_default_list(stack.back());
            stack.pop_back();
            return true;
        },
        "Restore the components in use before the last push_components()");

    r.def(
        "begin",
        [](const std::string& key) -> std::uint64_t {
            if (!is_enabled()) return disabled_handle;
            auto& table = handles();
            auto bundle = std::make_unique<runtime_bundle>(key, tim::region::default_components());
            bundle->start();
            const auto id = table.next++;
            table.open.emplace(id, std::move(bundle));
            return id;
        },
        py::arg("key"),
        "Open a region and return its handle for end(); call end() on the same thread. Returns "
        "2**64-1 (ignored by end) while measurement is off");
    r.def(
        "end",
        [](std::uint64_t id) {
            if (id == disabled_handle) return;
            auto& table = handles();
            auto it = table.open.find(id);
            if (it == table.open.end()) {
                log::warning("region.end(", id, "): no region is open with this handle; ignored");
                return;
            }
            it->second->stop();
            table.open.erase(it);
        },
        py::arg("id"), "Close the region opened by begin()");

    r.attr("marker_function") =
        py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(marker_function_type));

    py::class_<marker_site>(
        r, "marker_site",
        "One instrumented place (what timemory.util.marker creates per decorated function or "
        "with-statement): components parsed and label hashed once.\n"
        "start()/stop() are reentrant and per thread: stop() closes the most recent start() of "
        "this site on the calling thread.")
        .def(py::init([](py::object components, std::string label, py::object scope) {
                 return std::make_unique<marker_site>(components, std::move(label),
                                                      to_scope(scope));
             }),
             py::arg("components"), py::arg("label"), py::arg("scope") = py::none())
        .def(
            "start", [](marker_site& s) { s.start(); }, "push the label and start the components")
        .def(
            "stop", [](marker_site& s) { s.stop(); }, "stop the components and pop the label")
        .def("wrap", &wrap_function, py::arg("func"),
             "A callable that runs func between start() and stop() (C++ vectorcall; bind "
             "function attributes with functools.update_wrapper)")
        .def("bound_calls", &bound_calls,
             "(start, stop): builtin callables equivalent to start()/stop(), without the cost of "
             "a bound-method dispatch (what util.marker's context manager calls)")
        .def("stop_report", &marker_site::stop_report,
             "stop(), then return 'label : <value> <unit> <metric>, ...' for this lap")
        .def_property_readonly("label", &marker_site::label)
        .def_property_readonly("hash", &marker_site::hash)
        .def_property_readonly(
            "scope", [](const marker_site& s) { return std::string{scope_mode_name(s.mode())}; })
        .def_property_readonly("components",
                               [](const marker_site& s) { return id_list(s.components()); })
        .def("__repr__", [](const marker_site& s) {
            return "marker_site('" + s.label() + "', [" + region_detail::join_ids(s.components()) +
                   "], scope='" + std::string{scope_mode_name(s.mode())} + "')";
        });
}

}  // namespace

void init_region(py::module_& m) {
    init_region_module(m);

    py::class_<component_decorator>(
        m, "component_decorator",
        "Call-graph bundle of the given components: push+start on construction, stop+pop on "
        "stop() or destruction (the C++ side of timemory.util.marker).\n"
        "components: names (see timemory.component), key: label (empty: caller 'func@file:line'), "
        "scope: None/'tree'/'flat'/'timeline' or a timemory.scope object.\n"
        "An unknown component raises ValueError listing the valid names.")
        .def(py::init([](py::object components, const std::string& key, py::object scope) {
                 return std::make_unique<component_decorator>(components, key, scope);
             }),
             py::arg("components") = py::list(), py::arg("key") = "", py::arg("scope") = py::none())
        .def("stop", &component_decorator::stop)
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__",
             [](component_decorator& d, py::args) {
                 d.stop();
                 return false;
             })
        .def_property_readonly("running", &component_decorator::running)
        .def_property_readonly("label", &component_decorator::label)
        .def_property_readonly("components", &component_decorator::components)
        .attr("__module__") = "timemory.libs";

    region_detail::init_classes(m);
}

}  // namespace tim::python
