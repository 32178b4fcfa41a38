"""timemory.api.cuda: CUDA helpers (none in this build; GPU metrics are in timemory.api.cupti)."""

available = False
