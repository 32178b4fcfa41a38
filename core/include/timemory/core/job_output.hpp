// The outputs of a job of several processes (MPI ranks): every rank's results combined into one
// report by call path, with the statistics of each region over the ranks.
#pragma once

#include "timemory/core/output.hpp"
#include "timemory/core/rank_channel.hpp"
#include "timemory/core/results.hpp"

#include <string>
#include <vector>

namespace tim {

/// Collective over `channel`: every rank calls it with its own results (and the same settings).
/// The ranks' results are combined by a reduction (not gathered whole at rank 0); rank 0 writes
/// the job's files to `directory`, and each rank writes its own files when the settings ask for
/// per-rank output. Ranks that do not arrive within settings' timeout are named in the files and
/// in one warning. Returns the files this rank wrote.
std::vector<written_file> write_job_outputs(rank_channel& channel, const result_tree& mine,
                                            const std::string& directory);

}  // namespace tim
