// Reusable CUDA events for the cuda_event component. Creating an event costs far more than
// recording one, so events are created `batch` at a time per device and handed back after their
// pair is resolved. A sample stores an event's pool index: a small integer, exact in a double.
//
// Not thread-safe: cuda_event.cpp calls it under its own mutex, together with the queue of
// pending pairs, so that one lock covers both.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <vector>

namespace tim::gpu::detail {

inline constexpr std::uint32_t no_event = UINT32_MAX;

class cuda_event_pool {
  public:
    /// A free event of `device` (the calling thread's current device), creating `batch` more
    /// when none is free. Returns no_event, and `error` set, when CUDA cannot create one.
    std::uint32_t acquire(int device, std::int64_t batch, cudaError_t& error);

    /// Hand an event back for reuse; no_event and unknown indices are ignored.
    void release(std::uint32_t index);

    /// The event behind an index from acquire() (valid until the process ends).
    cudaEvent_t event(std::uint32_t index) const { return m_events[index].event; }

    bool contains(std::uint32_t index) const { return index < m_events.size(); }

    /// Events created so far, and how many of them are free.
    std::size_t size() const { return m_events.size(); }
    std::size_t free_count() const;

  private:
    struct entry {
        cudaEvent_t event = nullptr;
        int device = 0;
        bool free = false;
    };
    // Never destroyed: at process exit the CUDA runtime may already be gone, and the driver
    // releases every event with the context anyway.
    std::vector<entry> m_events;
    std::vector<std::vector<std::uint32_t>> m_free;  ///< per device id
};

}  // namespace tim::gpu::detail
