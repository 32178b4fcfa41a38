"""timemory.api: direct access to the measurement back-ends.

- ``api.papi``: the PAPI library (CPU hardware counters): ``working()``, ``query_event()``,
  event codes and raw PAPI event sets;
- ``api.cupti``: NVIDIA GPU metrics through CUPTI: chips, metric lists, descriptions and
  replay-pass counts (offline for a named chip), what ``cupti_counters`` collects;
- ``api.cuda``: CUDA helpers (none in this build; GPU metrics are in ``api.cupti``).
"""

from . import cuda, cupti, papi  # noqa: F401

__all__ = ["papi", "cupti", "cuda"]
