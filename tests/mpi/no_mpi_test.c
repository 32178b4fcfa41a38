/* A program that never uses MPI, linked against timemory only and run without mpirun: timemory
 * must not load its MPI plugin, nor libmpi, and MPI queries answer for one process. Exits 0 when
 * neither is mapped (/proc/self/maps), 1 otherwise. */
#include <timemory/library.h>

#include <stdio.h>
#include <string.h>

static int mapped(const char* name) {
    char line[4096];
    int found = 0;
    FILE* maps = fopen("/proc/self/maps", "r");
    if (!maps) return -1;
    while (fgets(line, sizeof(line), maps)) {
        if (strstr(line, name)) found = 1;
    }
    fclose(maps);
    return found;
}

int main(int argc, char** argv) {
    timemory_init_library(argc, argv);
    for (int i = 0; i < 50; ++i) {
        char name[32];
        snprintf(name, sizeof(name), "region_%d", i);
        timemory_push_region(name);
        timemory_pop_region(name);
    }
    timemory_finalize_library();
    const int libmpi = mapped("/libmpi");
    const int plugin = mapped("libtimemory-mpi");
    printf("libmpi mapped: %d, libtimemory-mpi mapped: %d\n", libmpi, plugin);
    return libmpi == 0 && plugin == 0 ? 0 : 1;
}
