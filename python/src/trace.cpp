// Submodule `trace`: the line tracer behind timemory.trace.Tracer, and the C library's throttled
// trace regions (init/push/pop/is_throttled/finalize, set_default/get_default). Trace regions
// measure their own default set (tim::region::set_trace_default), never the regions' one.
//
// Line tracer. A C trace function (PyEval_SetTrace) sees call, line and return events. Every source
// line of a traced function is a flat row "<source text>  [func/file.py:LINE]": a line event
// closes the row of the previous line event on this thread (adding one count and the time since)
// and opens the row of the new line; a return closes the open row. The function's own row (its
// "def" line) records every call, from call to return. The first time a code object is seen under
// a configuration, Python's decide(code) applies the Config filters and returns the rows (source
// order, without blank/comment/docstring lines); their nodes are then created in that order, and
// each is declared a placeholder row (tim::attach_record without values) so lines that never run
// still print, with empty cells, as timemory's tracer showed them. A warm line event reads the
// clocks once (the same sample ends one row and starts the next) and records into a cached node:
// no push, no lookup, no allocation.
//
// Frames whose code is filtered out get f_trace_lines = False, so CPython stops reporting their
// lines; their time counts towards the line that called them.
#include "bindings.hpp"
#include "hook_support.hpp"
#include "region.hpp"

#include "timemory/core/graph.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/settings.hpp"

#include <pybind11/stl.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace tim::python {
namespace {

struct trace_config {
    component_set components;
    std::uint32_t generation = 0;
};

struct open_call {
    PyFrameObject* frame;
    std::uint32_t def_node;
    std::uint32_t raw_offset;
};

struct trace_state {
    std::vector<open_call> calls;
    std::vector<double> call_raw;  ///< start samples of open calls
    std::vector<double> sample_a;  ///< two buffers: the open line's start and "now"
    std::vector<double> sample_b;
    double* line_start = nullptr;
    double* now = nullptr;
    std::uint32_t line_node = no_node;     ///< row of the open line
    const trace_config* config = nullptr;  ///< configuration the open state was sampled with
    PyFrameObject* last_frame = nullptr;   ///< frame of the last line event (cleared on its return)
    code_labels* last_labels = nullptr;
    std::uint32_t session = 0;
    bool installed = false;
    saved_hook previous;
    trace_state() { calls.reserve(128); }
};

struct trace_globals {
    std::vector<std::unique_ptr<trace_config>> configs;  // never freed
    const trace_config* pending = nullptr;
    const trace_config* active = nullptr;
    std::uint32_t session = 1;
    std::uint32_t generation = 0;
    PyObject* decide = nullptr;  // callable(code) -> None | (def_line, [(line, text, bracket)])
    PyObject* hook_object = nullptr;  // `tracer_function`, what sys.gettrace() shows
    PyObject* f_trace_lines = nullptr;
    int library_inits = 0;  // trace.init() calls not yet matched by finalize()
};
// Created by init_*() (module import), before any hook can run; never freed (outlives
// interpreter teardown). A plain pointer: the hooks read it without a static guard.
trace_globals* the_globals = nullptr;
TIMEMORY_INLINE trace_globals& globals() {
    return *the_globals;
}

// initial-exec: one thread-pointer-relative load per event instead of __tls_get_addr.
thread_local trace_state* this_state TIMEMORY_INITIAL_EXEC = nullptr;
struct state_owner {
    ~state_owner() {
        delete this_state;
        this_state = nullptr;
    }
};
thread_local state_owner this_state_owner;

TIMEMORY_NOINLINE trace_state& create_state() {
    (void)&this_state_owner;  // constructs the owner, whose destructor frees the state
    this_state = new trace_state{};
    return *this_state;
}

TIMEMORY_INLINE trace_state& state() {
    trace_state* st = this_state;
    return TIMEMORY_LIKELY(st != nullptr) ? *st : create_state();
}

int trace_hook(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg);

// ---- per-thread open state ---------------------------------------------------------------------

void adopt(trace_state& st, const trace_config& cfg) {
    st.config = &cfg;
    const std::size_t n = std::max(1u, cfg.components.raw_total());
    st.sample_a.assign(n, 0.0);
    st.sample_b.assign(n, 0.0);
    st.line_start = st.sample_a.data();
    st.now = st.sample_b.data();
    st.line_node = no_node;
    st.last_frame = nullptr;
    st.last_labels = nullptr;
}

/// Close the open line and every open call at this instant (session end on this thread).
void finish(trace_state& st) {
    if (st.config != nullptr && (st.line_node != no_node || !st.calls.empty())) {
        const auto& set = st.config->components;
        auto& graph = this_thread_graph();
        set.sample<hook_fast_component>(st.now);
        if (st.line_node != no_node) set.record(graph, st.line_node, st.line_start, st.now);
        while (!st.calls.empty()) {
            const auto& call = st.calls.back();
            set.record(graph, call.def_node, st.call_raw.data() + call.raw_offset, st.now);
            st.calls.pop_back();
        }
    }
    st.calls.clear();
    st.line_node = no_node;
    st.last_frame = nullptr;
    st.last_labels = nullptr;
}

// The thread's actual trace function decides, not st.installed alone: user code may have
// replaced ours (sys.settrace) in the meantime.
void install(trace_state& st, bool save_previous) {
    PyThreadState* ts = PyThreadState_Get();
    if (ts->c_tracefunc != &trace_hook) {
        if (save_previous) {
            st.previous.reset();
            st.previous.func = ts->c_tracefunc;
            st.previous.obj = ts->c_traceobj;
            Py_XINCREF(st.previous.obj);
        }
        PyEval_SetTrace(&trace_hook, globals().hook_object);
    }
    st.installed = true;
}

/// Put back what was there before, unless someone replaced our hook meanwhile (theirs stays).
void uninstall(trace_state& st) {
    if (!st.installed) return;
    st.installed = false;
    if (PyThreadState_Get()->c_tracefunc == &trace_hook)
        PyEval_SetTrace(st.previous.func, st.previous.obj);
    st.previous.reset();
}

// ---- decisions and rows (slow paths) -----------------------------------------------------------

/// "<text padded>  [bracket]": the bracket ends at a fixed column (settings.max_width - 8, as
/// timemory's tracer laid it out), long source text is cut with "..." so the bracket stays visible.
std::string row_label(std::string text, const std::string& bracket) {
    const std::int64_t max_width = settings::instance().max_width;
    const std::size_t width =
        max_width > 0 ? static_cast<std::size_t>(std::max<std::int64_t>(max_width - 8, 40)) : 112;
    const std::size_t avail = width > bracket.size() + 1 ? width - bracket.size() - 1 : 16;
    if (text.size() > avail) {
        std::size_t cut = avail > 3 ? avail - 3 : 0;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
        text.resize(cut);
        text += "...";
    }
    if (text.size() < avail) text.append(avail - text.size(), ' ');
    return text + " " + bracket;
}

TIMEMORY_NOINLINE void decide(code_labels& labels, PyCodeObject* code, std::uint32_t generation) {
    auto& g = globals();
    labels.trace_keep = false;
    labels.lines.clear();
    labels.prepared.clear();
    labels.first_line = 0;
    labels.def_line = 0;
    PyObject* result =
        g.decide ? PyObject_CallOneArg(g.decide, reinterpret_cast<PyObject*>(code)) : nullptr;
    if (result == nullptr) {
        if (PyErr_Occurred()) PyErr_WriteUnraisable(g.decide);
        labels.trace_generation = generation;
        return;
    }
    std::vector<std::pair<int, hash_value>> rows;
    int def_line = 0;
    if (PyTuple_Check(result) && PyTuple_GET_SIZE(result) == 2 &&
        PyList_Check(PyTuple_GET_ITEM(result, 1))) {
        def_line = static_cast<int>(PyLong_AsLong(PyTuple_GET_ITEM(result, 0)));
        PyObject* list = PyTuple_GET_ITEM(result, 1);
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); ++i) {
            PyObject* row = PyList_GET_ITEM(list, i);
            if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != 3) continue;
            const long line = PyLong_AsLong(PyTuple_GET_ITEM(row, 0));
            if (line <= 0) continue;
            const auto label =
                row_label(utf8(PyTuple_GET_ITEM(row, 1)), utf8(PyTuple_GET_ITEM(row, 2)));
            rows.emplace_back(static_cast<int>(line), add_label(label));
        }
        if (PyErr_Occurred()) PyErr_Clear();
    }
    Py_DECREF(result);
    if (!rows.empty()) {
        int lo = rows.front().first;
        int hi = lo;
        for (const auto& r : rows) {
            lo = std::min(lo, r.first);
            hi = std::max(hi, r.first);
        }
        labels.first_line = lo;
        labels.lines.assign(static_cast<std::size_t>(hi - lo + 1), line_slot{});
        for (const auto& r : rows)
            labels.lines[static_cast<std::size_t>(r.first - lo)].hash = r.second;
        labels.def_line = (def_line >= lo && def_line <= hi &&
                           labels.lines[static_cast<std::size_t>(def_line - lo)].hash != 0)
                              ? def_line
                              : rows.front().first;
        labels.trace_keep = true;
    }
    labels.trace_generation = generation;
}

line_slot* slot_of(code_labels& labels, int line) noexcept {
    const long index = static_cast<long>(line) - labels.first_line;
    if (index < 0 || index >= static_cast<long>(labels.lines.size())) return nullptr;
    line_slot& slot = labels.lines[static_cast<std::size_t>(index)];
    return slot.hash != 0 ? &slot : nullptr;
}

bool valid(const thread_graph& graph, const line_slot& slot) noexcept {
    return slot.graph == graph.id() && slot.node < graph.nodes().size() &&
           graph.nodes()[slot.node].hash == slot.hash;
}

std::uint32_t node_for(thread_graph& graph, line_slot& slot) {
    // Only finds the line's node: not a region, so no NVTX range either.
    const std::uint32_t node = graph.push(slot.hash, scope_mode::flat, false);
    graph.pop(node, false);
    slot.node = node;
    slot.graph = graph.id();
    return node;
}

/// Make sure this graph has the code's rows (in source order, each declared a placeholder).
TIMEMORY_NOINLINE void prepare(thread_graph& graph, code_labels& labels, const trace_config& cfg) {
    line_slot* def = slot_of(labels, labels.def_line);
    for (auto& [graph_id, def_node] : labels.prepared) {
        if (graph_id == graph.id() && def != nullptr && def_node < graph.nodes().size() &&
            graph.nodes()[def_node].hash == def->hash) {
            return;  // rows exist; only this thread's slot cache was stale
        }
    }
    for (auto& slot : labels.lines) {
        if (slot.hash == 0) continue;
        node_for(graph, slot);
        const std::string text = label_text(slot.hash);
        for (const auto* c : cfg.components.items()) {
            attach_record(graph.global_id(0), c->index, nullptr, 0, text);
        }
    }
    const std::uint32_t def_node = def ? def->node : no_node;
    auto it = std::find_if(labels.prepared.begin(), labels.prepared.end(),
                           [&](const auto& p) { return p.first == graph.id(); });
    if (it != labels.prepared.end()) {
        it->second = def_node;
    } else {
        labels.prepared.emplace_back(graph.id(), def_node);
    }
}

TIMEMORY_NOINLINE std::uint32_t slow_node(thread_graph& graph, code_labels& labels,
                                          PyCodeObject* code, int line, const trace_config& cfg) {
    line_slot* slot = slot_of(labels, line);
    if (slot == nullptr) {
        // A line the source did not show (stale file, generated code): a row of its own.
        std::string file = utf8(code->co_filename);
        if (auto pos = file.find_last_of('/'); pos != std::string::npos) file.erase(0, pos + 1);
        const std::string bracket =
            "[" + utf8(code->co_name) + "/" + file + ":" + std::to_string(line) + "]";
        if (labels.lines.empty()) labels.first_line = line;
        if (line < labels.first_line) {
            labels.lines.insert(labels.lines.begin(),
                                static_cast<std::size_t>(labels.first_line - line), line_slot{});
            labels.first_line = line;
        }
        const auto index = static_cast<std::size_t>(line - labels.first_line);
        if (index >= labels.lines.size()) labels.lines.resize(index + 1);
        labels.lines[index].hash = add_label(row_label("", bracket));
        slot = &labels.lines[index];
        node_for(graph, *slot);
        for (const auto* c : cfg.components.items())
            attach_record(graph.global_id(0), c->index, nullptr, 0, label_text(slot->hash));
        return slot->node;
    }
    prepare(graph, labels, cfg);
    if (!valid(graph, *slot)) node_for(graph, *slot);
    return slot->node;
}

// ---- the hook ----------------------------------------------------------------------------------

void skip_lines(PyFrameObject* frame) {
    if (PyObject_SetAttr(reinterpret_cast<PyObject*>(frame), globals().f_trace_lines, Py_False) !=
        0)
        PyErr_Clear();
}

/// The code's cache entry if the tracer keeps this code, else nullptr.
TIMEMORY_INLINE code_labels* kept(PyCodeObject* code, const trace_config& cfg) {
    code_labels* labels = labels_of(code);
    if (labels == nullptr) return nullptr;
    if (TIMEMORY_UNLIKELY(labels->trace_generation != cfg.generation))
        decide(*labels, code, cfg.generation);
    return labels->trace_keep ? labels : nullptr;
}

TIMEMORY_NOINLINE bool synchronise(trace_state& st) {
    finish(st);
    const auto& g = globals();
    st.session = g.session;
    if (g.active == nullptr) {
        uninstall(st);
        return false;
    }
    adopt(st, *g.active);
    return true;
}

int trace_hook(PyObject*, PyFrameObject* frame, int what, PyObject*) {
    trace_state& st = state();
    if (TIMEMORY_UNLIKELY(st.session != globals().session) && !synchronise(st)) return 0;
    const trace_config& cfg = *st.config;
    switch (what) {
        case PyTrace_LINE: {
            code_labels* labels = st.last_labels;
            PyCodeObject* code = nullptr;
            if (frame != st.last_frame) {
                code = PyFrame_GetCode(frame);
                labels = kept(code, cfg);
                Py_DECREF(code);  // the frame keeps it alive
                if (labels == nullptr) {
                    skip_lines(frame);
                    break;
                }
                st.last_frame = frame;
                st.last_labels = labels;
            }
            if (!is_enabled()) break;
            const int line = PyFrame_GetLineNumber(frame);
            auto& graph = this_thread_graph();
            cfg.components.sample<hook_fast_component>(st.now);
            if (st.line_node != no_node)
                cfg.components.record(graph, st.line_node, st.line_start, st.now);
            line_slot* slot = slot_of(*labels, line);
            if (TIMEMORY_LIKELY(slot != nullptr && valid(graph, *slot))) {
                st.line_node = slot->node;
            } else {
                code = PyFrame_GetCode(frame);
                st.line_node = slow_node(graph, *labels, code, line, cfg);
                Py_DECREF(code);
            }
            std::swap(st.now, st.line_start);
            break;
        }
        case PyTrace_CALL: {
            PyCodeObject* code = PyFrame_GetCode(frame);
            code_labels* labels = kept(code, cfg);
            if (labels == nullptr) {
                Py_DECREF(code);
                skip_lines(frame);
                break;
            }
            if (!is_enabled()) {
                Py_DECREF(code);
                break;
            }
            auto& graph = this_thread_graph();
            line_slot* def = slot_of(*labels, labels->def_line);
            std::uint32_t def_node = no_node;
            if (def != nullptr) {
                def_node = valid(graph, *def)
                               ? def->node
                               : slow_node(graph, *labels, code, labels->def_line, cfg);
            }
            Py_DECREF(code);
            const std::uint32_t offset =
                static_cast<std::uint32_t>(st.calls.size() * cfg.components.raw_total());
            if (st.call_raw.size() < offset + cfg.components.raw_total())
                st.call_raw.resize((offset + cfg.components.raw_total()) * 2);
            st.calls.push_back(open_call{frame, def_node, offset});
            cfg.components.sample<hook_fast_component>(st.call_raw.data() + offset);
            break;
        }
        case PyTrace_RETURN: {
            const bool is_call = !st.calls.empty() && st.calls.back().frame == frame;
            bool traced = is_call || frame == st.last_frame;
            if (!traced) {
                PyCodeObject* code = PyFrame_GetCode(frame);
                traced = kept(code, cfg) != nullptr;
                Py_DECREF(code);
            }
            if (frame == st.last_frame) {
                st.last_frame = nullptr;  // the frame may be freed and its address reused
                st.last_labels = nullptr;
            }
            if (!traced) break;
            auto& graph = this_thread_graph();
            cfg.components.sample<hook_fast_component>(st.now);
            if (st.line_node != no_node) {
                cfg.components.record(graph, st.line_node, st.line_start, st.now);
                st.line_node = no_node;
            }
            if (is_call) {
                const open_call call = st.calls.back();
                st.calls.pop_back();
                cfg.components.record(graph, call.def_node, st.call_raw.data() + call.raw_offset,
                                      st.now);
            }
            break;
        }
        default:
            break;
    }
    return 0;
}

// ---- Python-facing functions -------------------------------------------------------------------

void configure(const std::vector<std::string>& components, py::object decide_fn) {
    auto cfg = std::make_unique<trace_config>();
    cfg->components = parse_components(components);
    auto& g = globals();
    cfg->generation = ++g.generation;
    Py_XSETREF(g.decide, decide_fn.is_none() ? nullptr : decide_fn.release().ptr());
    g.pending = cfg.get();
    g.configs.push_back(std::move(cfg));
}

void start() {
    auto& g = globals();
    if (g.pending == nullptr)
        throw std::runtime_error("timemory.trace: start() before configure()");
    if (g.active == nullptr) {
        g.active = g.pending;
        ++g.session;
    }
    auto& st = state();
    if (st.session != g.session || st.config == nullptr) {
        finish(st);
        adopt(st, *g.active);
        st.session = g.session;
    }
    install(st, true);
}

void stop(bool last) {
    auto& g = globals();
    auto& st = state();
    finish(st);
    uninstall(st);
    if (last && g.active != nullptr) {
        g.active = nullptr;
        ++g.session;
    }
}

py::object tracer_function(py::handle frame, std::string_view event, py::handle arg) {
    auto& g = globals();
    auto& st = state();
    if (g.active == nullptr) {
        if (!st.installed) PyEval_SetTrace(nullptr, nullptr);
        return py::none();
    }
    if (!st.installed) {
        install(st, false);
        if (st.session != g.session) {
            finish(st);
            adopt(st, *g.active);
            st.session = g.session;
        }
    }
    int what = -1;
    if (event == "call") what = PyTrace_CALL;
    if (event == "line") what = PyTrace_LINE;
    if (event == "return") what = PyTrace_RETURN;
    if (what >= 0 && PyFrame_Check(frame.ptr()))
        trace_hook(g.hook_object, reinterpret_cast<PyFrameObject*>(frame.ptr()), what, arg.ptr());
    return py::none();
}

// ---- C-library-style traces (throttled regions) ------------------------------------------------

std::string key_text(py::handle key) {
    if (PyLong_Check(key.ptr())) {
        const auto text = label_text(key.cast<hash_value>());
        return text.rfind("unknown-hash=", 0) == 0 ? std::string{} : text;
    }
    return py::str(key).cast<std::string>();
}

void library_init(const std::string& components, bool read_command_line, const std::string& cmd) {
    auto& s = settings::instance();
    (void)parse_components({components});  // ValueError for unknown ids, before any change
    ::setenv("TIMEMORY_TRACE_COMPONENTS", components.c_str(), 0);
    if (read_command_line) {
        auto argv = py::module_::import("sys").attr("argv").cast<std::vector<std::string>>();
        tim::init(argv);
    }
    s.parse();
    if (s.trace_components.empty()) s.trace_components = components;
    if (!cmd.empty() && s.output_path == "timemory-output")
        s.output_path = output_directory_name(cmd);
    s.changed();
    // Traces only: timemory.region.push keeps measuring the regions' default set.
    region::set_trace_default(s.trace_components);
    ++globals().library_inits;
}

void library_finalize() {
    auto& g = globals();
    if (g.library_inits > 0 && --g.library_inits > 0) return;
    py::module_::import("sys").attr("stdout").attr("flush")();
    py::gil_scoped_release release;
    region::close_all();
    tim::finalize();
}

}  // namespace

void init_trace(py::module_& m) {
    init_code_labels();
    if (the_globals == nullptr) the_globals = new trace_globals{};
    auto& g = globals();
    g.f_trace_lines = PyUnicode_InternFromString("f_trace_lines");

    auto sub = m.def_submodule("trace", "C line tracer behind timemory.trace.Tracer, and traces");
    sub.def("configure", &configure, py::arg("components"), py::arg("decide") = py::none(),
            "Set the components and the filter (decide(code) -> None | (def_line, [(line, text, "
            "bracket)])) used by the next start(). Unknown component ids raise ValueError.");
    sub.def("start", &start,
            "Begin the session if none is running (with the last configure()), and install the "
            "line tracer on this thread (the previous trace function is kept)");
    sub.def("stop", &stop, py::arg("last") = true,
            "Close this thread's open line and calls and reinstall its previous trace function; "
            "with last, end the session");
    sub.def("is_running", [] { return globals().active != nullptr; });
    sub.def(
        "installed", [] { return this_state != nullptr && this_state->installed; },
        "Whether start() installed the hook on this thread (and stop() has not removed it); "
        "sys.gettrace() tells whether it is still the thread's trace function");
    sub.def("tracer_function", &tracer_function, py::arg("frame"), py::arg("event"), py::arg("arg"),
            "Python-level entry of the tracer; installs the C hook on the calling thread");
    g.hook_object = sub.attr("tracer_function").ptr();
    Py_INCREF(g.hook_object);

    sub.def("init", &library_init, py::arg("args") = "wall_clock",
            py::arg("read_command_line") = false, py::arg("cmd") = "",
            "Choose the trace components (comma-separated ids); with read_command_line, name the "
            "output after sys.argv; cmd names it when the output path is still the default");
    sub.def(
        "set_default",
        [](py::object components) {
            const auto items = region_detail::to_components(components);
            if (items.empty()) {
                throw py::value_error("traces need at least one component; valid components: " +
                                      region_detail::join_ids(registry::all()));
            }
            region::set_trace_default(region_detail::join_ids(items));
        },
        py::arg("components"),
        "Components measured by traces from now on (regions keep theirs), e.g. ['wall_clock', "
        "'peak_rss'] or 'wall_clock,peak_rss'. An unknown name raises ValueError and keeps the "
        "previous set");
    sub.def(
        "get_default",
        [] {
            std::vector<std::string> ids;
            for (const auto* c : region::trace_default_components()) ids.emplace_back(c->id);
            return ids;
        },
        "Ids of the components traces measure now (set_default or init, else "
        "settings.trace_components, else the regions' settings: components, global_components, "
        "wall_clock)");
    sub.def("finalize", &library_finalize,
            "Matches init(); the last call closes open traces and writes the outputs");
    sub.def(
        "push",
        [](py::handle key) {
            if (!is_enabled()) return;
            const auto text = key_text(key);
            if (!text.empty()) region::push_trace(text);
        },
        py::arg("key"), "Open a trace (a name, or a hash from timemory.add_hash_id)");
    sub.def(
        "pop",
        [](py::handle key) {
            const auto text = key_text(key);
            if (!text.empty()) region::pop_trace(text);
        },
        py::arg("key"), "Close the most recent open trace of this name");
    sub.def(
        "is_throttled", [](py::handle key) { return region::is_throttled(key_text(key)); },
        py::arg("key"), "Whether this thread stopped measuring the trace (too short, too many)");
}

}  // namespace tim::python
