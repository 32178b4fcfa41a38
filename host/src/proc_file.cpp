// Cached /proc/self descriptors. Re-opening a /proc file costs an open/close pair plus the path
// walk on every sample; keeping the descriptor and re-reading with pread at offset 0 costs one
// syscall. Descriptors are per thread so that concurrent samples do not serialise on the kernel's
// per-file seq_file lock.
//
// Two hazards are handled:
//   - fork: "/proc/self" is resolved at open time, so a descriptor inherited by a child still
//     describes the parent. A pthread_atfork child handler bumps a generation counter, and a
//     thread whose cache is from an older generation re-opens.
//   - thread exit: a component may sample while thread_local objects are being destroyed (a
//     region closed by another thread_local's destructor). The cache itself is trivially
//     destructible and so stays usable; a separate closer object releases the descriptors at
//     thread exit and switches the thread to open-read-close.
#include "proc_file.hpp"

#include "timemory/core/macros.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <system_error>

namespace tim::component::detail {
namespace {

constexpr const char* proc_paths[] = {"/proc/self/statm", "/proc/self/io"};
constexpr unsigned proc_file_count = sizeof(proc_paths) / sizeof(proc_paths[0]);

std::atomic<unsigned> fork_generation{0};

void on_fork_child() noexcept {
    fork_generation.fetch_add(1, std::memory_order_relaxed);
}

[[maybe_unused]] const int atfork_registered = ::pthread_atfork(nullptr, nullptr, on_fork_child);

struct fd_cache {
    int fds[proc_file_count];
    unsigned generation;
    bool closed;  // thread is exiting: do not cache any more descriptors

    void close_all() noexcept {
        for (int& fd : fds) {
            if (fd >= 0) ::close(fd);
            fd = -1;
        }
    }
};
constinit thread_local fd_cache cache{{-1, -1}, 0, false};

struct fd_closer {
    ~fd_closer() {
        cache.close_all();
        cache.closed = true;
    }
};

int open_proc(proc_file file) noexcept {
    return ::open(proc_paths[static_cast<unsigned>(file)], O_RDONLY | O_CLOEXEC);
}

// /proc/self/statm and /proc/self/io are far smaller than the buffers used here and are produced
// in a single read, so one pread suffices (a second would only return 0).
long pread_once(int fd, char* buf, std::size_t size) noexcept {
    ssize_t n;
    do {
        n = ::pread(fd, buf, size - 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return -1;
    buf[n] = '\0';
    return static_cast<long>(n);
}

}  // namespace

long read_proc_file(proc_file file, char* buf, std::size_t size) noexcept {
    if (size == 0) return -1;
    if (cache.closed) {
        const int fd = open_proc(file);
        if (fd < 0) return -1;
        const long n = pread_once(fd, buf, size);
        ::close(fd);
        return n;
    }
    const unsigned generation = fork_generation.load(std::memory_order_relaxed);
    if (TIMEMORY_UNLIKELY(cache.generation != generation)) {
        cache.close_all();
        cache.generation = generation;
    }
    int& fd = cache.fds[static_cast<unsigned>(file)];
    if (TIMEMORY_UNLIKELY(fd < 0)) {
        thread_local fd_closer closer;  // constructed once per thread, closes at thread exit
        (void)closer;
        fd = open_proc(file);
        if (fd < 0) return -1;
    }
    return pread_once(fd, buf, size);
}

std::string proc_file_unreadable(proc_file file) {
    const std::string path = proc_paths[static_cast<unsigned>(file)];
    const int fd = open_proc(file);
    if (fd < 0) {
        const int error = errno;  // before any allocation below can touch it
        return "cannot open " + path + ": " + std::generic_category().message(error);
    }
    char buf[1024];
    const long n = pread_once(fd, buf, sizeof(buf));
    const int error = errno;
    ::close(fd);
    if (n < 0) return "cannot read " + path + ": " + std::generic_category().message(error);
    if (n == 0) return path + " is empty";
    return {};
}

}  // namespace tim::component::detail
