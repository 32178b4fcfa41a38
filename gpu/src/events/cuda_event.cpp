// cuda_event: GPU time between two CUDA events recorded on the thread's stream (see
// timemory/gpu/components.hpp for the user-facing contract).
//
// start and stop each record a pooled event and store its pool index as the raw sample. finish()
// queues the pair with its node and never waits: it then queries the oldest pending pairs
// (cudaEventQuery, non-blocking) and attaches the ones the device has passed. Whatever is still
// pending when results are collected is resolved by flush_cuda_events(), which synchronizes on
// the remaining events. One mutex guards the pool and the queue; CUDA calls that can take long
// (record, synchronize) run outside it.
#include "events/cuda_event_pool.hpp"
#include "plugin/internal_calls.hpp"
#include "plugin/plugin_parts.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/settings.hpp"
#include "timemory/gpu/components.hpp"
#include "timemory/gpu/device.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tim::gpu {
namespace {

struct pending_pair {
    std::uint32_t start;
    std::uint32_t stop;
    node_id node;
};

struct resolved_pair {
    node_id node;
    double ns;
};

struct event_state {
    std::mutex mutex;
    detail::cuda_event_pool pool;
    std::deque<pending_pair> pending;  ///< in order of their stops
};

void flush_at_exit() {
    parts::flush_cuda_events();
}

std::atomic<bool> state_created{false};  ///< false: cuda_event never sampled, nothing to flush

// First used by a sample, after has_device(): the CUDA runtime is initialised by then, so the
// exit handler registered here runs before the runtime's own and can still resolve what is
// pending (a finalize registered earlier, at tim::init, runs after it and finds the values).
event_state& state() {
    static auto* instance = [] {
        auto* s = new event_state{};  // never destroyed: used until the process ends
        std::atexit(&flush_at_exit);
        state_created.store(true, std::memory_order_release);
        return s;
    }();
    return *instance;
}

// Pending pairs looked at per stop: bounds the cost a stop adds, while pairs on a stream that is
// far behind do not keep later pairs on other streams from resolving.
constexpr std::size_t max_polls = 2;
constexpr std::int64_t max_batch = 1024;

thread_local cudaStream_t this_thread_stream = cudaStreamPerThread;

std::uint32_t index_of(double raw) noexcept {
    if (!(raw >= 0.0) || raw >= static_cast<double>(detail::no_event)) return detail::no_event;
    return static_cast<std::uint32_t>(raw);
}

// Each problem is reported once per process; measuring goes on without the lost pairs.
void warn_once(std::atomic<bool>& warned, const char* what, cudaError_t error) noexcept {
    if (warned.exchange(true)) return;
    try {
        log::warning("cuda_event: ", what, ": ", cudaGetErrorString(error),
                     " (further occurrences are not reported)");
    } catch (...) {
    }
}
std::atomic<bool> warned_create{false};
std::atomic<bool> warned_record{false};
std::atomic<bool> warned_elapsed{false};
std::atomic<bool> warned_memory{false};
std::atomic<bool> warned_exit{false};

// Our failed calls must not show up in the application's cudaGetLastError(); an error that was
// already there is left alone.
class last_error_guard {
  public:
    last_error_guard() noexcept : m_clean{cudaPeekAtLastError() == cudaSuccess} {}
    ~last_error_guard() {
        if (m_clean) cudaGetLastError();
    }
    last_error_guard(const last_error_guard&) = delete;
    last_error_guard& operator=(const last_error_guard&) = delete;

  private:
    bool m_clean;
};

// Wait until the device has passed `event`. Not cudaEventSynchronize: with CUPTI activity on,
// each of those would itself be recorded as a synchronisation, outside any region — rows under
// "unattributed" that timemory made, not the program. Polling the event records nothing.
cudaError_t wait_for(cudaEvent_t event) noexcept {
    internal_calls_scope internal;  // not the program's synchronisations
    cudaError_t err = cudaEventQuery(event);
    while (err == cudaErrorNotReady) {
        std::this_thread::yield();
        err = cudaEventQuery(event);
    }
    return err;
}

void release_pair(event_state& s, std::uint32_t start, std::uint32_t stop) noexcept {
    s.pool.release(start);
    s.pool.release(stop);
}

// ns between two completed events; cudaErrorNotReady while either is still ahead of the device.
cudaError_t elapsed_ns(const event_state& s, const pending_pair& p, double& ns) noexcept {
    internal_calls_scope internal;  // not the program's synchronisations
    cudaError_t err = cudaEventQuery(s.pool.event(p.stop));
    if (err == cudaSuccess) err = cudaEventQuery(s.pool.event(p.start));  // another stream?
    if (err != cudaSuccess) return err;
    float ms = 0.0f;
    err = cudaEventElapsedTime(&ms, s.pool.event(p.start), s.pool.event(p.stop));
    ns = static_cast<double>(ms) * 1.0e6;
    return err;
}

// Resolve the pairs among the oldest max_polls that the device has passed. Caller holds s.mutex.
std::size_t poll_locked(event_state& s, resolved_pair* out) noexcept {
    std::size_t found = 0;
    std::size_t looked = 0;
    for (auto it = s.pending.begin(); it != s.pending.end() && looked < max_polls; ++looked) {
        double ns = 0.0;
        const cudaError_t err = elapsed_ns(s, *it, ns);
        if (err == cudaErrorNotReady) {
            ++it;
            continue;
        }
        if (err == cudaSuccess) {
            out[found++] = resolved_pair{it->node, ns};
        } else {
            warn_once(warned_elapsed, "a start/stop pair could not be timed", err);
        }
        release_pair(s, it->start, it->stop);
        it = s.pending.erase(it);
    }
    return found;
}

void attach(const resolved_pair* pairs, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        try {
            attach_record(pairs[i].node, cuda_event_index, &pairs[i].ns, 1);
        } catch (...) {
            warn_once(warned_memory, "a measurement was dropped", cudaErrorMemoryAllocation);
        }
    }
}

void release_indices(std::uint32_t a, std::uint32_t b) noexcept {
    auto& s = state();
    std::lock_guard<std::mutex> lock{s.mutex};
    release_pair(s, a, b);
}

}  // namespace

cudaStream_t cuda_event_stream() noexcept {
    return this_thread_stream;
}

cudaStream_t set_cuda_event_stream(cudaStream_t stream) noexcept {
    const cudaStream_t previous = this_thread_stream;
    this_thread_stream = stream;
    return previous;
}

std::size_t cuda_event_pending() noexcept {
    if (!state_created.load(std::memory_order_acquire)) return 0;
    auto& s = state();
    std::lock_guard<std::mutex> lock{s.mutex};
    return s.pending.size();
}

namespace detail {

void cuda_event_sample(double* raw) noexcept {
    raw[0] = -1.0;              // no event: the pair is dropped at stop
    if (!has_device()) return;  // never a CUDA call without a device
    last_error_guard guard;
    int device = 0;
    if (cudaGetDevice(&device) != cudaSuccess) return;
    auto& s = state();
    std::uint32_t index = no_event;
    cudaEvent_t event = nullptr;
    cudaError_t err = cudaSuccess;
    try {
        const auto batch =
            std::clamp<std::int64_t>(settings::instance().cuda_event_batch_size, 1, max_batch);
        std::lock_guard<std::mutex> lock{s.mutex};
        index = s.pool.acquire(device, batch, err);
        if (index != no_event) event = s.pool.event(index);
    } catch (...) {
        err = cudaErrorMemoryAllocation;
    }
    if (index == no_event) {
        warn_once(warned_create, "no event could be created", err);
        return;
    }
    err = cudaEventRecord(event, this_thread_stream);
    if (err != cudaSuccess) {
        warn_once(warned_record, "cudaEventRecord failed", err);
        release_indices(index, no_event);
        return;
    }
    raw[0] = static_cast<double>(index);
}

void cuda_event_finish(const double* start, const double* stop, node_id node) noexcept {
    const std::uint32_t a = index_of(start[0]);
    const std::uint32_t b = index_of(stop[0]);
    if (a == no_event || b == no_event || node == no_node_id) {
        if (a != no_event || b != no_event) release_indices(a, b);
        return;
    }
    last_error_guard guard;
    auto& s = state();
    resolved_pair done[max_polls];
    std::size_t n = 0;
    {
        std::lock_guard<std::mutex> lock{s.mutex};
        try {
            s.pending.push_back(pending_pair{a, b, node});
        } catch (...) {
            release_pair(s, a, b);
            warn_once(warned_memory, "a measurement was dropped", cudaErrorMemoryAllocation);
        }
        n = poll_locked(s, done);
    }
    attach(done, n);  // outside the lock: attach_record takes the core's own lock
}

void cuda_event_measure(const double* start, const double* stop, double* values) noexcept {
    internal_calls_scope internal;  // its queries and elapsed times are not the program's
    values[0] = 0.0;
    const std::uint32_t a = index_of(start[0]);
    const std::uint32_t b = index_of(stop[0]);
    if (a == no_event || b == no_event) {
        if (a != no_event || b != no_event) release_indices(a, b);
        return;
    }
    last_error_guard guard;
    auto& s = state();
    cudaEvent_t first = nullptr;
    cudaEvent_t second = nullptr;
    {
        std::lock_guard<std::mutex> lock{s.mutex};
        if (!s.pool.contains(a) || !s.pool.contains(b)) return;
        first = s.pool.event(a);
        second = s.pool.event(b);
    }
    // Stand-alone use has no region to attach a late value to: wait for the device here.
    cudaError_t err = wait_for(second);
    if (err == cudaSuccess) err = wait_for(first);
    float ms = 0.0f;
    if (err == cudaSuccess) err = cudaEventElapsedTime(&ms, first, second);
    if (err == cudaSuccess) {
        values[0] = static_cast<double>(ms) * 1.0e6;
    } else {
        warn_once(warned_elapsed, "a start/stop pair could not be timed", err);
    }
    release_indices(a, b);
}

}  // namespace detail

namespace parts {

void complete_cuda_event(component_info& info) {
    info.raw_count = 1;
    info.value_count = 1;
    info.sample = &detail::cuda_event_sample;
    info.measure = &detail::cuda_event_measure;
    info.finish = &detail::cuda_event_finish;
    info.unavailable = &device_unavailable_reason;
}

void flush_cuda_events() noexcept {
    internal_calls_scope internal;  // its queries and elapsed times are not the program's
    if (!state_created.load(std::memory_order_acquire)) return;  // also: no device
    auto& s = state();
    std::vector<pending_pair> work;
    std::vector<resolved_pair> done;
    std::vector<std::pair<cudaEvent_t, cudaEvent_t>> events;
    {
        std::lock_guard<std::mutex> lock{s.mutex};
        try {
            work.assign(s.pending.begin(), s.pending.end());
            events.reserve(work.size());
            done.reserve(work.size());
        } catch (...) {
            warn_once(warned_memory, "pending measurements were dropped",
                      cudaErrorMemoryAllocation);
            for (const auto& p : s.pending) release_pair(s, p.start, p.stop);
            s.pending.clear();
            return;
        }
        for (const auto& p : work) events.emplace_back(s.pool.event(p.start), s.pool.event(p.stop));
        s.pending.clear();
    }
    last_error_guard guard;
    for (std::size_t i = 0; i < work.size(); ++i) {
        // Waits for the device: this is the one place cuda_event blocks (results are wanted now).
        cudaError_t err = wait_for(events[i].second);
        if (err == cudaSuccess) err = wait_for(events[i].first);
        float ms = 0.0f;
        if (err == cudaSuccess) err = cudaEventElapsedTime(&ms, events[i].first, events[i].second);
        if (err == cudaSuccess) {
            done.push_back(resolved_pair{work[i].node, static_cast<double>(ms) * 1.0e6});
        } else if (err == cudaErrorCudartUnloading) {
            warn_once(warned_exit,
                      "measurements still pending were lost: the CUDA runtime has shut down", err);
        } else {
            warn_once(warned_elapsed, "a start/stop pair could not be timed", err);
        }
    }
    attach(done.data(), done.size());
    std::lock_guard<std::mutex> lock{s.mutex};
    for (const auto& p : work) release_pair(s, p.start, p.stop);
}

}  // namespace parts
}  // namespace tim::gpu
