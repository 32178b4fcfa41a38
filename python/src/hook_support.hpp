// Shared by the C profile hook (profiler.cpp) and the C line tracer (trace.cpp):
//   - code_labels: what a hook decided about one code object (keep it? which label hash? which
//     row per source line?), stored in the code object's co_extra slot so a warm event costs one
//     pointer load instead of a dictionary lookup;
//   - component_set: the run-time component list a hook samples on every event;
//   - saved_hook: the profile/trace function that was installed before ours, restored on stop.
// Every function here runs with the GIL held.
#pragma once

#include <Python.h>
#include <frameobject.h>

#include "timemory/components/timing.hpp"
#include "timemory/core/component_info.hpp"
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

/// Components sampled by a hook, resolved once per configuration. The common set, wall_clock
/// alone, reads the clock inline (the component's own static sample()) instead of through the
/// registry's function pointer.
struct component_set {
    std::vector<const component_info*> items;
    unsigned raw_total = 0;
    bool wall_clock_only = false;

    TIMEMORY_INLINE void sample(double* raw) const noexcept {
        if (TIMEMORY_LIKELY(wall_clock_only)) {
            component::wall_clock::sample(raw);
            return;
        }
        for (const auto* c : items) {
            c->sample(raw);
            raw += c->raw_count;
        }
    }
    /// Record stop - start of every component on `node` of `graph`.
    TIMEMORY_INLINE void record(thread_graph& graph, std::uint32_t node, const double* start,
                                const double* stop) const noexcept {
        if (TIMEMORY_LIKELY(wall_clock_only)) {
            const double value = stop[0] - start[0];
            graph.record(node, component::wall_clock::index, &value, 1);
            return;
        }
        double values[max_component_values];
        for (const auto* c : items) {
            if (c->finish != nullptr) {
                // Known later (GPU timers): attached to the node by the component, no sync here.
                c->finish(start, stop, node != no_node ? graph.global_id(node) : no_node_id);
            } else {
                c->compute(start, stop, values);
                graph.record(node, *c, values);
            }
            start += c->raw_count;
            stop += c->raw_count;
        }
    }
};

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
