"""timemory.api.cupti: NVIDIA GPU metrics through CUPTI (CUDA 13's Profiler Host and Range
Profiler APIs).

The ``cupti_counters`` component collects ``settings.cupti_metrics`` per kernel, under the region
that launched it. These helpers describe metrics; they work without a GPU for a named chip:

    from timemory.api import cupti
    cupti.chips()                                      # ['GV100', ..., 'GH100', ...]
    cupti.available_metrics(chip="GH100")[:3]          # base metric names
    cupti.passes(["dram__bytes.sum"], chip="GH100")    # 1
    cupti.metric_info("dram__bytes.sum", chip="GH100").long_description()

Without ``chip`` they describe this machine's GPU (``settings.cupti_device`` for the metrics);
with no GPU, ``available_metrics()`` gives [] and ``reason`` says why. The legacy CUPTI Event API
is gone in CUDA 13 (CUPTI_ERROR_LEGACY_PROFILER_NOT_SUPPORTED): ``available_events()`` is always
[], kept for timemory 3 scripts.
"""

from ..libs import libpytimemory as _lib

_hw = _lib.hardware_counters


def __getattr__(name):
    # ``available`` and ``reason`` probe the GPU: computed on first use, not at import.
    if name == "reason":
        return _hw.cupti_unavailable_reason()
    if name == "available":
        return _hw.cupti_unavailable_reason() == ""
    raise AttributeError(f"module 'timemory.api.cupti' has no attribute '{name}'")


def chips():
    """GPU chips whose metrics CUPTI describes offline"""
    return _hw.cupti_chips()


def available_events(device=0):
    """CUPTI events: [] (CUDA 13 has no Event API; use metrics)"""
    del device
    return []


def available_metrics(device=0, chip=None):
    """Base metric names of ``chip`` (default: the GPU ``device``'s; [] without a GPU)"""
    if chip is None and device != 0:
        raise ValueError("available_metrics: set settings.cupti_device to choose the GPU, or "
                         "pass chip=")
    return [i.symbol() for i in _hw.available(_hw.api.cupti, False, chip)]


def metric_info(name, chip=None):
    """``timemory.hardware_counters.Info`` of a metric (base or full name) on ``chip``"""
    return _hw.info(name, _hw.api.cupti, chip)


def check(metrics, chip=None):
    """Validate metric names for ``chip`` and count replay passes: a dict with 'metrics'
    (accepted), 'rejected' ({name: reason}), 'passes' (all together), 'passes_each'"""
    return _hw.check_cupti_metrics(list(metrics), chip)


def passes(metrics, chip=None):
    """Replay passes the accepted ``metrics`` need together on ``chip`` (1: no replay)"""
    return check(metrics, chip)["passes"]


def configuration(chip=None):
    """What ``cupti_counters`` collects (``settings.cupti_metrics``), see
    ``hardware_counters.cupti_configuration``"""
    return _hw.cupti_configuration(chip)
