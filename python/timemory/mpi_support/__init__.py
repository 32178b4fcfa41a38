"""timemory.mpi_support: MPI helpers.

In a build with MPI (``is_supported()`` is True) timemory combines the results of every rank of an
MPI job at ``timemory.finalize()`` (``from mpi4py import MPI`` before or after ``import timemory``;
Python's exit calls ``finalize()`` before mpi4py finalizes MPI). The info functions print the MPI
this build was configured with. Rank, size and state of MPI: timemory.mpi.

``enable_mpip()`` measures MPI calls (libtimemory-mpip, built where MPI was found): each call is a
child row of the calling region, with the ``mpi_bytes`` component.
"""

import os as _os
import sys as _sys

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


_mpip = None  # the loaded wrapper library (ctypes.CDLL)


def _mapped_library(stem):
    """Path of a loaded library whose file name starts with ``stem`` ("libtimemory.so"), or None"""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split(None, 5)[-1].strip()
                if _os.path.basename(path).startswith(stem):
                    return path
    except OSError:
        pass
    return None


def _mpip_candidates():
    """Where libtimemory-mpip may be: beside the loaded libtimemory (the build tree or an
    installation), then in the package's libs folder (a pip installation)"""
    out = []
    core = _mapped_library("libtimemory.so")
    if core:
        name = _os.path.basename(core).replace("libtimemory.so", "libtimemory-mpip.so", 1)
        out.append(_os.path.join(_os.path.dirname(core), name))
        out.append(_os.path.join(_os.path.dirname(core), "libtimemory-mpip.so"))
    libs = _os.path.join(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))), "libs")
    if _os.path.isdir(libs):
        out.extend(sorted(_os.path.join(libs, f) for f in _os.listdir(libs)
                          if f.startswith("libtimemory-mpip.so")))
    return out


def enable_mpip(permit=[], reject=[]):
    """Measure MPI calls: load libtimemory-mpip so that every MPI call (Send, Recv, Isend, Irecv,
    Wait*, Test*, Bcast, Reduce, Allreduce, Alltoall(v), Gather(v), Scatter(v), Allgather(v),
    Barrier, Sendrecv) is a child row of the calling region, measured with
    ``settings.mpip_components`` (empty: the regions' components plus ``mpi_bytes``).

    ``permit`` / ``reject``: call names ("MPI_Send" or "send") to wrap only / not to wrap; they set
    TIMEMORY_MPIP_PERMIT_LIST / TIMEMORY_MPIP_REJECT_LIST, read when the library loads.

    Call it before ``from mpi4py import MPI``: mpi4py's calls bind to libmpi when it is imported,
    so after that they cannot be wrapped (RuntimeError). Returns the library's path.
    Raises RuntimeError when this build has no libtimemory-mpip (no MPI support)."""
    global _mpip
    import ctypes

    preloaded = _mapped_library("libtimemory-mpip.so")
    if _mpip is not None or preloaded:  # loaded before, or preloaded (LD_PRELOAD)
        return preloaded or _mpip._name
    if "mpi4py.MPI" in _sys.modules:
        raise RuntimeError(
            "timemory.mpi_support.enable_mpip: mpi4py.MPI is already imported, and the MPI calls "
            "made through it are bound to libmpi: they cannot be wrapped. Call enable_mpip() "
            "before `from mpi4py import MPI` (or preload libtimemory-mpip with LD_PRELOAD)")
    if permit:
        _os.environ["TIMEMORY_MPIP_PERMIT_LIST"] = ";".join(permit)
    if reject:
        _os.environ["TIMEMORY_MPIP_REJECT_LIST"] = ";".join(reject)
    candidates = _mpip_candidates()
    for path in candidates:
        if _os.path.exists(path):
            # RTLD_GLOBAL: mpi4py's extension, loaded later, binds its MPI_* to the wrappers.
            _mpip = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
            return path
    raise RuntimeError("timemory.mpi_support.enable_mpip: this build of timemory has no MPI "
                       "support (no libtimemory-mpip in {})".format(
                           ", ".join(sorted(set(_os.path.dirname(c) for c in candidates)))
                           or "the package"))
