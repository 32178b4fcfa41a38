// The table of functions the MPI plugin (libtimemory-mpi, mpi/src/plugin/) publishes under the
// service name "mpi" (tim::plugins::publish). It is free of MPI types on purpose: the core, which
// never includes mpi.h, calls MPI only through it. Handles stay inside the plugin (OpenMPI's are
// pointers, MPICH's integers), so one core works with a plugin built against either.
#pragma once

#include <cstddef>

namespace tim {

/// Thread levels of mpi_service::init, in MPI's order (MPI_THREAD_SINGLE ... MPI_THREAD_MULTIPLE).
enum class mpi_thread_level : int { single = 0, funneled = 1, serialized = 2, multiple = 3 };

struct mpi_service {
    /// mpi_service_version when the layout below is the one this core was built with.
    int version;
    /// The MPI library the plugin was built against, as the loader checks it: the soname
    /// ("libmpi.so.40") and the start of MPI_Get_library_version's text ("Open MPI", "MPICH").
    const char* library;
    const char* vendor;

    // Every int below is 1/0 for yes/no, or 0 for success (MPI_SUCCESS) and non-zero on error.
    int (*initialized)();
    int (*finalized)();
    int (*rank)();  ///< MPI_COMM_WORLD
    int (*size)();
    int (*barrier)();
    /// MPI_Init (thread_level < 0) or MPI_Init_thread(thread_level); *provided gets the level.
    int (*init)(int thread_level, int* provided);
    int (*finalize)();
    /// MPI_Get_library_version / MPI_Get_processor_name into buffer; the length written.
    int (*library_version)(char* buffer, int capacity);
    int (*processor_name)(char* buffer, int capacity);
    /// Run `hook` inside MPI_Finalize, while MPI still works (an attribute on MPI_COMM_SELF whose
    /// delete callback calls it). Once per process; 0 on success (also when already installed).
    int (*add_finalize_hook)(void (*hook)());

    // Point-to-point bytes on MPI_COMM_WORLD with the plugin's own tag, for tim::rank_channel.
    /// Starts sending a copy of `bytes` bytes to rank `dest` (MPI_Isend); nullptr on error.
    void* (*send_start)(int dest, const void* data, std::size_t bytes);
    /// 1 once the send completed (the request is gone), 0 while pending, -1 on error (gone).
    int (*send_test)(void* request);
    /// Gives up a pending send (MPI_Cancel); its buffer is kept, as MPI may still read it.
    void (*send_abandon)(void* request);
    /// Size in bytes of the next message from rank `source` (MPI_Iprobe), or -1 when none waits.
    long long (*probe)(int source);
    /// Receives that message (MPI_Recv) into data, which holds `bytes` bytes; 0 on success.
    int (*receive)(int source, void* data, std::size_t bytes);
};

inline constexpr int mpi_service_version = 1;

}  // namespace tim
