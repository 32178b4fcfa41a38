// Terminating signals: on SIGINT, SIGTERM, SIGSEGV, ... write every output once (finalize) and
// then die of the same signal with its default action, so an interrupted or crashing run keeps
// what it measured. Opt-in (settings.enable_signal_handler, which tim::init applies by calling
// enable(), or enable() directly): writing files from a signal handler is not async-signal-safe,
// the same trade timemory 3 made. The handler runs on an alternate signal stack (installed for
// the thread that calls enable() and for every thread that starts measuring afterwards), so a
// stack overflow's SIGSEGV still writes the outputs.
//
// A signal that arrives while the outputs are being written (finalize, report, or the handler's
// own finalize) does not cut the write short: the handler notes it and returns, the write
// completes, then the process dies of it. A fault (SIGSEGV, SIGBUS, ...) in the writing thread
// itself cannot wait; it says which files are missing and dies at once.
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
/// Give the calling thread an alternate signal stack if the handler is installed (each thread
/// calls it when it starts measuring; a stack overflow there then still writes the outputs).
void prepare_this_thread();
/// Restore the handlers that were installed before enable().
void disable();
/// Signals whose handler is installed now.
std::vector<int> active();

/// Marks the outputs as being written for its lifetime (manager.cpp's finalize and report): a
/// terminating signal delivered meanwhile waits for the end of the write. When the outermost
/// scope ends, the process dies of it; first, unless `finalizing` (the outputs just written are
/// the final ones), the handler writes the final outputs as it would have. Not copyable.
class write_scope {
  public:
    explicit write_scope(bool finalizing) noexcept;
    ~write_scope();
    write_scope(const write_scope&) = delete;
    write_scope& operator=(const write_scope&) = delete;

  private:
    bool m_outermost;
    bool m_finalizing;
};

}  // namespace tim::signals
