// A gpu file with includes against the arrows, for the Layering.Planted.gpu test: each line
// marked "planted" must be reported, and no other line.
#include "activity_kinds.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/gpu/components.hpp"

#include <cuda_runtime_api.h>
#include <cupti.h>
#include <nvtx3/nvToolsExt.h>

#include "timemory/components/papi.hpp" // planted: host's header
#include "timemory/timemory.hpp"        // planted: the umbrella header is host's
#include <Python.h>                     // planted
#include <mpi.h>                        // planted
#include <papi.h>                       // planted
