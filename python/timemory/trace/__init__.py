"""timemory.trace: line-level timing through a C++ trace hook, and the C library's traces.

    from timemory.trace import Tracer, Config
    Config.only_filenames = [__file__]
    @Tracer(["wall_clock"])
    def work(): ...

Library-style traces (regions subject to throttling), as in timemory's C API:

    timemory.trace.init("wall_clock", False, "tracing")
    timemory.trace.push("consume_time"); ...; timemory.trace.pop("consume_time")
    timemory.trace.finalize()

Traces measure their own components: init()'s or set_default()'s choice, else
settings.trace_components (TIMEMORY_TRACE_COMPONENTS), else what regions take from the settings.
timemory.region.set_default does not change them, and init() does not change what regions measure.

Command line: ``python -m timemory.trace [-c COMPONENTS...] [-d OUTDIR] script.py args...``
"""

from ..libs.libpytimemory import trace as _ctrace
from . import tracer as _impl
from .tracer import *  # noqa: F401,F403  (its __all__ is the line tracer's public API)

# The compiled library-style traces (help(timemory.trace.<name>) describes each): init, finalize,
# push, pop, is_throttled, and set_default/get_default (what traces measure; timemory.region keeps
# its own set).
_TRACES = ["init", "finalize", "push", "pop", "is_throttled", "set_default", "get_default"]
globals().update({_name: getattr(_ctrace, _name) for _name in _TRACES})

__all__ = list(_impl.__all__) + _TRACES
