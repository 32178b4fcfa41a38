"""timemory.util: marker (= auto_tuple) / auto_timer / timer / rss_usage as decorators and context
managers; labels; flat and timeline scopes; bad component names; exceptions; threads.

Each test uses labels of its own, so the process-wide call graph can be shared between tests.
Rows are read back through timemory.get() (the same data as the output files).
"""
import os
import sys
import threading

import pytest

import timemory
import timemory.region
import timemory.util
from timemory.util import auto_timer, auto_tuple, marker, rss_usage, timer

THIS_FILE = os.path.basename(__file__)



@pytest.fixture(autouse=True, scope="module")
def _outputs_in_tmp(tmp_path_factory):
    """The report this process writes at exit goes to a temporary directory."""
    timemory.settings.output_path = str(tmp_path_factory.mktemp("util-output"))

def rows(component="wall_clock"):
    """[(prefix, depth, laps)] of the flat layout of `component`."""
    data = timemory.get(components=[component])["timemory"]
    if component not in data:
        return []
    graph = data[component]["ranks"][0]["graph"]
    return [(r["prefix"], r["depth"], r["entry"]["laps"]) for r in graph]


def find(label, component="wall_clock"):
    """Rows whose undecorated label is `label`."""
    out = []
    for prefix, depth, laps in rows(component):
        text = prefix.split(">>> ", 1)[-1].lstrip(" ")
        if text.startswith("|_"):
            text = text[2:]
        if text == label:
            out.append((prefix, depth, laps))
    return out


def one(label, component="wall_clock"):
    found = find(label, component)
    assert len(found) == 1, "expected one row '{}' in {}: {}".format(label, component, rows(component))
    return found[0]


# ---- imports ------------------------------------------------------------------------------------


def test_import_forms_bind_the_same_class():
    import timemory.util.marker as marker_module_form
    import timemory.bundle

    assert marker_module_form is marker
    assert timemory.util.marker is marker
    assert auto_tuple is marker
    assert timemory.bundle.marker is marker
    assert timemory.bundle.auto_timer is auto_timer
    assert set(timemory.util.__all__) >= {
        "base_decorator", "auto_timer", "timer", "rss_usage", "marker", "auto_tuple"}


# ---- labels -------------------------------------------------------------------------------------


def test_decorator_label_is_function_name_and_key():
    @marker(["wall_clock"])
    def util_label_plain():
        pass

    @marker(["wall_clock"], key="k1")
    def util_label_keyed():
        pass

    util_label_plain()
    util_label_keyed()
    assert one("util_label_plain")[2] == 1
    assert one("util_label_keyed/k1")[2] == 1


def test_decorator_full_mode_has_file_and_definition_line():
    @marker(["wall_clock"], key="kf", mode="full")
    def util_label_full():
        pass

    util_label_full()
    line = util_label_full.__wrapped__.__code__.co_firstlineno
    one("util_label_full@{}:{}/kf".format(THIS_FILE, line))


def test_decorator_add_args_and_is_class():
    @marker(["wall_clock"], add_args=True)
    def util_label_args(n, name="x"):
        return n

    class Solver:
        @marker(["wall_clock"], is_class=True)
        def util_label_method(self):
            return 1

    util_label_args(3)
    util_label_args(4, name="y")
    Solver().util_label_method()
    one("util_label_args(n=3, name='x')")
    one("util_label_args(n=4, name='y')")
    one("Solver.util_label_method")


def test_context_manager_labels():
    def util_ctx_enclosing():
        with marker(["wall_clock"], key="util_ctx_key"):
            pass
        with marker(["wall_clock"]):  # no key: the enclosing function's name
            pass
        line = sys._getframe().f_lineno + 1
        with marker(["wall_clock"], key="kc", mode="full"):
            pass
        return line

    line = util_ctx_enclosing()
    assert one("util_ctx_key")[1] == 0
    assert one("util_ctx_enclosing")[1] == 0
    one("util_ctx_enclosing@{}:{}/kc".format(THIS_FILE, line))


def test_marker_context_manager_is_reentrant_and_nests():
    m = marker(["wall_clock"], key="util_reentrant")
    with m:
        with m:
            pass
    outer = [r for r in find("util_reentrant") if r[1] == 0]
    inner = [r for r in find("util_reentrant") if r[1] == 1]
    assert len(outer) == 1 and outer[0][2] == 1
    assert len(inner) == 1 and inner[0][2] == 1


@marker(["wall_clock"])
def util_module_level(x, *, scale=2):
    """Doubles x."""
    return x * scale


def test_decorated_function_behaves_like_the_function():
    import inspect
    import pickle

    assert util_module_level(3) == 6 and util_module_level(3, scale=3) == 9
    assert util_module_level.__name__ == "util_module_level"
    assert util_module_level.__doc__ == "Doubles x."
    assert util_module_level.__wrapped__.__name__ == "util_module_level"
    assert str(inspect.signature(util_module_level)) == "(x, *, scale=2)"
    assert pickle.loads(pickle.dumps(util_module_level)) is util_module_level
    assert "util_module_level" in repr(util_module_level)
    assert one("util_module_level")[2] == 2

    class Counter:
        def __init__(self):
            self.n = 0

        @marker(["wall_clock"])
        def util_bound_method(self, k):
            self.n += k
            return self.n

        @staticmethod
        @marker(["wall_clock"])
        def util_static_method(k):
            return -k

    c = Counter()
    assert c.util_bound_method(2) == 2 and Counter.util_bound_method(c, 3) == 5
    assert Counter.util_static_method(4) == -4 and c.util_static_method(1) == -1
    assert one("util_bound_method")[2] == 2
    assert one("util_static_method")[2] == 2


# ---- scopes ---------------------------------------------------------------------------------------


def test_flat_kwarg_puts_the_entry_at_depth_zero():
    @marker(["wall_clock"], flat=True)
    def util_flat_inner():
        pass

    @marker(["wall_clock"])
    def util_flat_outer():
        util_flat_inner()
        util_flat_inner()

    util_flat_outer()
    assert one("util_flat_outer")[1] == 0
    prefix, depth, laps = one("util_flat_inner")
    assert (depth, laps) == (0, 2)


def test_tree_default_nests_under_the_caller():
    @marker(["wall_clock"], flat=False, timeline=False)
    def util_tree_inner():
        pass

    @marker(["wall_clock"])
    def util_tree_outer():
        util_tree_inner()

    util_tree_outer()
    assert one("util_tree_inner")[1] == 1


def test_timeline_kwarg_gives_one_row_per_call():
    @marker(["wall_clock"], timeline=True)
    def util_timeline():
        pass

    for _ in range(3):
        util_timeline()
    found = find("util_timeline")
    assert len(found) == 3
    assert all(laps == 1 for _, _, laps in found)


# ---- components ---------------------------------------------------------------------------------


def test_several_components_record_into_each_storage():
    @marker(["wall_clock", "trip_count", "peak_rss"])
    def util_multi():
        pass

    for _ in range(4):
        util_multi()
    assert one("util_multi", "wall_clock")[2] == 4
    assert one("util_multi", "trip_count")[2] == 4
    assert one("util_multi", "peak_rss")[2] == 4


def test_unknown_component_raises_value_error_listing_valid_names():
    with pytest.raises(ValueError) as info:
        marker(["wall_clock", "system_clk"])
    text = str(info.value)
    assert "system_clk" in text
    for valid in ("wall_clock", "cpu_clock", "peak_rss", "trip_count"):
        assert valid in text

    with pytest.raises(ValueError):
        with marker(["not_a_component"]):
            pass


def test_callable_components_are_evaluated_per_call():
    calls = []

    def choose():
        calls.append(1)
        return ["wall_clock"]

    @marker(choose, key="util_callable")
    def util_callable():
        pass

    util_callable()
    util_callable()
    assert len(calls) >= 2
    assert one("util_callable/util_callable")[2] == 2


# ---- exceptions -----------------------------------------------------------------------------------


def test_exception_propagates_and_every_region_closes():
    @marker(["wall_clock"])
    def util_raises_inner():
        raise KeyError("inner failure")

    @marker(["wall_clock"])
    def util_raises_outer():
        util_raises_inner()

    for _ in range(2):
        with pytest.raises(KeyError, match="inner failure"):
            util_raises_outer()
    with pytest.raises(RuntimeError):
        with marker(["wall_clock"], key="util_raises_ctx"):
            raise RuntimeError("in with")

    @marker(["wall_clock"])
    def util_after_raise():
        pass

    util_after_raise()
    # had any region stayed open, these would be nested under it
    assert one("util_raises_outer")[1:] == (0, 2)
    assert one("util_raises_inner")[1:] == (1, 2)
    assert one("util_raises_ctx")[1:] == (0, 1)
    assert one("util_after_raise")[1:] == (0, 1)


def test_return_values_and_recursion():
    @marker(["wall_clock"])
    def util_fib(n):
        return n if n < 2 else util_fib(n - 1) + util_fib(n - 2)

    assert util_fib(6) == 8
    counts = {depth: laps for _, depth, laps in find("util_fib")}
    assert counts[0] == 1 and counts[1] == 2
    assert sum(counts.values()) == 25  # calls of fib(6)


# ---- threads ----------------------------------------------------------------------------------------


def test_markers_in_four_threads_merge_with_exact_counts():
    @marker(["wall_clock"])
    def util_thread_inner():
        pass

    @marker(["wall_clock"])
    def util_thread_work(n):
        for _ in range(n):
            util_thread_inner()

    threads = [threading.Thread(target=lambda: [util_thread_work(25) for _ in range(10)])
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert one("util_thread_work")[1:] == (0, 40)
    assert one("util_thread_inner")[1:] == (1, 1000)


# ---- auto_timer / timer / rss_usage ------------------------------------------------------------------


def test_auto_timer_decorator_and_context_manager():
    @auto_timer()
    def util_auto_timed():
        return 7

    assert util_auto_timed() == 7
    with auto_timer(key="util_auto_ctx"):
        pass
    one("util_auto_timed")
    one("util_auto_ctx")
    for component in ("cpu_clock", "cpu_util", "peak_rss"):
        one("util_auto_timed", component)


def test_auto_timer_report_at_exit_prints(capfd):
    with auto_timer(key="util_auto_report", report_at_exit=True):
        pass
    out = capfd.readouterr().out
    assert "util_auto_report" in out and "sec wall" in out


def test_timer_decorator_reports(capfd):
    @timer(key="util_timer_key")
    def util_timer_fn():
        return sum(range(1000))

    util_timer_fn()
    out = capfd.readouterr().out
    assert "util_timer_fn/util_timer_key" in out
    for metric in ("wall", "sys", "user", "cpu"):
        assert "sec " + metric in out


def test_rss_usage_context_manager_prints_difference(capfd):
    with rss_usage(key="util_rss"):
        block = bytearray(32 * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])
    out = capfd.readouterr().out
    assert "util_rss" in out and "page_rss" in out and "peak_rss" in out
    del block


def test_disabled_runtime_records_nothing():
    @marker(["wall_clock"])
    def util_while_paused():
        pass

    timemory.region.pause()
    try:
        util_while_paused()
        with marker(["wall_clock"], key="util_paused_ctx"):
            pass
    finally:
        timemory.region.resume()
    assert find("util_while_paused") == []
    assert find("util_paused_ctx") == []
    util_while_paused()
    assert one("util_while_paused")[2] == 1


# ---- after finalize -------------------------------------------------------------------------------


def test_markers_after_finalize_start_a_new_collection(tmp_path, output_dir):
    from conftest import run_python

    script = tmp_path / "after_finalize.py"
    script.write_text(
        "import json, os, timemory\n"
        "from timemory.util import marker\n"
        "@marker(['wall_clock'])\n"
        "def first(): pass\n"
        "@marker(['wall_clock'])\n"
        "def second(): pass\n"
        "first(); first()\n"
        "timemory.finalize()\n"
        "timemory.finalize()  # twice: harmless\n"
        "with marker(['wall_clock'], key='inside'):\n"
        "    second()\n"
        "    timemory.finalize()  # inside an open region: no crash\n"
        "second()\n"
        "data = timemory.get(components=['wall_clock'])['timemory']['wall_clock']\n"
        "print('ROWS', json.dumps([(r['prefix'], r['entry']['laps'])\n"
        "                          for r in data['ranks'][0]['graph']]))\n")
    proc = run_python([str(script)], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import json

    written = json.loads((output_dir / "wall.json").read_text())["timemory"]["wall_clock"]
    assert [(r["prefix"], r["entry"]["laps"]) for r in written["ranks"][0]["graph"]] == [
        (">>> first", 2)]
    # measurements after finalize form a new collection: 'first' is gone, the rest is there
    line = [l for l in proc.stdout.splitlines() if l.startswith("ROWS ")][0]
    rows = dict(json.loads(line[len("ROWS "):]))
    assert ">>> first" not in rows
    assert rows[">>> second"] == 1
    assert rows[">>> |_second"] == 1
