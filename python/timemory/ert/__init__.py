"""timemory.ert: the empirical roofline toolkit (peak FLOP rates and bandwidths of this machine).

This build has no empirical roofline toolkit: ``available`` is False and ``run()`` raises
RuntimeError saying so.
"""

available = False
reason = "this build has no empirical roofline toolkit (ERT kernels)"


def run(*_args, **_kwargs):
    """Run the ERT kernels: raises RuntimeError (this build has none)"""
    raise RuntimeError("timemory.ert: " + reason)
