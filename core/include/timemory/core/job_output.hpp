// The outputs of a job of several processes (MPI ranks): every rank's results combined into one
// report by call path, with the statistics of each region over the ranks.
#pragma once

#include "timemory/core/output.hpp"
#include "timemory/core/rank_channel.hpp"
#include "timemory/core/results.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tim {

/// Where and when one rank ran (metadata.json's "mpi" section).
struct rank_process {
    std::int32_t rank = 0;
    std::string host;
    std::int64_t pid = 0;
    std::int64_t start_ns = 0;  ///< the library's load, epoch ns
    std::int64_t stop_ns = 0;   ///< the rank's call of write_job_outputs, epoch ns
};

/// The results of one rank, or of several combined, in the form ranks exchange. Nodes are merged
/// by call path (the labels' hashes from the root down, and the k-th sibling of one label with
/// the k-th: timeline entries and uncollapsed threads stay apart), so ranks that entered regions
/// in different orders, and regions present on some ranks only, line up. Every rank's values are
/// kept twice: merged call by call into result_node::data, and as one sample per rank into
/// result_node::over_ranks.
class job_results {
  public:
    job_results() = default;
    /// One rank's results; `process.rank` is the rank, of a job of `world_size` ranks.
    job_results(const result_tree& mine, rank_process process, std::int32_t world_size = 1);

    /// Merge another rank's (or group's) results into these.
    void merge(const job_results& other);
    /// Merge results in the form serialize() writes; throws std::runtime_error when `bytes` are
    /// not such results (nothing is merged then).
    void merge(const std::vector<char>& bytes);

    /// Compact binary form (labels as text, components by id, so that ranks whose registries
    /// numbered components differently still agree). Without `with_pids` the nodes' process ids
    /// are left out: the combined tree would otherwise hold one per rank on every node.
    std::vector<char> serialize(bool with_pids = false) const;

    const result_tree& tree() const noexcept { return m_tree; }
    /// The ranks combined here, by rank.
    const std::vector<rank_process>& processes() const noexcept { return m_processes; }

  private:
    std::size_t child(std::size_t parent, hash_value hash, std::uint32_t ordinal,
                      std::string_view label);

    result_tree m_tree;
    std::vector<rank_process> m_processes;
    std::vector<std::uint64_t> m_path;     ///< per node: hash of its call path
    std::vector<std::uint32_t> m_ordinal;  ///< per node: which sibling of its label it is
    /// call-path hash -> node; a collision (two paths, one hash) is told apart by probing
    std::unordered_map<std::uint64_t, std::uint32_t> m_index;
};

/// This process's rank_process (host, pid, load time, now).
rank_process this_process(std::int32_t rank);

/// Collective over `channel`: every rank calls it with its own results (and the same settings).
/// The ranks' results are combined by a reduction (not gathered whole at rank 0); rank 0 writes
/// the job's files to `directory`, and each rank writes its own files when the settings ask for
/// per-rank output. Ranks that do not arrive within settings' timeout are named in the files and
/// in one warning. Returns the files this rank wrote.
std::vector<written_file> write_job_outputs(rank_channel& channel, const result_tree& mine,
                                            const std::string& directory);

}  // namespace tim
