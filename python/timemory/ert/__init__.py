"""timemory.ert: the empirical roofline toolkit (peak FLOP rates and bandwidths of this machine).

Not available yet: the ERT kernels and their roofline JSON come with the roofline/ERT issue.
``available`` is False and ``run()`` raises RuntimeError saying so.
"""

available = False
reason = "not available yet: the empirical roofline toolkit comes with the roofline/ERT issue"


def run(*_args, **_kwargs):
    """Run the ERT kernels: raises RuntimeError (not available yet)"""
    raise RuntimeError("timemory.ert: " + reason)
