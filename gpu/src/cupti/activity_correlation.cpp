#include "cupti/activity_correlation.hpp"

#include <memory>
#include <mutex>

namespace tim::gpu::activity {
namespace {

struct thread_log {
    std::mutex mutex;
    std::vector<correlation_note> notes;
    bool exited = false;
};

struct log_list {
    std::mutex mutex;
    std::vector<std::unique_ptr<thread_log>> logs;
};

log_list& logs() {
    static auto* list = new log_list{};  // never destroyed: CUDA calls may come during exit
    return *list;
}

// Two thread_locals: the pointer is trivially destructible (cheap access on the hot path); the
// closer only marks the log exited when the thread ends, so that the drain can free it.
thread_local thread_log* this_thread_log = nullptr;
struct log_closer {
    thread_log* log = nullptr;
    ~log_closer() {
        if (log == nullptr) return;
        std::lock_guard<std::mutex> lock{log->mutex};
        log->exited = true;
    }
};
thread_local log_closer this_thread_closer;

thread_log* create_this_thread_log() {
    auto owned = std::make_unique<thread_log>();
    auto* log = owned.get();
    auto& list = logs();
    {
        std::lock_guard<std::mutex> lock{list.mutex};
        list.logs.push_back(std::move(owned));
    }
    this_thread_log = log;
    this_thread_closer.log = log;
    return log;
}

}  // namespace

void note_correlation(const correlation_note& note) noexcept {
    try {
        thread_log* log = this_thread_log;
        if (log == nullptr) log = create_this_thread_log();
        std::lock_guard<std::mutex> lock{log->mutex};
        log->notes.push_back(note);
    } catch (...) {
        // Out of memory: the records of this call end up "unattributed", nothing else breaks.
    }
}

void drain_correlation_notes(std::vector<correlation_note>& out) {
    auto& list = logs();
    std::lock_guard<std::mutex> lock{list.mutex};
    std::erase_if(list.logs, [&](const std::unique_ptr<thread_log>& log) {
        std::lock_guard<std::mutex> log_lock{log->mutex};
        out.insert(out.end(), log->notes.begin(), log->notes.end());
        log->notes.clear();
        return log->exited;
    });
}

std::size_t correlation_log_count() {
    auto& list = logs();
    std::lock_guard<std::mutex> lock{list.mutex};
    return list.logs.size();
}

// ---- correlation_table ------------------------------------------------------------------------

void correlation_table::apply(const correlation_note& note) {
    if (note.flags & note_cancel) {
        // A failed call leaves no record. A failed nested call takes only itself: the runtime
        // may retry it and succeed; a failed outer call takes its nested calls with it.
        auto it = m_entries.find(note.correlation);
        if (it == m_entries.end()) return;
        std::vector<std::uint32_t> doomed{note.correlation};
        if (it->second.group == 0) {
            auto [first, last] = m_members.equal_range(note.correlation);
            for (auto m = first; m != last; ++m) doomed.push_back(m->second);
        }
        for (auto id : doomed) erase(id);
        return;
    }
    entry e;
    e.node = note.node;
    e.group = note.group == note.correlation ? 0 : note.group;
    e.born = m_cycle;
    e.last_use = m_cycle;
    e.flags = note.flags;
    // The first note wins: an external-correlation record for the runtime call and one for the
    // driver call it made may both name the same id.
    if (m_entries.emplace(note.correlation, e).second && e.group != 0) {
        m_members.emplace(e.group, note.correlation);
    }
}

std::optional<node_id> correlation_table::use(std::uint32_t correlation) {
    auto it = m_entries.find(correlation);
    if (it == m_entries.end()) return std::nullopt;
    auto& e = it->second;
    e.used = true;
    e.last_use = m_cycle;
    const node_id node = e.node;
    if (!(e.flags & note_sticky) && !e.retired) {
        retire_group(e.group != 0 ? e.group : correlation);  // may erase `e`; node is copied
    }
    return node;
}

void correlation_table::retire_group(std::uint32_t root) {
    const auto retire = [this](std::uint32_t id) {
        auto it = m_entries.find(id);
        if (it == m_entries.end() || it->second.retired) return;
        it->second.retired = true;
        m_retired.push_back({id, m_cycle});
    };
    retire(root);
    auto [first, last] = m_members.equal_range(root);
    for (auto m = first; m != last; ++m) retire(m->second);
    // Without forced flushes nothing else would ever erase them: keep the newest half.
    if (m_retired.size() > retired_cap) {
        for (std::size_t n = retired_cap / 2; n != 0; --n) {
            erase(m_retired.front().correlation);
            m_retired.pop_front();
        }
    }
}

void correlation_table::erase(std::uint32_t correlation) {
    auto it = m_entries.find(correlation);
    if (it == m_entries.end()) return;
    const auto group = it->second.group;
    m_entries.erase(it);
    // Unlink it from its group, or its group's links to it when it is the root.
    if (group != 0) {
        auto [first, last] = m_members.equal_range(group);
        for (auto m = first; m != last; ++m) {
            if (m->second == correlation) {
                m_members.erase(m);
                break;
            }
        }
    } else {
        m_members.erase(correlation);
    }
}

void correlation_table::end_forced_flush() {
    while (!m_retired.empty() && m_retired.front().cycle < m_cycle) {
        erase(m_retired.front().correlation);
        m_retired.pop_front();
    }
    std::vector<std::uint32_t> stale;
    for (const auto& [id, e] : m_entries) {
        if (e.retired) continue;
        const bool graph_done = (e.flags & note_sticky) && e.used && e.last_use < m_cycle;
        const bool never_came = !e.used && e.born + stale_flushes <= m_cycle + 1;
        if (graph_done || never_came) stale.push_back(id);
    }
    for (auto id : stale) erase(id);
    ++m_cycle;
}

void correlation_table::clear() {
    m_entries.clear();
    m_members.clear();
    m_retired.clear();
}

}  // namespace tim::gpu::activity
