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
#include "timemory/core/signals.hpp"

#include <pybind11/stl.h>

#include <csignal>
#include <stdexcept>
#include <string>
#include <vector>

namespace tim::python {
namespace {

enum signal_id : int {};  // unscoped: values compare equal to ints

void enable(const py::list& signal_list) {
    std::vector<int> sigs;
    for (auto item : signal_list) {
        sigs.push_back(py::int_(py::reinterpret_borrow<py::object>(item)).cast<int>());
    }
    try {
        tim::signals::enable(sigs);
    } catch (const std::invalid_argument& e) {
        throw py::value_error(std::string{"timemory.enable_signal_detection: "} + e.what());
    }
}

}  // namespace

void init_signals(py::module_& root) {
    auto m = root.def_submodule("signals",
                                "Signals timemory can catch to write its outputs before "
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
    m.def("default_signals", &tim::signals::default_signals,
          "Signals handled when no list is given");
    m.def("active", &tim::signals::active, "Signals whose handler is installed now");

    root.def("enable_signal_detection", &enable, py::arg("signal_list") = py::list(),
             "Enable signal detection: on any of the signals (default: SIGHUP, SIGINT, SIGQUIT, "
             "SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS, SIGTERM; every "
             "terminating signal with settings.enable_all_signals) write the outputs once, then "
             "die of the signal with its default action");
    root.def("disable_signal_detection", &tim::signals::disable,
             "Disable signal detection: restore the handlers that were installed before");
}

}  // namespace tim::python
