#include "cupti/activity_processor.hpp"

#include "timemory/core/graph.hpp"
#include "timemory/core/log.hpp"
#include "timemory/gpu/indices.hpp"

#include <algorithm>

namespace tim::gpu::activity {
namespace {

double duration(std::uint64_t start, std::uint64_t end) noexcept {
    // start = end = 0: CUPTI could not time it. The record still counts, with no time.
    return end > start ? static_cast<double>(end - start) : 0.0;
}

// `record` as the struct its kind says, with the fields every timed record has (correlation id,
// interval) copied into `it`.
template <typename Record, typename Item>
const Record& read_timed(const CUpti_Activity& record, Item& it) noexcept {
    const auto& r = reinterpret_cast<const Record&>(record);
    it.correlation = r.correlationId;
    it.ns = duration(r.start, r.end);
    return r;
}

template <typename Item>
void set_bytes(Item& it, std::uint64_t bytes) noexcept {
    it.bytes = static_cast<double>(bytes);
    it.has_bytes = true;
}

}  // namespace

void activity_processor::set_options(const processor_options& options) {
    std::lock_guard<std::mutex> lock{m_mutex};
    m_options = options;
}

processor_options activity_processor::options() const {
    std::lock_guard<std::mutex> lock{m_mutex};
    return m_options;
}

void activity_processor::process(std::span<const CUpti_Activity* const> records) {
    std::lock_guard<std::mutex> lock{m_mutex};
    drain_notes();
    // In buffer order: an external-correlation record is applied where it is met, so a kernel
    // after it is placed at once; retry_waiting() then places those that were waiting for it.
    for (const auto* record : records) {
        if (record == nullptr) continue;
        ++m_counters.records;
        handle(*record);
    }
    retry_waiting();
}

void activity_processor::end_forced_flush(bool final) {
    std::lock_guard<std::mutex> lock{m_mutex};
    drain_notes();
    retry_waiting();
    std::uint64_t moved = 0;
    std::erase_if(m_waiting, [&](const item& it) {
        // Waiting since before this cycle: its forced flush delivered everything already and
        // the launch is still unknown, so it never will be.
        if (!final && it.cycle == m_cycle) return false;
        // One top-level row per kind of record ("unattributed cudaStreamWaitEvent"), so that
        // the name says what could not be placed.
        attach(no_node_id, it, std::string{unattributed_label} + " " + std::string{it.label});
        ++moved;
        return true;
    });
    m_counters.unattributed += moved;
    if (moved != 0 && !m_warned) {
        m_warned = true;
        log::warning(moved, " CUPTI activity record(s) could not be matched to the region ",
                     "that launched them (launched before tracing started, or outside any ",
                     "tagged region); they are listed under '", unattributed_label, " <name>'");
    }
    m_table.end_forced_flush();
    ++m_cycle;
}

processor_counters activity_processor::counters() const {
    std::lock_guard<std::mutex> lock{m_mutex};
    auto out = m_counters;
    out.waiting = m_waiting.size();
    out.correlations = m_table.size();
    return out;
}

void activity_processor::reset() {
    std::lock_guard<std::mutex> lock{m_mutex};
    m_notes.clear();
    drain_correlation_notes(m_notes);
    m_notes.clear();
    m_table.clear();
    m_waiting.clear();
    m_counters = {};
    m_warned = false;
}

void activity_processor::drain_notes() {
    m_notes.clear();
    drain_correlation_notes(m_notes);
    for (const auto& note : m_notes) m_table.apply(note);
}

void activity_processor::handle(const CUpti_Activity& record) {
    item it;
    it.cycle = m_cycle;
    switch (record.kind) {
        case CUPTI_ACTIVITY_KIND_KERNEL:
        case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: {
            const auto& r = read_timed<CUpti_ActivityKernel10>(record, it);
            const auto& kernel = m_kernels.get(r.name);
            it.label = kernel.text;
            it.row = &kernel.id;
            break;
        }
        case CUPTI_ACTIVITY_KIND_MEMCPY: {
            const auto& r = read_timed<CUpti_ActivityMemcpy6>(record, it);
            it.alternate = r.runtimeCorrelationId;
            it.label = memcpy_label(r.copyKind);
            set_bytes(it, r.bytes);
            break;
        }
        case CUPTI_ACTIVITY_KIND_MEMCPY2: {
            const auto& r = read_timed<CUpti_ActivityMemcpyPtoP4>(record, it);
            it.label = memcpy_label(r.copyKind);
            set_bytes(it, r.bytes);
            break;
        }
        case CUPTI_ACTIVITY_KIND_MEMSET: {
            const auto& r = read_timed<CUpti_ActivityMemset4>(record, it);
            it.label = memset_label;
            set_bytes(it, r.bytes);
            break;
        }
        case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: {
            const auto& r = read_timed<CUpti_ActivitySynchronization2>(record, it);
            it.label = sync_label(r.type);
            break;
        }
        case CUPTI_ACTIVITY_KIND_RUNTIME:
        case CUPTI_ACTIVITY_KIND_DRIVER: {
            if (!(record.kind == CUPTI_ACTIVITY_KIND_RUNTIME ? m_options.place_runtime_records
                                                             : m_options.place_driver_records)) {
                ++m_counters.ignored;  // enabled only so that external correlation is reported
                return;
            }
            const auto& r = read_timed<CUpti_ActivityAPI>(record, it);
            it.label = api_label(record.kind, r.cbid);
            break;
        }
        case CUPTI_ACTIVITY_KIND_OVERHEAD: {
            const auto& r = reinterpret_cast<const CUpti_ActivityOverhead3&>(record);
            it.ns = duration(r.start, r.end);
            attach(no_node_id, it, overhead_label(r.overheadKind));
            ++m_counters.placed;
            return;
        }
        case CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION: {
            const auto& r = reinterpret_cast<const CUpti_ActivityExternalCorrelation&>(record);
            ++m_counters.ignored;                                                   // not a row
            if (r.externalKind != CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0) return;  // not ours
            m_table.apply({r.correlationId, 0, static_cast<node_id>(r.externalId), 0});
            return;
        }
        default:
            ++m_counters.ignored;
            return;
    }
    if (!try_place(it)) m_waiting.push_back(std::move(it));
}

bool activity_processor::try_place(const item& it) {
    auto node = m_table.use(it.correlation);
    if (!node && it.alternate != 0 && it.alternate != it.correlation)
        node = m_table.use(it.alternate);
    if (!node) return false;
    if (*node == no_node_id) {
        ++m_counters.dropped;
        return true;
    }
    if (!m_options.add_secondary) {
        attach(*node, it, std::string_view{});  // on the region itself
    } else if (it.row != nullptr) {
        attach(*node, it, *it.row);
    } else {
        attach(*node, it, it.label);
    }
    ++m_counters.placed;
    return true;
}

template <typename Row>
void activity_processor::attach(node_id node, const item& it, Row row) {
    tim::attach_record(node, cupti_activity_index, &it.ns, 1, row);
    if (it.has_bytes) tim::attach_record(node, cupti_memory_bytes_index, &it.bytes, 1, row);
}

void activity_processor::retry_waiting() {
    std::erase_if(m_waiting, [this](const item& it) { return try_place(it); });
}

const std::string& activity_processor::api_label(CUpti_ActivityKind kind, std::uint32_t cbid) {
    const auto key = (std::uint64_t{static_cast<std::uint32_t>(kind)} << 32) | cbid;
    auto it = m_api_names.find(key);
    if (it != m_api_names.end()) return it->second;
    std::string name = m_options.api_name ? m_options.api_name(kind, cbid) : std::string{};
    if (name.empty()) name = kind == CUPTI_ACTIVITY_KIND_RUNTIME ? "cudaRuntime" : "cudaDriver";
    return m_api_names.emplace(key, std::move(name)).first->second;
}

}  // namespace tim::gpu::activity
