"""timemory.profiler: record every Python call as a call-graph node, through a C++ profile hook.

    from timemory.profiler import Profiler, Config
    Config.only_filenames = [__file__]
    @Profiler(["wall_clock", "cpu_clock"])
    def work(): ...

Command line: ``python -m timemory.profiler [-c COMPONENTS...] [-d OUTDIR] script.py args...``
"""

from . import profiler as _impl
from .profiler import *  # noqa: F401,F403  (its __all__ is the public API)

__all__ = list(_impl.__all__)
