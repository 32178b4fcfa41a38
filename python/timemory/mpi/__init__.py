"""timemory.mpi: rank, size and state of MPI as timemory sees it, plus timemory.mpi_support's
helpers.

timemory uses the MPI the process already has (``from mpi4py import MPI``, or an extension linked
with MPI); it never starts MPI itself unless ``TIMEMORY_MPI_INIT=ON``. Without MPI in use every
function answers for a job of one process: ``rank()`` 0, ``size()`` 1, ``is_initialized()``
False, and ``status()`` says why.

    from mpi4py import MPI
    import timemory
    print(timemory.mpi.rank(), timemory.mpi.size())
    timemory.finalize()   # rank 0 writes the results of every rank
"""

from ..mpi_support import *  # noqa: F401,F403
from ..mpi_support import __all__ as _support_all
from ..libs.libpytimemory import _mpi

__all__ = list(_support_all) + [
    "rank",
    "size",
    "barrier",
    "is_initialized",
    "is_finalized",
    "status",
    "library_version",
    "processor_name",
]


def rank():
    """MPI_COMM_WORLD rank of this process (0 without MPI)"""
    return _mpi.rank()


def size():
    """MPI_COMM_WORLD size (1 without MPI)"""
    return _mpi.size()


def barrier():
    """MPI_Barrier(MPI_COMM_WORLD); does nothing without MPI"""
    _mpi.barrier()


def is_initialized():
    """Whether MPI is initialized (MPI_Initialized)"""
    return _mpi.is_initialized()


def is_finalized():
    """Whether MPI is finalized (MPI_Finalized)"""
    return _mpi.is_finalized()


def status():
    """'' when timemory is bound to this process's MPI; otherwise why not (no MPI support in this
    build, no MPI library in the process yet, another MPI than timemory's, ...)"""
    return _mpi.status()


def library_version():
    """MPI_Get_library_version of the MPI in use ('' without it)"""
    return _mpi.library_version()


def processor_name():
    """MPI_Get_processor_name ('' unless MPI is initialized)"""
    return _mpi.processor_name()
