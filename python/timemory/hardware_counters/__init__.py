"""timemory.hardware_counters: hardware counters (PAPI on the CPU, CUPTI on NVIDIA GPUs).

Not available yet: PAPI/CUPTI counters come with the hardware-counters issue. ``available()``
returns False, ``Info(...).available()`` is False and ``preset`` has no events. ``import
timemory`` registers the compiled submodule as ``timemory.hardware_counters``; this file
re-exports it for direct imports.
"""

from ..libs import libpytimemory as _lib

globals().update({k: v for k, v in vars(_lib.hardware_counters).items()
                  if not k.startswith("__")})
