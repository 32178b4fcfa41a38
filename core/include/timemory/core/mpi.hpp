// MPI as the core sees it, without MPI headers or libmpi: the MPI plugin (libtimemory-mpi, mpi/)
// is loaded only when the process already has an MPI library (or settings.mpi_init asks timemory
// to start MPI), and publishes tim::mpi_service. Without it every function answers for a job of
// one process: rank 0, size 1, not initialized.
#pragma once

#include <string>

namespace tim::mpi {

/// The plugin is loaded and bound to the process's MPI library.
bool is_supported();
/// "" when is_supported(); otherwise why not (no MPI in this build, no libmpi in the process, a
/// different MPI than the plugin's, ...).
const std::string& status();

bool is_initialized();
bool is_finalized();
/// MPI_COMM_WORLD rank and size while MPI is initialized and not finalized; 0 and 1 otherwise.
int rank();
int size();
/// MPI_Barrier(MPI_COMM_WORLD); no-op without MPI.
void barrier();

/// MPI_Init or MPI_Init_thread as settings.mpi_thread / mpi_thread_type say, when MPI is not
/// initialized yet; false (with a log line) when it cannot.
bool init();
/// MPI_Finalize when MPI is initialized and not finalized yet.
bool finalize();

}  // namespace tim::mpi
