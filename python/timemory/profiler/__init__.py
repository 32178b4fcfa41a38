"""timemory.profiler: record every Python call as a call-graph node, through a C++ profile hook.

    from timemory.profiler import Profiler, Config
    Config.only_filenames = [__file__]
    @Profiler(["wall_clock", "cpu_clock"])
    def work(): ...

Command line: ``python -m timemory.profiler [-c COMPONENTS...] [-d OUTDIR] script.py args...``
"""

from .profiler import (  # noqa: F401
    Config,
    FakeProfiler,
    Profiler,
    config,
    noprofile,
    profile,
    profiler_finalize,
    profiler_function,
    profiler_init,
)

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
