// One init function per area of the Python module (see module.cpp).
#pragma once

#include <pybind11/pybind11.h>

namespace tim::python {
namespace py = pybind11;

void init_settings(py::module_& m);           // settings.cpp: class `settings`
void init_units(py::module_& m);              // units.cpp: submodule `units`
void init_scope(py::module_& m);              // scope.cpp: submodule `scope`
void init_components(py::module_& m);         // components.cpp: submodule `component`
void init_storage(py::module_& m);            // storage.cpp: submodule `storage`
void init_top_level(py::module_& m);          // top_level.cpp: init/finalize/report/get/...
void init_region(py::module_& m);             // region.cpp: submodule `region`, marker bundles
void init_trace(py::module_& m);              // trace.cpp: submodule `trace` (C++ line tracer)
void init_profiler(py::module_& m);           // profiler.cpp: submodule `profiler` (C++ hook)
void init_signals(py::module_& m);            // signals.cpp: submodule `signals`
void init_hardware_counters(py::module_& m);  // hardware_counters.cpp
void init_mpi(py::module_& m);                // mpi.cpp: submodule `_mpi` (timemory.mpi)

}  // namespace tim::python
