"""timemory.roofline: roofline plots from the cpu_roofline / gpu_roofline components and ERT data.

This build has no roofline support: it has neither the roofline components nor the empirical
roofline toolkit (timemory.ert). ``available`` is False and the functions raise RuntimeError
saying so. Generic plots of any timemory .json output are in timemory.plotting.
"""

available = False
reason = ("this build has no roofline support (no cpu_roofline/gpu_roofline components, no "
          "empirical roofline toolkit)")

__all__ = ["available", "reason", "plot_roofline", "read_ert"]


def _unavailable(name):
    raise RuntimeError("timemory.roofline.{}: {}".format(name, reason))


def plot_roofline(*_args, **_kwargs):
    """Plot a roofline: raises RuntimeError (this build has no roofline support)"""
    _unavailable("plot_roofline")


def read_ert(*_args, **_kwargs):
    """Read ERT results: raises RuntimeError (this build has no roofline support)"""
    _unavailable("read_ert")
