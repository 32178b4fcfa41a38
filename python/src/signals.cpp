// Submodule `signals` (enum Signal) and the top-level enable_signal_detection() /
// disable_signal_detection(): on a terminating signal, write every output once (tim::finalize)
// and then die of the same signal with its default action, so a crashed or interrupted run keeps
// what it measured.
//
//     timemory.enable_signal_detection()                              # default set
//     timemory.enable_signal_detection([timemory.signals.SegFault])   # or a list of signals
//
// A second signal arriving while the outputs are written (or a crash inside the writer) is not
// handled again: it takes its default action at once. Writing outputs from a signal handler is
// not async-signal-safe (a signal that interrupts timemory while it holds its output lock would
// wait forever); this is the trade timemory made too, and it is opt-in.
#include "bindings.hpp"

#include "timemory/core/log.hpp"
#include "timemory/core/manager.hpp"
#include "timemory/core/settings.hpp"

#include <pybind11/stl.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

namespace tim::python {
namespace {

enum signal_id : int {};  // unscoped: values compare equal to ints

constexpr int max_signal = 65;
std::array<struct sigaction, max_signal> previous{};
std::array<bool, max_signal> installed{};
std::atomic<bool> handling{false};

const std::vector<int>& default_signals() {
    static const std::vector<int> value{SIGHUP, SIGINT,  SIGQUIT, SIGILL, SIGTRAP,
                                        SIGABRT, SIGBUS, SIGFPE,  SIGSEGV, SIGSYS, SIGTERM};
    return value;
}

const std::vector<int>& all_signals() {
    static const std::vector<int> value{SIGHUP,  SIGINT,  SIGQUIT, SIGILL,  SIGTRAP, SIGABRT,
                                        SIGBUS,  SIGFPE,  SIGSEGV, SIGSYS,  SIGTERM, SIGPIPE,
                                        SIGALRM, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGUSR1, SIGUSR2};
    return value;
}

void write_stderr(const char* text) {
    const auto n = ::write(STDERR_FILENO, text, std::strlen(text));
    (void)n;
}

extern "C" void on_terminating_signal(int sig) {
    if (!handling.exchange(true)) {
        write_stderr("[timemory] caught signal ");
        char digits[16];
        int len = 0;
        for (int v = sig; v > 0 && len < 15; v /= 10) digits[len++] = static_cast<char>('0' + v % 10);
        for (int i = len - 1; i >= 0; --i) {
            const char c[2] = {digits[i], '\0'};
            write_stderr(c);
        }
        write_stderr(" (");
        write_stderr(strsignal(sig));
        write_stderr("); writing outputs before exiting\n");
        tim::finalize();
    }
    // Die of the same signal with its default action (delivered when this handler returns).
    struct sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(sig, &dfl, nullptr);
    ::raise(sig);
}

int signal_number(py::handle item) {
    const int sig = py::int_(py::reinterpret_borrow<py::object>(item)).cast<int>();
    if (sig <= 0 || sig >= max_signal || sig == SIGKILL || sig == SIGSTOP) {
        throw py::value_error("timemory.enable_signal_detection: signal " + std::to_string(sig) +
                              " cannot be handled (SIGKILL and SIGSTOP never can)");
    }
    return sig;
}

void enable(const py::list& signal_list) {
    const auto& s = settings::instance();
    if (!s.allow_signal_handler || s.disable_all_signals) {
        log::warning("signal detection not enabled: settings.allow_signal_handler is off or "
                     "settings.disable_all_signals is on");
        return;
    }
    std::vector<int> sigs;
    for (auto item : signal_list) sigs.push_back(signal_number(item));
    if (sigs.empty()) sigs = s.enable_all_signals ? all_signals() : default_signals();
    for (int sig : sigs) {
        if (installed[sig]) continue;
        struct sigaction action{};
        action.sa_handler = &on_terminating_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0;
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

}  // namespace

void init_signals(py::module_& root) {
    auto m = root.def_submodule("signals", "Signals timemory can catch to write its outputs before "
                                           "the process dies (see enable_signal_detection)");
    py::enum_<signal_id>(m, "Signal", py::arithmetic(), "POSIX signal numbers")
        .value("Hangup", signal_id{SIGHUP})
        .value("Interrupt", signal_id{SIGINT})
        .value("Quit", signal_id{SIGQUIT})
        .value("Illegal", signal_id{SIGILL})
        .value("Trap", signal_id{SIGTRAP})
        .value("Abort", signal_id{SIGABRT})
        .value("FPE", signal_id{SIGFPE})
        .value("Kill", signal_id{SIGKILL})
        .value("Bus", signal_id{SIGBUS})
        .value("SegFault", signal_id{SIGSEGV})
        .value("System", signal_id{SIGSYS})
        .value("Pipe", signal_id{SIGPIPE})
        .value("Alarm", signal_id{SIGALRM})
        .value("Terminate", signal_id{SIGTERM})
        .value("Urgent", signal_id{SIGURG})
        .value("Stop", signal_id{SIGSTOP})
        .value("CPUtime", signal_id{SIGXCPU})
        .value("FileSize", signal_id{SIGXFSZ})
        .value("VirtualAlarm", signal_id{SIGVTALRM})
        .value("ProfileAlarm", signal_id{SIGPROF})
        .value("User1", signal_id{SIGUSR1})
        .value("User2", signal_id{SIGUSR2})
        .export_values();
    m.def("default_signals", &default_signals, "Signals handled when no list is given");
    m.def("active", &active, "Signals whose handler is installed now");

    root.def("enable_signal_detection", &enable, py::arg("signal_list") = py::list(),
             "Enable signal detection: on any of the signals (default: SIGHUP, SIGINT, SIGQUIT, "
             "SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS, SIGTERM; every "
             "terminating signal with settings.enable_all_signals) write the outputs once, then "
             "die of the signal with its default action");
    root.def("disable_signal_detection", &disable,
             "Disable signal detection: restore the handlers that were installed before");
}

}  // namespace tim::python
