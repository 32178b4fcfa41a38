// Reads back what mpip_exchange.c's two ranks wrote (<dir>/rank-<r>/) and checks the MPI rows and
// their bytes exactly. Modes: "regions" (linked, rows under the program's regions), "preload" (an
// unmodified program: rows at the top), "permit" (TIMEMORY_MPIP_PERMIT_LIST=MPI_Send,recv,MPI_Sendd
// and TIMEMORY_MPIP_COMPONENTS=mpi_bytes), "fortran" (mpip_fortran.f90, preloaded); regions measure
// wall_clock,mpi_bytes except in "preload".
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace {

struct row {
    long laps = 0;
    double sent = 0;
    double received = 0;
};
using rows = std::map<std::string, row>;  // "exchange/MPI_Send" -> values

int failures = 0;
void fail(const std::string& what) {
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    ++failures;
}

// Rows of one component's flat JSON by call path (prefix "|_name" at depth d).
rows read_rows(const std::string& file, const std::string& component, bool with_bytes) {
    std::ifstream in{file};
    if (!in) {
        fail("cannot read " + file);
        return {};
    }
    const auto doc = nlohmann::json::parse(in);
    rows out;
    std::vector<std::string> stack;
    for (const auto& r : doc.at("timemory").at(component).at("ranks").at(0).at("graph")) {
        std::string name = r.at("prefix").get<std::string>();
        name = name.substr(name.find_first_not_of(">|_ ", 0));
        const auto depth = r.at("depth").get<std::size_t>();
        stack.resize(depth);
        stack.push_back(name);
        std::string path;
        for (const auto& part : stack) path += (path.empty() ? "" : "/") + part;
        row value;
        value.laps = r.at("entry").at("laps").get<long>();
        if (with_bytes) {
            value.sent = r.at("entry").at("value").at(0).get<double>();
            value.received = r.at("entry").at("value").at(1).get<double>();
        }
        out[path] = value;
    }
    return out;
}

void expect(const rows& got, const std::string& where, const std::string& path, row want,
            bool bytes = true) {
    const auto it = got.find(path);
    if (it == got.end()) return fail(where + ": no row " + path);
    const row& r = it->second;
    if (r.laps != want.laps || (bytes && (r.sent != want.sent || r.received != want.received))) {
        fail(where + ": " + path + " has laps " + std::to_string(r.laps) + ", sent " +
             std::to_string(r.sent) + ", received " + std::to_string(r.received) +
             "; expected laps " + std::to_string(want.laps) + ", sent " +
             std::to_string(want.sent) + ", received " + std::to_string(want.received));
    }
}

void expect_absent(const rows& got, const std::string& where, const std::string& path) {
    if (got.count(path) != 0) fail(where + ": unexpected row " + path);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <output dir> regions|preload|permit|fortran\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const std::string mode = argv[2];
    // What mpip_exchange.c moves: 1000 doubles 0 -> 1; Allreduce of 64 doubles; Bcast of 10 ints
    // from 0; Gather of one int to 0; 3 ints each way through Irecv (5 posted) / Isend / Waitall.
    const double send = 1000 * 8, reduce = 64 * 8, bcast = 10 * 4, nonblocking = 3 * 4;
    for (int rank = 0; rank < 2; ++rank) {
        const std::string where = "rank " + std::to_string(rank);
        const std::string base = dir + "/rank-" + std::to_string(rank) + "/";
        const rows bytes = read_rows(base + "mpi_bytes.json", "mpi_bytes", true);
        const std::string p2p = rank == 0 ? "MPI_Send" : "MPI_Recv";
        const std::string other = rank == 0 ? "MPI_Recv" : "MPI_Send";
        const row moved = rank == 0 ? row{1, send, 0} : row{1, 0, send};
        if (mode == "fortran") {  // mpip_fortran.f90: Send/Recv, Allreduce, Bcast, Barrier
            expect(bytes, where, p2p, moved);
            expect(bytes, where, "MPI_Allreduce", {1, reduce, reduce});
            expect(bytes, where, "MPI_Bcast", rank == 0 ? row{1, bcast, 0} : row{1, 0, bcast});
            expect(bytes, where, "MPI_Barrier", {1, 0, 0});
            continue;
        }
        if (mode == "permit") {
            expect(bytes, where, "exchange", moved);
            expect(bytes, where, "exchange/" + p2p, moved);
            expect(bytes, where, "collectives", {1, 0, 0});
            expect_absent(bytes, where, "collectives/MPI_Allreduce");
            expect_absent(bytes, where, "nonblocking/MPI_Isend");
            const rows wall = read_rows(base + "wall.json", "wall_clock", false);
            expect(wall, where, "exchange", {1}, false);
            expect_absent(wall, where, "exchange/" + p2p);
            // The misspelt name in the permit list is warned, naming it.
            std::ifstream log{dir + "/job.log"};
            const std::string text{std::istreambuf_iterator<char>{log}, {}};
            if (text.find("TIMEMORY_MPIP_PERMIT_LIST: unknown MPI call 'MPI_Sendd' ignored; did "
                          "you mean: MPI_Send") == std::string::npos) {
                fail("no warning about 'MPI_Sendd' in " + dir + "/job.log");
            }
            continue;
        }
        const std::string exchange = mode == "regions" ? "exchange/" : "";
        const std::string collectives = mode == "regions" ? "collectives/" : "";
        const std::string nb = mode == "regions" ? "nonblocking/" : "";
        expect(bytes, where, exchange + p2p, moved);
        expect_absent(bytes, where, exchange + other);
        expect(bytes, where, collectives + "MPI_Allreduce", {1, reduce, reduce});
        expect(bytes, where, collectives + "MPI_Bcast",
               rank == 0 ? row{1, bcast, 0} : row{1, 0, bcast});
        expect(bytes, where, collectives + "MPI_Barrier", {2, 0, 0});
        expect(bytes, where, collectives + "MPI_Gather", rank == 0 ? row{1, 4, 8} : row{1, 4, 0});
        expect(bytes, where, nb + "MPI_Irecv", {1, 0, 0});
        expect(bytes, where, nb + "MPI_Isend", {1, nonblocking, 0});
        expect(bytes, where, nb + "MPI_Waitall", {1, 0, nonblocking});
        const rows wall = read_rows(base + "wall.json", "wall_clock", false);
        expect(wall, where, exchange + p2p, {1}, false);
        expect(wall, where, collectives + "MPI_Barrier", {2}, false);
        if (mode == "regions") {
            // The regions carry the bytes of the calls inside them.
            expect(bytes, where, "exchange", moved);
            expect(bytes, where, "collectives",
                   rank == 0 ? row{1, reduce + bcast + 4, reduce + 8}
                             : row{1, reduce + 4, reduce + bcast});
            expect(bytes, where, "nonblocking", {1, nonblocking, nonblocking});
        } else {
            expect_absent(bytes, where, "exchange");
        }
    }
    if (failures == 0) std::printf("mpip output (%s): ok\n", mode.c_str());
    return failures == 0 ? 0 : 1;
}
