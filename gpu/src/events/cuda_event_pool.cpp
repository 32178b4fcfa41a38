#include "events/cuda_event_pool.hpp"

#include <algorithm>

namespace tim::gpu::detail {

std::uint32_t cuda_event_pool::acquire(int device, std::int64_t batch, cudaError_t& error) {
    error = cudaSuccess;
    if (device < 0) return no_event;
    const auto slot = static_cast<std::size_t>(device);
    if (m_free.size() <= slot) m_free.resize(slot + 1);
    auto& free = m_free[slot];
    if (free.empty()) {
        const auto count = static_cast<std::size_t>(std::max<std::int64_t>(batch, 1));
        // Room for every event there will be, so that release() never allocates.
        m_events.reserve(m_events.size() + count);
        free.reserve(m_events.size() + count);
        // cudaEventCreate makes the event on the calling thread's current device: `device`.
        for (std::size_t i = 0; i < count; ++i) {
            cudaEvent_t event = nullptr;
            error = cudaEventCreateWithFlags(&event, cudaEventDefault);  // timing enabled
            if (error != cudaSuccess) break;
            m_events.push_back(entry{event, device, true});
            free.push_back(static_cast<std::uint32_t>(m_events.size() - 1));
        }
        if (free.empty()) return no_event;
        error = cudaSuccess;  // some were created: usable
    }
    const std::uint32_t index = free.back();
    free.pop_back();
    m_events[index].free = false;
    return index;
}

void cuda_event_pool::release(std::uint32_t index) {
    if (!contains(index) || m_events[index].free) return;
    auto& e = m_events[index];
    e.free = true;
    m_free[static_cast<std::size_t>(e.device)].push_back(index);
}

std::size_t cuda_event_pool::free_count() const {
    std::size_t n = 0;
    for (const auto& f : m_free) n += f.size();
    return n;
}

}  // namespace tim::gpu::detail
