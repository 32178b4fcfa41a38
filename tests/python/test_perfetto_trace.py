"""The Perfetto trace timemory's timeline is written as, decoded with Perfetto's own classes.

The file is written by the C++ suite (PerfettoTrace.WriteTimelineForPython): two threads of one
process with nested slices overlapping in time, and a CUDA stream track whose kernel slice ends
the flow started by a launch slice on thread 1. Perfetto's trace processor needs a binary the
wheel downloads, so these checks decode the protobuf and check the timeline themselves.
"""

import os
import subprocess

import pytest
from conftest import cpp_test_binary

try:
    from perfetto.protos.perfetto.trace import perfetto_trace_pb2 as pb
except ImportError:  # pragma: no cover - depends on the machine
    pb = None
else:
    from google.protobuf.unknown_fields import UnknownFieldSet

pytestmark = pytest.mark.skipif(
    pb is None, reason="the perfetto package (pip install perfetto) is not importable")


@pytest.fixture(scope="module")
def trace(tmp_path_factory):
    binary = cpp_test_binary()
    if binary is None:
        pytest.skip("timemory-tests is not built next to the python folder on PYTHONPATH")
    path = tmp_path_factory.mktemp("perfetto") / "timeline.pftrace"
    run = subprocess.run(
        [str(binary), "--gtest_filter=PerfettoTrace.WriteTimelineForPython"],
        env=dict(os.environ, PERFETTO_TRACE_TEST_FILE=str(path)),
        capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert path.is_file(), run.stdout + run.stderr
    parsed = pb.Trace()
    parsed.ParseFromString(path.read_bytes())
    return parsed


def _unknown_fields(message):
    """Every field the reader did not recognise, in the message and those inside it."""
    count = len(UnknownFieldSet(message))
    for field, value in message.ListFields():
        if field.type != field.TYPE_MESSAGE:
            continue
        for item in (value if field.is_repeated else [value]):
            count += _unknown_fields(item)
    return count


def _slices(trace):
    """Per track uuid: (name, begin, end, depth, begin event) of each slice, in begin order."""
    stacks, done = {}, {}
    for packet in trace.packet:
        if not packet.HasField("track_event"):
            continue
        event = packet.track_event
        stack = stacks.setdefault(event.track_uuid, [])
        if event.type == pb.TrackEvent.TYPE_SLICE_BEGIN:
            stack.append([event.name, packet.timestamp, None, len(stack), event])
            done.setdefault(event.track_uuid, []).append(stack[-1])
        else:
            assert event.type == pb.TrackEvent.TYPE_SLICE_END
            assert stack, "an end without a begin on track %d" % event.track_uuid
            stack.pop()[2] = packet.timestamp
    assert all(not stack for stack in stacks.values()), "slices left open"
    return done


def test_every_field_is_known_and_on_one_sequence(trace):
    assert len(trace.packet) == 1 + 4 + 10  # clock snapshot, tracks, events
    assert _unknown_fields(trace) == 0
    assert {p.trusted_packet_sequence_id for p in trace.packet} == {1}
    first = trace.packet[0]
    assert first.first_packet_on_sequence
    assert first.clock_snapshot.primary_trace_clock == pb.BuiltinClock.BUILTIN_CLOCK_MONOTONIC
    events = [p for p in trace.packet if p.HasField("track_event")]
    assert {p.timestamp_clock_id for p in events} == {pb.BuiltinClock.BUILTIN_CLOCK_MONOTONIC}


def test_one_track_per_thread_with_its_pid_and_tid(trace):
    tracks = {p.track_descriptor.uuid: p.track_descriptor
              for p in trace.packet if p.HasField("track_descriptor")}
    assert tracks[1].process.pid == 4242 and tracks[1].process.process_name == "app"
    threads = {t.thread.thread_name: (uuid, t.parent_uuid, t.thread.pid, t.thread.tid)
               for uuid, t in tracks.items() if t.HasField("thread")}
    assert threads == {"worker-1": (2, 1, 4242, 4243), "worker-2": (3, 1, 4242, 4244)}
    assert tracks[4].name == "CUDA stream 7" and tracks[4].parent_uuid == 1
    assert not tracks[4].HasField("thread") and not tracks[4].HasField("process")


def test_slices_nest_and_the_threads_overlap(trace):
    slices = _slices(trace)
    shape = {uuid: [(name, begin, end, depth) for name, begin, end, depth, _ in rows]
             for uuid, rows in slices.items()}
    assert shape[2] == [("outer_1", 1000, 5000, 0), ("launch", 2000, 2500, 1)]
    assert shape[3] == [("outer_2", 1500, 6000, 0), ("inner_2", 3500, 4000, 1)]
    assert shape[4] == [("kernel", 3000, 4500, 0)]
    for rows in shape.values():
        for name, begin, end, depth in rows:
            assert begin < end, name
        assert [r[1] for r in rows] == sorted(r[1] for r in rows)
    # Thread 1's outer slice and thread 2's overlap in time.
    (_, b1, e1, _), (_, b2, e2, _) = shape[2][0], shape[3][0]
    assert max(b1, b2) < min(e1, e2)


def test_the_launch_flow_ends_at_the_kernel(trace):
    slices = _slices(trace)
    launch = next(r[4] for r in slices[2] if r[0] == "launch")
    kernel = slices[4][0][4]
    assert list(launch.flow_ids) == [77] and not launch.terminating_flow_ids
    assert list(kernel.terminating_flow_ids) == [77] and not kernel.flow_ids
    others = [r[4] for uuid in (2, 3) for r in slices[uuid] if r[0] != "launch"]
    assert all(not e.flow_ids and not e.terminating_flow_ids for e in others)
