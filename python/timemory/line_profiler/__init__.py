"""timemory.line_profiler: line-level timing.

timemory 3 bundled a fork of ``line_profiler``; this package does not. Line timing through
timemory's own C++ hook is ``timemory.trace.Tracer`` (rows per source line in the timemory
outputs), re-exported here. When the external ``line_profiler`` package is installed, its
``LineProfiler`` is re-exported as well (``timemory.line_profiler.LineProfiler``); it is
``None`` otherwise.
"""

from ..trace import Config, FakeTracer, Tracer  # noqa: F401

try:  # the PyPI package, if present
    from line_profiler import LineProfiler  # noqa: F401
except ImportError:  # pragma: no cover - depends on the environment
    LineProfiler = None

__all__ = ["Tracer", "Config", "FakeTracer", "LineProfiler"]
