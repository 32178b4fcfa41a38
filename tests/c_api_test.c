#define _POSIX_C_SOURCE 200809L /* clock_gettime, setenv */
/* The C API compiled as C99: regions, default components (regions' and traces' apart), bad
 * input, finalize twice.
 * argv[1] is the output directory; the program checks the files it wrote. */
#include <timemory/library.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "c_check.h"

static void spin_ms(double ms) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do {
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6 < ms);
}

static long file_size(const char* path) {
    FILE* f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

int main(int argc, char** argv) {
    const char* dir = argc > 1 ? argv[1] : "c-api-output";
    setenv("TIMEMORY_OUTPUT_PATH", dir, 1);
    setenv("TIMEMORY_COUT_OUTPUT", "OFF", 1);
    timemory_init_library(argc, argv);

    CHECK(timemory_set_default("wall_clock,cpu_clock") == 0);
    CHECK(timemory_set_default("wall_clock,no_such_component") == -1); /* previous choice kept */
    CHECK(timemory_set_trace_default("peak_rss") == 0);                /* traces only */
    CHECK(timemory_set_trace_default("no_such_component") == -1);

    for (int i = 0; i < 3; ++i) {
        timemory_push_region("outer");
        timemory_push_region("inner");
        spin_ms(5);
        timemory_pop_region("inner");
        timemory_pop_region("outer");
    }
    timemory_pop_region("never-pushed"); /* one warning, nothing else */
    timemory_push_trace("traced");
    timemory_pop_trace("traced");
    CHECK(timemory_is_throttled("traced") == 0);

    timemory_finalize_library();
    timemory_finalize_library(); /* harmless */

    char path[4096];
    snprintf(path, sizeof(path), "%s/wall.json", dir);
    CHECK(file_size(path) > 0);
    snprintf(path, sizeof(path), "%s/cpu.txt", dir);
    CHECK(file_size(path) > 0);
    /* traces measured peak_rss alone, regions wall_clock and cpu_clock */
    snprintf(path, sizeof(path), "%s/peak_rss.txt", dir);
    CHECK(file_contains(path, "traced"));
    CHECK(!file_contains(path, "outer"));
    snprintf(path, sizeof(path), "%s/cpu.txt", dir);
    CHECK(file_contains(path, "outer"));
    CHECK(!file_contains(path, "traced"));
    snprintf(path, sizeof(path), "%s/wall.txt", dir);
    FILE* f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
        char line[1024];
        int outer = 0, inner = 0;
        while (fgets(line, sizeof(line), f)) {
            if (strstr(line, ">>> outer") && strstr(line, "|      3 |")) ++outer;
            if (strstr(line, ">>> |_inner") && strstr(line, "|      3 |")) ++inner;
        }
        fclose(f);
        CHECK(outer == 1);
        CHECK(inner == 1);
    }
    if (failures == 0) printf("c api test: all checks passed\n");
    return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
