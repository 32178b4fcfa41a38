// Submodule `_mpi`: tim::mpi for the pure-Python packages timemory.mpi and timemory.mpi_support,
// plus the MPI this build was configured with (mpi_exe_info & co print it). MPI itself is reached
// through the core, which loads the MPI plugin once the process has MPI (`from mpi4py import MPI`).
#include "bindings.hpp"

#include "timemory/core/mpi.hpp"

#include <pybind11/stl.h>

#include <string>

#ifndef TIMEMORY_PYTHON_MPI_EXE
#define TIMEMORY_PYTHON_MPI_EXE ""
#define TIMEMORY_PYTHON_MPI_C ""
#define TIMEMORY_PYTHON_MPI_CXX ""
#define TIMEMORY_PYTHON_MPI_VERSION ""
#endif

namespace tim::python {

void init_mpi(py::module_& m) {
    auto mpi = m.def_submodule("_mpi", "tim::mpi: rank, size and state of MPI (timemory.mpi)");
    mpi.def("is_available", &tim::mpi::is_available,
            "Whether this build has the MPI plugin (libtimemory-mpi) where timemory loads it from");
    mpi.def("is_supported", &tim::mpi::is_supported,
            "Whether the MPI plugin is loaded and bound to this process's MPI library (after "
            "`from mpi4py import MPI`, or with TIMEMORY_MPI_INIT=ON)");
    mpi.def("status", &tim::mpi::status,
            "'' when is_supported(); otherwise why MPI is not in use (no MPI in this build, no "
            "MPI library in this process yet, another MPI than the plugin's, ...)");
    mpi.def("is_initialized", &tim::mpi::is_initialized, "MPI_Initialized");
    mpi.def("is_finalized", &tim::mpi::is_finalized, "MPI_Finalized");
    mpi.def("rank", &tim::mpi::rank, "MPI_COMM_WORLD rank (0 without MPI)");
    mpi.def("size", &tim::mpi::size, "MPI_COMM_WORLD size (1 without MPI)");
    mpi.def("barrier", &tim::mpi::barrier, py::call_guard<py::gil_scoped_release>(),
            "MPI_Barrier(MPI_COMM_WORLD); does nothing without MPI");
    mpi.def("library_version", &tim::mpi::library_version,
            "MPI_Get_library_version of the MPI in use ('' without it)");
    mpi.def("processor_name", &tim::mpi::processor_name, "MPI_Get_processor_name");
    py::dict build;
    build["exe"] = TIMEMORY_PYTHON_MPI_EXE;
    build["c"] = TIMEMORY_PYTHON_MPI_C;
    build["cxx"] = TIMEMORY_PYTHON_MPI_CXX;
    build["version"] = TIMEMORY_PYTHON_MPI_VERSION;
    mpi.attr("build") = build;
}

}  // namespace tim::python
