// A core file with includes against the arrows, for the Layering.Planted.core test: each line
// marked "planted" must be reported, and no other line.
#include "timemory/core/graph.hpp"
#include "timemory/library.h"

#include <dlfcn.h>
#include <nlohmann/json.hpp>
#include <vector>

#include "../../gpu/src/cupti_api.hpp"    // planted: a path into gpu/
#include "timemory/components/timing.hpp" // planted: host's header
#include "timemory/timemory.hpp"          // planted: the umbrella header is host's
#include <Python.h>                       // planted
#include <cuda_runtime_api.h>             // planted
#include <cupti.h>                        // planted
#include <mpi.h>                          // planted
#include <nvtx3/nvToolsExt.h>             // planted
#include <papi.h>                         // planted
#include <pybind11/pybind11.h>            // planted
#include <timemory/gpu/components.hpp>    // planted: gpu's header
  #  include <thrust/sort.h>              // planted: spaces around the '#'

// #include <cuda.h> is a comment, not an include
