// write_job_outputs: the ranks' results combined by a binomial-tree reduction (log2(P) rounds,
// each rank merging what its children send before sending to its parent), then rank 0 writes the
// job's files, fetching each rank's own tree only while it writes that rank's part.
//
// Messages between two ranks, in order: the reduction (child -> parent: the child's subtree
// merged, without process ids), then rank 0's requests ('R': send your own tree; 'D': done; 'M':
// the job's files were written without you) and the answers. Every wait is bounded by
// settings.mpi_timeout.
#include "output_internal.hpp"

#include "timemory/core/job_output.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/settings.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <set>

namespace tim {
namespace {

constexpr char k_request = 'R';
constexpr char k_done = 'D';
constexpr char k_missing = 'M';

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

int rounds(int size) {
    int n = 0;
    while ((1 << n) < size) ++n;
    return n;
}

struct reduced {
    job_results combined;  ///< rank 0: every rank that arrived
    bool parent_gone = false;
};

// Rank r receives from r + 2^k for each k below its lowest set bit, then sends to r - 2^k. The
// child at level k has waited up to k timeouts for its own children, so the wait for it ends
// (k + 1) timeouts after this rank began: one missing rank costs one timeout, not one per level.
reduced reduce(rank_channel& channel, const job_results& mine, double timeout) {
    const int rank = channel.rank();
    const int size = channel.size();
    reduced out;
    out.combined.merge(mine.serialize(false));
    const auto start = clock_type::now();
    for (int step = 1, level = 0; step < size; step <<= 1, ++level) {
        if ((rank & step) != 0) {
            // The parent takes this message only after its earlier children, whose waits end
            // up to (level + 1) timeouts after it began: a large message (one MPI sends by
            // rendezvous) must stay offered that long, or a slow sibling would cost this subtree.
            const double offer = timeout * (level + 2) - seconds_since(start);
            out.parent_gone =
                !channel.send(rank - step, out.combined.serialize(false), std::max(timeout, offer));
            return out;
        }
        const int child = rank + step;
        if (child >= size) continue;
        const double left = timeout * (level + 1) - seconds_since(start);
        auto bytes = channel.receive(child, std::max(0.0, left));
        if (!bytes) continue;  // named as missing by rank 0
        try {
            out.combined.merge(*bytes);
        } catch (const std::exception& e) {
            log::warning("results of rank ", child,
                         " and the ranks it combined are left out: ", e.what());
        }
    }
    return out;
}

std::string join_ranks(const std::vector<std::int32_t>& ranks) {
    std::string out;
    for (auto r : ranks) out += (out.empty() ? "" : ", ") + std::to_string(r);
    return out;
}

std::string iso_time(std::int64_t epoch_ns) {
    const std::time_t secs = static_cast<std::time_t>(epoch_ns / 1000000000);
    std::tm utc{};
    gmtime_r(&secs, &utc);
    char buffer[40];
    const std::size_t n = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
    char millis[8];
    std::snprintf(millis, sizeof(millis), ".%03dZ", static_cast<int>((epoch_ns / 1000000) % 1000));
    return std::string(buffer, n) + millis;
}

output_detail::ojson mpi_metadata(const job_results& job, std::int32_t world_size,
                                  const std::vector<std::int32_t>& missing) {
    using output_detail::ojson;
    ojson ranks = ojson::array();
    for (const auto& p : job.processes()) {
        ranks.push_back({{"rank", p.rank},
                         {"host", p.host},
                         {"pid", p.pid},
                         {"start", iso_time(p.start_ns)},
                         {"stop", iso_time(p.stop_ns)},
                         {"start_ns", p.start_ns},
                         {"stop_ns", p.stop_ns}});
    }
    ojson out;
    out["world_size"] = world_size;
    out["ranks"] = std::move(ranks);
    out["missing"] = missing;
    return out;
}

// A rank's own files: <label>-<rank>.<ext>, as timemory 3 suffixed per-rank output.
std::vector<written_file> write_own(const result_tree& mine, std::int32_t rank,
                                    const std::string& directory) {
    std::string suffix = "-";  // appended in place: GCC 12 warns falsely on "-" + to_string
    suffix += std::to_string(rank);
    return output_detail::write_outputs(mine, directory, suffix);
}

enum class served { yes, missing, no_answer };

// Ranks other than 0, once their part of the reduction is sent: rank 0 either asks once for
// this rank's own tree (while it writes that rank's part of the JSON files), says it is done, or
// says its results came too late for the job's files. The message may come only after rank 0
// waited for the slowest subtree and wrote the ranks before this one.
served serve(rank_channel& channel, const std::vector<char>& own, double timeout) {
    const double wait = timeout * (rounds(channel.size()) + 2);
    auto message = channel.receive(0, wait);
    if (!message || message->size() != 1) return served::no_answer;
    if ((*message)[0] == k_done) return served::yes;
    if ((*message)[0] == k_missing) return served::missing;
    return (*message)[0] == k_request && channel.send(0, own, timeout) ? served::yes
                                                                       : served::no_answer;
}

}  // namespace

std::vector<written_file> write_job_outputs(rank_channel& channel, const result_tree& mine,
                                            const std::string& directory) {
    std::vector<written_file> written;
    const auto& s = settings::instance();
    const int rank = channel.rank();
    const int size = std::max(1, channel.size());
    const double timeout = std::max(0.0, s.mpi_timeout);
    if (!s.collapse_processes) return write_own(mine, rank, directory);

    const job_results own{mine, this_process(rank), size};
    auto result = reduce(channel, own, timeout);
    if (rank != 0) {
        auto answer = served::no_answer;
        if (!result.parent_gone) answer = serve(channel, own.serialize(true), timeout);
        if (answer != served::yes) {
            // Rank 0 no longer takes this rank's part of the reduction: stop offering it.
            if (answer == served::missing) channel.abandon_sends(rank & (rank - 1));
            const char* why = result.parent_gone ? "its results could not be sent towards rank 0"
                              : answer == served::missing ? "its results did not reach rank 0"
                                                          : "rank 0 did not ask for its results";
            log::warning("rank ", rank, ": ", why, " within TIMEMORY_MPI_TIMEOUT (", timeout, " s)",
                         answer == served::missing ? ", so the job's files lack them" : "",
                         "; this rank writes its own files (<label>-", rank, ".<ext>)");
            return write_own(mine, rank, directory);
        }
        if (s.per_rank_output) return write_own(mine, rank, directory);
        return written;
    }

    auto& combined = result.combined;
    std::set<std::int32_t> present(combined.tree().ranks.begin(), combined.tree().ranks.end());
    std::set<std::int32_t> failed;  // arrived in the reduction, then stopped answering
    std::set<std::int32_t> told;    // ranks sent their one message (a request, or done)
    auto finish = [&](std::int32_t r) {
        if (r != 0 && told.insert(r).second) channel.send(r, {k_done}, timeout);
    };
    if (!(s.file_output && (s.tree_output || s.json_output))) {
        for (auto r : present) finish(r);  // no file holds the ranks' own trees
    }
    auto fetch = [&](std::int32_t r) -> std::optional<result_tree> {
        if (r == 0) return mine;
        if (present.count(r) == 0 || told.count(r) != 0) return std::nullopt;
        told.insert(r);
        std::optional<std::vector<char>> bytes;
        if (channel.send(r, {k_request}, timeout)) bytes = channel.receive(r, timeout);
        if (bytes) {
            try {
                job_results one;
                one.merge(*bytes);
                return one.tree();
            } catch (const std::exception& e) {
                log::warning("rank ", r, "'s own results are left out of the files: ", e.what());
            }
        }
        failed.insert(r);
        return std::nullopt;
    };

    std::vector<std::int32_t> missing;
    for (std::int32_t r = 0; r < size; ++r)
        if (present.count(r) == 0) missing.push_back(r);
    if (!missing.empty()) {
        log::warning("the results of rank", missing.size() > 1 ? "s " : " ", join_ranks(missing),
                     " did not arrive within TIMEMORY_MPI_TIMEOUT (", timeout,
                     " s); the job's files combine the other ", present.size(),
                     " ranks and name the missing ones");
    }

    output_detail::job_files job;
    job.aggregate = &combined.tree();
    job.world_size = size;
    job.missing = missing;
    job.fetch = fetch;
    job.mpi = [&] {
        // Ranks that stopped answering while the files were written are named too.
        auto gone = missing;
        gone.insert(gone.end(), failed.begin(), failed.end());
        std::sort(gone.begin(), gone.end());
        return mpi_metadata(combined, size, gone);
    };
    written = output_detail::write_job_files(job, directory);

    for (auto r : present) finish(r);  // those never asked (no file needed their tree)
    // A missing rank that comes late would otherwise wait for rank 0 to the end of its bound
    // before it writes its own files.
    for (auto r : missing) channel.send(r, {k_missing}, timeout);
    if (!failed.empty()) {
        log::warning("rank", failed.size() > 1 ? "s " : " ",
                     join_ranks({failed.begin(), failed.end()}),
                     " stopped answering while rank 0 wrote the job's files; their own trees are "
                     "left out of the JSON files (their values are in the combined report)");
    }
    if (s.per_rank_output) {
        auto own_files = write_own(mine, 0, directory);
        written.insert(written.end(), own_files.begin(), own_files.end());
    }
    return written;
}

}  // namespace tim
