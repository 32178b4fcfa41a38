// The C++ side of timemory's MPI support, run under mpirun by tests/mpi.cmake without linking MPI
// itself: TIMEMORY_MPI_INIT=ON makes timemory's init start MPI (and its finalize end it), tim::mpi
// answers rank and size, and the MPI rank_channel carries messages around a ring. Prints
// "mpi cxx test: ok" (per rank) when everything held.
#include "timemory/core/manager.hpp"
#include "timemory/core/mpi.hpp"
#include "timemory/core/region.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {
int failures = 0;
void check(bool ok, const std::string& what) {
    if (!ok) {
        std::fprintf(stderr, "FAILED: %s\n", what.c_str());
        ++failures;
    }
}
int env_int(const char* name, int fallback) {
    const char* value = std::getenv(name);
    return value ? std::atoi(value) : fallback;
}
}  // namespace

int main(int argc, char** argv) {
    tim::init(argc, argv);  // TIMEMORY_MPI_INIT=ON: MPI_Init_thread here
    const int expected_rank = env_int("OMPI_COMM_WORLD_RANK", env_int("PMI_RANK", 0));
    const int expected_size = env_int("OMPI_COMM_WORLD_SIZE", env_int("PMI_SIZE", 1));
    check(tim::mpi::is_supported(), "is_supported: " + tim::mpi::status());
    check(tim::mpi::is_initialized(), "MPI initialized by timemory's init");
    check(!tim::mpi::is_finalized(), "not finalized");
    check(tim::mpi::rank() == expected_rank, "rank " + std::to_string(tim::mpi::rank()));
    check(tim::mpi::size() == expected_size, "size " + std::to_string(tim::mpi::size()));
    check(!tim::mpi::library_version().empty(), "library version");
    check(!tim::mpi::processor_name().empty(), "processor name");

    // A ring over the channel: each rank sends its rank to the next and gets the previous one's.
    auto channel = tim::mpi::channel();
    check(channel != nullptr, "channel");
    if (channel && channel->size() > 1) {
        const int r = channel->rank();
        const int n = channel->size();
        const std::string text = "from " + std::to_string(r);
        std::vector<char> big(1 << 20, static_cast<char>('a' + r));  // beyond eager sizes
        check(channel->send((r + 1) % n, {text.begin(), text.end()}, 30), "send");
        check(channel->send((r + 1) % n, big, 30), "send 1 MiB");
        auto got = channel->receive((r + n - 1) % n, 30);
        const std::string expected = "from " + std::to_string((r + n - 1) % n);
        check(got && std::string(got->begin(), got->end()) == expected, "receive in order");
        auto got_big = channel->receive((r + n - 1) % n, 30);
        check(got_big && got_big->size() == big.size() &&
                  (*got_big)[12345] == static_cast<char>('a' + (r + n - 1) % n),
              "receive 1 MiB");
        // Nothing was sent from rank r+1 on our tag: the wait ends at its timeout.
        check(!channel->receive((r + 1) % n, 0.2), "receive times out");
        tim::mpi::barrier();
    }

    tim::region::push("cxx_region");
    tim::region::pop("cxx_region");
    tim::finalize();  // writes, then MPI_Finalize: timemory started MPI
    check(tim::mpi::is_finalized(), "MPI finalized by timemory's finalize");
    if (failures == 0) std::printf("mpi cxx test: ok\n");
    return failures == 0 ? 0 : 1;
}
