"""Function profiler: every Python call becomes a call-graph node ("func/file.py:LINE").

The profile hook is C++ (``libpytimemory.profiler``, a CPython C profile function). Python only
decides, once per code object and configuration, whether a function is kept and what its label
is; after that a call costs the hook alone.

    from timemory.profiler import Profiler, Config

    Config.only_filenames = [__file__]

    @Profiler(["wall_clock", "cpu_clock"])
    def work(): ...

    with Profiler(["wall_clock"]):
        work()
"""

import threading

from .._hooks import (Decider, FilterConfig, HookUser, NoHook, Session, component_names,
                      resolve_components, validate)
from ..libs.libpytimemory import profiler as _cprofiler

__all__ = [
    "Profiler",
    "Config",
    "config",
    "FakeProfiler",
    "profile",
    "noprofile",
    "profiler_function",
    "profiler_init",
    "profiler_finalize",
]

#: Python-level entry of the C hook (what sys.getprofile() returns while profiling).
profiler_function = _cprofiler.profiler_function


class Config(FilterConfig):
    """Profiler options, read when a profiling session starts.

    Labels are ``func/file.py:LINE`` (LINE is the function's first line); ``include_filename``,
    ``include_line``, ``full_filepath`` and ``include_args`` change them. Filters are regular
    expressions matched with ``re.search``: a function is kept when it matches one of
    ``only_functions`` (if any), its file one of ``only_filenames`` (if any), and neither matches
    ``skip_functions`` / ``skip_filenames``. Frames inside the timemory package are skipped unless
    ``include_internal``. ``trace_c`` also records calls of builtins (C functions) made from kept
    functions. Calls nested deeper than ``max_stack_depth`` recorded calls are not recorded.
    ``nvtx`` also mirrors every recorded call as an NVTX range in the "timemory" domain, as
    regions and markers always are (off by default: a range per Python call is a lot of ranges).
    """

    _is_running = False
    trace_c = False
    include_internal = False
    include_args = False
    include_line = True
    include_filename = True
    full_filepath = False
    max_stack_depth = 65535
    nvtx = False
    verbosity = 0


Config.reset()
config = Config


_session = Session()  # its own: profilers nest apart from tracers


class Profiler(HookUser):
    """Profile every Python call made while it runs (decorator, context manager, or start/stop).

    ``components``: ids such as ``"wall_clock"`` (merged with ``settings.profiler_components``;
    ``wall_clock`` when both are empty). ``flat``: every function at depth 0. ``timeline``: every
    call its own entry. Unknown component ids raise ValueError here, not later. Profilers nest: the
    outermost running one chooses the components; the hook (and the threading hook for threads
    started meanwhile) is removed, and what was installed before restored, when the last stops.
    """

    _hook_session = _session
    _hook_module = _cprofiler
    _hook_function = profiler_function
    _hook_chains = True  # a profile function installed before keeps receiving every event
    _config = Config
    def __init__(self, components=[], flat=False, timeline=False, **kwargs):
        self.components = validate(component_names(components))
        self.flat = bool(flat)
        self.timeline = bool(timeline)
        self.debug = kwargs.get("debug", False)
        self._count = 0

    def configure(self):
        names = validate(resolve_components(self.components, "profiler"))
        flat, timeline = _cprofiler.scope_settings()
        decider = Decider(Config)
        _cprofiler.configure(
            names,
            flat=self.flat or flat,
            timeline=self.timeline or timeline,
            trace_c=bool(Config.trace_c),
            nvtx=bool(Config.nvtx),
            max_stack_depth=int(Config.max_stack_depth),
            decide=decider.profiler_label,
            decide_c=decider.builtin_label,
        )
        return names

    def _session_begins(self, session):
        # Threads started during the session profile too (the tracer does not: timemory's did not).
        session.thread_hook = threading.getprofile()
        threading.setprofile(profiler_function)

    def _session_ends(self, session):
        threading.setprofile(session.thread_hook)
        session.thread_hook = None


class FakeProfiler(NoHook):
    """Same interface as Profiler, measures nothing (``noprofile``)."""


def profiler_init(components=[], flat=False, timeline=False):
    """Start a module-level profiler (timemory's profiler_init)."""
    global _module_profiler
    _module_profiler = Profiler(components, flat=flat, timeline=timeline)
    _module_profiler.start()
    return _module_profiler


def profiler_finalize():
    """Stop the profiler started by profiler_init()."""
    global _module_profiler
    if _module_profiler is not None:
        while _module_profiler.stop() > 0:
            pass
        _module_profiler = None


_module_profiler = None

profile = Profiler
noprofile = FakeProfiler
