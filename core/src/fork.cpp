// fork() without exec makes a process of its own: the child starts from no results (the
// parent's stay the parent's, so they are not counted twice), the regions it inherited open
// measure from the fork, and it writes to <output_path>-<pid> (settings.fork_output; off: it
// writes nothing), so that neither process's files replace the other's.
#include "timemory/core/frame_stack.hpp"
#include "timemory/core/graph_registry.hpp"
#include "timemory/core/settings.hpp"

#include <pthread.h>
#include <unistd.h>
#include <string>

namespace tim {
namespace {

void before_fork() {
    graph_access::lock_for_fork();
}

void in_parent() {
    graph_access::unlock_in_parent();
}

void in_child() {
    // The forking thread is the child's only thread; the other graphs' threads are gone.
    graph_access::reset_in_child(detail::this_thread_graph_ptr);
    restart_thread_frames();
    auto& s = settings::instance();
    if (s.fork_output) {
        s.output_path.append(1, '-').append(std::to_string(::getpid()));
    } else {
        s.auto_output = false;
    }
    s.changed();
}

// At load, before any thread of the program can fork.
[[maybe_unused]] const int registered = ::pthread_atfork(&before_fork, &in_parent, &in_child);

}  // namespace
}  // namespace tim
