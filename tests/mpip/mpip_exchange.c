/* Known MPI traffic between two ranks, for libtimemory-mpip's tests (check_mpip_output.cpp holds
 * the expected rows and bytes). Built twice: with timemory regions around each phase
 * (TIMEMORY_MPIP_REGIONS, linked against libtimemory-mpip), and as a plain MPI program that the
 * wrapper library is preloaded into. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef TIMEMORY_MPIP_REGIONS
#include "timemory/library.h"
#define PUSH(name) timemory_push_region(name)
#define POP(name) timemory_pop_region(name)
#else
#define PUSH(name) (void)0
#define POP(name) (void)0
#endif

enum { n_send = 1000, n_reduce = 64, n_bcast = 10, n_posted = 5, n_nonblocking = 3 };

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0;
    int size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size != 2) {
        fprintf(stderr, "mpip_exchange: run with 2 ranks, not %d\n", size);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    const int peer = 1 - rank;
    double* data = calloc(n_send, sizeof(double));
    double reduce_in[n_reduce] = {0};
    double reduce_out[n_reduce];
    int ints[n_bcast] = {0};
    int gathered[2];
    int sendbuf[n_nonblocking] = {1, 2, 3};
    int recvbuf[n_posted];

    PUSH("exchange"); /* N doubles from rank 0 to rank 1 */
    if (rank == 0) {
        MPI_Send(data, n_send, MPI_DOUBLE, 1, 7, MPI_COMM_WORLD);
    } else {
        MPI_Recv(data, n_send, MPI_DOUBLE, 0, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    POP("exchange");

    PUSH("collectives");
    MPI_Allreduce(reduce_in, reduce_out, n_reduce, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    MPI_Bcast(ints, n_bcast, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Gather(&rank, 1, MPI_INT, gathered, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    POP("collectives");

    PUSH("nonblocking"); /* posted for more than arrives: the bytes received are what arrived */
    MPI_Request requests[2];
    MPI_Irecv(recvbuf, n_posted, MPI_INT, peer, 9, MPI_COMM_WORLD, &requests[0]);
    MPI_Isend(sendbuf, n_nonblocking, MPI_INT, peer, 9, MPI_COMM_WORLD, &requests[1]);
    MPI_Waitall(2, requests, MPI_STATUSES_IGNORE);
    POP("nonblocking");

    PUSH("more"); /* the other wrapped calls; rank r contributes r + 1 ints to the v-variants */
    const int me = rank + 1;
    const int counts[2] = {1, 2};
    const int alltoallv_recv[2] = {counts[rank], counts[rank]};
    const int displs[2] = {0, 1};
    const int alltoallv_displs[2] = {0, 2};
    double pair_out[2] = {0, 0};
    double pair_in[2];
    int many[4] = {0, 0, 0, 0};
    int got[4];
    MPI_Sendrecv(pair_out, 2, MPI_DOUBLE, peer, 10, pair_in, 2, MPI_DOUBLE, peer, 10,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Reduce(reduce_in, reduce_out, n_reduce, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    MPI_Alltoall(many, 1, MPI_INT, got, 1, MPI_INT, MPI_COMM_WORLD);
    MPI_Alltoallv(many, counts, displs, MPI_INT, got, alltoallv_recv, alltoallv_displs, MPI_INT,
                  MPI_COMM_WORLD);
    MPI_Scatter(many, 1, MPI_INT, got, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Scatterv(many, counts, displs, MPI_INT, got, me, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Gatherv(many, me, MPI_INT, got, counts, displs, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Allgather(many, 1, MPI_INT, got, 1, MPI_INT, MPI_COMM_WORLD);
    MPI_Allgatherv(many, me, MPI_INT, got, counts, displs, MPI_INT, MPI_COMM_WORLD);
    for (int round = 0; round < 2; ++round) { /* one int each way, completed two ways */
        MPI_Irecv(&got[round], 1, MPI_INT, peer, 11, MPI_COMM_WORLD, &requests[0]);
        MPI_Isend(&many[round], 1, MPI_INT, peer, 11, MPI_COMM_WORLD, &requests[1]);
        if (round == 0) {
            MPI_Wait(&requests[0], MPI_STATUS_IGNORE);
            MPI_Wait(&requests[1], MPI_STATUS_IGNORE);
        } else {
            int index = 0;
            MPI_Waitany(2, requests, &index, MPI_STATUS_IGNORE);
            MPI_Waitany(2, requests, &index, MPI_STATUS_IGNORE);
        }
    }
    POP("more");

#ifdef TIMEMORY_MPIP_REGIONS
    timemory_finalize_library();
#endif
    free(data);
    MPI_Finalize();
    return 0;
}
