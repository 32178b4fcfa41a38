/* Finalize time of an MPI job: every rank records N distinct regions (the same names on every
 * rank, so the job has N distinct call paths), then times timemory_finalize_library(), which
 * combines the ranks (write_job_outputs) and has rank 0 write the job's files. Rank 0 prints the
 * slowest rank's finalize time.
 *
 *   mpirun --oversubscribe -np 4 build/bench/timemory-bench-mpi-finalize 10000
 */
#include <timemory/library.h>

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const long nodes = argc > 1 ? atol(argv[1]) : 1000;
    timemory_init_library(argc, argv);

    char name[64];
    timemory_push_region("root");
    for (long i = 0; i < nodes - 1; ++i) {
        snprintf(name, sizeof(name), "region_%ld", i);
        timemory_push_region(name);
        timemory_pop_region(name);
    }
    timemory_pop_region("root");

    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    timemory_finalize_library();
    const double mine = MPI_Wtime() - start;
    double slowest = 0.0;
    MPI_Reduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0) printf("ranks %d nodes %ld finalize %.3f s\n", size, nodes, slowest);
    MPI_Finalize();
    return 0;
}
