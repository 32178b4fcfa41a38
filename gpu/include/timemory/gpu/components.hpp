// GPU components for compile-time bundles, and the stream cuda_event records on.
//
//   #include <timemory/timemory.hpp>
//   #include <timemory/gpu/components.hpp>      // link timemory::gpu
//
//   tim::scoped<tim::component::wall_clock, tim::gpu::cuda_event> s{label};
//   saxpy<<<grid, block>>>(n, a, x, y);         // stop records an event; nothing waits for it
//
// cuda_event is a stream-ordered GPU timer: start and stop each record a CUDA event on the calling
// thread's stream (cuda_event_stream()), and the elapsed device time between the two is attached
// to the region once the device has passed the second event. The stop never waits for the
// device: a pair is resolved by a later stop if its events have completed by then (a
// non-blocking query), or when results are collected (tim::collect_results(), every output and
// finalize), which waits for the events still pending; an exit handler does the same before the
// CUDA runtime shuts down, so values are not lost when finalize runs at exit.
//
// Without a CUDA device every function here is a no-op that calls nothing in CUDA, and bundles
// holding cuda_event measure their other components as usual.
#pragma once

#include "timemory/core/graph.hpp"
#include "timemory/core/macros.hpp"
#include "timemory/gpu/indices.hpp"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace tim::gpu {

/// Stream on which the calling thread's cuda_event samples are recorded. Default:
/// cudaStreamPerThread. That stream synchronizes with the legacy default stream, so it brackets
/// kernels launched without a stream (<<<g, b>>>) whether the program is built with the legacy or
/// the per-thread default stream, and it never orders work on the program's own streams, so
/// timing adds no dependency between them. Work on other streams is only measured when the
/// thread selects that stream (set_cuda_event_stream or cuda_event_stream_scope).
cudaStream_t cuda_event_stream() noexcept;

/// Select the calling thread's stream for cuda_event; returns the previous one. A region must
/// start and stop on the same stream (events on two streams measure their distance apart).
cudaStream_t set_cuda_event_stream(cudaStream_t stream) noexcept;

/// Selects a stream for cuda_event on this thread while in scope.
class cuda_event_stream_scope {
  public:
    explicit cuda_event_stream_scope(cudaStream_t stream) noexcept
        : m_previous{set_cuda_event_stream(stream)} {}
    ~cuda_event_stream_scope() { set_cuda_event_stream(m_previous); }
    cuda_event_stream_scope(const cuda_event_stream_scope&) = delete;
    cuda_event_stream_scope& operator=(const cuda_event_stream_scope&) = delete;

  private:
    cudaStream_t m_previous;
};

/// Pairs of cuda_event samples whose value is not known yet (diagnostics and tests).
std::size_t cuda_event_pending() noexcept;

/// How cupti_activity attributes device records to regions: "callback" (timemory's CUPTI
/// subscriber notes each launch), "external" (each region pushes an external correlation id:
/// TIMEMORY_CUPTI_ATTRIBUTION=external, or another tool holds the CUPTI subscriber), "none"
/// (neither could be set up: records go to "unattributed" rows), or "" while its session has not
/// started (no region sampled it yet, or no device).
std::string cupti_attribution();

namespace detail {
/// The component's functions (also what the registry's description points at).
void cuda_event_sample(double* raw) noexcept;
void cuda_event_finish(const double* start, const double* stop, node_id node) noexcept;
/// Stand-alone use (a start/stop pair without a region, e.g. Python's CudaEvent): waits for the
/// stop event, then returns its distance from the start event in ns.
void cuda_event_measure(const double* start, const double* stop, double* values) noexcept;
}  // namespace detail

/// GPU time between two CUDA events, in ns; values attached to the region when resolved.
struct cuda_event {
    static constexpr std::uint16_t index = cuda_event_index;
    static constexpr unsigned raw_count = 1;  ///< the event's index in the pool
    static constexpr unsigned value_count = 1;
    static TIMEMORY_INLINE void sample(double* raw) noexcept { detail::cuda_event_sample(raw); }
    static TIMEMORY_INLINE void finish(const double* start, const double* stop,
                                       node_id node) noexcept {
        detail::cuda_event_finish(start, stop, node);
    }
    static TIMEMORY_INLINE void measure(const double* start, const double* stop,
                                        double* values) noexcept {
        detail::cuda_event_measure(start, stop, values);
    }
};

}  // namespace tim::gpu
