// Byte messages between the processes of one job, as the combine of results over ranks needs
// them. MPI provides one (core/src/mpi.cpp over the plugin's tim::mpi_service); tests and the
// scale benchmark provide others (threads of one process acting as ranks). Every call is bounded
// by a timeout, so a rank that never arrives cannot hang the others.
#pragma once

#include <optional>
#include <vector>

namespace tim {

class rank_channel {
  public:
    virtual ~rank_channel() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    /// Hand `bytes` to rank `dest`. False when it could not be delivered within timeout_s (the
    /// receiver is gone or gave up).
    virtual bool send(int dest, const std::vector<char>& bytes, double timeout_s) = 0;
    /// The next message from rank `source` (messages between two ranks arrive in the order they
    /// were sent); std::nullopt when none arrived within timeout_s.
    virtual std::optional<std::vector<char>> receive(int source, double timeout_s) = 0;
    /// Give up the sends still on their way to rank `dest`, which will never take them: a
    /// channel otherwise keeps offering them, up to their timeouts, before it is destroyed.
    virtual void abandon_sends(int /*dest*/) {}
};

}  // namespace tim
