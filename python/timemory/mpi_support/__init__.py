"""timemory.mpi_support: MPI helpers.

This build has no MPI support (``is_supported()`` is False): every process writes its own
results. The info functions say so and ``enable_mpip`` raises.
"""

import os as _os

__all__ = ["is_supported", "mpi_exe_info", "mpi_c_info", "mpi_cxx_info", "enable_mpip"]

_MESSAGE = "this build of timemory has no MPI support"


def is_supported():
    """Whether timemory has MPI support (timemory.has_mpi_support())"""
    from .. import has_mpi_support

    return has_mpi_support()


def _info(kind):
    print("MPI {} info: {}".format(kind, _MESSAGE))


def mpi_exe_info():
    """Print the MPI launcher used at build time"""
    _info("executable")


def mpi_c_info():
    """Print the MPI C compiler settings used at build time"""
    _info("C")


def mpi_cxx_info():
    """Print the MPI C++ compiler settings used at build time"""
    _info("C++")


def enable_mpip(permit=[], reject=[]):
    """Wrap MPI calls with timemory components (sets TIMEMORY_MPIP_PERMIT_LIST / REJECT_LIST).
    Raises RuntimeError: not available without MPI support."""
    if permit:
        _os.environ["TIMEMORY_MPIP_PERMIT_LIST"] = ";".join(permit)
    if reject:
        _os.environ["TIMEMORY_MPIP_REJECT_LIST"] = ";".join(reject)
    raise RuntimeError("timemory.mpi_support.enable_mpip: " + _MESSAGE)
