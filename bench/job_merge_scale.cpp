// Combining the results of many ranks at scale, in one process: the binomial-tree reduction that
// write_job_outputs runs over MPI, replayed with direct job_results calls over P synthetic rank
// trees of N distinct nodes each (every rank's values differ). Prints the cost per node and per
// message, the critical path of the reduction as P ranks would run it (one merge per round, the
// slowest of the round), and the model docs/performance.md uses.
//
//     timemory-bench-job-merge 1000 10000     # 1,000 ranks, 10,000 distinct nodes per rank
//
// Only log2(P) rank trees are alive at a time (the reduction is replayed depth first), so memory
// stays that of a few ranks whatever P is.
#include "timemory/core/job_output.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/library.h"

#include <sys/resource.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds(clock_type::time_point a, clock_type::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

// N nodes: 10 top-level regions, each with children, grandchildren ... (4 levels, fan-out
// chosen so the count is reached), labels distinct.
tim::result_tree make_shape(std::size_t n, std::uint16_t component) {
    tim::result_tree tree;
    tree.nodes.emplace_back();
    tree.thread_count = 1;
    const std::size_t fan = std::max<std::size_t>(2, static_cast<std::size_t>(std::cbrt(n / 10.0)));
    std::vector<std::size_t> level{0};
    while (tree.nodes.size() <= n) {
        std::vector<std::size_t> below;
        for (auto parent : level) {
            const std::size_t children = parent == 0 ? 10 : fan;
            for (std::size_t c = 0; c < children && tree.nodes.size() <= n; ++c) {
                tim::result_node node;
                node.label = "region_" + std::to_string(tree.nodes.size());
                node.hash = tim::add_label(node.label);
                node.parent = static_cast<std::int64_t>(parent);
                node.depth = tree.nodes[parent].depth + 1;
                node.tids = {0};
                node.data[component].resize(1);
                const std::size_t index = tree.nodes.size();
                tree.nodes[parent].children.push_back(index);
                tree.nodes.push_back(std::move(node));
                below.push_back(index);
            }
        }
        level = std::move(below);
    }
    return tree;
}

// Rank r's values: 10 calls per node, total (r % 7 + 1) ms.
tim::result_tree rank_tree(const tim::result_tree& shape, int rank, std::uint16_t component) {
    auto tree = shape;
    for (std::size_t i = 1; i < tree.nodes.size(); ++i) {
        auto& a = tree.nodes[i].data[component][0];
        a = tim::accumulator{};
        for (int k = 0; k < 10; ++k) a.add((rank % 7 + 1) * 1.0e5);
    }
    return tree;
}

struct timings {
    std::vector<double> merge_max;      // per round: the slowest merge of that round
    std::vector<double> serialize_max;  // per round: the slowest serialization
    double merge_total = 0;
    double serialize_total = 0;
    std::size_t merges = 0;
    std::size_t bytes = 0;  // largest message
    double setup_max = 0;   // a rank's own tree into the form it merges and sends
};

// The subtree of `rank` in the binomial tree, merged as write_job_outputs merges it: children
// r + 2^k for k < level, each child's subtree first.
tim::job_results combine(const tim::result_tree& shape, int rank, int level, int size,
                         std::uint16_t component, timings& t) {
    tim::rank_process process;
    process.rank = rank;
    const auto tree = rank_tree(shape, rank, component);
    // What every rank does once, in parallel, before its first round.
    const auto s0 = clock_type::now();
    tim::job_results mine{tree, process, size};
    tim::job_results acc;
    acc.merge(mine.serialize(false));
    t.setup_max = std::max(t.setup_max, seconds(s0, clock_type::now()));
    for (int k = 0; k < level; ++k) {
        const int child = rank + (1 << k);
        if (child >= size) break;
        auto sub = combine(shape, child, k, size, component, t);
        const auto a = clock_type::now();
        const auto bytes = sub.serialize(false);
        const auto b = clock_type::now();
        acc.merge(bytes);
        const auto c = clock_type::now();
        t.serialize_max[k] = std::max(t.serialize_max[k], seconds(a, b));
        t.merge_max[k] = std::max(t.merge_max[k], seconds(b, c));
        t.serialize_total += seconds(a, b);
        t.merge_total += seconds(b, c);
        t.bytes = std::max(t.bytes, bytes.size());
        ++t.merges;
    }
    return acc;
}

}  // namespace

int main(int argc, char** argv) {
    const int ranks = argc > 1 ? std::atoi(argv[1]) : 1000;
    const auto nodes = static_cast<std::size_t>(argc > 2 ? std::atol(argv[2]) : 10000);
    timemory_init_library(argc, argv);
    const auto* info = tim::registry::find("wall_clock");
    if (info == nullptr || ranks < 1 || nodes < 1) {
        std::fprintf(stderr, "usage: %s RANKS NODES (needs the wall_clock component)\n", argv[0]);
        return 2;
    }
    const auto shape = make_shape(nodes, info->index);
    int rounds = 0;
    while ((1 << rounds) < ranks) ++rounds;

    timings t;
    t.merge_max.assign(static_cast<std::size_t>(rounds) + 1, 0.0);
    t.serialize_max.assign(static_cast<std::size_t>(rounds) + 1, 0.0);
    const auto start = clock_type::now();
    const auto all = combine(shape, 0, rounds, ranks, info->index, t);
    const double total = seconds(start, clock_type::now());

    // The fixed cost of a message: a one-node tree serialized and merged.
    tim::result_tree tiny;
    tiny.nodes.emplace_back();
    tim::rank_process one;
    one.rank = 1;
    tim::job_results small{tiny, one, 2};
    constexpr int reps = 20000;
    const auto m0 = clock_type::now();
    for (int i = 0; i < reps; ++i) {
        tim::job_results into;
        into.merge(small.serialize(false));
    }
    const double per_message = seconds(m0, clock_type::now()) / reps;

    // Check: every rank arrived and the counts add up.
    const auto& root_child = all.tree().nodes.at(1);
    const auto laps = root_child.data.at(info->index)[0].count;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);

    double path = t.setup_max;
    for (int k = 0; k < rounds; ++k) path += t.merge_max[k] + t.serialize_max[k];
    const double node_count = static_cast<double>(all.tree().nodes.size() - 1);
    const double per_node = t.merges ? (t.merge_total + t.serialize_total) /
                                           (static_cast<double>(t.merges) * node_count)
                                     : 0.0;
    std::printf("ranks %d, distinct nodes per rank %zu, rounds %d\n", ranks,
                all.tree().nodes.size() - 1, rounds);
    std::printf("ranks combined %zu, laps of region_1 %llu (expected %d)\n",
                all.tree().ranks.size(), static_cast<unsigned long long>(laps), ranks * 10);
    std::printf("largest message %.2f MB (%.1f bytes per node)\n", t.bytes / 1.0e6,
                t.bytes / node_count);
    std::printf("merges %zu: serialize %.3f s + merge %.3f s (whole replay %.3f s)\n", t.merges,
                t.serialize_total, t.merge_total, total);
    std::printf("per node (serialize + merge): %.1f ns; per message (fixed): %.2f us\n",
                per_node * 1e9, per_message * 1e6);
    std::printf("critical path: own tree %.3f s + %d rounds (slowest of each round) = %.3f s\n",
                t.setup_max, rounds, path);
    std::printf(
        "model: own tree + rounds x (message + nodes x per-node) = %.3f s + %d x (%.2f us + "
        "%.0f x %.1f ns) = %.3f s (+ the network's time per message)\n",
        t.setup_max, rounds, per_message * 1e6, node_count, per_node * 1e9,
        t.setup_max + rounds * (per_message + node_count * per_node));
    std::printf("peak RSS %.1f MB\n", usage.ru_maxrss / 1024.0);
    timemory_finalize_library();
    return laps == static_cast<std::uint64_t>(ranks) * 10 ? 0 : 1;
}
