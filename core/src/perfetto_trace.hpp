// Internal (not installed): the encoder for Perfetto's protobuf trace format, the file timemory's
// timeline is written as. Hand-written wire encoding (varints, length-delimited fields, fixed64)
// so the core needs no protobuf library; the field numbers are those of Perfetto's
// protos/perfetto/trace/perfetto_trace.proto.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

namespace tim::detail {

/// Protobuf wire encoding, appended to a byte string.
namespace proto {
enum class wire : std::uint8_t { varint = 0, fixed64 = 1, bytes = 2 };

void put_varint(std::string& out, std::uint64_t value);
void put_key(std::string& out, std::uint32_t field, wire type);
void put_uint(std::string& out, std::uint32_t field, std::uint64_t value);
/// Signed int32/int64 fields: two's complement, sign-extended to 64 bits (10 bytes if negative).
void put_int(std::string& out, std::uint32_t field, std::int64_t value);
void put_fixed64(std::string& out, std::uint32_t field, std::uint64_t value);
/// Strings and embedded messages (already encoded).
void put_bytes(std::string& out, std::uint32_t field, std::string_view bytes);
}  // namespace proto

/// Appends TracePackets to a buffer: track descriptors, then slice begin/end events on them.
/// Every packet carries the same trusted_packet_sequence_id; the first one also a ClockSnapshot
/// that makes CLOCK_MONOTONIC (std::chrono::steady_clock on Linux) the trace clock, and every
/// event says its timestamp is on that clock. The buffer is a valid Trace at any point, so it can
/// be flushed to a file in chunks (write_to) between packets. Not thread-safe: one writer.
class perfetto_trace {
  public:
    /// Perfetto's BuiltinClock id of CLOCK_MONOTONIC.
    static constexpr std::uint32_t clock_monotonic = 3;
    static constexpr std::uint32_t clock_boottime = 6;

    explicit perfetto_trace(std::uint32_t sequence_id = 1);

    /// A process track (the parent of its threads' tracks).
    void add_process(std::uint64_t uuid, std::int32_t pid, std::string_view name);
    /// A thread track, shown under its process in the UI.
    void add_thread(std::uint64_t uuid, std::uint64_t parent_uuid, std::int32_t pid,
                    std::int64_t tid, std::string_view name);
    /// A named track that is neither a process nor a thread (a CUDA stream).
    void add_track(std::uint64_t uuid, std::uint64_t parent_uuid, std::string_view name);

    /// Opens a slice on a track; `flow_ids` start arrows at it (a kernel launch),
    /// `terminating_flow_ids` end arrows at it (the kernel on its stream).
    void begin_slice(std::uint64_t track_uuid, std::uint64_t timestamp_ns, std::string_view name,
                     std::span<const std::uint64_t> flow_ids = {},
                     std::span<const std::uint64_t> terminating_flow_ids = {});
    /// Closes the innermost open slice of the track.
    void end_slice(std::uint64_t track_uuid, std::uint64_t timestamp_ns);

    /// The encoded packets not yet written out.
    const std::string& data() const { return m_buffer; }
    /// Writes the buffered packets to `file` and empties the buffer; false on a short write.
    bool write_to(std::FILE* file);

  private:
    void add_packet(std::string_view body);
    void add_track_descriptor(const std::string& descriptor);
    void add_event(std::uint64_t timestamp_ns, const std::string& event);

    std::uint32_t m_sequence_id;
    std::string m_buffer;
    std::string m_packet;  // reused per packet: encoded fields before the length is known
};

}  // namespace tim::detail
