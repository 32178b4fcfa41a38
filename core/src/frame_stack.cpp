#include "timemory/core/frame_stack.hpp"

#include "timemory/core/log.hpp"

#include <memory>

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

// The thread's stacks, destroyed when the thread ends. Created after the thread's graph (see
// create_thread_frame_stack), so destroyed before the graph is retired: frames closed here still
// reach it, and their time is in the outputs written at exit.
struct thread_frame_stacks {
    struct entry {
        std::unique_ptr<frame_stack> stack;
        frame_stack** slot;
    };
    std::vector<entry> entries;

    ~thread_frame_stacks() {
        for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
            const std::size_t closed = it->stack->close_all();
            if (closed != 0) {
                log::warning(closed, " ", it->stack->owner(),
                             "(s) still open when their thread ended were closed so their time "
                             "is kept");
            }
            *it->slot = nullptr;
        }
    }
};

thread_local thread_frame_stacks this_thread_stacks;

}  // namespace

frame_stack& create_thread_frame_stack(frame_stack*& slot, const char* owner) {
    (void)this_thread_graph();  // constructed first, so retired after the stacks are closed
    auto& stacks = this_thread_stacks;
    stacks.entries.push_back({std::make_unique<frame_stack>(owner), &slot});
    slot = stacks.entries.back().stack.get();
    return *slot;
}

}  // namespace tim
