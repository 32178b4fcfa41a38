// Private to gpu/src: which region launched each kernel that the range profiler measured.
// CUPTI's auto ranges are numbered in the order the context saw the launches; cupti_counters
// notes each launch (node, kernel name) in that order, and after decoding hands range i's metric
// values to launch i. Plain code: the CPU tests drive it with constructed values.
#pragma once

#include "timemory/core/graph.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tim::gpu::counters {

class launch_log {
  public:
    /// A launch the profiler will measure, by the region `node` (no_node_id: measure nothing).
    void note(node_id node, std::string kernel) { m_launches.push_back({node, std::move(kernel)}); }
    std::size_t size() const noexcept { return m_launches.size(); }
    /// Forget every launch noted (their ranges are lost).
    void clear() noexcept { m_launches.clear(); }

    /// Reads range i's `metric_count` values with `evaluate(i, values)` (false: no values) and
    /// attaches them to launch i's node as a child row named after the kernel (component
    /// `component`). `ranges` is what CUPTI decoded; a count other than the launches noted means
    /// the two sequences no longer match, so nothing is attached and the mismatch is returned as
    /// text. Clears the log. "" when every range found its launch.
    template <typename Evaluate>
    std::string attach(std::size_t ranges, unsigned metric_count, std::uint16_t component,
                       Evaluate&& evaluate) {
        std::string problem;
        if (ranges != m_launches.size()) {
            problem = "CUPTI decoded " + std::to_string(ranges) + " kernel range(s) for " +
                      std::to_string(m_launches.size()) + " launch(es)";
        } else {
            std::vector<double> values(metric_count);
            for (std::size_t i = 0; i < ranges; ++i) {
                const auto& l = m_launches[i];
                if (l.node == no_node_id || !evaluate(i, values.data())) continue;
                attach_record(l.node, component, values.data(), metric_count, l.kernel);
            }
        }
        m_launches.clear();
        return problem;
    }

  private:
    struct launch {
        node_id node;
        std::string kernel;
    };
    std::vector<launch> m_launches;
};

}  // namespace tim::gpu::counters
