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

#: init(args="wall_clock", read_command_line=False, cmd=""): choose the trace components.
init = _ctrace.init
#: finalize(): matches init(); the last call closes open traces and writes the outputs.
finalize = _ctrace.finalize
#: push(key): open a trace (a name, or a hash from timemory.add_hash_id).
push = _ctrace.push
#: pop(key): close the most recent open trace of that name.
pop = _ctrace.pop
#: is_throttled(key): whether this thread stopped measuring the trace.
is_throttled = _ctrace.is_throttled
#: set_default(components): what traces measure from now on (timemory.region keeps its own set).
set_default = _ctrace.set_default
#: get_default(): ids of the components traces measure now.
get_default = _ctrace.get_default

__all__ = list(_impl.__all__) + ["init", "finalize", "push", "pop", "is_throttled",
                                 "set_default", "get_default"]
