// The compiled half of the `timemory` package. Each area binds itself in its own file; this
// file only creates the module and calls them in dependency order.
#include "bindings.hpp"

PYBIND11_MODULE(libpytimemory, m) {
    m.doc() = "timemory: performance measurement for C, C++, CUDA and Python";
    tim::python::init_settings(m);
    tim::python::init_units(m);
    tim::python::init_scope(m);
    tim::python::init_components(m);
    tim::python::init_storage(m);
    tim::python::init_top_level(m);
    tim::python::init_region(m);
    tim::python::init_trace(m);
    tim::python::init_profiler(m);
    tim::python::init_signals(m);
    tim::python::init_hardware_counters(m);
    tim::python::init_mpi(m);
}
