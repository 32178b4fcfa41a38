// Reads back what mpip_exchange.c's two ranks wrote (each its own <dir>/<label>-<r>.json) and
// checks the MPI rows and their bytes exactly. Modes: "regions" (linked; the regions measure
// wall_clock,mpi_bytes and the calls are rows under them), "preload" (an unmodified program: the
// calls are rows at the top), "permit" (TIMEMORY_MPIP_PERMIT_LIST=MPI_Send,recv,MPI_Sendd,
// TIMEMORY_MPIP_COMPONENTS=mpi_bytes), "fortran" (mpip_fortran.f90, preloaded).
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

std::string text(const row& r) {
    return "laps " + std::to_string(r.laps) + ", sent " + std::to_string(r.sent) + ", received " +
           std::to_string(r.received);
}

void expect(const rows& got, const std::string& where, const std::string& path, row want,
            bool bytes = true) {
    const auto it = got.find(path);
    if (it == got.end()) return fail(where + ": no row " + path);
    const row& r = it->second;
    if (r.laps != want.laps || (bytes && (r.sent != want.sent || r.received != want.received))) {
        fail(where + ": " + path + " has " + text(r) + "; expected " + text(want));
    }
}

void expect_absent(const rows& got, const std::string& where, const std::string& path) {
    if (got.count(path) != 0) fail(where + ": unexpected row " + path);
}

// The rows of mpip_exchange.c's calls on `rank`, under their regions (bytes per the rules in
// docs/mpip.md: 1000 doubles 0 -> 1; Allreduce/Reduce of 64 doubles; Bcast of 10 ints from 0;
// rank r contributes r + 1 ints to the v-variants, whose counts are {1, 2}).
rows expected_calls(int rank) {
    const bool root = rank == 0;
    const double d = 8, i = 4;
    rows e;
    e[root ? "exchange/MPI_Send" : "exchange/MPI_Recv"] =
        root ? row{1, 1000 * d, 0} : row{1, 0, 1000 * d};
    e["collectives/MPI_Allreduce"] = {1, 64 * d, 64 * d};
    e["collectives/MPI_Bcast"] = root ? row{1, 10 * i, 0} : row{1, 0, 10 * i};
    e["collectives/MPI_Barrier"] = {2, 0, 0};
    e["collectives/MPI_Gather"] = {1, i, root ? 2 * i : 0};
    e["nonblocking/MPI_Irecv"] = {1, 0, 0};  // posted for 5 ints, 3 arrive: counted at Waitall
    e["nonblocking/MPI_Isend"] = {1, 3 * i, 0};
    e["nonblocking/MPI_Waitall"] = {1, 0, 3 * i};
    e["more/MPI_Sendrecv"] = {1, 2 * d, 2 * d};
    e["more/MPI_Reduce"] = {1, 64 * d, root ? 64 * d : 0};
    e["more/MPI_Alltoall"] = {1, 2 * i, 2 * i};
    e["more/MPI_Alltoallv"] = {1, 3 * i, root ? 2 * i : 4 * i};
    e["more/MPI_Scatter"] = {1, root ? 2 * i : 0, i};
    e["more/MPI_Scatterv"] = {1, root ? 3 * i : 0, (rank + 1) * i};
    e["more/MPI_Gatherv"] = {1, (rank + 1) * i, root ? 3 * i : 0};
    e["more/MPI_Allgather"] = {1, i, 2 * i};
    e["more/MPI_Allgatherv"] = {1, (rank + 1) * i, 3 * i};
    e["more/MPI_Irecv"] = {2, 0, 0};
    e["more/MPI_Isend"] = {2, 2 * i, 0};
    e["more/MPI_Wait"] = {2, 0, i};
    e["more/MPI_Waitany"] = {2, 0, i};
    return e;
}

// The same calls at the top of the tree: one row per call, its counts and bytes summed.
rows without_regions(const rows& calls) {
    rows out;
    for (const auto& [path, r] : calls) {
        row& sum = out[path.substr(path.find('/') + 1)];
        sum.laps += r.laps;
        sum.sent += r.sent;
        sum.received += r.received;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <output dir> regions|preload|permit|fortran\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const std::string mode = argv[2];
    for (int rank = 0; rank < 2; ++rank) {
        const std::string where = "rank " + std::to_string(rank);
        const std::string suffix = "-" + std::to_string(rank) + ".json";
        const rows bytes = read_rows(dir + "/mpi_bytes" + suffix, "mpi_bytes", true);
        const std::string p2p = rank == 0 ? "MPI_Send" : "MPI_Recv";
        const std::string other = rank == 0 ? "MPI_Recv" : "MPI_Send";
        const rows calls = expected_calls(rank);
        const row moved = calls.at("exchange/" + p2p);
        if (mode == "fortran") {  // mpip_fortran.f90: Send/Recv, Allreduce, Bcast, Barrier
            expect(bytes, where, p2p, moved);
            expect(bytes, where, "MPI_Allreduce", calls.at("collectives/MPI_Allreduce"));
            expect(bytes, where, "MPI_Bcast", calls.at("collectives/MPI_Bcast"));
            expect(bytes, where, "MPI_Barrier", {1, 0, 0});
            continue;
        }
        if (mode == "permit") {
            expect(bytes, where, "exchange", moved);
            expect(bytes, where, "exchange/" + p2p, moved);
            expect(bytes, where, "collectives", {1, 0, 0});
            expect_absent(bytes, where, "collectives/MPI_Allreduce");
            expect_absent(bytes, where, "nonblocking/MPI_Isend");
            const rows wall = read_rows(dir + "/wall" + suffix, "wall_clock", false);
            expect(wall, where, "exchange", {1}, false);
            expect_absent(wall, where, "exchange/" + p2p);
            // The misspelt name in the permit list is warned, with its close match.
            std::ifstream log{dir + "/job.log"};
            const std::string printed{std::istreambuf_iterator<char>{log}, {}};
            if (printed.find("TIMEMORY_MPIP_PERMIT_LIST: unknown MPI call 'MPI_Sendd' ignored; "
                             "did you mean: MPI_Send") == std::string::npos) {
                fail("no warning about 'MPI_Sendd' in " + dir + "/job.log");
            }
            continue;
        }
        const bool regions = mode == "regions";
        const rows want = regions ? calls : without_regions(calls);
        for (const auto& [path, r] : want) expect(bytes, where, path, r);
        // Nothing else: no other MPI row (the other side's point-to-point call among them).
        for (const auto& [path, r] : bytes) {
            const bool region = regions && path.find('/') == std::string::npos;
            if (!region && want.count(path) == 0) fail(where + ": unexpected row " + path);
        }
        const rows wall = read_rows(dir + "/wall" + suffix, "wall_clock", false);
        const std::string prefix = regions ? "exchange/" : "";
        expect(wall, where, prefix + p2p, {1}, false);
        expect_absent(wall, where, prefix + other);
        if (regions) {
            // Each region carries exactly the bytes of the calls inside it.
            for (const char* name : {"exchange", "collectives", "nonblocking", "more"}) {
                row total{1, 0, 0};
                for (const auto& [path, r] : calls) {
                    if (path.rfind(std::string{name} + "/", 0) != 0) continue;
                    total.sent += r.sent;
                    total.received += r.received;
                }
                expect(bytes, where, name, total);
            }
        }
    }
    if (failures == 0) std::printf("mpip output (%s): ok\n", mode.c_str());
    return failures == 0 ? 0 : 1;
}
