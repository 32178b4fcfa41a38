#include "timemory/core/frame_stack.hpp"

#include "timemory/core/log.hpp"

#include <memory>
#include <string_view>

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

namespace {

// Close every stack's frames (innermost first within each stack, the stacks in reverse order of
// creation), one warning per stack that had some. Returns the total.
template <typename Entries>
std::size_t close_stacks(Entries& entries, std::string_view when) {
    std::size_t total = 0;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        const std::size_t closed = it->stack->close_all();
        if (closed != 0) {
            log::warning(closed, " ", it->stack->owner(), "(s) still open ", when,
                         " were closed so their time is kept");
        }
        total += closed;
    }
    return total;
}

// Set when this thread's stacks are gone (thread teardown): a stack asked for later, by another
// thread-local's destructor, is not registered in the destroyed list.
constinit thread_local bool this_thread_stacks_gone = false;

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
        close_stacks(entries, "when their thread ended");
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
    stacks.entries.push_back({std::make_unique<frame_stack>(owner), &slot});
    slot = stacks.entries.back().stack.get();
    return *slot;
}

std::size_t close_thread_frames(std::string_view when) {
    if (this_thread_stacks_gone) return 0;
    return close_stacks(this_thread_stacks.entries, when);
}

}  // namespace tim
