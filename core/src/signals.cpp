#include "timemory/core/signals.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/settings.hpp"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>

namespace tim::signals {
namespace {

constexpr int max_signal = 65;
std::array<struct sigaction, max_signal> previous{};
std::array<bool, max_signal> installed{};
std::atomic<bool> handling{false};
// The thread writing the outputs (0: none) and a signal that arrived meanwhile (0: none).
std::atomic<pid_t> writer{0};
std::atomic<int> pending{0};

// The handler writes every output: JSON formatting and the tree walks need far more than
// MINSIGSTKSZ. Mapped, not touched: only the pages a handler uses cost memory.
constexpr std::size_t alt_stack_size = std::size_t{8} << 20;

pid_t this_tid() noexcept {
    return static_cast<pid_t>(::syscall(SYS_gettid));
}

void write_stderr(const char* text) {
    const auto n = ::write(STDERR_FILENO, text, std::strlen(text));
    (void)n;
}

// "[timemory] caught signal 15 (Terminated)<tail>", without allocating.
void say_caught(int sig, const char* tail) {
    char digits[16];
    int len = 0;
    for (int v = sig; v > 0 && len < 15; v /= 10) digits[len++] = static_cast<char>('0' + v % 10);
    char number[16];
    for (int i = 0; i < len; ++i) number[i] = digits[len - 1 - i];
    number[len] = '\0';
    write_stderr("[timemory] caught signal ");
    write_stderr(number);
    write_stderr(" (");
    write_stderr(strsignal(sig));
    write_stderr(")");
    write_stderr(tail);
}

// Die of `sig` with its default action: delivered at once, or when the handler that blocks it
// returns.
[[noreturn]] void die_of(int sig) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(sig, &dfl, nullptr);
    ::raise(sig);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    ::_exit(128 + sig);  // reached only if the default action did not end the process
}

// A fault raised by the instruction the thread is running: returning from the handler would run
// it again. abort() cannot be resumed either (it re-raises with the default action).
bool cannot_resume(int sig, const siginfo_t* info) {
    if (sig == SIGABRT) return true;
    const bool synchronous = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
                             sig == SIGTRAP || sig == SIGSYS;
    return synchronous && (info == nullptr || info->si_code > 0);  // > 0: from the kernel
}

// Wait (async-signal-safe) for another thread's write to end, at most `seconds`.
bool wait_for_writer(int seconds) {
    const timespec tick{0, 10'000'000};
    for (int i = 0; i < seconds * 100 && writer.load() != 0; ++i) ::nanosleep(&tick, nullptr);
    return writer.load() == 0;
}

[[noreturn]] void write_final_outputs_and_die(int sig) {
    if (!handling.exchange(true)) {
        say_caught(sig, "; writing outputs before exiting\n");
        tim::finalize_on_exit();
    }
    die_of(sig);
}

extern "C" void on_terminating_signal(int sig, siginfo_t* info, void*) {
    const pid_t w = writer.load();
    if (w == 0) write_final_outputs_and_die(sig);
    if (!cannot_resume(sig, info)) {
        // A write is under way (this thread's or another's): let it complete; write_scope's
        // end dies of the signal.
        int none = 0;
        pending.compare_exchange_strong(none, sig);
        return;
    }
    if (w == this_tid()) {
        say_caught(sig,
                   " while writing the outputs; the files written so far are complete, "
                   "the others are missing\n");
        die_of(sig);
    }
    // Another thread writes the outputs.
    if (wait_for_writer(60)) {
        say_caught(sig, " while the outputs were written; they are complete, exiting\n");
    } else {
        say_caught(sig, " while the outputs were written; gave up waiting after 60 s\n");
    }
    die_of(sig);
}

// A signal stack of this thread's own, unmapped when the thread ends (not for the main thread:
// a handler may run on it during static destruction).
struct alt_stack_owner {
    void* memory = nullptr;
    ~alt_stack_owner() {
        if (memory == nullptr || this_tid() == ::getpid()) return;
        // Only if it is still ours (a sanitizer's runtime may own and free the thread's).
        stack_t current{};
        if (::sigaltstack(nullptr, &current) != 0 || current.ss_sp != memory) return;
        stack_t off{};
        off.ss_flags = SS_DISABLE;
        if (::sigaltstack(&off, nullptr) == 0) ::munmap(memory, alt_stack_size);
    }
};

// This thread's alternate signal stack: a stack overflow's SIGSEGV can run the handler then.
// `replace_small`: one smaller than ours is replaced (enable()); else any that is there is kept
// (a thread that starts measuring: a sanitizer's runtime frees its own at the thread's end).
void install_alt_stack(bool replace_small) {
    thread_local bool done = false;
    thread_local alt_stack_owner owner;
    if (done) return;
    done = true;
    stack_t current{};
    if (::sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) &&
        (current.ss_size >= alt_stack_size || !replace_small)) {
        return;  // large enough, or not ours to replace
    }
    void* mem = ::mmap(nullptr, alt_stack_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (mem == MAP_FAILED) {
        log::warning("no alternate signal stack (", std::strerror(errno),
                     "): a stack overflow will not write the outputs");
        return;
    }
    stack_t alt{};
    alt.ss_sp = mem;
    alt.ss_size = alt_stack_size;
    if (::sigaltstack(&alt, nullptr) != 0) {
        ::munmap(mem, alt_stack_size);
        return;
    }
    // Freed at the thread's end unless it replaced another's (whose owner may free "its" own).
    if (current.ss_flags & SS_DISABLE) owner.memory = mem;
}

std::atomic<bool> any_installed{false};

}  // namespace

write_scope::write_scope(bool finalizing) noexcept : m_finalizing{finalizing} {
    pid_t none = 0;
    m_outermost = writer.compare_exchange_strong(none, this_tid());
}

write_scope::~write_scope() {
    if (!m_outermost) return;
    writer.store(0);
    const int sig = pending.exchange(0);
    if (sig == 0) return;
    if (!m_finalizing) write_final_outputs_and_die(sig);
    say_caught(sig, " while the outputs were written; they are complete, exiting\n");
    die_of(sig);
}

const std::vector<int>& default_signals() {
    static const std::vector<int> value{SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT,
                                        SIGBUS, SIGFPE, SIGSEGV, SIGSYS, SIGTERM};
    return value;
}

const std::vector<int>& all_signals() {
    static const std::vector<int> value{SIGHUP,  SIGINT,  SIGQUIT, SIGILL,    SIGTRAP, SIGABRT,
                                        SIGBUS,  SIGFPE,  SIGSEGV, SIGSYS,    SIGTERM, SIGPIPE,
                                        SIGALRM, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGUSR1, SIGUSR2};
    return value;
}

void enable(const std::vector<int>& signals) {
    for (int sig : signals) {
        if (sig <= 0 || sig >= max_signal || sig == SIGKILL || sig == SIGSTOP) {
            throw std::invalid_argument("timemory: signal " + std::to_string(sig) +
                                        " cannot be handled (SIGKILL and SIGSTOP never can; "
                                        "valid: 1.." +
                                        std::to_string(max_signal - 1) + ")");
        }
    }
    const auto& s = settings::instance();
    if (!s.allow_signal_handler || s.disable_all_signals) {
        log::warning(
            "signal detection not enabled: settings.allow_signal_handler is off or "
            "settings.disable_all_signals is on");
        return;
    }
    install_alt_stack(true);
    const auto& chosen =
        !signals.empty() ? signals : (s.enable_all_signals ? all_signals() : default_signals());
    for (int sig : chosen) {
        if (installed[sig]) continue;
        struct sigaction action {};
        action.sa_sigaction = &on_terminating_signal;
        // On the alternate stack; an interrupted system call resumes when the handler returns
        // (it does during a write, see write_scope).
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
        sigemptyset(&action.sa_mask);
        if (::sigaction(sig, &action, &previous[sig]) == 0) installed[sig] = true;
    }
    any_installed.store(true);
    handling = false;
}

void prepare_this_thread() {
    if (any_installed.load(std::memory_order_relaxed)) install_alt_stack(false);
}

void disable() {
    for (int sig = 1; sig < max_signal; ++sig) {
        if (!installed[sig]) continue;
        ::sigaction(sig, &previous[sig], nullptr);
        installed[sig] = false;
    }
}

std::vector<int> active() {
    std::vector<int> out;
    for (int sig = 1; sig < max_signal; ++sig) {
        if (installed[sig]) out.push_back(sig);
    }
    return out;
}

}  // namespace tim::signals
