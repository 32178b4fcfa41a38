// Places CUPTI activity records in the call graph. Pure CPU code: it is handed records (the real
// structs of cupti_activity.h) and attaches their values with tim::attach_record; the CUPTI
// session (cupti_activity.cpp) reads the buffers and calls it, tests construct records.
//
// Where each record goes (values in cupti_activity, raw ns; bytes in cupti_memory_bytes):
//   kernel            child row of the launching node, the demangled kernel name, end - start
//   memcpy (MEMCPY2)  child row "cudaMemcpy_HtoD" / "_DtoH" / "_DtoD" / "_HtoH" / "_PtoP" ...,
//                     GPU time and bytes
//   memset            child row "cudaMemset", GPU time and bytes
//   synchronization   child row naming the kind ("cudaStreamSynchronize", "cudaEventSynchronize",
//                     "cudaStreamWaitEvent", "cudaDeviceSynchronize"), its duration
//   runtime / driver  (only when those kinds were asked for) child row named after the function,
//                     the call's host duration
//   overhead          top-level row "cuptiOverhead_<kind>": CUPTI's and the driver's own cost is
//                     no region's work, so it is kept out of every region's total
//   external corr.    (fallback) not a row: maps its correlation id to the node pushed as its
//                     external id (CUSTOM0)
// With settings.add_secondary false the values go to the launching node itself, without rows.
// A record whose launch is not known yet waits (its external-correlation record may come in a
// later buffer); what is still unknown one forced flush later, or at the final flush, goes to the
// top-level row "unattributed" (one warning the first time). Launches noted while measurement
// was off (TIMEMORY_ENABLED=OFF) have no node: their records are dropped on purpose.
#pragma once

#include "cupti/activity_correlation.hpp"
#include "cupti/activity_labels.hpp"

#include <cupti_activity.h>

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tim::gpu::activity {

/// Name of a CUDA API function for RUNTIME/DRIVER records (cuptiGetCallbackName in a session).
using api_name_fn = std::string (*)(CUpti_ActivityKind kind, std::uint32_t cbid);

struct processor_options {
    bool add_secondary = true;  ///< child rows per kernel/copy (settings.add_secondary)
    // RUNTIME / DRIVER records become rows (else they are only there to carry external
    // correlation ids)
    bool place_runtime_records = false;
    bool place_driver_records = false;
    api_name_fn api_name = nullptr;  ///< nullptr: "cudaRuntime" / "cudaDriver" (timemory 3)
};

struct processor_counters {
    std::uint64_t records = 0;       ///< handed to process()
    std::uint64_t placed = 0;        ///< attached under their launching node (or top level)
    std::uint64_t unattributed = 0;  ///< attached under "unattributed"
    std::uint64_t dropped = 0;       ///< launched while measurement was off
    std::uint64_t ignored = 0;       ///< kinds not placed (API records used for correlation...)
    std::uint64_t waiting = 0;       ///< not placed yet (launch unknown so far)
    std::uint64_t correlations = 0;  ///< live entries in the correlation table
};

class activity_processor {
  public:
    void set_options(const processor_options& options);
    processor_options options() const;

    /// Place the records of one buffer (in buffer order). Notes of launching threads are drained
    /// first; records still waiting from earlier buffers are retried after.
    void process(std::span<const CUpti_Activity* const> records);

    /// After a forced flush (everything completed has been delivered): records that already
    /// waited through a whole forced-flush cycle, or all of them when `final`, go to
    /// "unattributed"; the correlation table is pruned.
    void end_forced_flush(bool final);

    processor_counters counters() const;

    /// Forget every waiting record and correlation (tests).
    void reset();

  private:
    struct item {
        std::uint32_t correlation = 0;
        std::uint32_t alternate = 0;    ///< memcpy's runtimeCorrelationId
        std::string_view label;         ///< points at storage that outlives the record
        const label_id* row = nullptr;  ///< kernels: the label registered once
        double ns = 0.0;
        double bytes = 0.0;
        bool has_bytes = false;
        std::uint32_t cycle = 0;  ///< forced-flush cycle when it started waiting
    };

    void drain_notes();
    void handle(const CUpti_Activity& record);
    /// Place `it` if its launch is known; false if it must wait.
    bool try_place(const item& it);
    /// `it`'s values on `node` itself (empty row) or on its child row (a name, or a label_id).
    template <typename Row>
    void attach(node_id node, const item& it, Row row);
    void retry_waiting();
    const std::string& api_label(CUpti_ActivityKind kind, std::uint32_t cbid);

    mutable std::mutex m_mutex;
    processor_options m_options;
    correlation_table m_table;
    kernel_names m_kernels;
    std::unordered_map<std::uint64_t, std::string> m_api_names;
    std::vector<correlation_note> m_notes;  ///< drain scratch
    std::vector<item> m_waiting;
    processor_counters m_counters;
    std::uint32_t m_cycle = 0;
    bool m_warned = false;
};

}  // namespace tim::gpu::activity
