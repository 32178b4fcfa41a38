#include "timemory/core/frame_stack.hpp"

#include "timemory/core/graph_registry.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/open_scope.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tim {

frame_stack::frame_stack(const char* owner) : m_owner{owner} {
    m_frames.reserve(64);
    m_raw.resize(256);
}

void frame_stack::grow(std::size_t need) {
    m_raw.resize(need * 2);
}

std::size_t frame_stack::close_all() {
    std::size_t closed = 0;
    while (!m_frames.empty()) {
        close_top();
        ++closed;
    }
    return closed;
}

void frame_stack::restart_all() noexcept {
    for (const auto& f : m_frames) {
        if (f.set != nullptr) f.set->sample(m_raw.data() + f.raw_offset);
    }
}

namespace {

// Close what is left on every stack (innermost first within each stack, the stacks in reverse
// order of creation) and warn once per stack that closed some, counting `closed[i]` frames of
// stack i closed before. Returns the total.
template <typename Entries>
std::size_t close_stacks(Entries& entries, std::string_view when, std::vector<std::size_t> closed) {
    closed.resize(entries.size(), 0);
    std::size_t total = 0;
    for (std::size_t i = entries.size(); i-- > 0;) {
        auto& stack = *entries[i].stack;
        closed[i] += stack.close_all();
        if (closed[i] != 0) {
            log::warning(closed[i], " ", stack.owner(), "(s) still open ", when,
                         " were closed so their time is kept");
        }
        total += closed[i];
    }
    return total;
}

// Set when this thread's stacks are gone (thread teardown): a stack asked for later, by another
// thread-local's destructor, is not registered in the destroyed list.
constinit thread_local bool this_thread_stacks_gone = false;
// Set when this thread's stacks exist: asking for them otherwise would construct them before the
// thread's graph (and so destroy them after it is retired).
constinit thread_local bool this_thread_stacks_made = false;

// The thread's stacks, destroyed when the thread ends. Created after the thread's graph (see
// create_thread_frame_stack), so destroyed before the graph is retired: frames closed here still
// reach it (and, when the outputs are written at exit after this, they are in them).
struct thread_frame_stacks {
    struct entry {
        std::unique_ptr<frame_stack> stack;
        frame_stack** slot;
    };
    std::vector<entry> entries;

    ~thread_frame_stacks() {
        close_stacks(entries, "when their thread ended", {});
        for (auto& e : entries) *e.slot = nullptr;
        this_thread_stacks_gone = true;
    }
};

thread_local thread_frame_stacks this_thread_stacks;

}  // namespace

frame_stack& create_thread_frame_stack(frame_stack*& slot, const char* owner) {
    if (TIMEMORY_UNLIKELY(this_thread_stacks_gone)) {
        // Thread teardown, after the stacks were closed: frames opened now cannot be kept.
        slot = new frame_stack{owner};  // freed never: the thread is ending
        return *slot;
    }
    (void)this_thread_graph();  // constructed first, so retired after the stacks are closed
    auto& stacks = this_thread_stacks;
    this_thread_stacks_made = true;
    stacks.entries.push_back({std::make_unique<frame_stack>(owner), &slot});
    slot = stacks.entries.back().stack.get();
    return *slot;
}

namespace detail {

thread_local open_scope* this_thread_scopes TIMEMORY_INITIAL_EXEC = nullptr;

namespace {
// The link that points at `scope` in this thread's list (nullptr: not linked).
open_scope** link_to(const open_scope& scope) noexcept {
    for (open_scope** link = &this_thread_scopes; *link != nullptr; link = &(*link)->outer) {
        if (*link == &scope) return link;
    }
    return nullptr;
}
}  // namespace

void unlink_scope_slow(open_scope& scope) noexcept {
    if (open_scope** link = link_to(scope)) *link = scope.outer;
}

void relink_scope(open_scope& from, open_scope& to) noexcept {
    to.outer = from.outer;
    if (open_scope** link = link_to(from)) *link = &to;
}

}  // namespace detail

std::size_t close_thread_frames(std::string_view when) {
    auto* entries =
        this_thread_stacks_made && !this_thread_stacks_gone ? &this_thread_stacks.entries : nullptr;
    const std::size_t stacks = entries != nullptr ? entries->size() : 0;
    std::vector<std::size_t> closed(stacks, 0);
    std::size_t scopes = 0;
    // Innermost first, in the order the graph opened them, whichever kind holds each node: no
    // region is popped while one inside it is still open.
    if (thread_graph* graph = detail::this_thread_graph_ptr) {
        while (graph->stack_depth() > 0) {
            const std::uint32_t top = graph->current();
            if (auto* scope = detail::this_thread_scopes; scope != nullptr && scope->node == top) {
                scope->close(*scope);
                ++scopes;
                continue;
            }
            std::size_t i = 0;
            while (i < stacks &&
                   ((*entries)[i].stack->empty() || (*entries)[i].stack->top().node != top)) {
                ++i;
            }
            if (i == stacks) break;  // opened by something else (graph-level push)
            (*entries)[i].stack->close_top();
            ++closed[i];
        }
    }
    // What is left holds no node on the graph (beyond max_depth, measured nothing).
    while (auto* scope = detail::this_thread_scopes) {
        scope->close(*scope);
        ++scopes;
    }
    std::size_t total = scopes;
    if (entries != nullptr) total += close_stacks(*entries, when, std::move(closed));
    if (scopes != 0) {
        log::warning(scopes, " scope(s) still open ", when, " were closed so their time is kept");
    }
    return total;
}

void restart_thread_frames() noexcept {
    if (this_thread_stacks_made && !this_thread_stacks_gone) {
        for (auto& e : this_thread_stacks.entries) e.stack->restart_all();
    }
    for (auto* scope = detail::this_thread_scopes; scope != nullptr; scope = scope->outer) {
        scope->restart(*scope);
    }
}

std::size_t warn_frames_open_elsewhere(std::string_view when) {
    std::string list;
    std::size_t count = 0;
    for (const auto& graph : detail::all_graphs()) {
        if (graph.get() == detail::this_thread_graph_ptr || graph->retired()) continue;
        const std::vector<hash_value> open = graph_access::open_hashes(*graph);
        if (open.empty()) continue;
        list += list.empty() ? "thread " : "; thread ";
        list += std::to_string(graph->tid());
        list += ": ";
        for (std::size_t k = 0; k < open.size(); ++k) {
            if (k > 0) list += " > ";
            list += label_text(open[k]);
            ++count;
        }
    }
    if (count != 0) {
        log::warning("regions still open on other threads ", when,
                     " are kept without the time of their open call: ", list);
    }
    return count;
}

}  // namespace tim
