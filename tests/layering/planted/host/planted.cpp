// A host file with includes against the arrows, for the Layering.Planted.host test: each line
// marked "planted" must be reported, and no other line.
#include "papi_backend.hpp"
#include "timemory/components/timing.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/timemory.hpp"

#include <papi.h>
#include <vector>

#include "../../python/src/bindings.hpp" // planted: a path into python/
#include "timemory/gpu/device.hpp"       // planted: gpu's header
#include <cuda_runtime.h>                // planted
#include <mpi.h>                         // planted
#include <pybind11/stl.h>                // planted
