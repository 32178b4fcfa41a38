// The C MPI_* entry points of libtimemory-mpip: each forwards to PMPI_* inside a call_scope (a
// child row of the calling region) and counts the bytes its buffers carry (bytes.hpp). Linked
// before libmpi, or preloaded, these definitions are the ones the program's calls reach.
#include "bytes.hpp"

#include <vector>

using tim::mpip::bytes_of;
using tim::mpip::call;
using tim::mpip::call_scope;
using tim::mpip::received_bytes;
using tim::mpip::wrapping;
namespace pending = tim::mpip::pending_receives;

namespace {

// Request handles before a completion call (MPI sets completed ones to MPI_REQUEST_NULL), kept
// only while some receive is pending; statuses to read the counts from when the caller ignores
// them.
thread_local std::vector<MPI_Request> t_requests;
thread_local std::vector<MPI_Status> t_statuses;

const MPI_Request* keep_handles(int n, const MPI_Request* requests) {
    if (n <= 0 || !pending::any()) return nullptr;
    t_requests.assign(requests, requests + n);
    return t_requests.data();
}

MPI_Status* statuses_for(int n, MPI_Status* statuses, bool needed) {
    if (!needed || statuses != MPI_STATUSES_IGNORE || n <= 0) return statuses;
    t_statuses.resize(static_cast<std::size_t>(n));
    return t_statuses.data();
}

// The part a process plays in a rooted collective.
enum class role { root, member, none };
role role_of(int root, MPI_Comm comm, int* rank = nullptr) {
    if (root == MPI_ROOT) return role::root;  // root group of an intercommunicator
    if (root == MPI_PROC_NULL) return role::none;
    int inter = 0;
    PMPI_Comm_test_inter(comm, &inter);
    if (inter) return role::member;
    int me = -1;
    PMPI_Comm_rank(comm, &me);
    if (rank != nullptr) *rank = me;
    return me == root ? role::root : role::member;
}

int rank_in(MPI_Comm comm) {
    int rank = 0;
    PMPI_Comm_rank(comm, &rank);
    return rank;
}

}  // namespace

extern "C" {

// ---- point to point -------------------------------------------------------------------------

int MPI_Send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm) {
    if (!wrapping(call::send)) return PMPI_Send(buf, count, type, dest, tag, comm);
    call_scope scope{call::send};
    const int rc = PMPI_Send(buf, count, type, dest, tag, comm);
    if (rc == MPI_SUCCESS && dest != MPI_PROC_NULL) scope.sent(bytes_of(count, type));
    return rc;
}

int MPI_Recv(void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
             MPI_Status* status) {
    if (!wrapping(call::recv)) return PMPI_Recv(buf, count, type, source, tag, comm, status);
    call_scope scope{call::recv};
    MPI_Status local;
    MPI_Status* st = status == MPI_STATUS_IGNORE ? &local : status;
    const int rc = PMPI_Recv(buf, count, type, source, tag, comm, st);
    if (rc == MPI_SUCCESS) scope.received(received_bytes(*st, type));
    return rc;
}

int MPI_Isend(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
              MPI_Request* request) {
    if (!wrapping(call::isend)) return PMPI_Isend(buf, count, type, dest, tag, comm, request);
    call_scope scope{call::isend};
    const int rc = PMPI_Isend(buf, count, type, dest, tag, comm, request);
    if (rc == MPI_SUCCESS) {
        pending::forget(*request);
        if (dest != MPI_PROC_NULL) scope.sent(bytes_of(count, type));
    }
    return rc;
}

int MPI_Irecv(void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
              MPI_Request* request) {
    if (!wrapping(call::irecv)) return PMPI_Irecv(buf, count, type, source, tag, comm, request);
    call_scope scope{call::irecv};
    const int rc = PMPI_Irecv(buf, count, type, source, tag, comm, request);
    if (rc == MPI_SUCCESS) pending::add(*request, type);  // counted when it completes
    return rc;
}

int MPI_Sendrecv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,
                 void* recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag,
                 MPI_Comm comm, MPI_Status* status) {
    if (!wrapping(call::sendrecv)) {
        return PMPI_Sendrecv(sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount,
                             recvtype, source, recvtag, comm, status);
    }
    call_scope scope{call::sendrecv};
    MPI_Status local;
    MPI_Status* st = status == MPI_STATUS_IGNORE ? &local : status;
    const int rc = PMPI_Sendrecv(sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount,
                                 recvtype, source, recvtag, comm, st);
    if (rc == MPI_SUCCESS) {
        if (dest != MPI_PROC_NULL) scope.sent(bytes_of(sendcount, sendtype));
        scope.received(received_bytes(*st, recvtype));
    }
    return rc;
}

// ---- completion: receives posted by MPI_Irecv count here ---------------------------------------

int MPI_Wait(MPI_Request* request, MPI_Status* status) {
    if (!wrapping(call::wait)) return PMPI_Wait(request, status);
    call_scope scope{call::wait};
    const MPI_Request before = *request;
    MPI_Status local;
    MPI_Status* st = status == MPI_STATUS_IGNORE ? &local : status;
    const int rc = PMPI_Wait(request, st);
    if (rc == MPI_SUCCESS) scope.received(pending::complete(before, *st));
    return rc;
}

int MPI_Waitall(int count, MPI_Request requests[], MPI_Status statuses[]) {
    if (!wrapping(call::waitall)) return PMPI_Waitall(count, requests, statuses);
    call_scope scope{call::waitall};
    const MPI_Request* before = keep_handles(count, requests);
    MPI_Status* st = statuses_for(count, statuses, before != nullptr);
    const int rc = PMPI_Waitall(count, requests, st);
    if (rc == MPI_SUCCESS && before != nullptr) {
        for (int i = 0; i < count; ++i) scope.received(pending::complete(before[i], st[i]));
    }
    return rc;
}

int MPI_Waitany(int count, MPI_Request requests[], int* index, MPI_Status* status) {
    if (!wrapping(call::waitany)) return PMPI_Waitany(count, requests, index, status);
    call_scope scope{call::waitany};
    const MPI_Request* before = keep_handles(count, requests);
    MPI_Status local;
    MPI_Status* st = status == MPI_STATUS_IGNORE ? &local : status;
    const int rc = PMPI_Waitany(count, requests, index, st);
    if (rc == MPI_SUCCESS && before != nullptr && *index >= 0 && *index < count) {
        scope.received(pending::complete(before[*index], *st));
    }
    return rc;
}

int MPI_Waitsome(int incount, MPI_Request requests[], int* outcount, int indices[],
                 MPI_Status statuses[]) {
    if (!wrapping(call::waitsome)) {
        return PMPI_Waitsome(incount, requests, outcount, indices, statuses);
    }
    call_scope scope{call::waitsome};
    const MPI_Request* before = keep_handles(incount, requests);
    MPI_Status* st = statuses_for(incount, statuses, before != nullptr);
    const int rc = PMPI_Waitsome(incount, requests, outcount, indices, st);
    if (rc == MPI_SUCCESS && before != nullptr && *outcount != MPI_UNDEFINED) {
        for (int k = 0; k < *outcount; ++k) {
            scope.received(pending::complete(before[indices[k]], st[k]));
        }
    }
    return rc;
}

int MPI_Test(MPI_Request* request, int* flag, MPI_Status* status) {
    if (!wrapping(call::test)) return PMPI_Test(request, flag, status);
    call_scope scope{call::test};
    const MPI_Request before = *request;
    MPI_Status local;
    MPI_Status* st = status == MPI_STATUS_IGNORE ? &local : status;
    const int rc = PMPI_Test(request, flag, st);
    if (rc == MPI_SUCCESS && *flag) scope.received(pending::complete(before, *st));
    return rc;
}

int MPI_Testall(int count, MPI_Request requests[], int* flag, MPI_Status statuses[]) {
    if (!wrapping(call::testall)) return PMPI_Testall(count, requests, flag, statuses);
    call_scope scope{call::testall};
    const MPI_Request* before = keep_handles(count, requests);
    MPI_Status* st = statuses_for(count, statuses, before != nullptr);
    const int rc = PMPI_Testall(count, requests, flag, st);
    if (rc == MPI_SUCCESS && *flag && before != nullptr) {
        for (int i = 0; i < count; ++i) scope.received(pending::complete(before[i], st[i]));
    }
    return rc;
}

int MPI_Testany(int count, MPI_Request requests[], int* index, int* flag, MPI_Status* status) {
    if (!wrapping(call::testany)) return PMPI_Testany(count, requests, index, flag, status);
    call_scope scope{call::testany};
    const MPI_Request* before = keep_handles(count, requests);
    MPI_Status local;
    MPI_Status* st = status == MPI_STATUS_IGNORE ? &local : status;
    const int rc = PMPI_Testany(count, requests, index, flag, st);
    if (rc == MPI_SUCCESS && *flag && before != nullptr && *index >= 0 && *index < count) {
        scope.received(pending::complete(before[*index], *st));
    }
    return rc;
}

// ---- collectives ----------------------------------------------------------------------------

int MPI_Barrier(MPI_Comm comm) {
    if (!wrapping(call::barrier)) return PMPI_Barrier(comm);
    call_scope scope{call::barrier};
    return PMPI_Barrier(comm);
}

int MPI_Bcast(void* buf, int count, MPI_Datatype type, int root, MPI_Comm comm) {
    if (!wrapping(call::bcast)) return PMPI_Bcast(buf, count, type, root, comm);
    call_scope scope{call::bcast};
    const int rc = PMPI_Bcast(buf, count, type, root, comm);
    if (rc == MPI_SUCCESS) {
        switch (role_of(root, comm)) {
            case role::root:
                scope.sent(bytes_of(count, type));
                break;
            case role::member:
                scope.received(bytes_of(count, type));
                break;
            case role::none:
                break;
        }
    }
    return rc;
}

int MPI_Reduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype type, MPI_Op op,
               int root, MPI_Comm comm) {
    if (!wrapping(call::reduce)) return PMPI_Reduce(sendbuf, recvbuf, count, type, op, root, comm);
    call_scope scope{call::reduce};
    const int rc = PMPI_Reduce(sendbuf, recvbuf, count, type, op, root, comm);
    if (rc == MPI_SUCCESS) {
        const double bytes = bytes_of(count, type);
        const role r = role_of(root, comm);
        // Every member of the sending group contributes; the root of an intracommunicator too.
        if (r == role::member || (r == role::root && root != MPI_ROOT)) scope.sent(bytes);
        if (r == role::root) scope.received(bytes);
    }
    return rc;
}

int MPI_Allreduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype type, MPI_Op op,
                  MPI_Comm comm) {
    if (!wrapping(call::allreduce)) return PMPI_Allreduce(sendbuf, recvbuf, count, type, op, comm);
    call_scope scope{call::allreduce};
    const int rc = PMPI_Allreduce(sendbuf, recvbuf, count, type, op, comm);
    if (rc == MPI_SUCCESS) {
        scope.sent(bytes_of(count, type));
        scope.received(bytes_of(count, type));
    }
    return rc;
}

int MPI_Alltoall(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                 int recvcount, MPI_Datatype recvtype, MPI_Comm comm) {
    if (!wrapping(call::alltoall)) {
        return PMPI_Alltoall(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
    }
    call_scope scope{call::alltoall};
    const int rc = PMPI_Alltoall(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
    if (rc == MPI_SUCCESS) {
        const MPI_Count n = tim::mpip::peers(comm);
        const double received = bytes_of(n * recvcount, recvtype);
        scope.sent(sendbuf == MPI_IN_PLACE ? received : bytes_of(n * sendcount, sendtype));
        scope.received(received);
    }
    return rc;
}

int MPI_Alltoallv(const void* sendbuf, const int sendcounts[], const int sdispls[],
                  MPI_Datatype sendtype, void* recvbuf, const int recvcounts[], const int rdispls[],
                  MPI_Datatype recvtype, MPI_Comm comm) {
    if (!wrapping(call::alltoallv)) {
        return PMPI_Alltoallv(sendbuf, sendcounts, sdispls, sendtype, recvbuf, recvcounts, rdispls,
                              recvtype, comm);
    }
    call_scope scope{call::alltoallv};
    const int rc = PMPI_Alltoallv(sendbuf, sendcounts, sdispls, sendtype, recvbuf, recvcounts,
                                  rdispls, recvtype, comm);
    if (rc == MPI_SUCCESS) {
        const int n = tim::mpip::peers(comm);
        const double received = bytes_of(recvcounts, n, recvtype);
        scope.sent(sendbuf == MPI_IN_PLACE ? received : bytes_of(sendcounts, n, sendtype));
        scope.received(received);
    }
    return rc;
}

int MPI_Gather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
               int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm) {
    if (!wrapping(call::gather)) {
        return PMPI_Gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm);
    }
    call_scope scope{call::gather};
    const int rc =
        PMPI_Gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm);
    if (rc == MPI_SUCCESS) {
        const role r = role_of(root, comm);
        if (r == role::root) {
            scope.received(bytes_of(MPI_Count{tim::mpip::peers(comm)} * recvcount, recvtype));
        }
        if (r == role::member || (r == role::root && root != MPI_ROOT)) {
            scope.sent(sendbuf == MPI_IN_PLACE ? bytes_of(recvcount, recvtype)
                                               : bytes_of(sendcount, sendtype));
        }
    }
    return rc;
}

int MPI_Gatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,
                MPI_Comm comm) {
    if (!wrapping(call::gatherv)) {
        return PMPI_Gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype,
                            root, comm);
    }
    call_scope scope{call::gatherv};
    const int rc = PMPI_Gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype,
                                root, comm);
    if (rc == MPI_SUCCESS) {
        int rank = 0;
        const role r = role_of(root, comm, &rank);
        if (r == role::root) {
            scope.received(bytes_of(recvcounts, tim::mpip::peers(comm), recvtype));
        }
        if (r == role::member || (r == role::root && root != MPI_ROOT)) {
            scope.sent(sendbuf == MPI_IN_PLACE ? bytes_of(recvcounts[rank], recvtype)
                                               : bytes_of(sendcount, sendtype));
        }
    }
    return rc;
}

int MPI_Scatter(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm) {
    if (!wrapping(call::scatter)) {
        return PMPI_Scatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm);
    }
    call_scope scope{call::scatter};
    const int rc =
        PMPI_Scatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm);
    if (rc == MPI_SUCCESS) {
        const role r = role_of(root, comm);
        if (r == role::root) {
            scope.sent(bytes_of(MPI_Count{tim::mpip::peers(comm)} * sendcount, sendtype));
        }
        if (r == role::member || (r == role::root && root != MPI_ROOT)) {
            scope.received(recvbuf == MPI_IN_PLACE ? bytes_of(sendcount, sendtype)
                                                   : bytes_of(recvcount, recvtype));
        }
    }
    return rc;
}

int MPI_Scatterv(const void* sendbuf, const int sendcounts[], const int displs[],
                 MPI_Datatype sendtype, void* recvbuf, int recvcount, MPI_Datatype recvtype,
                 int root, MPI_Comm comm) {
    if (!wrapping(call::scatterv)) {
        return PMPI_Scatterv(sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount, recvtype,
                             root, comm);
    }
    call_scope scope{call::scatterv};
    const int rc = PMPI_Scatterv(sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount,
                                 recvtype, root, comm);
    if (rc == MPI_SUCCESS) {
        int rank = 0;
        const role r = role_of(root, comm, &rank);
        if (r == role::root) scope.sent(bytes_of(sendcounts, tim::mpip::peers(comm), sendtype));
        if (r == role::member || (r == role::root && root != MPI_ROOT)) {
            scope.received(recvbuf == MPI_IN_PLACE ? bytes_of(sendcounts[rank], sendtype)
                                                   : bytes_of(recvcount, recvtype));
        }
    }
    return rc;
}

int MPI_Allgather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                  int recvcount, MPI_Datatype recvtype, MPI_Comm comm) {
    if (!wrapping(call::allgather)) {
        return PMPI_Allgather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
    }
    call_scope scope{call::allgather};
    const int rc = PMPI_Allgather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
    if (rc == MPI_SUCCESS) {
        scope.sent(sendbuf == MPI_IN_PLACE ? bytes_of(recvcount, recvtype)
                                           : bytes_of(sendcount, sendtype));
        scope.received(bytes_of(MPI_Count{tim::mpip::peers(comm)} * recvcount, recvtype));
    }
    return rc;
}

int MPI_Allgatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                   const int recvcounts[], const int displs[], MPI_Datatype recvtype,
                   MPI_Comm comm) {
    if (!wrapping(call::allgatherv)) {
        return PMPI_Allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype,
                               comm);
    }
    call_scope scope{call::allgatherv};
    const int rc =
        PMPI_Allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, comm);
    if (rc == MPI_SUCCESS) {
        scope.sent(sendbuf == MPI_IN_PLACE ? bytes_of(recvcounts[rank_in(comm)], recvtype)
                                           : bytes_of(sendcount, sendtype));
        scope.received(bytes_of(recvcounts, tim::mpip::peers(comm), recvtype));
    }
    return rc;
}

}  // extern "C"
