# timemory 3's Python documentation, "Library Bindings". It uses undefined work/sleep helpers,
# defined here (evident intent: busy work and sleep of the given duration). The rest is verbatim.
# DOC_EXAMPLE_TIME_SCALE (default 1.0) scales both durations, so tests can run it quickly.

import os
import time

_scale = float(os.environ.get("DOC_EXAMPLE_TIME_SCALE", "1.0"))


def work_milliseconds(msec):
    """Keep the CPU busy for msec milliseconds (scaled); returns the number of iterations."""
    end = time.perf_counter() + _scale * msec / 1000.0
    n = 0
    while time.perf_counter() < end:
        n += 1
    return n


def sleep_milliseconds(msec):
    """Sleep for msec milliseconds (scaled)."""
    time.sleep(_scale * msec / 1000.0)
    return msec

import timemory

# initialize
timemory.trace.init("wall_clock", False, "tracing")

# insert a trace
timemory.trace.push("consume_time")
ans = work_milliseconds(1000)
timemory.trace.pop("consume_time")

# insert another trace point
timemory.trace.push("sleeping")
ans = sleep_milliseconds(1000)
timemory.trace.pop("sleeping")

# insert a region
timemory.region.push("work_region")
for i in range(10):
    ans = work_milliseconds(1000)
timemory.region.pop("work_region")

# finalize
timemory.trace.finalize()
