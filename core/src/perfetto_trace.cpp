#include "perfetto_trace.hpp"

#include <ctime>

namespace tim::detail {

namespace proto {
void put_varint(std::string& out, std::uint64_t value) {
    // Seven bits per byte, low group first; the high bit says another byte follows.
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

void put_key(std::string& out, std::uint32_t field, wire type) {
    put_varint(out, (static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint64_t>(type));
}

void put_uint(std::string& out, std::uint32_t field, std::uint64_t value) {
    put_key(out, field, wire::varint);
    put_varint(out, value);
}

void put_int(std::string& out, std::uint32_t field, std::int64_t value) {
    put_uint(out, field, static_cast<std::uint64_t>(value));
}

void put_fixed64(std::string& out, std::uint32_t field, std::uint64_t value) {
    put_key(out, field, wire::fixed64);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void put_bytes(std::string& out, std::uint32_t field, std::string_view bytes) {
    put_key(out, field, wire::bytes);
    put_varint(out, bytes.size());
    out.append(bytes);
}
}  // namespace proto

namespace {
// Field numbers of perfetto_trace.proto used here.
namespace trace {
constexpr std::uint32_t packet = 1;
}
namespace packet {
constexpr std::uint32_t clock_snapshot = 6;
constexpr std::uint32_t timestamp = 8;
constexpr std::uint32_t trusted_packet_sequence_id = 10;
constexpr std::uint32_t track_event = 11;
constexpr std::uint32_t sequence_flags = 13;
constexpr std::uint32_t incremental_state_cleared = 41;
constexpr std::uint32_t timestamp_clock_id = 58;
constexpr std::uint32_t track_descriptor = 60;
constexpr std::uint32_t first_packet_on_sequence = 87;
constexpr std::uint64_t seq_incremental_state_cleared = 1;
}  // namespace packet
namespace clock_snapshot {
constexpr std::uint32_t clocks = 1;
constexpr std::uint32_t primary_trace_clock = 2;
constexpr std::uint32_t clock_id = 1;         // ClockSnapshot.Clock
constexpr std::uint32_t clock_timestamp = 2;  // ClockSnapshot.Clock
}  // namespace clock_snapshot
namespace track {
constexpr std::uint32_t uuid = 1;
constexpr std::uint32_t name = 2;
constexpr std::uint32_t process = 3;
constexpr std::uint32_t thread = 4;
constexpr std::uint32_t parent_uuid = 5;
constexpr std::uint32_t process_pid = 1;   // ProcessDescriptor
constexpr std::uint32_t process_name = 6;  // ProcessDescriptor
constexpr std::uint32_t thread_pid = 1;    // ThreadDescriptor
constexpr std::uint32_t thread_tid = 2;    // ThreadDescriptor
constexpr std::uint32_t thread_name = 5;   // ThreadDescriptor
}  // namespace track
namespace event {
constexpr std::uint32_t type = 9;
constexpr std::uint32_t track_uuid = 11;
constexpr std::uint32_t name = 23;
constexpr std::uint32_t flow_ids = 47;
constexpr std::uint32_t terminating_flow_ids = 48;
constexpr std::uint64_t slice_begin = 1;
constexpr std::uint64_t slice_end = 2;
}  // namespace event

std::uint64_t read_clock(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

void put_clock(std::string& out, std::uint32_t id, std::uint64_t timestamp) {
    std::string clock;
    proto::put_uint(clock, clock_snapshot::clock_id, id);
    proto::put_uint(clock, clock_snapshot::clock_timestamp, timestamp);
    proto::put_bytes(out, clock_snapshot::clocks, clock);
}
}  // namespace

perfetto_trace::perfetto_trace(std::uint32_t sequence_id) : m_sequence_id(sequence_id) {
    // Perfetto's default trace clock is BOOTTIME; a snapshot naming MONOTONIC the primary clock
    // (with a BOOTTIME reading taken at the same moment) lets the events stay on MONOTONIC.
    std::string snapshot;
    put_clock(snapshot, clock_monotonic, read_clock(CLOCK_MONOTONIC));
    put_clock(snapshot, clock_boottime, read_clock(CLOCK_BOOTTIME));
    proto::put_uint(snapshot, clock_snapshot::primary_trace_clock, clock_monotonic);
    std::string body;
    proto::put_bytes(body, packet::clock_snapshot, snapshot);
    // The sequence starts with clean state, so interned data can be added later without a reader
    // discarding the events that would follow it.
    proto::put_uint(body, packet::first_packet_on_sequence, 1);
    proto::put_uint(body, packet::incremental_state_cleared, 1);
    proto::put_uint(body, packet::sequence_flags, packet::seq_incremental_state_cleared);
    add_packet(body);
}

void perfetto_trace::add_packet(std::string_view body) {
    m_packet.assign(body);
    proto::put_uint(m_packet, packet::trusted_packet_sequence_id, m_sequence_id);
    proto::put_bytes(m_buffer, trace::packet, m_packet);
}

void perfetto_trace::add_track_descriptor(const std::string& descriptor) {
    std::string body;
    proto::put_bytes(body, packet::track_descriptor, descriptor);
    add_packet(body);
}

void perfetto_trace::add_process(std::uint64_t uuid, std::int32_t pid, std::string_view name) {
    std::string process;
    proto::put_int(process, track::process_pid, pid);
    proto::put_bytes(process, track::process_name, name);
    std::string descriptor;
    proto::put_uint(descriptor, track::uuid, uuid);
    proto::put_bytes(descriptor, track::process, process);
    add_track_descriptor(descriptor);
}

void perfetto_trace::add_thread(std::uint64_t uuid, std::uint64_t parent_uuid, std::int32_t pid,
                                std::int64_t tid, std::string_view name) {
    std::string thread;
    proto::put_int(thread, track::thread_pid, pid);
    proto::put_int(thread, track::thread_tid, tid);
    proto::put_bytes(thread, track::thread_name, name);
    std::string descriptor;
    proto::put_uint(descriptor, track::uuid, uuid);
    proto::put_uint(descriptor, track::parent_uuid, parent_uuid);
    proto::put_bytes(descriptor, track::thread, thread);
    add_track_descriptor(descriptor);
}

void perfetto_trace::add_track(std::uint64_t uuid, std::uint64_t parent_uuid,
                               std::string_view name) {
    std::string descriptor;
    proto::put_uint(descriptor, track::uuid, uuid);
    proto::put_uint(descriptor, track::parent_uuid, parent_uuid);
    proto::put_bytes(descriptor, track::name, name);
    add_track_descriptor(descriptor);
}

void perfetto_trace::add_event(std::uint64_t timestamp_ns, const std::string& event) {
    std::string body;
    proto::put_uint(body, packet::timestamp, timestamp_ns);
    proto::put_uint(body, packet::timestamp_clock_id, clock_monotonic);
    proto::put_bytes(body, packet::track_event, event);
    add_packet(body);
}

void perfetto_trace::begin_slice(std::uint64_t track_uuid, std::uint64_t timestamp_ns,
                                 std::string_view name, std::span<const std::uint64_t> flow_ids,
                                 std::span<const std::uint64_t> terminating_flow_ids) {
    std::string ev;
    proto::put_uint(ev, event::type, event::slice_begin);
    proto::put_uint(ev, event::track_uuid, track_uuid);
    proto::put_bytes(ev, event::name, name);
    for (auto id : flow_ids) proto::put_fixed64(ev, event::flow_ids, id);
    for (auto id : terminating_flow_ids) proto::put_fixed64(ev, event::terminating_flow_ids, id);
    add_event(timestamp_ns, ev);
}

void perfetto_trace::end_slice(std::uint64_t track_uuid, std::uint64_t timestamp_ns) {
    std::string ev;
    proto::put_uint(ev, event::type, event::slice_end);
    proto::put_uint(ev, event::track_uuid, track_uuid);
    add_event(timestamp_ns, ev);
}

bool perfetto_trace::write_to(std::FILE* file) {
    const bool ok = std::fwrite(m_buffer.data(), 1, m_buffer.size(), file) == m_buffer.size();
    m_buffer.clear();
    return ok;
}

}  // namespace tim::detail
