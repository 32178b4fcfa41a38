// write_job_outputs and job_results: the results of several ranks combined by call path, with
// threads of this process acting as the ranks (tests/local_channel.hpp), so every machine runs
// them without MPI. Values are injected into each rank's result_tree directly: exact, no sleeps.
#include "timemory/core/job_output.hpp"

#include "local_channel.hpp"
#include "output_support.hpp"

#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

namespace {

using namespace output_test;
using tim::result_tree;

constexpr double ms = 1.0e6;  // test_timer records raw ns

/// A result_tree built by hand: nodes under a hidden root, test_timer values.
struct tree_maker {
    result_tree tree;
    tree_maker() {
        tree.nodes.emplace_back();
        tree.thread_count = 1;
    }
    /// A node under `parent` with `laps` calls of total `total` (ns), on threads `tids`.
    std::size_t add(std::size_t parent, const std::string& label, std::uint64_t laps, double total,
                    std::set<std::int64_t> tids = {0}) {
        tim::result_node node;
        node.hash = tim::add_label(label);
        node.label = label;
        node.parent = static_cast<std::int64_t>(parent);
        node.depth = tree.nodes[parent].depth + 1;
        node.tids = std::move(tids);
        node.pids = {::getpid()};
        tim::accumulator a;
        for (std::uint64_t i = 0; i < laps; ++i) a.add(total / static_cast<double>(laps));
        node.data[test_timer().index] = {a};
        const std::size_t index = tree.nodes.size();
        tree.nodes[parent].children.push_back(index);
        tree.nodes.push_back(std::move(node));
        return index;
    }
};

/// Rank r of the standard job: main (1 lap, (r + 1) * 50 ms) with solve ((r + 1) laps, 10 ms
/// each) and io (2 laps, 1 ms), entered in an order that depends on the rank; a region only on
/// rank 1.
result_tree standard_rank(int r) {
    tree_maker m;
    const auto main = m.add(0, "main", 1, (r + 1) * 50 * ms);
    if (r % 2 == 0) {
        m.add(main, "solve", static_cast<std::uint64_t>(r + 1), (r + 1) * 10 * ms);
        m.add(main, "io", 2, 1 * ms);
    } else {
        m.add(main, "io", 2, 1 * ms);
        m.add(main, "solve", static_cast<std::uint64_t>(r + 1), (r + 1) * 10 * ms);
    }
    if (r == 1) m.add(main, "only_on_rank_1", 7, 700.0);
    return std::move(m.tree);
}

const json* row_of(const json& graph, const std::string& label) {
    for (const auto& row : graph) {
        const auto prefix = row.at("prefix").get<std::string>();
        if (prefix.size() >= label.size() &&
            prefix.compare(prefix.size() - label.size(), label.size(), label) == 0)
            return &row;
    }
    return nullptr;
}

}  // namespace

/// The Outputs fixture's settings, and a job run over threads.
class JobOutputs : public Outputs {
  protected:
    void SetUp() override {
        Outputs::SetUp();
        auto& s = tim::settings::instance();
        s.flamegraph_output = false;
        s.mpi_timeout = 30.0;  // generous: the CI box is loaded; only the missing-rank tests wait
        s.per_rank_output = false;
        s.collapse_processes = true;
    }

    /// Every rank (not in `absent`) calls write_job_outputs with make(rank); files per rank.
    std::map<int, std::vector<tim::written_file>> run_job(int size,
                                                          std::function<result_tree(int)> make,
                                                          std::set<int> absent = {}) {
        tim::test::local_job job{size, std::move(absent)};
        std::map<int, std::vector<tim::written_file>> files;
        std::mutex mutex;
        ::testing::internal::CaptureStdout();
        ::testing::internal::CaptureStderr();
        job.run([&](tim::rank_channel& channel) {
            auto mine = make(channel.rank());
            auto written = tim::write_job_outputs(channel, mine, m_dir.string());
            std::lock_guard<std::mutex> lock{mutex};
            files[channel.rank()] = std::move(written);
        });
        m_stdout = ::testing::internal::GetCapturedStdout();
        m_stderr = ::testing::internal::GetCapturedStderr();
        m_messages = job.sent();
        return files;
    }

    json flat() const { return component_of(read_json(file("test_timer.json")), test_timer().id); }
    json tree() const {
        return component_of(read_json(file("test_timer.tree.json")), test_timer().id);
    }

    std::string m_stderr;
    std::size_t m_messages = 0;  ///< sent by all ranks in the last run_job
};

TEST_F(JobOutputs, CountsAreExactOverRanksForEveryJobSize) {
    for (int size : {1, 2, 4, 7}) {
        SCOPED_TRACE("ranks: " + std::to_string(size));
        std::filesystem::remove_all(m_dir);
        const auto files = run_job(size, standard_rank);
        ASSERT_FALSE(files.at(0).empty());
        for (int r = 1; r < size; ++r) EXPECT_TRUE(files.at(r).empty()) << "rank " << r;

        const auto doc = flat();
        const auto& aggregate = doc.at("aggregate");
        EXPECT_EQ(aggregate.at("ranks").size(), static_cast<std::size_t>(size));
        EXPECT_TRUE(aggregate.at("missing").empty());
        const auto& graph = aggregate.at("graph");
        std::uint64_t solve_laps = 0;
        for (int r = 0; r < size; ++r) solve_laps += static_cast<std::uint64_t>(r + 1);
        EXPECT_EQ(row_of(graph, "main")->at("entry").at("laps"), size);
        EXPECT_EQ(row_of(graph, "solve")->at("entry").at("laps"), solve_laps);
        EXPECT_EQ(row_of(graph, "io")->at("entry").at("laps"), 2 * size);
        // One row per call path, whatever order the ranks entered them in.
        const std::size_t expected_rows = size > 1 ? 4 : 3;
        EXPECT_EQ(graph.size(), expected_rows);
        EXPECT_EQ(doc.at("mpi_size"), size);

        // Every rank's own tree, with its rank number.
        const auto& ranks = doc.at("ranks");
        ASSERT_EQ(ranks.size(), static_cast<std::size_t>(size));
        for (int r = 0; r < size; ++r) {
            EXPECT_EQ(ranks[r].at("rank"), r);
            EXPECT_EQ(row_of(ranks[r].at("graph"), "solve")->at("entry").at("laps"), r + 1);
        }
        EXPECT_EQ(tree().at("mpi").size(), static_cast<std::size_t>(size));
    }
}

TEST_F(JobOutputs, EachRanksTreeIsFetchedOnceForAllFiles) {
    // Two components, each with a .json and a .tree.json holding every rank: still one request
    // and one answer per rank, after the P - 1 messages of the reduction.
    auto two_components = [](int r) {
        auto tree = standard_rank(r);
        tim::accumulator a;
        a.add(1024.0 * (r + 1));
        tree.nodes[1].data[test_memory().index] = {a};
        return tree;
    };
    run_job(5, two_components);
    EXPECT_EQ(m_messages, 3u * 4u);
    const auto memory = component_of(read_json(file("test_memory.tree.json")), test_memory().id);
    EXPECT_EQ(memory.at("mpi").size(), 5u);
    EXPECT_EQ(tree().at("mpi").size(), 5u);

    // Without JSON files, rank 0 only tells the others it is done.
    std::filesystem::remove_all(m_dir);
    tim::settings::instance().json_output = false;
    tim::settings::instance().tree_output = false;
    run_job(5, two_components);
    EXPECT_EQ(m_messages, 2u * 4u);
    EXPECT_TRUE(std::filesystem::exists(file("test_timer.txt")));
}

TEST_F(JobOutputs, RegionOnOneRankAppearsOnceWithThatRanksValues) {
    run_job(4, standard_rank);
    const auto doc = flat();
    const auto& graph = doc.at("aggregate").at("graph");
    int rows = 0;
    for (const auto& row : graph)
        rows += row.at("prefix").get<std::string>().find("only_on_rank_1") != std::string::npos;
    EXPECT_EQ(rows, 1);
    const auto& only = *row_of(graph, "only_on_rank_1");
    EXPECT_EQ(only.at("entry").at("laps"), 7);
    EXPECT_EQ(only.at("entry").at("value"), 700);
    const auto& over = only.at("over_ranks");
    EXPECT_EQ(over.at("ranks"), 1);
    EXPECT_EQ(over.at("max_rank"), 1);
    EXPECT_EQ(over.at("min_rank"), 1);

    // In the tree file, only rank 1's tree has it.
    const auto mpi = tree().at("mpi");
    ASSERT_EQ(mpi.size(), 4u);
    for (int r = 0; r < 4; ++r) {
        const auto text = mpi[r].dump();
        EXPECT_EQ(text.find("only_on_rank_1") != std::string::npos, r == 1) << "rank " << r;
    }
}

TEST_F(JobOutputs, StatisticsOverRanksOfInclusiveValues) {
    // main: 50, 100, 150, 200 ms on ranks 0..3.
    run_job(4, standard_rank);
    const auto doc = flat();
    const auto& main = *row_of(doc.at("aggregate").at("graph"), "main");
    const auto& over = main.at("over_ranks");  // display units: seconds
    EXPECT_EQ(over.at("ranks"), 4);
    EXPECT_NEAR(over.at("sum").get<double>(), 0.5, 1e-12);
    EXPECT_NEAR(over.at("mean").get<double>(), 0.125, 1e-12);
    EXPECT_NEAR(over.at("min").get<double>(), 0.05, 1e-12);
    EXPECT_NEAR(over.at("max").get<double>(), 0.2, 1e-12);
    EXPECT_NEAR(over.at("stddev").get<double>(), std::sqrt(3125.0) * 1e-3, 1e-9);
    EXPECT_EQ(over.at("min_rank"), 0);
    EXPECT_EQ(over.at("max_rank"), 3);
    EXPECT_NEAR(over.at("imbalance").get<double>(), 37.5, 1e-9);

    // The text report shows the same, per row.
    const auto text = read_file(file("test_timer.txt"));
    const auto lines = lines_of(text);
    EXPECT_NE(text.find("OVER 4 OF 4 RANKS"), std::string::npos) << text;
    std::string header;
    std::string rule;  // the rule under the header marks the columns
    std::string main_row;
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        if (lines[i].find("LABEL") != std::string::npos) {
            header = lines[i];
            rule = lines[i + 1];
        }
        if (lines[i].find(">>> main") != std::string::npos) main_row = lines[i];
    }
    ASSERT_FALSE(main_row.empty()) << text;
    const auto heads = cells_of(header, rule);
    const auto cells = cells_of(main_row, rule);
    ASSERT_EQ(heads.size(), cells.size());
    std::map<std::string, std::string> by;
    for (std::size_t i = 0; i < heads.size(); ++i) by[heads[i]] = cells[i];
    EXPECT_EQ(by["COUNT"], "4");
    EXPECT_EQ(by["RANKS"], "4");
    EXPECT_EQ(by["SUM"], "0.500");
    EXPECT_EQ(by["MEAN"], "0.125");
    EXPECT_EQ(by["MIN"], "0.050");
    EXPECT_EQ(by["MAX"], "0.200");
    EXPECT_EQ(by["STDDEV"], "0.056");
    EXPECT_EQ(by["MAX RANK"], "3");
    EXPECT_EQ(by["IMBALANCE %"], "37.5");
}

TEST_F(JobOutputs, MultiValuedComponentsHaveRankColumnsPerValue) {
    // test_pair: start_mem = (r + 1) MB, stop_mem = 2 MB on every rank.
    run_job(3, [](int r) {
        auto tree = standard_rank(r);
        tree.nodes[1].data.clear();
        tim::accumulator start;
        tim::accumulator stop;
        start.add(1.0e6 * (r + 1));
        stop.add(2.0e6);
        tree.nodes[1].data[test_pair().index] = {start, stop};
        return tree;
    });
    const auto lines = lines_of(read_file(file("test_pair.txt")));
    std::vector<std::string> heads;
    std::vector<std::string> cells;
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        if (lines[i].find("LABEL") != std::string::npos) heads = cells_of(lines[i], lines[i + 1]);
        if (lines[i].find(">>> main") != std::string::npos) cells = cells_of(lines[i], lines[3]);
    }
    ASSERT_EQ(heads.size(), cells.size());
    std::vector<std::size_t> max_rank;
    for (std::size_t i = 0; i < heads.size(); ++i)
        if (heads[i] == "MAX RANK") max_rank.push_back(i);
    ASSERT_EQ(max_rank.size(), 2u);
    EXPECT_EQ(cells[max_rank[0]], "2");         // start_mem is largest on rank 2
    EXPECT_EQ(cells[max_rank[0] + 1], "33.3");  // (3 - 2) / 3
    EXPECT_EQ(cells[max_rank[1]], "0");         // stop_mem ties: the lowest rank
    EXPECT_EQ(cells[max_rank[1] + 1], "0.0");

    const auto doc = component_of(read_json(file("test_pair.json")), test_pair().id);
    const auto& over = row_of(doc.at("aggregate").at("graph"), "main")->at("over_ranks");
    ASSERT_TRUE(over.is_array());
    ASSERT_EQ(over.size(), 2u);
    EXPECT_EQ(over[0].at("max_rank"), 2);
    EXPECT_NEAR(over[0].at("imbalance").get<double>(), 100.0 / 3.0, 1e-9);
    EXPECT_EQ(over[1].at("ranks"), 3);
}

TEST_F(JobOutputs, MetadataNamesEveryRank) {
    run_job(3, standard_rank);
    const auto doc = read_json(file("metadata.json"));
    const auto& mpi = doc.at("timemory").at("metadata").at("mpi");
    EXPECT_EQ(mpi.at("world_size"), 3);
    EXPECT_TRUE(mpi.at("missing").empty());
    ASSERT_EQ(mpi.at("ranks").size(), 3u);
    for (int r = 0; r < 3; ++r) {
        const auto& p = mpi.at("ranks")[r];
        EXPECT_EQ(p.at("rank"), r);
        EXPECT_EQ(p.at("pid"), ::getpid());
        EXPECT_FALSE(p.at("host").get<std::string>().empty());
        EXPECT_LE(p.at("start_ns").get<std::int64_t>(), p.at("stop_ns").get<std::int64_t>());
        EXPECT_EQ(p.at("stop").get<std::string>().back(), 'Z');
    }
}

TEST_F(JobOutputs, MissingRankIsNamedAfterTheTimeout) {
    tim::settings::instance().mpi_timeout = 1.5;  // present ranks must answer within it
    const auto files = run_job(4, standard_rank, {3});
    ASSERT_FALSE(files.at(0).empty());
    const auto doc = flat();
    EXPECT_EQ(doc.at("aggregate").at("missing"), json::array({3}));
    EXPECT_EQ(doc.at("aggregate").at("ranks"), json::array({0, 1, 2}));
    EXPECT_EQ(row_of(doc.at("aggregate").at("graph"), "main")->at("entry").at("laps"), 3);
    EXPECT_EQ(doc.at("ranks").size(), 3u);
    // hatchet numbers ranks by position: rank 3 keeps its place, empty.
    const auto mpi = tree().at("mpi");
    ASSERT_EQ(mpi.size(), 4u);
    EXPECT_TRUE(mpi[3].empty());
    EXPECT_FALSE(mpi[2].empty());
    const auto meta = read_json(file("metadata.json")).at("timemory").at("metadata").at("mpi");
    EXPECT_EQ(meta.at("missing"), json::array({3}));
    EXPECT_EQ(meta.at("ranks").size(), 3u);
    EXPECT_NE(m_stderr.find("results of rank 3 did not arrive"), std::string::npos) << m_stderr;
    EXPECT_NE(read_file(file("test_timer.txt")).find("OVER 3 OF 4 RANKS"), std::string::npos);
}

TEST_F(JobOutputs, RanksThatSendThroughAMissingRankWriteTheirOwnFiles) {
    // Rank 3 sends to rank 2 in the reduction: with 2 gone, both are missing from the job's files
    // and rank 3 writes its own.
    tim::settings::instance().mpi_timeout = 1.5;  // present ranks must answer within it
    run_job(4, standard_rank, {2});
    const auto doc = flat();
    EXPECT_EQ(doc.at("aggregate").at("missing"), json::array({2, 3}));
    EXPECT_EQ(row_of(doc.at("aggregate").at("graph"), "main")->at("entry").at("laps"), 2);
    const auto own = component_of(read_json(file("test_timer-3.json")), test_timer().id);
    EXPECT_EQ(row_of(own.at("ranks")[0].at("graph"), "solve")->at("entry").at("laps"), 4);
    EXPECT_NE(m_stderr.find("results of ranks 2, 3 did not arrive"), std::string::npos) << m_stderr;
    EXPECT_NE(m_stderr.find("rank 3: its results could not be sent"), std::string::npos)
        << m_stderr;
}

TEST_F(JobOutputs, LateRankIsToldItIsMissingAndWritesItsOwnFiles) {
    // Rank 2 arrives after rank 0 stopped waiting for it (2 timeouts: it is rank 0's child in
    // round 2); rank 0 tells it so, rather than leaving it to wait out its own bound.
    tim::settings::instance().mpi_timeout = 1.0;
    run_job(3, [](int r) {
        if (r == 2) std::this_thread::sleep_for(std::chrono::seconds{4});
        return standard_rank(r);
    });
    EXPECT_EQ(flat().at("aggregate").at("missing"), json::array({2}));
    const auto own = component_of(read_json(file("test_timer-2.json")), test_timer().id);
    EXPECT_EQ(row_of(own.at("ranks")[0].at("graph"), "solve")->at("entry").at("laps"), 3);
    EXPECT_NE(m_stderr.find("rank 2: its results did not reach rank 0 within TIMEMORY_MPI_TIMEOUT "
                            "(1 s), so the job's files lack them"),
              std::string::npos)
        << m_stderr;
}

TEST_F(JobOutputs, RankWhoseParentIsGoneWritesItsOwnFiles) {
    tim::settings::instance().mpi_timeout = 1.5;  // present ranks must answer within it
    const auto files = run_job(2, standard_rank, {0});
    ASSERT_FALSE(files.at(1).empty());
    EXPECT_FALSE(std::filesystem::exists(file("test_timer.json")));
    const auto own = component_of(read_json(file("test_timer-1.json")), test_timer().id);
    EXPECT_EQ(row_of(own.at("ranks")[0].at("graph"), "solve")->at("entry").at("laps"), 2);
    EXPECT_NE(m_stderr.find("this rank writes its own files"), std::string::npos) << m_stderr;
}

TEST_F(JobOutputs, PerRankFilesOnRequest) {
    tim::settings::instance().per_rank_output = true;
    const auto files = run_job(3, standard_rank);
    for (int r = 0; r < 3; ++r) {
        const auto name = "test_timer-" + std::to_string(r) + ".json";
        const auto own = component_of(read_json(file(name)), test_timer().id);
        EXPECT_EQ(row_of(own.at("ranks")[0].at("graph"), "solve")->at("entry").at("laps"), r + 1);
        EXPECT_TRUE(std::filesystem::exists(file("metadata-" + std::to_string(r) + ".json")));
        EXPECT_FALSE(files.at(r).empty());
    }
    EXPECT_TRUE(std::filesystem::exists(file("test_timer.json")));  // and the job's files
}

TEST_F(JobOutputs, UncollapsedProcessesWriteOnlyPerRankFiles) {
    tim::settings::instance().collapse_processes = false;
    run_job(2, standard_rank);
    EXPECT_FALSE(std::filesystem::exists(file("test_timer.json")));
    EXPECT_TRUE(std::filesystem::exists(file("test_timer-0.json")));
    EXPECT_TRUE(std::filesystem::exists(file("test_timer-1.json")));
}

TEST_F(JobOutputs, ThreadsInsideRanksMergeByCallPath) {
    // Each rank's tree is what collect_results makes of two threads that each push "work" 3 times.
    {
        output_test::region main{"main"};
        main.record(test_timer(), 10.0);
        auto worker = [] {
            for (int i = 0; i < 3; ++i) output_test::region{"work"}.record(test_timer(), 5.0);
        };
        std::thread a{worker};
        std::thread b{worker};
        a.join();
        b.join();
    }
    const auto mine = tim::collect_results();
    run_job(3, [&](int) { return mine; });
    const auto doc = flat();
    const auto& graph = doc.at("aggregate").at("graph");
    EXPECT_EQ(row_of(graph, "work")->at("entry").at("laps"), 18);
    EXPECT_EQ(row_of(graph, "work")->at("over_ranks").at("ranks"), 3);
    EXPECT_EQ(row_of(graph, "main")->at("entry").at("laps"), 3);
}

TEST(JobResults, SerializeAndMergeRoundTrip) {
    auto tree = standard_rank(1);
    tree.nodes[1].tids = {0, 3};
    tim::job_results one{tree, tim::this_process(5)};
    tim::job_results back;
    back.merge(one.serialize(true));
    ASSERT_EQ(back.tree().nodes.size(), tree.nodes.size());
    EXPECT_EQ(back.tree().ranks, std::vector<std::int32_t>{5});
    for (std::size_t i = 1; i < tree.nodes.size(); ++i) {
        const auto& a = tree.nodes[i];
        const auto& b = back.tree().nodes[i];
        EXPECT_EQ(a.hash, b.hash);
        EXPECT_EQ(a.label, b.label);
        EXPECT_EQ(a.parent, b.parent);
        EXPECT_EQ(a.tids, b.tids);
        EXPECT_EQ(a.pids, b.pids);
        const auto& x = a.data.at(test_timer().index)[0];
        const auto& y = b.data.at(test_timer().index)[0];
        EXPECT_EQ(x.count, y.count);
        EXPECT_EQ(x.sum, y.sum);
        EXPECT_EQ(b.over_ranks.at(test_timer().index)[0].max_rank, 5);
    }
    // Without pids, the combined tree does not grow a pid per rank.
    tim::job_results lean;
    lean.merge(one.serialize(false));
    EXPECT_TRUE(lean.tree().nodes[1].pids.empty());
}

TEST(JobResults, MalformedBytesMergeNothing) {
    tim::job_results one{standard_rank(0), tim::this_process(0)};
    auto bytes = tim::job_results{standard_rank(1), tim::this_process(1)}.serialize();
    const auto before = one.tree().nodes.size();
    auto cut = bytes;
    cut.resize(cut.size() - 5);
    EXPECT_THROW(one.merge(cut), std::runtime_error);
    EXPECT_THROW(one.merge(std::vector<char>{'x', 'y'}), std::runtime_error);
    EXPECT_EQ(one.tree().nodes.size(), before);
    EXPECT_EQ(one.tree().ranks, std::vector<std::int32_t>{0});
    one.merge(bytes);
    EXPECT_EQ(one.tree().ranks, (std::vector<std::int32_t>{0, 1}));
}

TEST(JobResults, MergeOrderDoesNotChangeTheResult) {
    // Ranks 0..6 merged in two different orders give the same rows and statistics.
    auto combine = [](std::vector<int> order) {
        tim::job_results all;
        for (int r : order) all.merge(tim::job_results{standard_rank(r), tim::this_process(r)});
        std::map<std::string, std::pair<std::uint64_t, tim::rank_statistics>> rows;
        for (const auto& node : all.tree().nodes) {
            auto it = node.data.find(test_timer().index);
            if (it == node.data.end()) continue;
            rows[node.label] = {it->second[0].count, node.over_ranks.at(test_timer().index)[0]};
        }
        return rows;
    };
    const auto a = combine({0, 1, 2, 3, 4, 5, 6});
    const auto b = combine({6, 3, 5, 0, 2, 1, 4});
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [label, value] : a) {
        const auto& other = b.at(label);
        EXPECT_EQ(value.first, other.first) << label;
        EXPECT_EQ(value.second.ranks, other.second.ranks) << label;
        EXPECT_DOUBLE_EQ(value.second.sum, other.second.sum) << label;
        EXPECT_EQ(value.second.max_rank, other.second.max_rank) << label;
        EXPECT_EQ(value.second.min_rank, other.second.min_rank) << label;
    }
}

/// Writes a 4-rank job's files into $JOB_OUTPUT_TEST_DIR for tests/python/test_job_hatchet.py
/// (hatchet reads them there); skipped when it is not set.
TEST_F(JobOutputs, WriteFourRankFolderForPython) {
    const char* dir = std::getenv("JOB_OUTPUT_TEST_DIR");
    if (dir == nullptr || *dir == '\0') GTEST_SKIP() << "JOB_OUTPUT_TEST_DIR is not set";
    m_dir = dir;
    run_job(4, standard_rank);
    EXPECT_TRUE(std::filesystem::exists(file("test_timer.tree.json")));
    m_dir = std::filesystem::temp_directory_path() / "timemory-job-output-kept";  // not removed
}
