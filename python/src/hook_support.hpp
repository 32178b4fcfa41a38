// Shared by the C profile hook (profiler.cpp) and the C line tracer (trace.cpp):
//   - code_labels: what a hook decided about one code object (keep it? which label hash? which
//     row per source line?), stored in the code object's co_extra slot so a warm event costs one
//     pointer load instead of a dictionary lookup;
//   - parse_components: the run-time component set (core's tim::component_set) a hook samples
//     on every event;
//   - saved_hook: the profile/trace function that was installed before ours, restored on stop.
// Every function here runs with the GIL held.
#pragma once

#include <Python.h>
#include <frameobject.h>

#include "timemory/components/timing.hpp"
#include "timemory/core/component_info.hpp"
#include "timemory/core/component_set.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/core/label.hpp"

#include <cstdint>
#include <string>
#include <vector>

// Python 3.12 renamed the code-object extra-slot functions (the old names are deprecated).
#if PY_VERSION_HEX >= 0x030C0000
#define TIMEMORY_CODE_GET_EXTRA PyUnstable_Code_GetExtra
#define TIMEMORY_CODE_SET_EXTRA PyUnstable_Code_SetExtra
#define TIMEMORY_REQUEST_CODE_EXTRA_INDEX PyUnstable_Eval_RequestCodeExtraIndex
#else
#define TIMEMORY_CODE_GET_EXTRA _PyCode_GetExtra
#define TIMEMORY_CODE_SET_EXTRA _PyCode_SetExtra
#define TIMEMORY_REQUEST_CODE_EXTRA_INDEX _PyEval_RequestCodeExtraIndex
#endif

namespace tim::python {

/// One source line of a traced code object. hash == 0: the line is not a row (blank, comment,
/// docstring, or inside a nested function).
struct line_slot {
    hash_value hash = 0;
    std::uint32_t node = no_node;  ///< node in graph `graph` (validated before use)
    std::uint32_t graph = no_node;
};

struct code_labels {
    // Function profiler: decided once per code object and profiler configuration.
    std::uint32_t profile_generation = 0;  ///< 0: not decided yet
    bool profile_keep = false;
    hash_value profile_hash = 0;

    // Line tracer: decided once per code object and tracer configuration.
    std::uint32_t trace_generation = 0;
    bool trace_keep = false;
    int first_line = 0;            ///< lineno of lines[0]
    int def_line = 0;              ///< row that records whole calls ("def f(...):")
    std::vector<line_slot> lines;  ///< lines[lineno - first_line]
    /// Graphs (ids) whose rows for this code were created, with the def-row node there; a graph
    /// reset (finalize) is noticed by the node no longer carrying the def hash.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> prepared;
};

/// Reserve the co_extra slot; call once from module initialisation.
void init_code_labels();

namespace detail {
extern Py_ssize_t code_extra_index;
code_labels* create_code_labels(PyCodeObject* code) noexcept;
}  // namespace detail

/// The cache entry of `code`, created on first use; nullptr only when CPython refuses the slot.
inline code_labels* labels_of(PyCodeObject* code) noexcept {
    void* extra = nullptr;
    if (TIMEMORY_CODE_GET_EXTRA(reinterpret_cast<PyObject*>(code), detail::code_extra_index,
                                &extra) == 0 &&
        extra != nullptr) {
        return static_cast<code_labels*>(extra);
    }
    return detail::create_code_labels(code);
}

/// What a hook expects a component set to be most often: component_set samples it inline when
/// the set is exactly this component (set.sample<hook_fast_component>(raw)).
using hook_fast_component = component::wall_clock;

/// Resolve component ids/aliases. Raises ValueError (pybind11::value_error) naming the bad id,
/// close matches and every valid id.
component_set parse_components(const std::vector<std::string>& names);

/// A profile or trace function of one thread (the C function and its object, owning a reference).
struct saved_hook {
    Py_tracefunc func = nullptr;
    PyObject* obj = nullptr;
    void reset() noexcept {
        func = nullptr;
        Py_CLEAR(obj);
    }
};

/// Text of a Python str as UTF-8 ("" for anything else); no exception left set.
std::string utf8(PyObject* text);

}  // namespace tim::python
