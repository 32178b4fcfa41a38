// INTERIM write_job_outputs, until the combine of ranks (the merge engine writing one report with
// statistics over ranks) replaces this file: every rank writes its own outputs, to
// <directory>/rank-<N>/, and nothing is combined. It still is collective (a barrier at the end,
// bounded by the channel's timeouts), as the real one is.
#include "timemory/core/job_output.hpp"

#include "timemory/core/log.hpp"

namespace tim {

std::vector<written_file> write_job_outputs(rank_channel& channel, const result_tree& mine,
                                            const std::string& directory) {
    auto files = write_outputs(mine, directory + "/rank-" + std::to_string(channel.rank()));
    // Every rank reports to rank 0, which answers: no rank leaves before all have written.
    constexpr double timeout_s = 60;
    const std::vector<char> token{'1'};
    if (channel.rank() == 0) {
        for (int r = 1; r < channel.size(); ++r) {
            if (!channel.receive(r, timeout_s)) log::warning("rank ", r, " did not report");
        }
        for (int r = 1; r < channel.size(); ++r) channel.send(r, token, timeout_s);
    } else {
        channel.send(0, token, timeout_s);
        channel.receive(0, timeout_s);
    }
    return files;
}

}  // namespace tim
