"""timemory.api: direct access to the measurement back-ends.

- ``api.papi``: the PAPI library (CPU hardware counters);
- ``api.cupti`` / ``api.cuda``: NVIDIA CUPTI events and metrics.

Not available yet: PAPI/CUPTI counters come with the hardware-counters issue. The modules exist
so code can check ``working()`` / ``available`` and fall back.
"""

from . import cuda, cupti, papi  # noqa: F401

__all__ = ["papi", "cupti", "cuda"]
