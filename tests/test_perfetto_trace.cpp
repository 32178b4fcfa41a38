// The Perfetto trace encoder: wire bytes checked exactly here; the file written by
// PerfettoTrace.WriteTimelineForPython is decoded with Perfetto's own protobuf classes by
// tests/python/test_perfetto_trace.py.
#include "perfetto_trace.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

namespace {
using tim::detail::perfetto_trace;
namespace proto = tim::detail::proto;

std::vector<unsigned> bytes_of(const std::string& s) {
    std::vector<unsigned> out;
    for (char c : s) out.push_back(static_cast<unsigned char>(c));
    return out;
}

std::vector<unsigned> varint(std::uint64_t value) {
    std::string out;
    proto::put_varint(out, value);
    return bytes_of(out);
}
}  // namespace

TEST(PerfettoTrace, VarintBytes) {
    EXPECT_EQ(varint(0), (std::vector<unsigned>{0x00}));
    EXPECT_EQ(varint(127), (std::vector<unsigned>{0x7f}));
    EXPECT_EQ(varint(128), (std::vector<unsigned>{0x80, 0x01}));
    EXPECT_EQ(varint(300), (std::vector<unsigned>{0xac, 0x02}));
    EXPECT_EQ(varint(std::uint64_t{1} << 63),
              (std::vector<unsigned>{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}));
}

TEST(PerfettoTrace, FieldBytes) {
    // A negative int64 is its two's complement as a 10-byte varint.
    std::string neg;
    proto::put_int(neg, 2, -1);
    EXPECT_EQ(bytes_of(neg), (std::vector<unsigned>{0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                    0xff, 0xff, 0x01}));
    // TrackEvent.flow_ids (47) is an unpacked fixed64: key 0x179 then 8 little-endian bytes.
    std::string flow;
    proto::put_fixed64(flow, 47, 7);
    EXPECT_EQ(bytes_of(flow), (std::vector<unsigned>{0xf9, 0x02, 7, 0, 0, 0, 0, 0, 0, 0}));
    std::string name;
    proto::put_bytes(name, 23, "ab");
    EXPECT_EQ(bytes_of(name), (std::vector<unsigned>{0xba, 0x01, 0x02, 'a', 'b'}));
}

TEST(PerfettoTrace, SlicePacketBytes) {
    perfetto_trace trace(5);
    const auto header = trace.data().size();
    trace.end_slice(9, 300);
    // Trace.packet { timestamp: 300, timestamp_clock_id: 3,
    //                track_event { type: SLICE_END, track_uuid: 9 }, trusted_packet_sequence_id: 5
    //                }
    EXPECT_EQ(bytes_of(trace.data().substr(header)),
              (std::vector<unsigned>{0x0a, 0x0e, 0x40, 0xac, 0x02, 0xd0, 0x03, 0x03, 0x5a, 0x04,
                                     0x48, 0x02, 0x58, 0x09, 0x50, 0x05}));
}

// Two threads of one process with nested slices that overlap in time, and a CUDA stream track
// whose kernel slice ends the flow that a launch slice on thread 1 starts. Written to
// $PERFETTO_TRACE_TEST_FILE (the Python test's file), else to a temporary file.
TEST(PerfettoTrace, WriteTimelineForPython) {
    const char* env = std::getenv("PERFETTO_TRACE_TEST_FILE");
    const auto path = env ? std::filesystem::path(env)
                          : std::filesystem::temp_directory_path() /
                                ("timemory-perfetto-" + std::to_string(getpid()) + ".pftrace");
    const std::int32_t pid = 4242;
    const std::uint64_t proc = 1;
    const std::uint64_t t1 = 2;
    const std::uint64_t t2 = 3;
    const std::uint64_t stream = 4;
    const std::uint64_t flow[] = {77};

    perfetto_trace trace;
    trace.add_process(proc, pid, "app");
    trace.add_thread(t1, proc, pid, 4243, "worker-1");
    trace.add_thread(t2, proc, pid, 4244, "worker-2");
    trace.add_track(stream, proc, "CUDA stream 7");
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    // First chunk: the descriptors; the events follow in a second write.
    ASSERT_TRUE(trace.write_to(file));
    EXPECT_TRUE(trace.data().empty());

    trace.begin_slice(t1, 1000, "outer_1");
    trace.begin_slice(t2, 1500, "outer_2");
    trace.begin_slice(t1, 2000, "launch", flow);
    trace.end_slice(t1, 2500);
    trace.begin_slice(stream, 3000, "kernel", {}, flow);
    trace.begin_slice(t2, 3500, "inner_2");
    trace.end_slice(t2, 4000);
    trace.end_slice(stream, 4500);
    trace.end_slice(t1, 5000);
    trace.end_slice(t2, 6000);
    ASSERT_TRUE(trace.write_to(file));
    ASSERT_EQ(std::fclose(file), 0);

    std::ifstream in(path, std::ios::binary);
    const std::string written((std::istreambuf_iterator<char>(in)), {});
    ASSERT_FALSE(written.empty());
    EXPECT_EQ(static_cast<unsigned char>(written[0]), 0x0a);  // Trace.packet, length-delimited
    if (!env) std::filesystem::remove(path);
}
