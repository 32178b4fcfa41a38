"""timemory.mpi_support: MPI helpers.

In a build with MPI (``is_supported()`` is True) timemory combines the results of every rank of an
MPI job at ``timemory.finalize()`` (``from mpi4py import MPI`` before or after ``import timemory``;
Python's exit calls ``finalize()`` before mpi4py finalizes MPI). The info functions print the MPI
this build was configured with. Rank, size and state of MPI: timemory.mpi.
"""

import os as _os

__all__ = ["is_supported", "mpi_exe_info", "mpi_c_info", "mpi_cxx_info", "enable_mpip"]

_MESSAGE = "this build of timemory has no MPI support"


def is_supported():
    """Whether timemory has MPI support (timemory.has_mpi_support()): this build has the MPI
    plugin, which timemory loads once the process uses MPI"""
    from .. import has_mpi_support

    return has_mpi_support()


def _info(kind, key):
    from ..libs.libpytimemory import _mpi

    text = _mpi.build[key] if is_supported() else ""
    print("MPI {} info: {}".format(kind, text or _MESSAGE))


def mpi_exe_info():
    """Print the MPI launcher found at build time"""
    _info("executable", "exe")


def mpi_c_info():
    """Print the MPI C compiler settings found at build time"""
    _info("C", "c")


def mpi_cxx_info():
    """Print the MPI C++ compiler settings found at build time"""
    _info("C++", "cxx")


def enable_mpip(permit=[], reject=[]):
    """Wrap MPI calls with timemory components (sets TIMEMORY_MPIP_PERMIT_LIST / REJECT_LIST).
    Raises RuntimeError: not available without MPI support."""
    if permit:
        _os.environ["TIMEMORY_MPIP_PERMIT_LIST"] = ";".join(permit)
    if reject:
        _os.environ["TIMEMORY_MPIP_REJECT_LIST"] = ";".join(reject)
    raise RuntimeError("timemory.mpi_support.enable_mpip: " + _MESSAGE)
