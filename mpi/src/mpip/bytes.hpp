// Bytes per MPI call: what the call's buffer arguments carry on this rank. Sent: the bytes of the
// send buffer(s) the call reads here; received: the bytes of the receive buffer(s) it writes here.
// So a rooted collective counts its gathered or scattered data on the root only, and Allreduce
// counts its count both ways. Receives count the message actually received (MPI_Get_count on the
// status), not the posted size; an Irecv counts at the Wait/Test that completes it.
#pragma once

#include "measure.hpp"

#include <mpi.h>

namespace tim::mpip {

/// count elements of `type`, in bytes (0 for MPI_DATATYPE_NULL or a failed query).
inline double bytes_of(MPI_Count count, MPI_Datatype type) noexcept {
    if (type == MPI_DATATYPE_NULL || count <= 0) return 0.0;
    int size = 0;
    if (PMPI_Type_size(type, &size) != MPI_SUCCESS) return 0.0;
    return static_cast<double>(count) * static_cast<double>(size);
}

/// Sum of counts[0..n) elements of `type`, in bytes.
inline double bytes_of(const int* counts, int n, MPI_Datatype type) noexcept {
    if (counts == nullptr) return 0.0;
    MPI_Count total = 0;
    for (int i = 0; i < n; ++i) total += counts[i];
    return bytes_of(total, type);
}

/// Bytes a completed receive wrote: its element count from the status times the type's size.
inline double received_bytes(const MPI_Status& status, MPI_Datatype type) noexcept {
    int count = 0;
    if (type == MPI_DATATYPE_NULL) return 0.0;
    if (PMPI_Get_count(&status, type, &count) != MPI_SUCCESS || count == MPI_UNDEFINED) return 0.0;
    return bytes_of(count, type);
}

/// Processes a collective exchanges with: the communicator's size, or the remote group's size on
/// an intercommunicator.
inline int peers(MPI_Comm comm) noexcept {
    int inter = 0;
    int n = 0;
    PMPI_Comm_test_inter(comm, &inter);
    if (inter) {
        PMPI_Comm_remote_size(comm, &n);
    } else {
        PMPI_Comm_size(comm, &n);
    }
    return n;
}

/// Whether this process is the root of a rooted collective.
inline bool is_root(int root, MPI_Comm comm) noexcept {
    if (root == MPI_ROOT) return true;
    if (root == MPI_PROC_NULL) return false;
    int inter = 0;
    PMPI_Comm_test_inter(comm, &inter);
    if (inter) return false;
    int rank = -1;
    PMPI_Comm_rank(comm, &rank);
    return rank == root;
}

/// Posted nonblocking receives, until the call that completes them: their datatypes, so that the
/// bytes received are counted then. Process-wide (a request may complete on another thread); a
/// completion with no receive pending costs one atomic load.
namespace pending_receives {
void add(MPI_Request request, MPI_Datatype type);
/// Whether any receive is pending (worth copying request handles before a completion call).
bool any() noexcept;
/// `request` (its handle before completion) completed with `status`: the bytes it received if it
/// was a pending receive, else 0.
double complete(MPI_Request request, const MPI_Status& status);
/// A new send request: drop a stale receive entry with the same handle (a receive completed by a
/// call that is not wrapped, whose handle MPI reuses).
void forget(MPI_Request request);
}  // namespace pending_receives

}  // namespace tim::mpip
