#define _POSIX_C_SOURCE 200809L /* clock_gettime, setenv */
/* The C API compiled as C99: regions, default components (regions' and traces' apart), bad
 * input (unknown names, empty lists: -1 and one warning each), finalize twice.
 * argv[1] is the output directory; the program checks the files it wrote. */
#include <timemory/library.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcntl.h>
#include <unistd.h>

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

/* stderr goes to a file between begin_capture() and end_capture(), which returns the number of
 * timemory warnings written meanwhile. */
static int saved_stderr = -1;
static char capture_path[4096];

static void begin_capture(const char* dir) {
    snprintf(capture_path, sizeof(capture_path), "%s-stderr.txt", dir);
    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    int fd = open(capture_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDERR_FILENO);
    close(fd);
}

static int end_capture(void) {
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    FILE* f = fopen(capture_path, "r");
    if (!f) return -1;
    char line[8192];
    int warnings = 0;
    while (fgets(line, sizeof(line), f)) {
        /* the settings' warnings and the library's */
        warnings += strstr(line, "[timemory] warning:") || strstr(line, "[timemory][warning]");
    }
    fclose(f);
    return warnings;
}

int main(int argc, char** argv) {
    const char* dir = argc > 1 ? argv[1] : "c-api-output";
    setenv("TIMEMORY_OUTPUT_PATH", dir, 1);
    setenv("TIMEMORY_COUT_OUTPUT", "OFF", 1);
    /* Bad settings: a misspelt name costs only itself, a list that names nothing passes to the
     * next in the chain (traces: TRACE_COMPONENTS, then COMPONENTS), a negative max_depth keeps
     * the default; one warning each, though both sets read the chain. */
    setenv("TIMEMORY_COMPONENTS", "wall_clok,cpu_clock", 1);
    setenv("TIMEMORY_TRACE_COMPONENTS", " , ", 1);
    setenv("TIMEMORY_MAX_DEPTH", "-1", 1);
    begin_capture(dir);
    timemory_init_library(argc, argv);
    timemory_push_region("env-region");
    timemory_pop_region("env-region");
    timemory_push_trace("env-trace");
    timemory_pop_trace("env-trace");
    CHECK(end_capture() == 3);
    CHECK(file_contains(capture_path,
                        "TIMEMORY_COMPONENTS=\"wall_clok,cpu_clock\": unknown "
                        "component 'wall_clok' (did you mean 'wall_clock'?); "
                        "measuring cpu_clock"));
    CHECK(file_contains(capture_path, "TIMEMORY_TRACE_COMPONENTS=\" , \": names no component"));
    CHECK(file_contains(capture_path, "TIMEMORY_MAX_DEPTH=\"-1\" is outside the valid range"));

    /* A misspelt name costs only itself: cpu_clock is measured, one warning, -1. */
    begin_capture(dir);
    CHECK(timemory_set_default("wall_clok,cpu_clock") == -1);
    CHECK(end_capture() == 1);
    CHECK(file_contains(capture_path, "'wall_clok' (did you mean 'wall_clock'"));
    timemory_push_region("after-typo");
    timemory_pop_region("after-typo");

    CHECK(timemory_set_default("wall_clock,cpu_clock") == 0);
    /* Lists that name nothing, or nothing known: -1, one warning each, the previous choice stays */
    const char* empty[] = {"", NULL, ",,,", " ; ", "no_such_component"};
    for (int i = 0; i < 5; ++i) {
        begin_capture(dir);
        CHECK(timemory_set_default(empty[i]) == -1);
        CHECK(end_capture() == 1);
        CHECK(file_contains(capture_path, "the previous choice stays"));
    }
    CHECK(timemory_set_trace_default("peak_rss") == 0); /* traces only */
    CHECK(timemory_set_trace_default("no_such_component") == -1);
    CHECK(timemory_set_trace_default(",,,") == -1);

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
    CHECK(file_contains(path, "after-typo"));
    CHECK(file_contains(path, "env-region"));
    CHECK(file_contains(path, "env-trace"));
    CHECK(!file_contains(path, "traced"));
    snprintf(path, sizeof(path), "%s/wall.txt", dir);
    CHECK(!file_contains(path, "after-typo"));
    CHECK(!file_contains(path, "env-region"));
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
