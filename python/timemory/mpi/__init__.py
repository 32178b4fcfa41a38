"""timemory.mpi: MPI helpers (re-exports timemory.mpi_support). This build has no MPI support:
``is_supported()`` returns False."""

from ..mpi_support import *  # noqa: F401,F403
from ..mpi_support import __all__  # noqa: F401
