// Output cost at scale: builds one call-graph shape through the C API, calls finalize and prints
// the time finalize took, the peak RSS and the size of every file written per node. A plain
// program (no Google Benchmark), so it runs wherever the library builds.
//
//     timemory-bench-output-scale distinct 200000   # 200,000 sibling regions under "main"
//     timemory-bench-output-scale deep 30000        # a forgotten pop in a loop: 30,000 levels
//     timemory-bench-output-scale recursive 5000    # balanced recursion 5,000 deep
//     timemory-bench-output-scale timeline 1000000  # 1e6 calls with timeline_profile on
//
// Files go to TIMEMORY_OUTPUT_PATH (default "output-scale"); the console table is off unless
// TIMEMORY_COUT_OUTPUT says otherwise.
#include "timemory/library.h"

#include <sys/resource.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

void recurse(long depth) {
    if (depth == 0) return;
    timemory_push_region("recursive");
    recurse(depth - 1);
    timemory_pop_region("recursive");
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s distinct|deep|recursive|timeline N\n", argv[0]);
        return 2;
    }
    const std::string shape = argv[1];
    const long n = std::strtol(argv[2], nullptr, 10);
    setenv("TIMEMORY_OUTPUT_PATH", "output-scale", 0);
    setenv("TIMEMORY_COUT_OUTPUT", "OFF", 0);
    if (shape == "timeline") setenv("TIMEMORY_TIMELINE_PROFILE", "ON", 1);
    timemory_init_library(argc, argv);
    timemory_set_default("wall_clock");

    const auto t0 = std::chrono::steady_clock::now();
    long nodes = n;
    if (shape == "distinct") {
        timemory_push_region("main");
        for (long i = 0; i < n; ++i) {
            const std::string label = "region_" + std::to_string(i);
            timemory_push_region(label.c_str());
            timemory_pop_region(label.c_str());
        }
        timemory_pop_region("main");
        nodes = n + 1;
    } else if (shape == "deep") {
        for (long i = 0; i < n; ++i) timemory_push_region("forgotten");  // never popped
    } else if (shape == "recursive") {
        recurse(n);
    } else if (shape == "timeline") {
        for (long i = 0; i < n; ++i) {
            timemory_push_region("call");
            timemory_pop_region("call");
        }
    } else {
        std::fprintf(stderr, "unknown shape '%s'\n", shape.c_str());
        return 2;
    }
    const auto t1 = std::chrono::steady_clock::now();
    const long rss_before = peak_rss_kib();
    timemory_finalize_library();
    const auto t2 = std::chrono::steady_clock::now();
    auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    std::printf(
        "shape=%s n=%ld measure=%.2fs finalize=%.2fs peak_rss=%ld MiB (%ld MiB before "
        "finalize)\n",
        shape.c_str(), n, secs(t0, t1), secs(t1, t2), peak_rss_kib() / 1024, rss_before / 1024);
    const char* dir = std::getenv("TIMEMORY_OUTPUT_PATH");
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto bytes = static_cast<double>(entry.file_size());
        std::printf("  %-32s %12.0f bytes %10.1f bytes/node\n", entry.path().filename().c_str(),
                    bytes, bytes / static_cast<double>(nodes));
    }
    return 0;
}
