"""timemory.component: the `id` enum, lookup helpers and the stand-alone component classes
(python/src/components.cpp).

Each test uses its own labels; call-graph rows are read back through timemory.storage.
"""
import re
import threading
import time

import pytest

import timemory
from timemory import component
from timemory.component import CpuClock, CurrentPeakRss, PeakRss, WallClock
from timemory.storage import WallClockStorage


@pytest.fixture(autouse=True, scope="module")
def quiet_outputs(tmp_path_factory):
    """Outputs of this process (atexit finalize) go to a temporary folder, not the cwd."""
    timemory.settings.output_path = str(tmp_path_factory.mktemp("components-output"))
    timemory.settings.cout_output = False


@pytest.fixture
def timing_units():
    before = timemory.settings.timing_units
    yield
    timemory.settings.timing_units = before


def storage_row(label):
    found = [r for r in WallClockStorage.get() if r.prefix().split(">>> ", 1)[-1].lstrip(" |_") == label]
    assert len(found) <= 1
    return found[0] if found else None


# ---- measuring ------------------------------------------------------------------------------


def test_wall_clock_measures_sleep():
    wc = WallClock("wall")
    wc.start()
    time.sleep(0.2)
    wc.stop()
    assert 0.15 <= wc.get() <= 1.0
    assert wc.laps() == 1
    assert 0.15e9 <= wc.get_raw() <= 1.0e9
    assert re.fullmatch(r"\s*\d+\.\d{3} sec wall", str(wc)), str(wc)
    assert len(str(wc)) == len("   0.200 sec wall")
    assert repr(wc).startswith("WallClock('wall')")


def test_get_follows_timing_units_each_call(timing_units):
    wc = WallClock("units")
    wc.start()
    time.sleep(0.2)
    wc.stop()
    seconds = wc.get()
    timemory.settings.timing_units = "msec"
    assert 150 <= wc.get() <= 1000
    assert wc.get() == pytest.approx(seconds * 1000)
    assert "msec wall" in str(wc)
    assert WallClock.display_unit() == "msec"
    assert WallClock.unit() == pytest.approx(1e6)


def test_laps_accumulate_and_reset():
    wc = WallClock("laps")
    for _ in range(3):
        wc.start()
        time.sleep(0.01)
        wc.stop()
    assert wc.laps() == 3
    assert wc.get() >= 0.025
    assert wc.get_last() < wc.get()
    wc.reset()
    assert wc.laps() == 0 and wc.get() == 0.0


def test_start_stop_are_idempotent_and_chain():
    wc = WallClock("chain")
    assert wc.stop() is wc  # stop without start: nothing
    assert wc.laps() == 0
    assert wc.start().start() is wc
    assert wc.running
    wc.stop().stop()
    assert wc.laps() == 1 and not wc.running
    assert wc.mark_begin() is wc and wc.mark_end() is wc


def test_context_manager():
    with WallClock("ctx") as wc:
        time.sleep(0.02)
    assert wc.laps() == 1 and wc.get() >= 0.015


def test_cpu_clock_counts_busy_time():
    cc = CpuClock("busy")
    begin = time.process_time()
    cc.start()
    while time.process_time() - begin < 0.1:  # 0.1 s of CPU, however loaded the machine is
        pass
    cc.stop()
    used = time.process_time() - begin
    assert 0.09 <= cc.get() <= used + 0.01


def test_memory_components():
    pr = PeakRss("alloc")
    pr.start()
    block = bytearray(64 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])
    pr.stop()
    assert isinstance(pr.get(), float) and pr.get() >= 0.0
    assert PeakRss.display_unit() == "MB"
    del block


def test_multi_valued_component_returns_tuples():
    c = CurrentPeakRss("two")
    c.start()
    c.stop()
    value = c.get()
    assert isinstance(value, tuple) and len(value) == 2
    assert all(v > 0 for v in value)
    assert isinstance(CurrentPeakRss.display_unit(), tuple)
    assert str(c).count("MB") == 2


# ---- class metadata, enum, lookups ----------------------------------------------------------


def test_one_class_per_registered_component():
    types = component.get_types()
    assert {"WallClock", "CpuClock", "PeakRss", "SysClock", "UserClock"} <= set(types)
    for name in types:
        cls = getattr(component, name)
        assert cls.label() and cls.description() and cls.id()
        assert cls.index() == getattr(component.id, cls.id())
        assert getattr(component, cls.id()) == cls.index()  # exported enum values
        assert isinstance(cls.available, bool)
        assert cls.__module__ == "timemory.component"
    assert WallClock.id() == "wall_clock" and WallClock.label() == "wall"
    assert WallClock.description() == "Real-clock timer (i.e. wall-clock timer)"


def test_enum_values_and_aliases():
    assert int(component.wall_clock) == int(WallClock.index())
    assert component.sys_clock == component.system_clock  # timemory's name is an alias
    assert component.id.real_clock == component.id.wall_clock


def test_is_available_and_generators():
    assert component.is_available("wall_clock")
    assert component.is_available(component.wall_clock)
    assert component.is_available(WallClock)
    assert not component.is_available("no_such_component")
    wc = component.get_generator("wall_clock")("gen")
    assert isinstance(wc, WallClock) and wc.key() == "gen"
    assert component.get_generator("WallClock") is WallClock
    assert component.get_generator("no_such_component")("x") is None
    available = component.get_available_types()
    assert "WallClock" in available and set(available) <= set(component.get_types())
    assert "CurrentPeakRss" not in component.get_available_types(arithmetic=True)


def test_unavailable_components_are_no_ops():
    missing = [n for n in component.get_types() if not getattr(component, n).available]
    if not missing:
        pytest.skip("every registered component is available on this machine")
    obj = getattr(component, missing[0])("x")
    obj.start()
    obj.stop()
    assert obj.get() is None and obj.get_raw() is None


# ---- push/pop into the call graph -----------------------------------------------------------


def test_without_push_nothing_is_stored():
    wc = WallClock("tc-not-pushed")
    wc.start()
    wc.stop()
    assert storage_row("tc-not-pushed") is None


def test_push_pop_records_one_entry_per_pair():
    wc = WallClock("tc-pushed")
    for i in range(6):
        if i % 2 == 0:
            wc.push()
        wc.start()
        time.sleep(0.01)
        wc.stop()
        if i % 2 == 1:
            wc.pop()
    row = storage_row("tc-pushed")
    assert row is not None
    assert row.stats().count() == 3
    assert row.data().get() == pytest.approx(wc.get(), rel=1e-6)
    assert not wc.pushed


def test_nested_push_builds_hierarchy():
    outer = WallClock("tc-outer").push().start()
    inner = WallClock("tc-inner").push().start()
    inner.stop().pop()
    outer.stop().pop()
    row = storage_row("tc-inner")
    assert row.depth() == storage_row("tc-outer").depth() + 1
    assert row.hierarchy()[-2:] == [timemory.get_hash("tc-outer"), timemory.get_hash("tc-inner")]


def test_pop_without_push_is_harmless():
    wc = WallClock("tc-pop-only")
    assert wc.pop() is wc
    assert storage_row("tc-pop-only") is None


def test_rekey_not_while_pushed():
    wc = WallClock("a").push()
    with pytest.raises(ValueError):
        wc.rekey("b")
    wc.pop()
    assert wc.rekey("b").key() == "b"


def test_worker_thread_records_into_its_own_graph():
    def work():
        wc = WallClock("tc-thread").push().start()
        time.sleep(0.01)
        wc.stop().pop()

    t = threading.Thread(target=work)
    t.start()
    t.join()
    tree = WallClockStorage.get_tree()[0]
    nodes = [c.value() for c in tree.children() if c.value().prefix() == "tc-thread"]
    assert len(nodes) == 1
    assert nodes[0].tid() and 0 not in nodes[0].tid()


def test_bad_component_names():
    with pytest.raises(ValueError, match="wall_clock"):
        timemory.get(components=["wal_clock"])
    with pytest.raises(ValueError, match="no component has index"):
        timemory.get(components=[250])
    with pytest.raises(TypeError):
        timemory.get(components=[1.5])
