// Umbrella header: everything a C++ user of libtimemory needs (core and host). Includes only.
#pragma once

#include "timemory/components.hpp"
#include "timemory/core/bundle.hpp"
#include "timemory/core/component_info.hpp"
#include "timemory/core/graph.hpp"
#include "timemory/core/label.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/region.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/core/signals.hpp"
#include "timemory/library.h"
