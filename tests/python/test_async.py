"""Decorators on coroutine, generator and async generator functions: the region measures each
slice the function actually runs (from a send/next until it yields back), every slice adding to
the same node; suspension is not counted. Values are read back through timemory.get() (the data
of the output files) in seconds.

Each test uses labels of its own, so the process-wide call graph can be shared between tests.
"""
import asyncio
import inspect
import time

import pytest

import timemory
from timemory.profiler import FakeProfiler, Profiler
from timemory.util import auto_timer, marker, rss_usage, timer


@pytest.fixture(autouse=True, scope="module")
def _outputs_in_tmp(tmp_path_factory):
    """The report this process writes at exit goes to a temporary directory."""
    timemory.settings.output_path = str(tmp_path_factory.mktemp("async-output"))


def rows(component="wall_clock"):
    """[(label, depth, laps, sum in seconds)] of the flat layout of `component`."""
    data = timemory.get(components=[component])["timemory"]
    if component not in data:
        return []
    out = []
    for r in data[component]["ranks"][0]["graph"]:
        text = r["prefix"].split(">>> ", 1)[-1].lstrip(" ")
        text = text[2:] if text.startswith("|_") else text
        out.append((text, r["depth"], r["entry"]["laps"], r["stats"]["sum"]))
    return out


def one(label, component="wall_clock"):
    found = [r for r in rows(component) if r[0] == label]
    assert len(found) == 1, "expected one row '{}': {}".format(label, rows(component))
    return found[0][1:]


def busy(seconds):
    """Burn CPU until the wall clock has advanced `seconds` (however loaded the machine is)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_decorated_functions_keep_their_kind():
    @marker(["wall_clock"])
    async def co():
        pass

    def gen():
        yield 1

    async def agen():
        yield 1

    assert inspect.iscoroutinefunction(co)
    assert inspect.isgeneratorfunction(marker(["wall_clock"])(gen))
    assert inspect.isasyncgenfunction(marker(["wall_clock"])(agen))
    assert inspect.isgeneratorfunction(auto_timer()(gen))
    assert inspect.iscoroutinefunction(Profiler(["wall_clock"])(co))
    assert inspect.isasyncgenfunction(FakeProfiler()(agen))
    assert co.__name__ == "co" and co.__wrapped__ is not None


def test_coroutine_counts_running_time_not_suspension(capfd):
    @marker(["wall_clock"])
    async def async_sleep_then_work():
        await asyncio.sleep(0.4)  # suspended: not counted
        busy(0.03)
        return 7

    assert asyncio.run(async_sleep_then_work()) == 7
    depth, laps, value = one("async_sleep_then_work")
    # Two slices: up to the sleep, and after it. About 0.03 s of work (more on a loaded machine);
    # the 0.4 s sleep is out.
    assert (depth, laps) == (0, 2)
    assert 0.03 <= value < 0.35, value
    assert "warn" not in capfd.readouterr().err.lower()


def test_interleaved_coroutines_nest_under_the_caller(capfd):
    @marker(["wall_clock"])
    async def async_interleaved(n):
        for _ in range(3):
            busy(0.01)
            await asyncio.sleep(0.01)
        return n

    @marker(["wall_clock"])
    async def async_gather_parent():
        return await asyncio.gather(async_interleaved(1), async_interleaved(2))

    with marker(["wall_clock"], key="async_loop_scope"):
        assert asyncio.run(async_gather_parent()) == [1, 2]
    assert one("async_loop_scope")[:2] == (0, 1)
    # The parent: one slice until gather suspends, one when the gather's result arrives.
    assert one("async_gather_parent")[:2] == (1, 2)
    # Each call: 3 awaits, 4 slices, run by the event loop (under the with-block, not under the
    # parent, which is suspended while they run); 2 x 3 x 0.01 s of work.
    depth, laps, value = one("async_interleaved")
    assert (depth, laps) == (1, 8)
    assert 0.06 <= value < 0.5, value
    assert "warn" not in capfd.readouterr().err.lower()


def test_awaited_coroutine_nests_inside_the_awaiting_one():
    @marker(["wall_clock"])
    async def async_inner():
        busy(0.01)
        await asyncio.sleep(0.01)
        busy(0.01)

    @marker(["wall_clock"])
    async def async_outer():
        await async_inner()

    asyncio.run(async_outer())
    assert one("async_outer")[:2] == (0, 2)
    depth, laps, value = one("async_inner")
    assert (depth, laps) == (1, 2)
    assert 0.02 <= value < 0.5, value


def test_generator_counts_each_item_not_the_consumer():
    @marker(["wall_clock"])
    def gen_five_items():
        for i in range(5):
            busy(0.01)
            yield i

    got = []
    for item in gen_five_items():
        got.append(item)
        time.sleep(0.2)  # the consumer's time: not the generator's
    assert got == [0, 1, 2, 3, 4]
    depth, laps, value = one("gen_five_items")
    # Five items and the final next() that ends the loop: 6 slices, 5 x 0.01 s of work.
    assert (depth, laps) == (0, 6)
    assert 0.05 <= value < 0.8, value


def test_generator_send_throw_close_and_return_value():
    @marker(["wall_clock"], key="gen_protocol")
    def echo():
        total = 0
        try:
            while True:
                try:
                    total += yield total
                except ValueError:
                    total = -1
        finally:
            busy(0.01)

    def delegate():
        return (yield from echo())

    g = echo()
    assert next(g) == 0
    assert g.send(5) == 5
    assert g.throw(ValueError("x")) == -1
    g.close()
    # next, send, throw, close: 4 slices (close runs the generator's finally block).
    depth, laps, value = one("echo/gen_protocol")
    assert (depth, laps) == (0, 4)
    assert 0.01 <= value < 0.5

    @marker(["wall_clock"])
    def returns_value():
        yield 1
        return "done"

    def outer():
        result = yield from returns_value()
        assert result == "done"

    assert list(outer()) == [1]
    assert one("returns_value")[:2] == (0, 2)


def test_async_generator_slices():
    @marker(["wall_clock"])
    async def agen_three():
        for i in range(3):
            await asyncio.sleep(0.15)
            busy(0.01)
            yield i

    async def consume():
        return [x async for x in agen_three()]

    assert asyncio.run(consume()) == [0, 1, 2]
    depth, laps, value = one("agen_three")
    # Each item: a slice up to the sleep and one up to the yield; the last asend ends the loop.
    assert (depth, laps) == (0, 7)
    assert 0.03 <= value < 0.4, value


def test_exception_in_coroutine_closes_its_slice():
    @marker(["wall_clock"])
    async def async_raises():
        await asyncio.sleep(0)
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        asyncio.run(async_raises())
    assert one("async_raises")[:2] == (0, 2)


def test_cancelled_coroutine_runs_its_cleanup_in_a_slice():
    @marker(["wall_clock"])
    async def async_cancelled():
        try:
            await asyncio.sleep(30)
        finally:
            busy(0.01)

    async def main():
        task = asyncio.ensure_future(async_cancelled())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    # Up to the sleep, then the CancelledError thrown in (its finally block): 2 slices.
    depth, laps, value = one("async_cancelled")
    assert (depth, laps) == (0, 2) and 0.01 <= value < 0.5, (depth, laps, value)


def test_per_call_labels_and_auto_timer():
    @marker(["wall_clock"], add_args=True)
    async def async_args(n):
        await asyncio.sleep(0)
        busy(0.01)

    @auto_timer()
    def gen_auto_timer():
        busy(0.01)
        yield 1
        busy(0.01)

    asyncio.run(async_args(3))
    depth, laps, value = one("async_args(n=3)")
    assert (depth, laps) == (0, 2) and 0.01 <= value < 0.5
    assert list(gen_auto_timer()) == [1]
    depth, laps, value = one("gen_auto_timer")
    assert (depth, laps) == (0, 2) and 0.02 <= value < 0.5


def test_reporting_decorators_report_once_per_call(capfd):
    @timer()
    async def async_timer_report():
        busy(0.02)
        await asyncio.sleep(0.4)
        busy(0.02)

    @auto_timer(report_at_exit=True)
    def gen_auto_report():
        busy(0.02)
        yield 1
        time.sleep(0.2)  # suspension is not counted, but sleeping inside a slice is
        yield 2

    @rss_usage()
    def gen_rss():
        yield 1

    asyncio.run(async_timer_report())
    out = capfd.readouterr().out
    lines = [ln for ln in out.splitlines() if ln.startswith("async_timer_report")]
    assert len(lines) == 1, out
    # "label : 0.040 sec wall, ...": both slices, not the 0.4 s sleep between them.
    wall = float(lines[0].split(":", 1)[1].split()[0])
    assert 0.04 <= wall < 0.35, lines[0]

    assert list(gen_auto_report()) == [1, 2]
    out = capfd.readouterr().out
    lines = [ln for ln in out.splitlines() if ln.startswith("gen_auto_report")]
    assert len(lines) == 1, out
    wall = float(lines[0].split(":", 1)[1].split()[0])
    assert 0.22 <= wall < 1.0, lines[0]
    assert one("gen_auto_report")[:2] == (0, 3)

    assert list(gen_rss()) == [1]
    out = capfd.readouterr().out
    assert len([ln for ln in out.splitlines() if ln.startswith("gen_rss")]) == 1, out


def test_marker_report_at_exit_refuses_what_it_cannot_report():
    async def async_report():
        pass

    with pytest.raises(TypeError, match="async_report.*report_at_exit"):
        marker(["wall_clock"], report_at_exit=True)(async_report)


def test_profiler_as_decorator_profiles_the_coroutine_body():
    def profiled_helper():
        busy(0.01)

    @Profiler(["wall_clock"])
    async def async_profiled():
        await asyncio.sleep(0.01)
        profiled_helper()
        await asyncio.sleep(0.01)
        profiled_helper()

    asyncio.run(async_profiled())
    found = [r for r in rows() if r[0].startswith("profiled_helper/")]
    assert len(found) == 1, rows()
    _, _, laps, value = found[0]
    assert laps == 2 and 0.02 <= value < 0.5, found
