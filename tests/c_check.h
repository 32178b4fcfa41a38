/* CHECK(cond) for the plain-C test programs (tests/c_api_test.c, tests/c_signal_test.c,
 * cuda_tests/test_nvtx_c_api.c): a failed condition is printed with its file and line and
 * counted in `failures`, and the program ends with `return failures == 0 ? 0 : 1;`. Included
 * once, by the program's only file. file_contains() reads back what the program wrote. */
#ifndef TIMEMORY_TESTS_C_CHECK_H
#define TIMEMORY_TESTS_C_CHECK_H

#include <stdio.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                              \
        }                                                                            \
    } while (0)

/* 1 if a line of the file contains text. */
static inline int file_contains(const char* path, const char* text) {
    FILE* f = fopen(path, "r");
    if (!f) return 0;
    char line[1024];
    int found = 0;
    while (!found && fgets(line, sizeof(line), f)) found = strstr(line, text) != NULL;
    fclose(f);
    return found;
}

#endif
