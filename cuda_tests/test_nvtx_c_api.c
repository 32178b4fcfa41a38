#define _POSIX_C_SOURCE 200809L /* getpid */
/* NVTX mirroring of C API regions, checked through the NVTX test tool (nvtx_injection/): ctest
 * runs this with NVTX_INJECTION64_PATH and TIMEMORY_NVTX_TEST_LOG set. The program pushes nested
 * regions and one out-of-order close, then reads the tool's log back and compares the events of
 * the "timemory" domain with what those regions must produce.
 * argv[1] is the output directory. */
#include <timemory/library.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_EVENTS 64

#include "c_check.h"

/* The log of this process: TIMEMORY_NVTX_TEST_LOG with "%p" replaced by the pid. */
static int log_path(char* out, size_t size) {
    const char* env = getenv("TIMEMORY_NVTX_TEST_LOG");
    if (env == NULL || *env == '\0') return 0;
    const char* at = strstr(env, "%p");
    if (at == NULL) {
        snprintf(out, size, "%s", env);
    } else {
        snprintf(out, size, "%.*s%ld%s", (int)(at - env), env, (long)getpid(), at + 2);
    }
    return 1;
}

/* Events of the "timemory" domain as "domain timemory", "register NAME", "push NAME", "pop". */
static int read_events(char events[][128], int max) {
    char path[4096];
    if (!log_path(path, sizeof(path))) return -1;
    FILE* f = fopen(path, "r");
    if (f == NULL) return -1;
    char line[512];
    int n = 0;
    while (n < max && fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        long tid = 0;
        char kind[32];
        char domain[64];
        int rest = 0;
        if (sscanf(line, "%ld %31s %n", &tid, kind, &rest) < 2) continue;
        const char* text = line + rest;
        if (strcmp(kind, "domain") == 0) {
            if (strcmp(text, "timemory") == 0) snprintf(events[n++], 128, "domain timemory");
            continue;
        }
        int after_domain = 0;
        if (sscanf(text, "%63s %n", domain, &after_domain) < 1) continue;
        if (strcmp(domain, "timemory") != 0) continue;
        text += after_domain;
        if (strcmp(kind, "push") == 0) {
            char color[16];
            int after_color = 0;
            if (sscanf(text, "%15s %n", color, &after_color) < 1) continue;
            snprintf(events[n++], 128, "push %s", text + after_color);
        } else if (strcmp(kind, "register") == 0) {
            snprintf(events[n++], 128, "register %s", text);
        } else if (strcmp(kind, "pop") == 0) {
            snprintf(events[n++], 128, "pop");
        }
    }
    fclose(f);
    return n;
}

int main(int argc, char** argv) {
    if (getenv("NVTX_INJECTION64_PATH") == NULL || getenv("TIMEMORY_NVTX_TEST_LOG") == NULL) {
        fprintf(stderr,
                "needs NVTX_INJECTION64_PATH and TIMEMORY_NVTX_TEST_LOG (ctest sets them)\n");
        return 1;
    }
    if (argc > 1) setenv("TIMEMORY_OUTPUT_PATH", argv[1], 1);
    timemory_init_library(argc, argv);
    /* nvtx_marker is accepted (timemory 3 lists name it) and adds no values. */
    CHECK(timemory_set_default("wall_clock,nvtx_marker") == 0);

    timemory_push_region("c_outer");
    timemory_push_region("c_inner");
    timemory_pop_region("c_inner");
    timemory_push_region("c_inner");
    timemory_pop_region("c_inner");
    timemory_push_region("c_a");
    timemory_push_region("c_b");
    timemory_pop_region("c_a"); /* out of order: c_b stays open */
    timemory_pop_region("c_b");
    timemory_pop_region("c_outer");

    static const char* expected[] = {
        "domain timemory",
        "register c_outer",
        "push c_outer",
        "register c_inner",
        "push c_inner",
        "pop",
        "push c_inner", /* again: its string is registered once */
        "pop",
        "register c_a",
        "push c_a",
        "register c_b",
        "push c_b",
        "pop",      /* c_a closes while c_b is open: pop c_b, */
        "pop",      /* pop c_a, */
        "push c_b", /* push c_b again */
        "pop",      /* c_b */
        "pop",      /* c_outer */
    };
    const int n_expected = (int)(sizeof(expected) / sizeof(expected[0]));
    char events[MAX_EVENTS][128];
    const int n = read_events(events, MAX_EVENTS);
    CHECK(n == n_expected);
    for (int i = 0; i < n && i < n_expected; ++i) {
        if (strcmp(events[i], expected[i]) != 0) {
            fprintf(stderr, "event %d: got '%s', expected '%s'\n", i, events[i], expected[i]);
            ++failures;
        }
    }
    if (n != n_expected) {
        fprintf(stderr, "got %d events:\n", n);
        for (int i = 0; i < n; ++i) fprintf(stderr, "  %s\n", events[i]);
    }

    timemory_finalize_library();
    if (failures == 0) printf("nvtx c api test: ok\n");
    return failures == 0 ? 0 : 1;
}
