"""timemory.roofline: roofline plots from the cpu_roofline / gpu_roofline components and ERT data.

Not available yet: the roofline components need hardware counters (PAPI/CUPTI) and the ERT,
which come with later issues. ``available`` is False and the functions raise RuntimeError
saying so. Generic plots of any timemory .json output are in timemory.plotting.
"""

available = False
reason = ("not available yet: roofline data needs the PAPI/CUPTI counters and the ERT that come "
          "with the hardware-counters and roofline issues")

__all__ = ["available", "reason", "plot_roofline", "read_ert"]


def _unavailable(name):
    raise RuntimeError("timemory.roofline.{}: {}".format(name, reason))


def plot_roofline(*_args, **_kwargs):
    """Plot a roofline: raises RuntimeError (not available yet)"""
    _unavailable("plot_roofline")


def read_ert(*_args, **_kwargs):
    """Read ERT results: raises RuntimeError (not available yet)"""
    _unavailable("read_ert")
