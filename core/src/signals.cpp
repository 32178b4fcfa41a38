#include "timemory/core/signals.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/settings.hpp"

#include <unistd.h>
#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

namespace tim::signals {
namespace {

constexpr int max_signal = 65;
std::array<struct sigaction, max_signal> previous{};
std::array<bool, max_signal> installed{};
std::atomic<bool> handling{false};

void write_stderr(const char* text) {
    const auto n = ::write(STDERR_FILENO, text, std::strlen(text));
    (void)n;
}

extern "C" void on_terminating_signal(int sig) {
    if (!handling.exchange(true)) {
        char digits[16];
        int len = 0;
        for (int v = sig; v > 0 && len < 15; v /= 10)
            digits[len++] = static_cast<char>('0' + v % 10);
        char number[16];
        for (int i = 0; i < len; ++i) number[i] = digits[len - 1 - i];
        number[len] = '\0';
        write_stderr("[timemory] caught signal ");
        write_stderr(number);
        write_stderr(" (");
        write_stderr(strsignal(sig));
        write_stderr("); writing outputs before exiting\n");
        tim::finalize_on_exit();
    }
    // Die of the same signal with its default action (delivered when this handler returns).
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(sig, &dfl, nullptr);
    ::raise(sig);
}

}  // namespace

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
    const auto& chosen =
        !signals.empty() ? signals : (s.enable_all_signals ? all_signals() : default_signals());
    for (int sig : chosen) {
        if (installed[sig]) continue;
        struct sigaction action {};
        action.sa_handler = &on_terminating_signal;
        sigemptyset(&action.sa_mask);
        if (::sigaction(sig, &action, &previous[sig]) == 0) installed[sig] = true;
    }
    handling = false;
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
