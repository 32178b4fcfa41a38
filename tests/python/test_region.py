"""timemory.region (push/pop, default components, begin/end, pause/resume, marker_site) and the
top-level classes bound next to it: component_decorator, timer, auto_timer, rss_usage,
component_bundle, manager.

Labels are unique per test; rows are read back through timemory.get().
"""
import gc
import os
import threading
import time

import pytest

import timemory
import timemory.region as region



@pytest.fixture(autouse=True, scope="module")
def _outputs_in_tmp(tmp_path_factory):
    """The report this process writes at exit goes to a temporary directory."""
    timemory.settings.output_path = str(tmp_path_factory.mktemp("region-output"))

def rows(component="wall_clock"):
    data = timemory.get(components=[component])["timemory"]
    if component not in data:
        return []
    return [(r["prefix"], r["depth"], r["entry"]["laps"], r["entry"]["repr_data"])
            for r in data[component]["ranks"][0]["graph"]]


def find(label, component="wall_clock"):
    out = []
    for prefix, depth, laps, value in rows(component):
        text = prefix.split(">>> ", 1)[-1].lstrip(" ")
        if text.startswith("|_"):
            text = text[2:]
        if text == label:
            out.append((depth, laps, value))
    return out


def one(label, component="wall_clock"):
    found = find(label, component)
    assert len(found) == 1, "expected one row '{}': {}".format(label, rows(component))
    return found[0]


@pytest.fixture
def default_components():
    """Restore the region defaults after a test changes them."""
    before = region.get_default()
    yield before
    region.set_default(before)


# ---- region submodule ---------------------------------------------------------------------------


def test_package_reexports_the_compiled_submodule():
    for name in ("push", "pop", "pause", "resume", "set_default", "add_components",
                 "remove_components", "begin", "end", "marker_site"):
        assert callable(getattr(region, name)), name
    assert timemory.region.push is region.push


def test_push_pop_nest_and_count():
    region.push("region_outer")
    for _ in range(3):
        region.push("region_inner")
        time.sleep(0.01)
        assert region.pop("region_inner") is True
    assert region.pop("region_outer") is True
    depth, laps, value = one("region_outer")
    assert (depth, laps) == (0, 1) and value >= 0.03
    depth, laps, value = one("region_inner")
    assert (depth, laps) == (1, 3) and value >= 0.03


def test_pop_without_push_warns_and_returns_false(capfd):
    assert region.pop("region_never_pushed") is False
    assert "region_never_pushed" in capfd.readouterr().err
    assert region.open_count() == 0


def test_set_default_and_component_editing(default_components):
    region.set_default(["wall_clock", "trip_count"])
    assert region.get_default() == ["wall_clock", "trip_count"]
    region.add_components(["peak_rss", "wall_clock"])
    assert region.get_default() == ["wall_clock", "trip_count", "peak_rss"]
    region.remove_components(["trip_count"])
    assert region.get_default() == ["wall_clock", "peak_rss"]
    region.set_default("cpu_clock,wall_clock")
    region.push("region_defaults")
    region.pop("region_defaults")
    one("region_defaults", "cpu_clock")
    one("region_defaults", "wall_clock")


def test_set_default_rejects_unknown_and_keeps_previous(default_components):
    region.set_default(["wall_clock"])
    with pytest.raises(ValueError, match="valid|Valid"):
        region.set_default(["wall_clock", "walclock"])
    with pytest.raises(ValueError):
        region.set_default([])
    with pytest.raises(ValueError):
        region.remove_components(["wall_clock"])  # nothing would be left
    assert region.get_default() == ["wall_clock"]


def test_push_and_pop_components(default_components):
    region.set_default(["wall_clock"])
    region.push_components(["trip_count"])
    assert region.get_default() == ["trip_count"]
    assert region.pop_components() is True
    assert region.get_default() == ["wall_clock"]
    assert region.pop_components() is False


def test_begin_end_by_handle():
    ids = [region.begin("region_handle") for _ in range(2)]
    assert len(set(ids)) == 2
    for i in reversed(ids):
        region.end(i)
    region.end(ids[0])  # unknown now: warning, no error
    depth, laps, _ = find("region_handle")[0]
    assert depth == 0
    assert sum(laps for _, laps, _ in find("region_handle")) == 2


def test_pause_resume():
    region.pause()
    try:
        assert region.is_paused()
        region.push("region_paused")
        region.pop("region_paused")
        assert region.begin("region_paused") == 2**64 - 1
    finally:
        region.resume()
    assert not region.is_paused()
    assert find("region_paused") == []


def test_regions_in_threads_merge():
    def work():
        for _ in range(50):
            region.push("region_threaded")
            region.pop("region_threaded")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert one("region_threaded")[:2] == (0, 200)


def test_marker_site():
    site = region.marker_site(["wall_clock", "cpu_clock"], "region_site", "flat")
    assert site.label == "region_site"
    assert site.components == ["wall_clock", "cpu_clock"]
    assert site.scope == "flat"
    site.start()
    site.start()
    site.stop()
    text = site.stop_report()
    assert text.startswith("region_site : ") and "sec wall" in text and "sec cpu" in text
    assert one("region_site")[:2] == (0, 2)  # flat: the nested start is also at depth 0
    with pytest.raises(ValueError):
        region.marker_site(["bogus"], "x")
    with pytest.raises(ValueError):
        region.marker_site(["wall_clock"], "x", "sideways")


# ---- component_decorator --------------------------------------------------------------------------


def test_component_decorator():
    d = timemory.component_decorator(["wall_clock", "peak_rss"], "region_decorator")
    assert d.running and d.label == "region_decorator"
    time.sleep(0.01)
    d.stop()
    assert not d.running
    d.stop()  # harmless
    assert one("region_decorator")[1] == 1
    assert one("region_decorator", "peak_rss")[1] == 1

    with timemory.component_decorator(["wall_clock"], "region_decorator_flat", "flat"):
        with timemory.component_decorator(["wall_clock"], "region_decorator_flat_inner", "flat"):
            pass
    assert one("region_decorator_flat_inner")[0] == 0

    with pytest.raises(ValueError, match="wall_clock"):
        timemory.component_decorator(["wal_clock"], "x")


# ---- timer / auto_timer / rss_usage ----------------------------------------------------------------


def test_timer_measures_wall_sys_and_user(capfd):
    t = timemory.timer("region_timer")
    t.start()
    # User-mode work until the process's CPU clock says 0.15 s were spent (not the wall clock:
    # on a loaded machine a wall-clock loop may get far less CPU time).
    end = time.process_time() + 0.15
    while time.process_time() < end:
        sum(range(1000))
    for _ in range(2000):
        os.stat(".")  # system calls: time in kernel mode
    time.sleep(0.05)
    t.stop()
    assert t.real_elapsed() >= 0.2
    assert t.user_elapsed() > 0.05
    assert t.sys_elapsed() >= 0.0
    assert t.user_elapsed() + t.sys_elapsed() == pytest.approx(t.cpu_elapsed(), abs=0.05)
    assert t.cpu_elapsed() <= t.real_elapsed() + 0.05
    values = t.get()
    assert set(values) == {"wall_clock", "system_clock", "user_clock", "cpu_clock", "cpu_util",
                           "peak_rss"}
    assert t.get_raw()["wall_clock"] == pytest.approx(values["wall_clock"] * 1e9)
    t.report()
    out = capfd.readouterr().out
    assert out.startswith("region_timer : ") and "sec sys" in out and "sec user" in out
    assert one("region_timer")[1] == 1

    t.start()
    t.stop()
    assert t.laps == 2
    t.reset()
    assert t.laps == 0 and t.real_elapsed() == 0.0


def test_auto_timer_default_components():
    with timemory.auto_timer("region_auto") as at:
        time.sleep(0.01)
    assert not at.running
    assert set(at.get()) == {"wall_clock", "cpu_clock", "cpu_util", "peak_rss"}
    assert at.get()["wall_clock"] >= 0.01
    for component in ("wall_clock", "cpu_clock", "cpu_util", "peak_rss"):
        one("region_auto", component)

    def region_auto_caller():
        return timemory.auto_timer()

    t = region_auto_caller()
    assert t.label.startswith("region_auto_caller@test_region.py:")
    del t


def test_rss_usage_units_and_differences():
    before = timemory.rss_usage("region_rss", True)
    assert before.recorded
    block = bytearray(64 * 1000 * 1000)
    block[::4096] = b"x" * len(block[::4096])
    after = timemory.rss_usage("region_rss", record=True)
    diff = after - before
    assert diff.current() > 40.0  # MB
    assert diff.current(1000) == pytest.approx(diff.current() * 1000)
    assert diff.current("KB") == pytest.approx(diff.current(1000))
    assert diff.current("MiB") == pytest.approx(diff.current(1024 * 1024))
    assert after.peak("GB") == pytest.approx(after.peak() / 1000)
    assert after.peak() >= after.current() * 0.5
    assert diff.get()["num_minor_page_faults"] > 0  # > 15000 with 4 KiB pages, fewer with THP
    acc = timemory.rss_usage("acc")
    acc += after
    acc -= before
    assert acc.current() == pytest.approx(diff.current())
    assert "page_rss" in str(diff) and "peak_rss" in str(diff)
    with pytest.raises(ValueError):
        diff.current("parsecs")
    del block


# ---- component_bundle --------------------------------------------------------------------------------


def test_component_bundle_configure_and_label():
    try:
        timemory.component_bundle.configure(["wall_clock", "cpu_clock"])
        assert timemory.component_bundle.components() == ["wall_clock", "cpu_clock"]
        b = timemory.component_bundle("region_bundle_fn", "/tmp/x.py", 12, ["a", "b"])
        assert b.label == "region_bundle_fn@/tmp/x.py:12/a/b"
        b.start()
        b.stop()
        one("region_bundle_fn@/tmp/x.py:12/a/b", "cpu_clock")
        timemory.component_bundle.configure(["wall_clock"], flat_profile=False, timeline_profile=True)
        for _ in range(2):
            with timemory.component_bundle("region_bundle_tl", "f.py", 1):
                pass
        assert [laps for _, laps, _ in find("region_bundle_tl@f.py:1")] == [1, 1]
    finally:
        timemory.component_bundle.reset()
    assert timemory.component_bundle.components() == ["wall_clock"]


# ---- manager ----------------------------------------------------------------------------------------------


def test_manager_metadata():
    timemory.manager.add_metadata("region_test_key", "value")
    timemory.manager.add_metadata("region_test_list", [1, 2.5, "x"])
    meta = timemory.manager.get_metadata()
    assert set(meta) >= {"info", "settings", "output", "environment"}
    assert meta["info"]["region_test_key"] == "value"
    assert meta["info"]["region_test_list"] == [1, 2.5, "x"]
    timemory.manager.add_metadata("region_test_key", "replaced")
    assert timemory.manager.get_metadata()["info"]["region_test_key"] == "replaced"
    m = timemory.manager()
    assert isinstance(m.text_files, list) and isinstance(m.json_files, list)


def run_thread_to_its_end(work):
    """Run `work` on a new thread and wait until the OS thread is gone: join() returns when its
    Python code is done, but its C++ thread-locals (frame stacks closing open markers) are
    destroyed a moment later, when the OS thread exits."""
    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    deadline = time.monotonic() + 10.0
    while os.path.exists("/proc/self/task/{}".format(worker.native_id)):
        assert time.monotonic() < deadline, "the worker thread did not exit"
        time.sleep(0.01)


def test_marker_left_open_when_its_thread_ends_is_closed_and_its_time_kept(capfd):
    site = region.marker_site(["wall_clock"], "marker_left_open_by_thread")

    def work():
        site.start()
        time.sleep(0.05)  # the thread ends without site.stop()

    run_thread_to_its_end(work)
    err = capfd.readouterr().err
    assert "1 marker(s) still open when their thread ended were closed" in err
    depth, laps, seconds = one("marker_left_open_by_thread")
    assert laps == 1
    assert 0.05 <= seconds < 5.0


def test_a_marker_site_dropped_while_started_is_still_closed_at_thread_end(capfd):
    def work():
        # The site object is gone right after start(); its frame stays open on this thread.
        region.marker_site(["wall_clock", "cpu_clock"], "dropped_while_started").start()
        gc.collect()
        later = region.marker_site(["wall_clock"], "started_after_the_drop")
        later.start()
        later.stop()

    run_thread_to_its_end(work)
    assert "1 marker(s) still open when their thread ended" in capfd.readouterr().err
    assert one("dropped_while_started")[1] == 1
    assert one("dropped_while_started", "cpu_clock")[1] == 1
    assert one("started_after_the_drop")[1] == 1
