/* An MPI program in C using timemory's C API, run under mpirun by tests/mpi.cmake. argv[1] is
 * the order of events:
 *   normal   MPI_Init, timemory init, regions, timemory finalize, MPI_Finalize
 *   hook     MPI_Init, timemory init, regions, MPI_Finalize (timemory finalizes inside it)
 *   late     timemory init, MPI_Init, regions, MPI_Finalize (a region opened after MPI_Init
 *            installs the hook)
 *   nohook   timemory init, regions, MPI_Init, MPI_Finalize, exit (timemory finalizes at exit,
 *            after MPI: each rank writes its own files)
 * Every rank pushes "per_rank" 3 times; rank 1 also pushes "only_rank_1" once. The output
 * directory comes from TIMEMORY_OUTPUT_PATH; check_mpi_outputs.py reads it back. */
#include <mpi.h>
#include <timemory/library.h>

#include <stdio.h>
#include <string.h>

static void regions(int rank) {
    timemory_push_region("main_region");
    for (int i = 0; i < 3; ++i) {
        timemory_push_region("per_rank");
        timemory_pop_region("per_rank");
    }
    if (rank == 1) {
        timemory_push_region("only_rank_1");
        timemory_pop_region("only_rank_1");
    }
    timemory_pop_region("main_region");
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "normal";
    int rank = 0;
    if (strcmp(mode, "late") == 0 || strcmp(mode, "nohook") == 0) {
        timemory_init_library(argc, argv);
        if (strcmp(mode, "nohook") == 0) regions(0); /* rank unknown yet: every rank as rank 0 */
        MPI_Init(&argc, &argv);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        if (strcmp(mode, "late") == 0) regions(rank);
        MPI_Finalize();
        return 0;
    }
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    timemory_init_library(argc, argv);
    regions(rank);
    if (strcmp(mode, "normal") == 0) timemory_finalize_library();
    MPI_Finalize();
    printf("mpi c test rank %d: done (%s)\n", rank, mode);
    return 0;
}
