#define _POSIX_C_SOURCE 200809L /* setenv, fork, waitpid */
/* TIMEMORY_ENABLE_SIGNAL_HANDLER=ON through the C API: a child that called
 * timemory_init_library and is killed by SIGTERM (a batch scheduler at walltime) writes its
 * outputs, with the region still open, and dies of SIGTERM.
 * argv[1] is the output directory. */
#include <timemory/library.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c_check.h"

int main(int argc, char** argv) {
    const char* dir = argc > 1 ? argv[1] : "c-signal-output";
    char path[4096];
    snprintf(path, sizeof(path), "%s/wall.json", dir);
    remove(path);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child < 0) return 1;
    if (child == 0) {
        setenv("TIMEMORY_ENABLE_SIGNAL_HANDLER", "ON", 1);
        setenv("TIMEMORY_OUTPUT_PATH", dir, 1);
        setenv("TIMEMORY_COUT_OUTPUT", "OFF", 1);
        timemory_init_library(argc, argv);
        CHECK(timemory_set_default("wall_clock") == 0);
        timemory_push_region("cut-by-the-scheduler"); /* still open when the signal arrives */
        raise(SIGTERM);
        _exit(0); /* not reached: the handler re-raises with the default action */
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGTERM);
    CHECK(file_contains(path, "\"prefix\":\">>> cut-by-the-scheduler\""));
    if (failures == 0) printf("c signal test: ok\n");
    return failures == 0 ? 0 : 1;
}
