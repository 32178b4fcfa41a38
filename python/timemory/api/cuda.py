"""timemory.api.cuda: CUDA helpers (none yet; see timemory.api.cupti)."""

available = False
