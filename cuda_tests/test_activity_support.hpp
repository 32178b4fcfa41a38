// Shared by the test_activity_*.cpp files: real CUPTI record structs filled in as CUPTI would,
// and lookups in the merged results.
#pragma once

#include "timemory/core/bundle.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"

#include <cupti_activity.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace activity_test {

/// A zeroed record of type `Record` with the fields every timed record has.
template <typename Record>
Record timed(CUpti_ActivityKind kind, std::uint32_t correlation, std::uint64_t start,
             std::uint64_t end) {
    Record r{};
    r.kind = kind;
    r.correlationId = correlation;
    r.start = start;
    r.end = end;
    return r;
}

inline CUpti_ActivityKernel10 kernel(std::uint32_t correlation, const char* name,
                                     std::uint64_t start, std::uint64_t end) {
    auto r = timed<CUpti_ActivityKernel10>(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, correlation,
                                           start, end);
    r.name = name;
    return r;
}

inline CUpti_ActivityMemcpy6 copy(std::uint32_t correlation, CUpti_ActivityMemcpyKind kind,
                                  std::uint64_t bytes, std::uint64_t start, std::uint64_t end) {
    auto r = timed<CUpti_ActivityMemcpy6>(CUPTI_ACTIVITY_KIND_MEMCPY, correlation, start, end);
    r.copyKind = static_cast<std::uint8_t>(kind);
    r.bytes = bytes;
    return r;
}

inline CUpti_ActivityMemcpyPtoP4 peer_copy(std::uint32_t correlation, std::uint64_t bytes,
                                           std::uint64_t start, std::uint64_t end) {
    auto r = timed<CUpti_ActivityMemcpyPtoP4>(CUPTI_ACTIVITY_KIND_MEMCPY2, correlation, start, end);
    r.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_PTOP;
    r.bytes = bytes;
    return r;
}

inline CUpti_ActivityMemset4 set(std::uint32_t correlation, std::uint64_t bytes,
                                 std::uint64_t start, std::uint64_t end) {
    auto r = timed<CUpti_ActivityMemset4>(CUPTI_ACTIVITY_KIND_MEMSET, correlation, start, end);
    r.bytes = bytes;
    return r;
}

inline CUpti_ActivitySynchronization2 synchronization(std::uint32_t correlation,
                                                      CUpti_ActivitySynchronizationType type,
                                                      std::uint64_t start, std::uint64_t end) {
    auto r = timed<CUpti_ActivitySynchronization2>(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, correlation,
                                                   start, end);
    r.type = type;
    return r;
}

inline CUpti_ActivityOverhead3 overhead(CUpti_ActivityOverheadKind kind, std::uint64_t start,
                                        std::uint64_t end) {
    CUpti_ActivityOverhead3 r{};
    r.kind = CUPTI_ACTIVITY_KIND_OVERHEAD;
    r.overheadKind = kind;
    r.start = start;
    r.end = end;
    return r;
}

inline CUpti_ActivityExternalCorrelation external(
    std::uint32_t correlation, std::uint64_t node,
    CUpti_ExternalCorrelationKind kind = CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0) {
    CUpti_ActivityExternalCorrelation r{};
    r.kind = CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION;
    r.externalKind = kind;
    r.externalId = node;
    r.correlationId = correlation;
    return r;
}

inline CUpti_ActivityAPI api(CUpti_ActivityKind kind, std::uint32_t cbid, std::uint32_t correlation,
                             std::uint64_t start, std::uint64_t end) {
    auto r = timed<CUpti_ActivityAPI>(kind, correlation, start, end);
    r.cbid = cbid;
    return r;
}

/// A buffer's worth of records, in order.
template <typename... Records>
std::vector<const CUpti_Activity*> buffer(const Records&... records) {
    return {reinterpret_cast<const CUpti_Activity*>(&records)...};
}

inline const tim::component_info& activity_info() {
    return tim::registry::get("cupti_activity");
}
inline const tim::component_info& bytes_info() {
    return tim::registry::get("cupti_memory_bytes");
}

inline std::vector<tim::component_record> rows_of(const tim::component_info& info) {
    return tim::component_view(tim::collect_results(true), info);
}

inline const tim::component_record* find_row(const std::vector<tim::component_record>& rows,
                                             const std::string& label) {
    auto it = std::find_if(rows.begin(), rows.end(),
                           [&](const tim::component_record& r) { return r.label == label; });
    return it == rows.end() ? nullptr : &*it;
}

inline std::string labels(const std::vector<tim::component_record>& rows) {
    std::string out;
    for (const auto& r : rows) out += std::string(r.depth * 2, ' ') + r.label + "\n";
    return out;
}

/// Open a region measuring wall_clock (what a user's region looks like), return its node id.
struct region {
    explicit region(const char* name) : bundle{name, tim::registry::parse_list("wall_clock")} {
        bundle.start();
        node = tim::current_node_id();
    }
    void close() { bundle.stop(); }
    tim::runtime_bundle bundle;
    tim::node_id node = tim::no_node_id;
};

}  // namespace activity_test
