// MPI as the core sees it, without MPI headers or libmpi: the MPI plugin (libtimemory-mpi, mpi/)
// is loaded only when the process already has an MPI library (or settings.mpi_init asks timemory
// to start MPI), and publishes tim::mpi_service. Without it every function answers for a job of
// one process: rank 0, size 1, not initialized. docs/mpi.md describes the rules.
#pragma once

#include "timemory/core/rank_channel.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tim::mpi {

/// This build has the MPI plugin and it is where the core loads it from (libtimemory's directory,
/// or TIMEMORY_MPI_PLUGIN): MPI is supported once the process has its MPI library.
bool is_available();
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

/// MPI_Get_library_version's text of the MPI in use ("" without the plugin).
std::string library_version();
/// MPI_Get_processor_name ("" unless MPI is initialized and not finalized).
std::string processor_name();

/// A tim::rank_channel over MPI_COMM_WORLD (its own tag, every call bounded by its timeout);
/// nullptr unless MPI is initialized and not finalized.
std::unique_ptr<rank_channel> channel();

/// Makes timemory finalize inside MPI_Finalize (while MPI still works), so that a program that
/// calls MPI_Finalize before timemory's finalize still gets its ranks combined. True once
/// installed; false while MPI is not initialized (or already finalized).
bool install_finalize_hook();

}  // namespace tim::mpi

namespace tim::mpi::detail {

/// An MPI library found in the process: its soname and MPI_Get_library_version's text.
struct found_library {
    std::string soname;
    std::string version;
};

/// Whether the plugin, built against `plugin_library` (a soname) of `plugin_vendor`, may be loaded
/// into a process that has the MPI libraries `present`: "" yes; otherwise why not. `wrong` is set
/// when the reason is another MPI than the plugin's (loading it would bring in a second MPI).
/// With no MPI in the process, only `init_requested` (settings.mpi_init) loads it.
std::string load_decision(const std::vector<found_library>& present,
                          std::string_view plugin_library, std::string_view plugin_vendor,
                          bool init_requested, bool* wrong = nullptr);

/// The thread level named by settings.mpi_thread_type ("" is multiple): 0 single, 1 funneled,
/// 2 serialized, 3 multiple; std::nullopt for any other text.
std::optional<int> thread_level(std::string_view name);

/// From the call graph's slow path (a new node): installs the finalize hook once MPI is up,
/// looking at most every few milliseconds, from the process's main thread only.
void notice_new_node() noexcept;

/// Rank and size of the job as last seen while MPI was up, else from the launcher's environment
/// (OMPI_COMM_WORLD_RANK/SIZE, PMI_RANK/SIZE, SLURM_PROCID/NTASKS); 0 and 1 when unknown.
int last_rank();
int last_size();

/// Timemory's init started MPI (settings.mpi_init), so its finalize ends it.
bool started_by_timemory();

}  // namespace tim::mpi::detail
