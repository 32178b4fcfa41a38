/* Plain C consumer of an installed timemory, compiled with `pkg-config --cflags --libs timemory`.
 */
#include <timemory/library.h>

#include <stdio.h>

int main(int argc, char** argv) {
    volatile double sink = 0.0;
    timemory_init_library(argc, argv);
    if (timemory_set_default("wall_clock") != 0) return 1;
    timemory_push_region("pkgconfig");
    for (int i = 0; i < 100000; ++i) sink = sink + i * 0.5;
    timemory_pop_region("pkgconfig");
    timemory_finalize_library();
    printf("pkgconfig: ok\n");
    return 0;
}
