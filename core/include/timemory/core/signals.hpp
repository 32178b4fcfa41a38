// Terminating signals: on SIGINT, SIGTERM, SIGSEGV, ... write every output once (finalize) and
// then die of the same signal with its default action, so an interrupted or crashing run keeps
// what it measured. Opt-in (settings.enable_signal_handler, which tim::init applies by calling
// enable(), or enable() directly): writing files from a signal handler is not async-signal-safe,
// the same trade timemory 3 made. A second signal while the outputs are written takes its
// default action at once.
#pragma once

#include <vector>

namespace tim::signals {

/// SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS, SIGTERM.
const std::vector<int>& default_signals();
/// default_signals() plus SIGPIPE, SIGALRM, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGUSR1, SIGUSR2.
const std::vector<int>& all_signals();

/// Install the handler for `signals` (empty: all_signals() if settings.enable_all_signals, else
/// default_signals()). Throws std::invalid_argument for SIGKILL, SIGSTOP or an out-of-range
/// number. Does nothing (one warning) when settings.allow_signal_handler is off or
/// settings.disable_all_signals is on.
void enable(const std::vector<int>& signals = {});
/// Restore the handlers that were installed before enable().
void disable();
/// Signals whose handler is installed now.
std::vector<int> active();

}  // namespace tim::signals
