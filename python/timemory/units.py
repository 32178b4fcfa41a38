"""timemory.units: raw units as numbers (times in nanoseconds, memory in bytes).

``import timemory`` registers the compiled ``units`` submodule as ``timemory.units``; this file
re-exports it for direct imports.
"""

from .libs import libpytimemory as _lib

globals().update({k: v for k, v in vars(_lib.units).items() if not k.startswith("__")})
