// A C++ MPI program run under a real mpirun by tests/mpi.cmake; check_mpi_job.py reads back what
// rank 0 (or every rank) wrote. argv[1] is the mode:
//   sleep     every rank runs "sleeper", which sleeps rank x 50 ms
//   workers   each rank starts 3 threads, each pushing "worker" 5 times
//   only1     every rank pushes "everywhere" once; rank 1 also runs "only_on_rank_1" (30 ms)
//   missing   rank 2 starts its finalize ~6 s after the others (TIMEMORY_MPI_TIMEOUT is shorter),
//             with 1,000 regions more (a message MPI sends by rendezvous, not eagerly);
//             ranks 0 and 2 write their finalize time to finalize-seconds-<rank>.txt and their
//             stderr (the warnings) to stderr-rank-<rank>.txt in argv[2]
//   perrank   rank r pushes "mine" r + 1 times (per-rank files: TIMEMORY_COLLAPSE_PROCESSES=OFF
//             or TIMEMORY_PER_RANK_OUTPUT=ON)
// MPI_Init first, then timemory's init; timemory's finalize before MPI_Finalize.
#include "timemory/core/manager.hpp"
#include "timemory/core/region.hpp"

#include <mpi.h>

#include <fcntl.h>
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

void sleep_ms(int ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds{ms});
}

// The warnings rank 0 logs while finalizing, kept in a file for the checker.
void stderr_to(const std::string& folder, const std::string& name) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    const std::string path = folder + "/" + name;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "sleep";
    const std::string folder = argc > 2 ? argv[2] : ".";
    MPI_Init(&argc, &argv);
    int rank = 0;
    int size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    tim::init(argc, argv);

    if (mode == "sleep") {
        tim::region::push("sleeper");
        sleep_ms(rank * 50);
        tim::region::pop("sleeper");
    } else if (mode == "workers") {
        std::vector<std::thread> workers;
        for (int t = 0; t < 3; ++t) {
            workers.emplace_back([] {
                for (int i = 0; i < 5; ++i) {
                    tim::region::push("worker");
                    tim::region::pop("worker");
                }
            });
        }
        for (auto& w : workers) w.join();
    } else if (mode == "only1") {
        tim::region::push("everywhere");
        tim::region::pop("everywhere");
        if (rank == 1) {
            tim::region::push("only_on_rank_1");
            sleep_ms(30);
            tim::region::pop("only_on_rank_1");
        }
    } else if (mode == "missing") {
        tim::region::push("before_finalize");
        tim::region::pop("before_finalize");
        for (int i = 0; rank == 2 && i < 1000; ++i) {
            const auto name = "late_" + std::to_string(i);
            tim::region::push(name);
            tim::region::pop(name);
        }
        MPI_Barrier(MPI_COMM_WORLD);  // the others start finalizing now
        if (rank == 2) sleep_ms(6000);
        const bool logged = rank == 0 || rank == 2;
        if (logged) stderr_to(folder, "stderr-rank-" + std::to_string(rank) + ".txt");
        const auto start = std::chrono::steady_clock::now();
        tim::finalize();
        const double took =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (logged) {
            const auto path = folder + "/finalize-seconds-" + std::to_string(rank) + ".txt";
            if (FILE* f = std::fopen(path.c_str(), "w")) {
                std::fprintf(f, "%.6f\n", took);
                std::fclose(f);
            }
        }
    } else if (mode == "perrank") {
        for (int i = 0; i <= rank; ++i) {
            tim::region::push("mine");
            tim::region::pop("mine");
        }
    } else {
        std::fprintf(stderr, "FAILED: unknown mode '%s'\n", mode.c_str());
        MPI_Abort(MPI_COMM_WORLD, 2);
    }

    tim::finalize();
    MPI_Finalize();
    std::printf("mpi job test rank %d of %d: done (%s)\n", rank, size, mode.c_str());
    return 0;
}
