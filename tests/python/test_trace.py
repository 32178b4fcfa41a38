"""timemory.trace: the C line tracer behind Tracer and the library-style traces, read back from the
files they produce. Each scenario runs in a fresh interpreter writing to the `output_dir` fixture.
"""
import os
import re
import textwrap

import pytest

from conftest import EXAMPLES_DIR, run_python
from test_profiler import graph, one, run_script


def bracket(rows, tag):
    """The row whose label ends with '[tag]' -> (label, depth, laps)."""
    found = [r for r in rows if r[0].endswith("[" + tag + "]")]
    assert len(found) == 1, "expected one row [{}]: {}".format(tag, [r[0] for r in rows])
    return found[0]


def test_doc_tracer_example(tmp_path, output_dir):
    script = os.path.join(EXAMPLES_DIR, "doc-tracer.py")
    proc = run_python([script], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for label in ("wall", "cpu"):
        for ext in (".json", ".tree.json", ".flamegraph.json", ".txt"):
            assert (output_dir / (label + ext)).exists(), label + ext

    rows = graph(output_dir)
    assert all(depth == 0 for _, depth, _ in rows)  # the tracer is always flat
    # the decorator line never runs: a row with no data
    deco = bracket(rows, "trace_func/doc-tracer.py:15")
    assert deco[0].startswith('@Tracer(["wall_clock", "cpu_clock"])') and deco[2] == 0
    assert bracket(rows, "trace_func/doc-tracer.py:16")[0].startswith("def trace_func(arr, tol):")
    assert bracket(rows, "trace_func/doc-tracer.py:16")[2] == 1
    tests = bracket(rows, "trace_func/doc-tracer.py:18")[2]   # while not eval_func(...)
    body = bracket(rows, "trace_func/doc-tracer.py:19")[2]    # arr = arr - np.power(arr, 3)
    assert tests == body + 1 and body > 0
    assert not [r for r in rows if r[0].endswith(":17]")]      # the docstring is not a row
    # eval_func: its def row counts calls, each of its lines runs once per call
    assert bracket(rows, "eval_func/doc-tracer.py:09")[2] == tests
    for line in ("11", "12", "13"):
        assert bracket(rows, "eval_func/doc-tracer.py:" + line)[2] == tests
    mean_rows = [r for r in rows if "[_mean/_methods.py:" in r[0]]
    assert mean_rows and mean_rows[0][0].startswith("def _mean(") and mean_rows[0][2] == tests
    assert any(r[2] == 0 for r in mean_rows)  # branches that never ran are listed
    # rows are in call order, then source order
    order = [int(re.search(r":(\d+)\]$", r[0]).group(1)) for r in rows if "doc-tracer.py" in r[0]]
    assert order == [15, 16, 18, 19, 9, 11, 12, 13]

    text = (output_dir / "wall.txt").read_text()
    line15 = [ln for ln in text.splitlines() if "[trace_func/doc-tracer.py:15]" in ln]
    assert len(line15) == 1
    cells = [c.strip() for c in line15[0].split("|")[2:-1]]
    assert cells and all(c == "" for c in cells), line15  # empty cells, as in the documentation
    line16 = [ln for ln in text.splitlines() if "[trace_func/doc-tracer.py:16]" in ln][0]
    assert "|      1 |      0 | wall   | sec    |" in line16
    # the bracket ends at a fixed column (settings.max_width - 8 = 112 label characters)
    labels = [ln.split("|")[1] for ln in text.splitlines() if "doc-tracer.py:" in ln]
    assert {len(lab.rstrip()) for lab in labels} == {len(" >>> ") + 112}


COMMON = """
import sys
import timemory
from timemory.trace import Tracer, Config
Config.only_filenames = [__file__]
"""


def test_tight_loop_counts(tmp_path, output_dir):
    run_script(tmp_path, COMMON + """
@Tracer(["wall_clock"])
def loop(n):
    total = 0
    for i in range(n):
        total += i
    # a comment line
    return total

loop(100)
loop(50)
timemory.finalize()
""")
    rows = graph(output_dir)
    assert bracket(rows, "loop/script.py:08")[2] == 2                          # def row: calls
    assert bracket(rows, "loop/script.py:09")[2] == 2                          # total = 0
    assert bracket(rows, "loop/script.py:10")[2] == 100 + 1 + 50 + 1           # for
    assert bracket(rows, "loop/script.py:11")[2] == 150                        # body
    assert bracket(rows, "loop/script.py:13")[2] == 2                          # return
    assert not [r for r in rows if r[0].endswith(":12]")]                       # comment


def test_exception_and_previous_trace_restored(tmp_path, output_dir):
    proc = run_script(tmp_path, COMMON + """
events = []
def mine(frame, event, arg):
    events.append(event)
    return None

def fails(n):
    x = n + 1
    raise KeyError(x)

def fine():
    return 1

sys.settrace(mine)
tracer = Tracer(["wall_clock"])
with tracer:
    n = len(events)
    for _ in range(3):
        try:
            fails(1)
        except KeyError:
            pass
    fine()
    assert len(events) == n, "the previous trace function ran while tracing"
assert sys.gettrace() is mine, sys.gettrace()
sys.settrace(None)
timemory.finalize()
""")
    rows = graph(output_dir)
    assert bracket(rows, "fails/script.py:12")[2] == 3   # def row closed by the unwinding
    assert bracket(rows, "fails/script.py:13")[2] == 3
    assert bracket(rows, "fails/script.py:14")[2] == 3
    assert bracket(rows, "fine/script.py:16")[2] == 1
    # Starting says once that the debugger-style trace function loses its events meanwhile.
    assert proc.stderr.count("RuntimeWarning") == 1, proc.stderr
    assert ("timemory.trace.Tracer: starting replaces the trace function __main__.mine"
            in proc.stderr), proc.stderr


def test_tracer_with_profiler_and_threads(tmp_path, output_dir):
    run_script(tmp_path, COMMON + """
import threading
from timemory.profiler import Profiler, Config as ProfilerConfig
ProfilerConfig.only_filenames = [__file__]

@Tracer(["wall_clock"])
def traced(n):
    s = 0
    for i in range(n):
        s += i
    return s

with Profiler(["wall_clock"]):       # both hooks at once
    traced(10)
threads = [threading.Thread(target=traced, args=(100,)) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
assert sys.gettrace() is None and sys.getprofile() is None
timemory.finalize()
""")
    rows = graph(output_dir)
    assert bracket(rows, "traced/script.py:12")[2] == 5              # def row: 1 + 4 threads
    assert bracket(rows, "traced/script.py:14")[2] == 11 + 4 * 101   # for
    assert bracket(rows, "traced/script.py:15")[2] == 10 + 4 * 100   # body
    assert one(rows, "traced/script.py:11")[1:] == (0, 1)             # the profiler's row


def test_unknown_component_is_value_error(tmp_path):
    proc = run_script(tmp_path, """
from timemory.trace import Tracer
try:
    Tracer(["wall_clock", "not_a_component"])
except ValueError as e:
    print("ERR", e)
else:
    raise SystemExit("no ValueError")
""")
    assert "not_a_component" in proc.stdout and "wall_clock" in proc.stdout, proc.stdout


def test_command_line(tmp_path, output_dir):
    script = tmp_path / "trace_target.py"
    script.write_text(textwrap.dedent("""
        import sys
        def main(n):
            s = 0
            for i in range(n):
                s += i
            return s
        if __name__ == "__main__":
            print("ARGV", sys.argv)
            main(int(sys.argv[1]))
    """))
    outdir = tmp_path / "trace-out"
    proc = run_python(["-m", "timemory.trace", "-d", str(outdir), str(script), "7"],
                      cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ARGV ['{}', '7']".format(script) in proc.stdout
    rows = graph(outdir)
    assert bracket(rows, "main/trace_target.py:03")[2] == 1
    assert bracket(rows, "main/trace_target.py:05")[2] == 8
    assert bracket(rows, "main/trace_target.py:06")[2] == 7


def test_library_traces(tmp_path, output_dir):
    script = os.path.join(EXAMPLES_DIR, "doc-library-bindings.py")
    proc = run_python([script], cwd=str(tmp_path), env={"DOC_EXAMPLE_TIME_SCALE": "0.01"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = graph(output_dir)
    assert one(rows, "consume_time")[1:] == (0, 1)
    assert one(rows, "sleeping")[1:] == (0, 1)
    assert one(rows, "work_region")[1:] == (0, 1)


def test_library_traces_throttle(tmp_path, output_dir):
    proc = run_script(tmp_path, """
import timemory
import timemory.trace as trace
trace.init("wall_clock", False, "throttle")
for _ in range(10000):
    trace.push("tiny")
    trace.pop("tiny")
print("THROTTLED", trace.is_throttled("tiny"))
trace.push("big")
trace.pop("big")
print("BIG", trace.is_throttled("big"))
trace.finalize()
""")
    assert "THROTTLED True" in proc.stdout and "BIG False" in proc.stdout, proc.stdout
    rows = graph(output_dir)
    assert one(rows, "tiny")[2] == 10000


def test_library_traces_and_regions_keep_their_own_components(tmp_path, output_dir):
    """trace.init/set_default choose what traces measure and region.set_default what regions
    measure; neither changes the other (timemory's TRACE_COMPONENTS vs COMPONENTS)."""
    proc = run_script(tmp_path, """
import timemory
import timemory.region as region
import timemory.trace as trace
print("REGION", region.get_default())
trace.init("peak_rss", False, "separate")
print("REGION", region.get_default(), "TRACE", trace.get_default())
region.push("first_region"); region.pop("first_region")
trace.push("first_trace"); trace.pop("first_trace")
region.set_default(["cpu_clock"])
print("REGION", region.get_default(), "TRACE", trace.get_default())
region.push("second_region"); region.pop("second_region")
trace.push("second_trace"); trace.pop("second_trace")
trace.set_default("trip_count")
print("REGION", region.get_default(), "TRACE", trace.get_default())
trace.push("third_trace"); trace.pop("third_trace")
trace.finalize()
""")
    assert proc.stdout.splitlines()[:4] == [
        "REGION ['wall_clock']",
        "REGION ['wall_clock'] TRACE ['peak_rss']",
        "REGION ['cpu_clock'] TRACE ['peak_rss']",
        "REGION ['cpu_clock'] TRACE ['trip_count']",
    ], proc.stdout

    def labels(label, component):
        return sorted(r[0] for r in graph(output_dir, label, component))

    assert labels("wall", "wall_clock") == ["first_region"]
    assert labels("cpu", "cpu_clock") == ["second_region"]
    assert labels("peak_rss", "peak_rss") == ["first_trace", "second_trace"]
    assert labels("trip_count", "trip_count") == ["third_trace"]


@pytest.mark.parametrize("env, region_ids, trace_ids", [
    ({}, ["wall_clock"], ["wall_clock"]),
    ({"TIMEMORY_COMPONENTS": "cpu_clock"}, ["cpu_clock"], ["cpu_clock"]),
    ({"TIMEMORY_TRACE_COMPONENTS": "peak_rss"}, ["wall_clock"], ["peak_rss"]),
    ({"TIMEMORY_COMPONENTS": "cpu_clock", "TIMEMORY_TRACE_COMPONENTS": "peak_rss"},
     ["cpu_clock"], ["peak_rss"]),
])
def test_trace_components_setting_falls_back_to_the_region_settings(tmp_path, env, region_ids,
                                                                     trace_ids):
    env = dict({"TIMEMORY_COMPONENTS": "", "TIMEMORY_GLOBAL_COMPONENTS": "",
                "TIMEMORY_TRACE_COMPONENTS": ""}, **env)
    proc = run_script(tmp_path, """
import timemory
timemory.settings.auto_output = False
timemory.region.set_default("trip_count")  # regions' choice only: traces keep the settings'
print(timemory.region.get_default(), timemory.trace.get_default())
""", env=env)
    assert proc.stdout.splitlines()[0] == "{} {}".format(["trip_count"], trace_ids), proc.stdout
    proc = run_script(tmp_path, """
import timemory
timemory.settings.auto_output = False
print(timemory.region.get_default(), timemory.trace.get_default())
""", env=env)
    assert proc.stdout.splitlines()[0] == "{} {}".format(region_ids, trace_ids), proc.stdout


def test_fake_tracer_and_aliases():
    import timemory.trace as tt

    assert tt.trace is tt.Tracer and tt.notrace is tt.FakeTracer and tt.config is tt.Config
    assert tt.Config.include_line and tt.Config.include_filename

    @tt.FakeTracer()
    def f(x):
        return x * 2

    assert f(2) == 4


if __name__ == "__main__":
    pytest.main([__file__, "-v"])
