// An mpi file with includes against the arrows, for the Layering.Planted.mpi test: each line
// marked "planted" must be reported, and no other line.
#include "timemory/core/mpi_service.hpp"
#include "timemory/core/plugins.hpp"

#include <mpi.h>

#include "timemory/components/timing.hpp" // planted: host's header
#include "timemory/gpu/components.hpp"    // planted: gpu's header
#include <Python.h>                       // planted
#include <cuda_runtime_api.h>             // planted
#include <papi.h>                         // planted
