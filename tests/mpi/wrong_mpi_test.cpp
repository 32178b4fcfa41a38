// A process whose MPI is not the one timemory's MPI plugin was built against: argv[1] is a library
// with another MPI's soname, loaded first. timemory must not load its plugin (that would bring a
// second MPI into the process), must say why naming both libraries, and must answer for a job of
// one process. Prints "wrong mpi test: ok" when all held.
#include "timemory/core/manager.hpp"
#include "timemory/core/mpi.hpp"
#include "timemory/core/region.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
    if (argc < 3 || ::dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) == nullptr) {
        std::fprintf(stderr, "usage: %s <other MPI library> <plugin's soname>\n", argv[0]);
        return 2;
    }
    const std::string plugin_library = argv[2];
    tim::init(argc, argv);
    tim::region::push("alone");
    tim::region::pop("alone");
    int failures = 0;
    auto check = [&](bool ok, const std::string& what) {
        if (!ok) std::fprintf(stderr, "FAILED: %s\n", what.c_str());
        failures += ok ? 0 : 1;
    };
    const std::string why = tim::mpi::status();
    check(!tim::mpi::is_supported(), "the plugin was loaded");
    check(why.find("libmpi.so.12 (MPICH Version: 4.0.2") != std::string::npos, "status: " + why);
    check(why.find(plugin_library + " (") != std::string::npos, "status: " + why);
    check(tim::mpi::rank() == 0 && tim::mpi::size() == 1, "rank/size of one process");
    tim::finalize();
    std::ifstream maps{"/proc/self/maps"};
    for (std::string line; std::getline(maps, line);) {
        check(line.find("libtimemory-mpi") == std::string::npos, "mapped: " + line);
        check(line.find(plugin_library) == std::string::npos, "mapped: " + line);
    }
    if (failures == 0) std::printf("wrong mpi test: ok\n");
    return failures == 0 ? 0 : 1;
}
