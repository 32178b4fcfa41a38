// Downstream consumer of an installed timemory: the C API and the C++ scoped API, through
// nothing but find_package(timemory) and timemory::timemory. Exits 0 when both recorded.
#include <timemory/library.h>
#include <timemory/timemory.hpp>

#include <cstdio>
#include <string>

namespace {
volatile double sink = 0.0;

void work(int n) {
    for (int i = 0; i < n; ++i) sink = sink + static_cast<double>(i) * 0.5;
}

void scoped_work() {
    TIMEMORY_SCOPED("x", tim::component::wall_clock);
    work(100000);
}
}  // namespace

int main(int argc, char** argv) {
    timemory_init_library(argc, argv);
    if (timemory_set_default("wall_clock") != 0) {
        std::fprintf(stderr, "downstream: timemory_set_default(\"wall_clock\") failed\n");
        return 1;
    }

    timemory_push_region("downstream");
    work(100000);
    scoped_work();
    timemory_pop_region("downstream");

    // Both the C region and the C++ scope must be in the merged tree before finalize.
    bool saw_region = false;
    bool saw_scope = false;
    const auto tree = tim::collect_results();
    for (const auto& node : tree.nodes) {
        if (node.label == "downstream") saw_region = true;
        if (node.label == "x") saw_scope = true;
    }

    timemory_finalize_library();

    std::printf("downstream: region=%s scope=%s\n", saw_region ? "yes" : "no",
                saw_scope ? "yes" : "no");
    return (saw_region && saw_scope) ? 0 : 2;
}
