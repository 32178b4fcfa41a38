#include "child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <string_view>
#include <system_error>
#include <utility>

namespace timem {
namespace {

/// The running child for the signal handler; 0 when there is none (before fork, in the child
/// itself, and once the child has exited, so that a reused pid is never signalled).
volatile sig_atomic_t g_child = 0;

constexpr int k_forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

void forward_signal(int sig, siginfo_t* info, void*) {
    // The terminal (Ctrl-C, Ctrl-\, hang-up) signals the whole foreground process group, the
    // child included; passing those on would deliver them twice. Only kill()/sigqueue() from
    // somebody else (kill <timem-pid>, a batch system, a test harness) needs forwarding.
    if (info != nullptr && info->si_code == SI_KERNEL) return;
    const int saved_errno = errno;
    const pid_t pid = g_child;
    if (pid > 0) ::kill(pid, sig);
    errno = saved_errno;
}

/// Installs forward_signal for k_forwarded; restores the previous handlers when destroyed.
class signal_forwarding {
  public:
    signal_forwarding() {
        struct sigaction action {};
        action.sa_sigaction = forward_signal;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        for (std::size_t i = 0; i < std::size(k_forwarded); ++i) {
            ::sigaction(k_forwarded[i], &action, &m_previous[i]);
            // A signal ignored on entry (e.g. SIGINT for a background job of a script) stays
            // ignored, as shells do; the child inherits SIG_IGN across exec anyway.
            if (m_previous[i].sa_handler == SIG_IGN) {
                ::sigaction(k_forwarded[i], &m_previous[i], nullptr);
            }
        }
    }
    ~signal_forwarding() {
        for (std::size_t i = 0; i < std::size(k_forwarded); ++i) {
            ::sigaction(k_forwarded[i], &m_previous[i], nullptr);
        }
    }
    signal_forwarding(const signal_forwarding&) = delete;
    signal_forwarding& operator=(const signal_forwarding&) = delete;

  private:
    struct sigaction m_previous[std::size(k_forwarded)]{};
};

sigset_t forwarded_set() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : k_forwarded) sigaddset(&set, sig);
    return set;
}

[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error{errno, std::generic_category(), what};
}

/// Reads the I/O counters of a child that has exited but is not reaped yet: the zombie keeps
/// its totals, including those of the descendants it waited for, so one read at the end is
/// exact and no periodic sampling is needed.
std::optional<io_counters> read_io(pid_t pid) {
    std::ifstream in{"/proc/" + std::to_string(pid) + "/io"};
    if (!in) return std::nullopt;
    io_counters io;
    const std::pair<std::string_view, std::uint64_t*> fields[] = {
        {"rchar:", &io.rchar},
        {"wchar:", &io.wchar},
        {"read_bytes:", &io.read_bytes},
        {"write_bytes:", &io.write_bytes},
    };
    std::size_t found = 0;
    std::string key;
    std::uint64_t value = 0;
    while (in >> key >> value) {
        for (const auto& [name, target] : fields) {
            if (key != name) continue;
            *target = value;
            ++found;
        }
    }
    // Kernels without task I/O accounting have no such file; a partial one is not trusted.
    if (found != std::size(fields)) return std::nullopt;
    return io;
}

int read_exec_errno(int fd) {
    int err = 0;
    ssize_t got = 0;
    do {
        got = ::read(fd, &err, sizeof err);
    } while (got < 0 && errno == EINTR);
    // EOF (0 bytes): the close-on-exec pipe closed because execvp succeeded.
    return got == static_cast<ssize_t>(sizeof err) ? err : 0;
}

}  // namespace

child_result run_child(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);

    // Tells the parent why execvp failed; closed by a successful exec.
    int exec_pipe[2];
    if (::pipe2(exec_pipe, O_CLOEXEC) != 0) throw_errno("pipe2");

    signal_forwarding forwarding;
    // Signals stay blocked until g_child is set, so none arrives while the pid is unknown.
    const sigset_t blocked = forwarded_set();
    sigset_t previous_mask;
    ::sigprocmask(SIG_BLOCK, &blocked, &previous_mask);

    // fork rather than vfork/posix_spawn: at exec the kernel folds the high-water RSS of the
    // replaced address space into the child's ru_maxrss. With fork that is a fresh copy holding
    // only the few pages written since; with vfork it would be all of timem's resident memory.
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
        ::close(exec_pipe[0]);
        ::close(exec_pipe[1]);
        throw std::system_error{err, std::generic_category(), "fork"};
    }
    if (pid == 0) {
        // exec keeps the signal mask, so the command must not start with these blocked.
        ::sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
        ::close(exec_pipe[0]);
        ::execvp(args[0], args.data());
        const int err = errno;
        [[maybe_unused]] auto ignored = ::write(exec_pipe[1], &err, sizeof err);
        ::_exit(127);
    }
    g_child = pid;
    ::sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
    ::close(exec_pipe[1]);

    child_result result;
    result.exec_errno = read_exec_errno(exec_pipe[0]);
    ::close(exec_pipe[0]);

    // Wait for the exit without reaping, so /proc/<pid>/io can still be read.
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) != 0) {
        if (errno != EINTR) break;
    }
    const auto stop = std::chrono::steady_clock::now();
    g_child = 0;
    if (result.exec_errno == 0) result.io = read_io(pid);

    int status = 0;
    while (::wait4(pid, &status, 0, &result.usage) < 0) {
        if (errno != EINTR) throw_errno("wait4");
    }
    result.wall_ns = std::chrono::duration<double, std::nano>(stop - start).count();
    if (WIFSIGNALED(status)) {
        result.signaled = true;
        result.signal = WTERMSIG(status);
        result.exit_code = 128 + result.signal;
    } else {
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    }
    return result;
}

}  // namespace timem
