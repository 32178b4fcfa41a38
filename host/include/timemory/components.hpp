// Every host component: clocks, CPU utilisation, getrusage counters, /proc memory and I/O, trip
// count. Each is a static_component usable in tim::scoped<...> and registered by id at load time.
#pragma once

#include "timemory/components/indices.hpp"
#include "timemory/components/io.hpp"
#include "timemory/components/memory.hpp"
#include "timemory/components/rusage.hpp"
#include "timemory/components/timing.hpp"
#include "timemory/components/trip_count.hpp"
