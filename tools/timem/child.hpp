// Runs one command as a child process and collects what the kernel knows about it once it ends:
// wall time, rusage (wait4) and the I/O counters of /proc/<pid>/io.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace timem {

/// /proc/<pid>/io of the finished child (includes the descendants it waited for).
struct io_counters {
    std::uint64_t rchar = 0;        ///< bytes passed to read-like calls (page cache included)
    std::uint64_t wchar = 0;        ///< bytes passed to write-like calls
    std::uint64_t read_bytes = 0;   ///< bytes fetched from storage
    std::uint64_t write_bytes = 0;  ///< bytes sent to storage
};

struct child_result {
    int exec_errno = 0;             ///< non-zero: the command could not be started (no measurement)
    bool signaled = false;          ///< killed by a signal
    int signal = 0;                 ///< the signal, when signaled
    int exit_code = 0;              ///< exit status, or 128 + signal
    double wall_ns = 0.0;           ///< steady clock from before fork to the child's exit
    rusage usage{};                 ///< from wait4: the child and the descendants it waited for
    std::optional<io_counters> io;  ///< absent when /proc/<pid>/io is not readable
};

/// fork + execvp(argv[0], argv) and wait for the child to exit. SIGINT, SIGTERM, SIGHUP, SIGQUIT,
/// SIGUSR1 and SIGUSR2 sent to this process are passed on to the child while it runs.
/// Throws std::system_error when fork or the bookkeeping pipe fails.
child_result run_child(const std::vector<std::string>& argv);

}  // namespace timem
