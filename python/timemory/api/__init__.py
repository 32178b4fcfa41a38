"""timemory.api: direct access to the measurement back-ends.

- ``api.papi``: the PAPI library (CPU hardware counters): ``working()``, ``query_event()``,
  event codes and raw PAPI event sets;
- ``api.cupti`` / ``api.cuda``: NVIDIA CUPTI events and metrics (CUPTI metrics: not available
  yet; both lists are empty).
"""

from . import cuda, cupti, papi  # noqa: F401

__all__ = ["papi", "cupti", "cuda"]
