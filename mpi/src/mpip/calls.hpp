// The MPI calls libtimemory-mpip wraps: one row of TIMEMORY_MPIP_CALLS per call, in the order of
// the `call` enumeration. The names are the row labels ("MPI_Send") and what
// TIMEMORY_MPIP_PERMIT_LIST / TIMEMORY_MPIP_REJECT_LIST name.
#pragma once

#include <cstddef>
#include <string_view>

#define TIMEMORY_MPIP_CALLS(X) \
    X(send, Send)              \
    X(recv, Recv)              \
    X(isend, Isend)            \
    X(irecv, Irecv)            \
    X(sendrecv, Sendrecv)      \
    X(wait, Wait)              \
    X(waitall, Waitall)        \
    X(waitany, Waitany)        \
    X(waitsome, Waitsome)      \
    X(test, Test)              \
    X(testall, Testall)        \
    X(testany, Testany)        \
    X(barrier, Barrier)        \
    X(bcast, Bcast)            \
    X(reduce, Reduce)          \
    X(allreduce, Allreduce)    \
    X(alltoall, Alltoall)      \
    X(alltoallv, Alltoallv)    \
    X(gather, Gather)          \
    X(gatherv, Gatherv)        \
    X(scatter, Scatter)        \
    X(scatterv, Scatterv)      \
    X(allgather, Allgather)    \
    X(allgatherv, Allgatherv)

namespace tim::mpip {

enum class call : unsigned {
#define TIMEMORY_MPIP_ENUM(lower, name) lower,
    TIMEMORY_MPIP_CALLS(TIMEMORY_MPIP_ENUM)
#undef TIMEMORY_MPIP_ENUM
        count
};

inline constexpr std::size_t call_count = static_cast<std::size_t>(call::count);

/// "MPI_Send" for call::send.
inline constexpr std::string_view call_names[call_count] = {
#define TIMEMORY_MPIP_NAME(lower, name) "MPI_" #name,
    TIMEMORY_MPIP_CALLS(TIMEMORY_MPIP_NAME)
#undef TIMEMORY_MPIP_NAME
};

}  // namespace tim::mpip
