// Fortran `use mpi` / mpif.h entry points (gfortran's names: mpi_send_): the Fortran MPI library
// calls PMPI_* itself, so the C wrappers never see Fortran calls. These forward to the Fortran
// library's pmpi_*_, found at first use (dlsym RTLD_NEXT: the library the program loaded after
// this one), so that libtimemory-mpip links no Fortran MPI library. `use mpi_f08` calls are not
// wrapped (their entry points are the mpi_*_f08 symbols).
#include "bytes.hpp"

#include "timemory/core/log.hpp"

#include <dlfcn.h>

using tim::mpip::bytes_of;
using tim::mpip::call;
using tim::mpip::call_scope;
using tim::mpip::wrapping;

namespace {

using fint = MPI_Fint;

// The next definition of `name` (the Fortran MPI library's), once.
void* next_symbol(const char* name) noexcept {
    void* symbol = ::dlsym(RTLD_NEXT, name);
    if (symbol == nullptr) {
        tim::log::error("libtimemory-mpip: ", name,
                        " not found (is the program's Fortran MPI library loaded?)");
    }
    return symbol;
}

template <typename F>
F* next(const char* name) noexcept {
    return reinterpret_cast<F*>(next_symbol(name));
}

// Whether the Fortran library's function was found; if not, the call fails with MPI_ERR_INTERN
// (next_symbol said why).
template <typename F>
bool found(F* real, fint* ierr) noexcept {
    if (real == nullptr) *ierr = MPI_ERR_INTERN;
    return real != nullptr;
}

// A Fortran status to read the received count from when the caller ignores it.
struct fortran_status {
    fint values[sizeof(MPI_Status) / sizeof(fint) + 8];
};

double received_bytes(const fint* status, MPI_Datatype type) noexcept {
    MPI_Status c_status;
    if (PMPI_Status_f2c(status, &c_status) != MPI_SUCCESS) return 0.0;
    return tim::mpip::received_bytes(c_status, type);
}

bool is_root(fint root, fint comm) noexcept {
    return tim::mpip::is_root(root, PMPI_Comm_f2c(comm));
}

}  // namespace

extern "C" {

void mpi_send_(void* buf, fint* count, fint* type, fint* dest, fint* tag, fint* comm, fint* ierr) {
    using fn = void(void*, fint*, fint*, fint*, fint*, fint*, fint*);
    static fn* const real = next<fn>("pmpi_send_");
    if (!found(real, ierr)) return;
    if (!wrapping(call::send)) return real(buf, count, type, dest, tag, comm, ierr);
    call_scope scope{call::send};
    real(buf, count, type, dest, tag, comm, ierr);
    if (*ierr == MPI_SUCCESS && *dest != MPI_PROC_NULL) {
        scope.sent(bytes_of(*count, PMPI_Type_f2c(*type)));
    }
}

void mpi_recv_(void* buf, fint* count, fint* type, fint* source, fint* tag, fint* comm,
               fint* status, fint* ierr) {
    using fn = void(void*, fint*, fint*, fint*, fint*, fint*, fint*, fint*);
    static fn* const real = next<fn>("pmpi_recv_");
    if (!found(real, ierr)) return;
    if (!wrapping(call::recv)) return real(buf, count, type, source, tag, comm, status, ierr);
    call_scope scope{call::recv};
    fortran_status local;
    fint* st = status == MPI_F_STATUS_IGNORE ? local.values : status;
    real(buf, count, type, source, tag, comm, st, ierr);
    if (*ierr == MPI_SUCCESS) scope.received(received_bytes(st, PMPI_Type_f2c(*type)));
}

void mpi_barrier_(fint* comm, fint* ierr) {
    using fn = void(fint*, fint*);
    static fn* const real = next<fn>("pmpi_barrier_");
    if (!found(real, ierr)) return;
    if (!wrapping(call::barrier)) return real(comm, ierr);
    call_scope scope{call::barrier};
    real(comm, ierr);
}

void mpi_bcast_(void* buf, fint* count, fint* type, fint* root, fint* comm, fint* ierr) {
    using fn = void(void*, fint*, fint*, fint*, fint*, fint*);
    static fn* const real = next<fn>("pmpi_bcast_");
    if (!found(real, ierr)) return;
    if (!wrapping(call::bcast)) return real(buf, count, type, root, comm, ierr);
    call_scope scope{call::bcast};
    real(buf, count, type, root, comm, ierr);
    if (*ierr == MPI_SUCCESS && *root != MPI_PROC_NULL) {
        const double bytes = bytes_of(*count, PMPI_Type_f2c(*type));
        if (is_root(*root, *comm)) {
            scope.sent(bytes);
        } else {
            scope.received(bytes);
        }
    }
}

void mpi_allreduce_(void* sendbuf, void* recvbuf, fint* count, fint* type, fint* op, fint* comm,
                    fint* ierr) {
    using fn = void(void*, void*, fint*, fint*, fint*, fint*, fint*);
    static fn* const real = next<fn>("pmpi_allreduce_");
    if (!found(real, ierr)) return;
    if (!wrapping(call::allreduce)) return real(sendbuf, recvbuf, count, type, op, comm, ierr);
    call_scope scope{call::allreduce};
    real(sendbuf, recvbuf, count, type, op, comm, ierr);
    if (*ierr == MPI_SUCCESS) {
        const double bytes = bytes_of(*count, PMPI_Type_f2c(*type));
        scope.sent(bytes);
        scope.received(bytes);
    }
}

}  // extern "C"
