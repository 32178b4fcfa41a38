// job_results: one rank's results in the form ranks exchange (a compact binary message) and the
// merge of such results by call path, with the statistics over ranks of every node's values.
#include "output_internal.hpp"

#include "timemory/core/job_output.hpp"
#include "timemory/core/registry.hpp"

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace tim {

// ---- rank_statistics ---------------------------------------------------------------------------

void rank_statistics::add(std::int32_t rank, double value) noexcept {
    rank_statistics one;
    one.ranks = 1;
    one.sum = value;
    one.sqr = value * value;
    one.min = one.max = value;
    one.min_rank = one.max_rank = rank;
    merge(one);
}

void rank_statistics::merge(const rank_statistics& o) noexcept {
    if (o.ranks == 0) return;
    if (ranks == 0) {
        *this = o;
        return;
    }
    ranks += o.ranks;
    sum += o.sum;
    sqr += o.sqr;
    // Ties go to the lowest rank, so that the result does not depend on the order of merges.
    if (o.min < min || (o.min == min && o.min_rank < min_rank)) {
        min = o.min;
        min_rank = o.min_rank;
    }
    if (o.max > max || (o.max == max && o.max_rank < max_rank)) {
        max = o.max;
        max_rank = o.max_rank;
    }
}

double rank_statistics::mean() const noexcept {
    return ranks ? sum / static_cast<double>(ranks) : 0.0;
}

double rank_statistics::stddev() const noexcept {
    if (ranks < 2) return 0.0;
    const double m = mean();
    return std::sqrt(std::max(0.0, sqr / static_cast<double>(ranks) - m * m));
}

double rank_statistics::imbalance_percent() const noexcept {
    if (ranks == 0 || !(max > 0.0)) return 0.0;
    return std::max(0.0, (max - mean()) / max * 100.0);
}

// ---- wire format -------------------------------------------------------------------------------
//
// "TMJR", version, flags, thread count, world size, the processes, the component table (local
// index, id), then every node parents-first: parent, hash, sibling ordinal, label, first entry,
// tids, [pids], and per component its accumulators and rank statistics. Native byte order: the
// ranks of one job run one build on one kind of machine.

namespace {

// Accumulators and rank statistics travel as their bytes.
static_assert(std::is_trivially_copyable_v<accumulator>);
static_assert(std::is_trivially_copyable_v<rank_statistics>);

constexpr char k_magic[4] = {'T', 'M', 'J', 'R'};
constexpr std::uint32_t k_version = 1;
constexpr std::uint32_t k_no_parent = std::numeric_limits<std::uint32_t>::max();

class writer {
  public:
    explicit writer(std::vector<char>& out) : m_out{out} {}
    template <typename T>
    void put(const T& value) {
        const auto* p = reinterpret_cast<const char*>(&value);
        m_out.insert(m_out.end(), p, p + sizeof(T));
    }
    void put(const std::string& text) {
        put(static_cast<std::uint32_t>(text.size()));
        m_out.insert(m_out.end(), text.begin(), text.end());
    }
    void put_ids(const std::set<std::int64_t>& ids) {
        put(static_cast<std::uint32_t>(ids.size()));
        for (auto id : ids) put(id);
    }

  private:
    std::vector<char>& m_out;
};

class reader {
  public:
    explicit reader(const std::vector<char>& in)
        : m_data{in.data()}, m_end{in.data() + in.size()} {}
    template <typename T>
    T get() {
        need(sizeof(T));
        T value;
        std::memcpy(&value, m_data, sizeof(T));
        m_data += sizeof(T);
        return value;
    }
    std::string text() { return std::string{view()}; }
    /// A string of the message, valid while the message is.
    std::string_view view() {
        const auto n = get<std::uint32_t>();
        need(n);
        std::string_view out{m_data, n};
        m_data += n;
        return out;
    }
    /// A count of items of at least `item` bytes each that the rest of the message can hold.
    std::uint32_t count(std::size_t item) {
        const auto n = get<std::uint32_t>();
        if (item != 0 && n > static_cast<std::size_t>(m_end - m_data) / item) fail();
        return n;
    }
    void skip(std::size_t bytes) {
        need(bytes);
        m_data += bytes;
    }
    bool done() const noexcept { return m_data == m_end; }
    [[noreturn]] static void fail() {
        throw std::runtime_error("malformed rank results (truncated or not timemory's)");
    }

  private:
    void need(std::size_t n) const {
        if (static_cast<std::size_t>(m_end - m_data) < n) fail();
    }
    const char* m_data;
    const char* m_end;
};

std::uint64_t mix(std::uint64_t x) noexcept {  // splitmix64's finaliser
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

std::uint64_t path_hash(std::uint64_t parent, hash_value hash, std::uint32_t ordinal) noexcept {
    return mix(parent * 0x9e3779b97f4a7c15ULL + mix(hash) + ordinal);
}

}  // namespace

rank_process this_process(std::int32_t rank) {
    rank_process p;
    p.rank = rank;
    p.host = output_detail::host_name();
    p.pid = ::getpid();
    p.start_ns = output_detail::process_start_ns();
    p.stop_ns = output_detail::now_ns();
    return p;
}

// ---- job_results -------------------------------------------------------------------------------

job_results::job_results(const result_tree& mine, rank_process process, std::int32_t world_size) {
    m_tree = mine;
    if (m_tree.nodes.empty()) m_tree.nodes.emplace_back();
    m_tree.ranks = {process.rank};
    m_tree.world_size = std::max(world_size, process.rank + 1);
    m_processes.push_back(std::move(process));
    const auto rank = m_processes.front().rank;
    const std::size_t n = m_tree.nodes.size();
    m_path.assign(n, 0);
    m_ordinal.assign(n, 0);
    m_index.reserve(n);
    // Sibling ordinals: the k-th child of one label under one parent.
    std::unordered_map<std::uint64_t, std::uint32_t> seen;
    for (std::size_t i = 0; i < n; ++i) {
        auto& node = m_tree.nodes[i];
        node.over_ranks.clear();
        for (const auto& [index, values] : node.data) {
            auto& stats = node.over_ranks[index];
            stats.resize(values.size());
            for (std::size_t v = 0; v < values.size(); ++v) {
                if (!values[v].empty()) stats[v].add(rank, values[v].sum);
            }
        }
        seen.clear();
        for (auto c : node.children) {
            const auto ordinal = seen[m_tree.nodes[c].hash]++;
            m_ordinal[c] = ordinal;
        }
        if (i != 0) {
            const auto parent = static_cast<std::size_t>(node.parent);
            std::uint64_t key = path_hash(m_path[parent], node.hash, m_ordinal[i]);
            while (m_index.count(key) != 0) ++key;  // a collision: probe
            m_path[i] = key;
            m_index.emplace(key, static_cast<std::uint32_t>(i));
        }
    }
}

std::size_t job_results::child(std::size_t parent, hash_value hash, std::uint32_t ordinal,
                               std::string_view label) {
    std::uint64_t key = path_hash(m_path[parent], hash, ordinal);
    for (;; ++key) {
        auto it = m_index.find(key);
        if (it == m_index.end()) break;
        const auto& node = m_tree.nodes[it->second];
        if (node.parent == static_cast<std::int64_t>(parent) && node.hash == hash &&
            m_ordinal[it->second] == ordinal)
            return it->second;
    }
    const std::size_t index = m_tree.nodes.size();
    result_node node;
    node.hash = hash;
    node.label = std::string{label};
    node.parent = static_cast<std::int64_t>(parent);
    node.depth = m_tree.nodes[parent].depth + 1;
    m_tree.nodes[parent].children.push_back(index);
    m_tree.nodes.push_back(std::move(node));
    m_path.push_back(key);
    m_ordinal.push_back(ordinal);
    m_index.emplace(key, static_cast<std::uint32_t>(index));
    return index;
}

std::vector<char> job_results::serialize(bool with_pids) const {
    std::vector<char> out;
    out.reserve(64 + m_tree.nodes.size() * 160);
    writer w{out};
    out.insert(out.end(), k_magic, k_magic + 4);
    w.put(k_version);
    w.put(static_cast<std::uint8_t>(with_pids ? 1 : 0));
    w.put(static_cast<std::uint8_t>(m_tree.collapsed_threads ? 1 : 0));
    w.put(static_cast<std::uint64_t>(m_tree.thread_count));
    w.put(m_tree.world_size);
    w.put(static_cast<std::uint32_t>(m_processes.size()));
    for (const auto& p : m_processes) {
        w.put(p.rank);
        w.put(p.host);
        w.put(p.pid);
        w.put(p.start_ns);
        w.put(p.stop_ns);
    }
    std::set<std::uint16_t> used;
    for (const auto& node : m_tree.nodes)
        for (const auto& entry : node.data) used.insert(entry.first);
    std::vector<std::pair<std::uint16_t, std::string>> table;
    for (const auto* info : registry::all()) {
        if (used.count(info->index) != 0) table.emplace_back(info->index, std::string{info->id});
    }
    w.put(static_cast<std::uint32_t>(table.size()));
    for (const auto& [index, id] : table) {
        w.put(index);
        w.put(id);
    }
    w.put(static_cast<std::uint32_t>(m_tree.nodes.size()));
    for (std::size_t i = 0; i < m_tree.nodes.size(); ++i) {
        const auto& node = m_tree.nodes[i];
        w.put(i == 0 ? k_no_parent : static_cast<std::uint32_t>(node.parent));
        w.put(node.hash);
        w.put(i < m_ordinal.size() ? m_ordinal[i] : std::uint32_t{0});
        w.put(i == 0 ? std::string{} : node.label);
        w.put(node.start_ns);
        w.put_ids(node.tids);
        if (with_pids) w.put_ids(node.pids);
        w.put(static_cast<std::uint32_t>(node.data.size()));
        for (const auto& [index, values] : node.data) {
            w.put(index);
            w.put(static_cast<std::uint32_t>(values.size()));
            for (const auto& a : values) w.put(a);
            const auto it = node.over_ranks.find(index);
            const std::size_t n = it == node.over_ranks.end() ? 0 : it->second.size();
            w.put(static_cast<std::uint32_t>(n));
            for (std::size_t v = 0; v < n; ++v) w.put(it->second[v]);
        }
    }
    return out;
}

namespace {
// The fields of a message up to its nodes.
struct message_head {
    bool with_pids = false;
    bool collapsed_threads = true;
    std::uint64_t threads = 0;
    std::int32_t world_size = 0;
    std::vector<rank_process> processes;
    std::map<std::uint16_t, const component_info*> components;  // sender's index -> ours
};

message_head read_head(reader& in) {
    message_head head;
    char magic[4];
    for (auto& c : magic) c = in.get<char>();
    if (std::memcmp(magic, k_magic, 4) != 0 || in.get<std::uint32_t>() != k_version) reader::fail();
    head.with_pids = in.get<std::uint8_t>() != 0;
    head.collapsed_threads = in.get<std::uint8_t>() != 0;
    head.threads = in.get<std::uint64_t>();
    head.world_size = in.get<std::int32_t>();
    const auto nprocs = in.count(28);
    for (std::uint32_t i = 0; i < nprocs; ++i) {
        rank_process p;
        p.rank = in.get<std::int32_t>();
        p.host = in.text();
        p.pid = in.get<std::int64_t>();
        p.start_ns = in.get<std::int64_t>();
        p.stop_ns = in.get<std::int64_t>();
        head.processes.push_back(std::move(p));
    }
    const auto ncomp = in.count(6);
    for (std::uint32_t i = 0; i < ncomp; ++i) {
        const auto index = in.get<std::uint16_t>();
        // A component this process does not know (a plugin loaded elsewhere only) is dropped.
        head.components[index] = registry::find(in.text());
    }
    return head;
}

// One node of a message as read: views into the message, buffers reused from node to node.
struct wire_node {
    hash_value hash = 0;
    std::uint32_t ordinal = 0;
    std::string_view label;
    std::int64_t start_ns = 0;
    std::vector<std::int64_t> tids;
    std::vector<std::int64_t> pids;
    std::vector<const component_info*> components;
    std::vector<std::vector<accumulator>> values;
    std::vector<std::vector<rank_statistics>> stats;
};

void read_ids(reader& in, std::vector<std::int64_t>& ids) {
    ids.resize(in.count(8));
    for (auto& id : ids) id = in.get<std::int64_t>();
}

// Walks the nodes of a message, calling apply(index, parent, node) for each.
template <typename Apply>
void read_nodes(reader& in, const message_head& head, Apply&& apply) {
    const auto count = in.count(24);
    if (count == 0) reader::fail();
    wire_node node;
    for (std::uint32_t i = 0; i < count; ++i) {
        const auto parent = in.get<std::uint32_t>();
        if ((i == 0) != (parent == k_no_parent) || (i != 0 && parent >= i)) reader::fail();
        node.hash = in.get<hash_value>();
        node.ordinal = in.get<std::uint32_t>();
        node.label = in.view();
        node.start_ns = in.get<std::int64_t>();
        read_ids(in, node.tids);
        if (head.with_pids) read_ids(in, node.pids);
        const auto ndata = in.count(10);
        node.components.resize(ndata);
        node.values.resize(ndata);
        node.stats.resize(ndata);
        for (std::uint32_t d = 0; d < ndata; ++d) {
            auto it = head.components.find(in.get<std::uint16_t>());
            if (it == head.components.end()) reader::fail();
            node.components[d] = it->second;
            node.values[d].resize(in.count(sizeof(accumulator)));
            for (auto& a : node.values[d]) a = in.get<accumulator>();
            node.stats[d].resize(in.count(sizeof(rank_statistics)));
            for (auto& s : node.stats[d]) s = in.get<rank_statistics>();
        }
        apply(i, parent, node);
    }
    if (!in.done()) reader::fail();
}

void keep_earliest(std::int64_t& start_ns, std::int64_t other) noexcept {
    if (start_ns == 0 || (other != 0 && other < start_ns)) start_ns = other;
}
}  // namespace

void job_results::merge(const std::vector<char>& bytes) {
    {  // Check the whole message first, so that a bad one merges nothing.
        reader in{bytes};
        const auto head = read_head(in);
        read_nodes(in, head, [](std::uint32_t, std::uint32_t, const wire_node&) {});
    }
    reader in{bytes};
    const auto head = read_head(in);
    if (m_tree.nodes.empty()) {
        m_tree = result_tree{};
        m_tree.nodes.emplace_back();
        m_tree.collapsed_threads = head.collapsed_threads;
        m_path.assign(1, 0);
        m_ordinal.assign(1, 0);
        m_index.clear();
    }
    m_tree.thread_count = std::max<std::size_t>(m_tree.thread_count, head.threads);
    m_tree.world_size = std::max(m_tree.world_size, head.world_size);
    for (const auto& p : head.processes) {
        auto at = std::lower_bound(
            m_processes.begin(), m_processes.end(), p.rank,
            [](const rank_process& a, std::int32_t rank) { return a.rank < rank; });
        if (at != m_processes.end() && at->rank == p.rank) continue;  // merged before
        m_processes.insert(at, p);
        m_tree.ranks.insert(std::lower_bound(m_tree.ranks.begin(), m_tree.ranks.end(), p.rank),
                            p.rank);
    }
    std::vector<std::uint32_t> map;
    read_nodes(in, head, [&](std::uint32_t i, std::uint32_t parent, const wire_node& from) {
        const std::size_t r = i == 0 ? 0 : child(map[parent], from.hash, from.ordinal, from.label);
        map.push_back(static_cast<std::uint32_t>(r));
        auto& to = m_tree.nodes[r];
        to.tids.insert(from.tids.begin(), from.tids.end());
        to.pids.insert(from.pids.begin(), from.pids.end());
        keep_earliest(to.start_ns, from.start_ns);
        for (std::size_t d = 0; d < from.components.size(); ++d) {
            const auto* info = from.components[d];
            if (info == nullptr) continue;
            const auto& values = from.values[d];
            accumulator::merge_into(to.data[info->index], values.data(), values.size());
            const auto& stats = from.stats[d];
            auto& into = to.over_ranks[info->index];
            if (into.size() < stats.size()) into.resize(stats.size());
            for (std::size_t v = 0; v < stats.size(); ++v) into[v].merge(stats[v]);
        }
    });
}

void job_results::merge(const job_results& other) {
    merge(other.serialize(false));  // as the reduction merges: without process ids
}

}  // namespace tim
