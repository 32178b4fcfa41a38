// Submodule `profiler`: the function profiler behind timemory.profiler.Profiler.
//
// A C profile function (PyEval_SetProfile) receives every call and return of the thread. On a call
// it looks at the code object's co_extra cache (hook_support.hpp): the first time a code object is
// seen under a configuration, the Python-side `decide(code)` applies the Config filters and returns
// the label ("func/file.py:LINE") or None; afterwards a call costs the cache load, the graph push
// and the clock reads. A return records stop - start of every component on the node and pops it.
//
// Calls and returns are matched by frame: each recorded call keeps its frame on a per-thread stack
// and only the return of the frame on top closes it, so returns of frames entered before the
// profiler started (or skipped by the filters) are ignored. CPython reports a return for frames
// left by an exception too, so an exception closes every region it unwinds.
//
// A profile function installed before ours on the thread (cProfile before Python 3.12, the
// `profile` module, sys.setprofile) keeps receiving every event: ours forwards them (calls before
// measuring, returns after), so both see full counts; sys.setprofile holds one function per thread,
// and replacing it would silently take those calls from the other profiler. (From 3.12 cProfile
// is a sys.monitoring tool and sees events without this.) A profiler started after ours replaces
// it; the Python layer warns about that when it finds our hook gone at stop().
//
// Threads: the hook is per thread. The Python layer hands `profiler_function` to
// threading.setprofile; in a new thread CPython's Python-level trampoline calls it once, and it
// installs the C hook for that thread. When the session stops, other threads finish the calls they
// have open (their returns still close them) and then remove the hook themselves. (Python 3.12's
// PyEval_SetProfileAllThreads is not used: it would also hook threads that are already running,
// in the middle of their stacks, and it replaces every thread's hook with no way to put each
// thread's previous one back.)
#include "bindings.hpp"
#include "hook_support.hpp"

#include "timemory/core/frame_stack.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/settings.hpp"

#include <pybind11/stl.h>

#include <memory>
#include <unordered_map>

namespace tim::python {
namespace {

struct profiler_config {
    component_set components;
    scope_mode mode = scope_mode::tree;
    bool trace_c = false;
    /// Mirror each call as an NVTX range like other regions (Config.nvtx); off by default, since
    /// a range per Python call would bury the application's own ranges in Nsight.
    bool nvtx = false;
    std::size_t max_depth = SIZE_MAX;
    std::uint32_t generation = 0;
};

// An open call is a frame of the thread's frame stack (core/frame_stack.hpp) keyed by its Python
// frame (for C calls: the calling frame), with the builtin for C calls (nullptr for Python calls)
// as the frame's data word.
TIMEMORY_INLINE std::uint64_t word(const void* p) noexcept {
    return reinterpret_cast<std::uintptr_t>(p);
}

// The open calls of this thread: owned by the core, which closes them if the thread ends.
thread_local frame_stack* this_calls TIMEMORY_INITIAL_EXEC = nullptr;

struct thread_state {
    std::uint32_t session = 0;  ///< session this thread last synchronised with
    bool draining = false;      ///< session over: only close what is open, then uninstall
    bool installed = false;     ///< our hook is this thread's profile function
    saved_hook previous;        ///< what to reinstall when our hook goes
    thread_state() { (void)thread_frame_stack(this_calls, "profiled call"); }
    static bool open_calls() noexcept { return this_calls != nullptr && !this_calls->empty(); }
    static std::size_t depth() noexcept { return this_calls != nullptr ? this_calls->size() : 0; }
    /// Whether the innermost open call is this frame's (and this builtin's, for C calls).
    static bool on_top(PyFrameObject* frame, PyObject* c_function) noexcept {
        return open_calls() && this_calls->top().key == word(frame) &&
               this_calls->top().data == word(c_function);
    }
};

// Process-wide state, guarded by the GIL.
struct profiler_globals {
    std::vector<std::unique_ptr<profiler_config>> configs;  // never freed: open calls point here
    const profiler_config* pending = nullptr;               // configured, used by the next start
    const profiler_config* active = nullptr;                // running session, or nullptr
    std::uint32_t session = 1;
    std::uint32_t generation = 0;
    PyObject* decide = nullptr;       // callable(code) -> str | None
    PyObject* decide_c = nullptr;     // callable(name: str) -> str | None  (builtins, trace_c)
    PyObject* hook_object = nullptr;  // `profiler_function`, what sys.getprofile() shows
    // Builtins are keyed by their PyMethodDef (bound methods are new objects per call).
    std::unordered_map<const PyMethodDef*, std::pair<std::uint32_t, hash_value>> builtin_labels;
};
// Created by init_*() (module import), before any hook can run; never freed (outlives
// interpreter teardown). A plain pointer: the hooks read it without a static guard.
profiler_globals* the_globals = nullptr;
TIMEMORY_INLINE profiler_globals& globals() {
    return *the_globals;
}

// initial-exec: one thread-pointer-relative load per event instead of __tls_get_addr.
thread_local thread_state* this_state TIMEMORY_INITIAL_EXEC = nullptr;
struct state_owner {
    ~state_owner() {
        delete this_state;
        this_state = nullptr;
    }
};
thread_local state_owner this_state_owner;

TIMEMORY_NOINLINE thread_state& create_state() {
    (void)&this_state_owner;  // constructs the owner, whose destructor frees the state
    this_state = new thread_state{};
    return *this_state;
}

TIMEMORY_INLINE thread_state& state() {
    thread_state* st = this_state;
    return TIMEMORY_LIKELY(st != nullptr) ? *st : create_state();
}

int profile_hook(PyObject* obj, PyFrameObject* frame, int what, PyObject* arg);

// The thread's actual profile function decides, not st.installed alone: user code may have
// replaced ours (sys.setprofile) in the meantime.
void install(thread_state& st, bool save_previous) {
    PyThreadState* ts = PyThreadState_Get();
    if (ts->c_profilefunc != &profile_hook) {
        if (save_previous) {
            st.previous.reset();
            st.previous.func = ts->c_profilefunc;
            st.previous.obj = ts->c_profileobj;
            Py_XINCREF(st.previous.obj);
        }
        PyEval_SetProfile(&profile_hook, globals().hook_object);
    }
    st.installed = true;
    st.session = globals().session;
    st.draining = false;
}

/// Put back what was there before, unless someone replaced our hook meanwhile (theirs stays).
void uninstall(thread_state& st) {
    if (!st.installed) return;
    st.installed = false;
    st.draining = false;
    if (PyThreadState_Get()->c_profilefunc == &profile_hook)
        PyEval_SetProfile(st.previous.func, st.previous.obj);
    st.previous.reset();
}

// ---- decisions (slow path: once per code object / builtin and configuration) -------------------

TIMEMORY_NOINLINE void decide(code_labels& labels, PyCodeObject* code, std::uint32_t generation) {
    auto& g = globals();
    bool keep = false;
    hash_value hash = 0;
    if (g.decide != nullptr) {
        PyObject* result = PyObject_CallOneArg(g.decide, reinterpret_cast<PyObject*>(code));
        if (result == nullptr) {
            PyErr_WriteUnraisable(g.decide);
        } else {
            if (PyUnicode_Check(result)) {
                const std::string text = utf8(result);
                if (!text.empty()) {
                    hash = add_label(text);
                    keep = true;
                }
            }
            Py_DECREF(result);
        }
    }
    labels.profile_hash = hash;
    labels.profile_keep = keep;
    labels.profile_generation = generation;
}

TIMEMORY_NOINLINE bool decide_builtin(PyObject* function, std::uint32_t generation,
                                      hash_value& hash) {
    if (!PyCFunction_Check(function)) return false;
    auto* cf = reinterpret_cast<PyCFunctionObject*>(function);
    auto& g = globals();
    auto& entry = g.builtin_labels[cf->m_ml];
    if (entry.first == generation) {
        hash = entry.second;
        return hash != 0;
    }
    // "len", "list.append", "time.sleep": the owner is the module or the bound object's type.
    std::string name = cf->m_ml->ml_name ? cf->m_ml->ml_name : "?";
    if (cf->m_self != nullptr && PyModule_Check(cf->m_self)) {
        const char* module = PyModule_GetName(cf->m_self);
        if (module == nullptr) PyErr_Clear();
        if (module != nullptr && std::string_view{module} != "builtins")
            name = module + ("." + name);
    } else if (cf->m_self != nullptr) {
        name = std::string{Py_TYPE(cf->m_self)->tp_name} + "." + name;
    }
    hash_value result_hash = 0;
    PyObject* text = PyUnicode_FromStringAndSize(name.data(), static_cast<Py_ssize_t>(name.size()));
    PyObject* result = (text != nullptr && g.decide_c != nullptr)
                           ? PyObject_CallOneArg(g.decide_c, text)
                           : nullptr;
    if (result == nullptr) {
        if (PyErr_Occurred()) PyErr_WriteUnraisable(g.decide_c);
    } else {
        if (PyUnicode_Check(result)) {
            const std::string label = utf8(result);
            if (!label.empty()) result_hash = add_label(label);
        }
        Py_DECREF(result);
    }
    Py_XDECREF(text);
    entry = {generation, result_hash};
    hash = result_hash;
    return hash != 0;
}

// ---- the hot path ------------------------------------------------------------------------------

TIMEMORY_INLINE void open(const profiler_config& cfg, PyFrameObject* frame, PyObject* c_function,
                          hash_value hash) {
    this_calls->open<hook_fast_component>(cfg.components, hash, word(frame), word(c_function),
                                          cfg.mode, cfg.nvtx);
}

TIMEMORY_INLINE void close_top() {
    this_calls->close_top<hook_fast_component>();
}

TIMEMORY_NOINLINE void synchronise(thread_state& st) {
    const auto& g = globals();
    st.session = g.session;
    st.draining = (g.active == nullptr);
}

/// Pass the event on to the profile function that was installed before ours.
TIMEMORY_NOINLINE int forward(const thread_state& st, PyFrameObject* frame, int what,
                              PyObject* arg) {
    // Own references: the callee may run Python code that stops us (and releases `previous`).
    const Py_tracefunc func = st.previous.func;
    PyObject* obj = st.previous.obj;
    Py_XINCREF(obj);
    const int result = func(obj, frame, what, arg);
    Py_XDECREF(obj);
    return result;
}

TIMEMORY_INLINE bool is_entry(int what) noexcept {
    return what == PyTrace_CALL || what == PyTrace_C_CALL;
}

int profile_hook(PyObject*, PyFrameObject* frame, int what, PyObject* arg) {
    thread_state& st = state();
    if (TIMEMORY_UNLIKELY(st.previous.func != nullptr) && is_entry(what) &&
        forward(st, frame, what, arg) != 0)
        return -1;
    if (TIMEMORY_UNLIKELY(st.session != globals().session)) synchronise(st);
    const profiler_config* cfg = globals().active;
    switch (what) {
        case PyTrace_CALL: {
            if (st.draining || cfg == nullptr || st.depth() >= cfg->max_depth || !is_enabled())
                break;
            PyCodeObject* code = PyFrame_GetCode(frame);
            code_labels* labels = labels_of(code);
            if (labels != nullptr &&
                TIMEMORY_UNLIKELY(labels->profile_generation != cfg->generation))
                decide(*labels, code, cfg->generation);
            Py_DECREF(code);
            if (labels != nullptr && labels->profile_keep) {
                open(*cfg, frame, nullptr, labels->profile_hash);
            }
            break;
        }
        case PyTrace_RETURN:
            if (st.on_top(frame, nullptr)) close_top();
            break;
        case PyTrace_C_CALL: {
            if (st.draining || cfg == nullptr || !cfg->trace_c || st.depth() >= cfg->max_depth ||
                !is_enabled())
                break;
            // Builtins are attributed to their caller's file: only under a kept caller.
            PyCodeObject* code = PyFrame_GetCode(frame);
            code_labels* labels = labels_of(code);
            if (labels != nullptr && labels->profile_generation != cfg->generation)
                decide(*labels, code, cfg->generation);
            Py_DECREF(code);
            hash_value hash = 0;
            if (labels != nullptr && labels->profile_keep &&
                decide_builtin(arg, cfg->generation, hash)) {
                open(*cfg, frame, arg, hash);
            }
            break;
        }
        case PyTrace_C_RETURN:
        case PyTrace_C_EXCEPTION:
            if (st.on_top(frame, arg)) close_top();
            break;
        default:
            break;
    }
    if (TIMEMORY_UNLIKELY(st.previous.func != nullptr) && !is_entry(what) &&
        forward(st, frame, what, arg) != 0)
        return -1;
    if (TIMEMORY_UNLIKELY(st.draining) && !st.open_calls()) uninstall(st);
    return 0;
}

// ---- Python-facing functions -------------------------------------------------------------------

int event_code(std::string_view event) {
    if (event == "call") return PyTrace_CALL;
    if (event == "return") return PyTrace_RETURN;
    if (event == "c_call") return PyTrace_C_CALL;
    if (event == "c_return") return PyTrace_C_RETURN;
    if (event == "c_exception") return PyTrace_C_EXCEPTION;
    return -1;
}

void configure(const std::vector<std::string>& components, bool flat, bool timeline, bool trace_c,
               std::int64_t max_stack_depth, py::object decide_fn, py::object decide_c_fn,
               bool nvtx) {
    auto cfg = std::make_unique<profiler_config>();
    cfg->components = parse_components(components);  // ValueError before anything changes
    cfg->mode = timeline ? scope_mode::timeline : flat ? scope_mode::flat : scope_mode::tree;
    cfg->trace_c = trace_c;
    cfg->nvtx = nvtx;
    cfg->max_depth = max_stack_depth <= 0 ? SIZE_MAX : static_cast<std::size_t>(max_stack_depth);
    auto& g = globals();
    cfg->generation = ++g.generation;
    Py_XSETREF(g.decide, decide_fn.is_none() ? nullptr : decide_fn.release().ptr());
    Py_XSETREF(g.decide_c, decide_c_fn.is_none() ? nullptr : decide_c_fn.release().ptr());
    g.pending = cfg.get();
    g.configs.push_back(std::move(cfg));
}

void start() {
    auto& g = globals();
    if (g.pending == nullptr)
        throw std::runtime_error("timemory.profiler: start() before configure()");
    if (g.active == nullptr) {
        g.active = g.pending;
        ++g.session;
    }
    install(state(), true);
}

void stop(bool last) {
    auto& g = globals();
    auto& st = state();
    if (st.open_calls()) this_calls->close_all();  // calls still open on this thread end now
    uninstall(st);
    if (last && g.active != nullptr) {
        g.active = nullptr;
        ++g.session;  // other threads close what they have open, then remove the hook
    }
}

// The Python-level face of the hook: CPython's trampoline calls it in threads started through
// threading.setprofile (and wherever someone reinstalls sys.getprofile()'s value). It installs the
// C hook for the calling thread and forwards the event.
py::object profiler_function(py::handle frame, std::string_view event, py::handle arg) {
    auto& st = state();
    if (globals().active == nullptr) {
        if (!st.installed) PyEval_SetProfile(nullptr, nullptr);  // stale: remove the trampoline
        return py::none();
    }
    install(st, false);
    const int what = event_code(event);
    if (what >= 0 && PyFrame_Check(frame.ptr())) {
        profile_hook(globals().hook_object, reinterpret_cast<PyFrameObject*>(frame.ptr()), what,
                     arg.ptr());
    }
    return py::none();
}

}  // namespace

void init_profiler(py::module_& m) {
    init_code_labels();
    if (the_globals == nullptr) the_globals = new profiler_globals{};
    auto sub = m.def_submodule("profiler", "C profile hook behind timemory.profiler.Profiler");

    sub.def("configure", &configure, py::arg("components"), py::arg("flat") = false,
            py::arg("timeline") = false, py::arg("trace_c") = false, py::arg("max_stack_depth") = 0,
            py::arg("decide") = py::none(), py::arg("decide_c") = py::none(),
            py::arg("nvtx") = false,
            "Set the components, scope and filters (decide(code) -> label | None) used by the "
            "next start(); nvtx: mirror each call as an NVTX range like other regions. Unknown "
            "component ids raise ValueError.");
    sub.def(
        "validate",
        [](const std::vector<std::string>& components) {
            std::vector<std::string> ids;
            const auto set = parse_components(components);
            for (const auto* c : set.items()) ids.emplace_back(c->id);
            return ids;
        },
        py::arg("components"), "Component ids for these names; ValueError for unknown ones");
    sub.def(
        "default_components",
        [](std::string_view kind) {
            // profiler_components / trace_components, then components, then global_components
            const auto& s = settings::instance();
            const std::string& own = kind == "trace" ? s.trace_components : s.profiler_components;
            return !own.empty() ? own : !s.components.empty() ? s.components : s.global_components;
        },
        py::arg("kind") = "profiler", "Components the settings choose (\"\" when none)");
    sub.def(
        "scope_settings",
        [] {
            return py::make_tuple(settings::instance().flat_profile,
                                  settings::instance().timeline_profile);
        },
        "(flat_profile, timeline_profile) from the settings");
    sub.def("start", &start,
            "Begin the session if none is running (with the last configure()), and install the "
            "profile hook on this thread (the previous profile function is kept)");
    sub.def("stop", &stop, py::arg("last") = true,
            "Close this thread's open calls and reinstall the profile function it had before "
            "start(); with last, end the session (other threads finish their open calls)");
    sub.def("is_running", [] { return globals().active != nullptr; });
    sub.def(
        "installed", [] { return this_state != nullptr && this_state->installed; },
        "Whether start() installed the hook on this thread (and stop() has not removed it); "
        "sys.getprofile() tells whether it is still the thread's profile function");
    sub.def(
        "depth", [] { return this_state ? this_state->depth() : std::size_t{0}; },
        "Calls open on this thread");
    sub.def("profiler_function", &profiler_function, py::arg("frame"), py::arg("event"),
            py::arg("arg"),
            "Python-level entry of the hook (threading.setprofile); installs the C hook on the "
            "calling thread");
    globals().hook_object = sub.attr("profiler_function").ptr();
    Py_INCREF(globals().hook_object);
}

}  // namespace tim::python
