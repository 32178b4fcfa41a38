"""timemory.profiler: the C profile hook behind Profiler, read back from the files it produces.

Every scenario runs in a fresh interpreter (the profile hook and the call graph are process-wide)
and writes its outputs to the `output_dir` fixture; the tests parse wall.json / wall.txt.
"""
import json
import os
import sys
import textwrap

import pytest

from conftest import EXAMPLES_DIR, run_python


def run_script(tmp_path, source, *args, env=None):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    proc = run_python([str(script)] + list(args), cwd=str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def graph(output_dir, label="wall", component="wall_clock"):
    """[(label, depth, laps)] of the flat JSON layout, label without the '>>> |_' decoration."""
    with open(os.path.join(str(output_dir), label + ".json")) as f:
        data = json.load(f)
    out = []
    for row in data["timemory"][component]["ranks"][0]["graph"]:
        text = row["prefix"].split(">>> ", 1)[1].lstrip(" ")
        text = text[2:] if text.startswith("|_") else text
        out.append((text, row["depth"], row["entry"]["laps"]))
    return out


def rows_named(rows, prefix):
    return [r for r in rows if r[0].startswith(prefix)]


def one(rows, prefix):
    found = rows_named(rows, prefix)
    assert len(found) == 1, "expected one row '{}': {}".format(prefix, rows)
    return found[0]


def exclusive_sums(output_dir, label="wall"):
    """Every node's exclusive sum in the tree layout."""
    with open(os.path.join(str(output_dir), label + ".tree.json")) as f:
        data = json.load(f)
    sums = []

    def walk(node):
        sums.append(node["node"]["exclusive"]["stats"]["sum"])
        for child in node.get("children", []):
            walk(child)

    comp = next(iter(data["timemory"].values()))
    for rank in comp["mpi"]:
        for root in rank:
            walk(root)
    return sums


# ---- timemory 3's documented example ------------------------------------------------------------------------


def test_doc_profiler_example(tmp_path, output_dir):
    script = os.path.join(EXAMPLES_DIR, "doc-profiler.py")
    proc = run_python([script], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for label in ("wall", "cpu"):
        for ext in (".json", ".tree.json", ".flamegraph.json", ".txt"):
            assert (output_dir / (label + ext)).exists(), label + ext

    for label, comp in (("wall", "wall_clock"), ("cpu", "cpu_clock")):
        rows = graph(output_dir, label, comp)
        assert rows[0] == ("profile_func/doc-profiler.py:15", 0, 1)
        _, depth, evals = one(rows, "eval_func/doc-profiler.py:9")
        assert depth == 1 and evals > 1
        mean = one(rows, "_mean/_methods.py:")
        assert mean[1:] == (2, evals)
        count_items = one(rows, "_count_reduce_items/_methods.py:")
        assert count_items[1:] == (3, evals)
        # only_filenames = [__file__, "_methods.py"]: nothing from fromnumeric.py etc.
        assert all("doc-profiler.py" in r[0] or "_methods.py" in r[0] for r in rows), rows
        assert all(s >= 0.0 for s in exclusive_sums(output_dir, label))

    text = (output_dir / "wall.txt").read_text()
    assert "REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)" in text
    assert "| >>> profile_func/doc-profiler.py:15 " in text
    assert "| >>> |_eval_func/doc-profiler.py:9 " in text
    assert "| COUNT  | DEPTH  | METRIC | UNITS  |  SUM   | MEAN   |  MIN   |  MAX   | STDDEV | % SELF |" in text


# ---- semantics ---------------------------------------------------------------------------------

COMMON = """
import sys, threading
import timemory
from timemory.profiler import Profiler, Config
Config.only_filenames = [__file__]
"""


def test_exception_closes_every_region(tmp_path, output_dir):
    run_script(tmp_path, COMMON + """
def inner(n):
    if n == 0:
        raise ValueError("boom")
    return inner(n - 1)

@Profiler(["wall_clock"])
def outer():
    inner(3)

def after():
    return 1

try:
    outer()
except ValueError:
    pass
else:
    raise SystemExit("exception was swallowed")
from timemory.libs.libpytimemory import profiler as cprof
assert cprof.depth() == 0, cprof.depth()
Profiler(["wall_clock"])(after)()
timemory.finalize()
""")
    rows = graph(output_dir)
    assert one(rows, "outer/script.py")[1:] == (0, 1)
    inner = rows_named(rows, "inner/script.py")
    assert [(d, n) for _, d, n in inner] == [(1, 1), (2, 1), (3, 1), (4, 1)]
    assert one(rows, "after/script.py")[1:] == (0, 1)


def test_previous_hooks_restored(tmp_path, output_dir):
    run_script(tmp_path, COMMON + """
import cProfile, pstats, io
calls = []
def mine(frame, event, arg):
    calls.append(event)
def thread_hook(frame, event, arg):
    pass

def work():
    return sum(range(10))
def later():
    return 2

# A Python-level hook (sys.setprofile) and the threading hook come back after stop().
sys.setprofile(mine)
threading.setprofile(thread_hook)
with Profiler(["wall_clock"]):
    assert sys.getprofile() is not mine
    n = len(calls)
    work()
    # The previous hook keeps receiving every event (timemory forwards them).
    assert calls[n:].count("call") == 1 and calls[n:].count("return") == 1, calls[n:]
assert sys.getprofile() is mine, sys.getprofile()
assert threading.getprofile() is thread_hook
sys.setprofile(None)
threading.setprofile(None)

# A C-level hook (cProfile) keeps collecting after the profiler stops.
pr = cProfile.Profile()
pr.enable()
with Profiler(["wall_clock"]):
    work()
later()
pr.disable()
out = io.StringIO()
pstats.Stats(pr, stream=out).print_stats()
assert "later" in out.getvalue(), out.getvalue()
assert sys.getprofile() is None
timemory.finalize()
""")
    rows = graph(output_dir)
    assert one(rows, "work/script.py")[1:] == (0, 2)
    assert not rows_named(rows, "later/")


def test_hook_removed_by_user_code(tmp_path, output_dir):
    proc = run_script(tmp_path, COMMON + """
def f():
    return 1

p = Profiler(["wall_clock"])
p.start()
sys.setprofile(None)   # user code drops the hook mid-session
f()
p.stop()
assert sys.getprofile() is None
with p:                # and a later session installs it again
    f()
assert sys.getprofile() is None
timemory.finalize()
""")
    assert one(graph(output_dir), "f/script.py")[1:] == (0, 1)
    # The first stop() says that the hook went missing; the second session is quiet.
    assert proc.stderr.count("RuntimeWarning") == 1, proc.stderr
    assert "profile function was removed from this thread while it ran" in proc.stderr


# ---- other profilers on the same thread (sys.setprofile holds one function per thread) ----------

INTERPLAY = COMMON + """
import cProfile, json, pstats, warnings

def f():
    return 1

def cprofile_calls(pr, name="f"):
    return sum(v[1] for k, v in pstats.Stats(pr).stats.items() if k[2] == name)

caught = warnings.catch_warnings(record=True)
seen = caught.__enter__()
warnings.simplefilter("always")
"""


def interplay_result(proc):
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert len(line) == 1, proc.stdout + proc.stderr
    return json.loads(line[0][len("RESULT "):])


def test_profiler_inside_cprofile_both_see_every_call(tmp_path, output_dir):
    proc = run_script(tmp_path, INTERPLAY + """
pr = cProfile.Profile()
pr.enable()
for _ in range(3): f()
with Profiler(["wall_clock"]):
    for _ in range(4): f()
for _ in range(5): f()
pr.disable()
print("RESULT", json.dumps({"cprofile": cprofile_calls(pr),
                            "warnings": [str(w.message) for w in seen]}))
timemory.finalize()
""")
    result = interplay_result(proc)
    assert result == {"cprofile": 12, "warnings": []}, result
    assert one(graph(output_dir), "f/script.py")[1:] == (0, 4)


@pytest.mark.parametrize("cprofile_stops_first", [False, True])
def test_cprofile_inside_profiler(tmp_path, output_dir, cprofile_stops_first):
    proc = run_script(tmp_path, INTERPLAY + """
import sys
p = Profiler(["wall_clock"])
p.start()
f()
pr = cProfile.Profile()
pr.enable()
f(); f()
if STOPS_FIRST:
    pr.disable()
p.stop()
if not STOPS_FIRST:
    pr.disable()
print("RESULT", json.dumps({"cprofile": cprofile_calls(pr),
                            "warnings": [str(w.message) for w in seen]}))
timemory.finalize()
""".replace("STOPS_FIRST", str(cprofile_stops_first)))
    result = interplay_result(proc)
    laps = one(graph(output_dir), "f/script.py")[2]
    assert result["cprofile"] == 2, result
    if sys.version_info >= (3, 12):
        # cProfile is a sys.monitoring tool: both profilers see every call.
        assert result["warnings"] == [] and laps == 3, (result, laps)
        return
    # cProfile takes the thread's only profile function: timemory saw the first call, and says
    # so once, naming cProfile when it is still installed.
    assert laps == 1
    assert len(result["warnings"]) == 1, result
    message = result["warnings"][0]
    assert message.startswith("timemory.profiler.Profiler: ")
    assert "so what ran after that was not recorded by timemory" in message
    if cprofile_stops_first:
        assert "profile function was removed" in message and "cProfile" in message
    else:
        assert "cProfile.Profile replaced its profile function" in message


def test_threads_merge(tmp_path, output_dir):
    run_script(tmp_path, COMMON + """
def leaf():
    return 1

@Profiler(["wall_clock"])
def work():
    for _ in range(10):
        leaf()

def plain():
    for _ in range(5):
        leaf()

# 4 threads each running a decorated function
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()

# 4 threads started while a profiler runs get the hook through threading.setprofile
@Profiler(["wall_clock"])
def spawn():
    ts = [threading.Thread(target=plain) for _ in range(4)]
    for t in ts: t.start()
    for t in ts: t.join()
spawn()
timemory.finalize()
""")
    rows = graph(output_dir)
    assert one(rows, "work/script.py")[1:] == (0, 4)
    assert one(rows, "spawn/script.py")[1:] == (0, 1)
    assert one(rows, "plain/script.py")[1:] == (0, 4)
    # leaf under work (4 threads x 10) and under plain (4 threads x 5)
    assert sorted((d, n) for _, d, n in rows_named(rows, "leaf/script.py")) == [(1, 20), (1, 40)]


def test_flat_config_labels_and_depth_limit(tmp_path, output_dir):
    run_script(tmp_path, COMMON + """
def rec(n):
    return rec(n - 1) if n else 0

with Profiler(["wall_clock"], flat=True):
    rec(3)

Config.include_line = False
Config.max_stack_depth = 2
with Profiler(["wall_clock"]):
    rec(6)

Config.include_filename = False
Config.include_args = True
Config.max_stack_depth = 65535
with Profiler(["wall_clock"]):
    rec(0)
timemory.finalize()
""")
    rows = graph(output_dir)
    flat = one(rows, "rec/script.py:")
    assert flat[1:] == (0, 4)  # flat: every call at depth 0
    limited = rows_named(rows, "rec/script.py")
    limited = [r for r in limited if r[0] == "rec/script.py"]
    assert [(d, n) for _, d, n in limited] == [(0, 1), (1, 1)]
    assert ("rec(n)", 0, 1) in rows, rows


def test_trace_c_records_builtins(tmp_path, output_dir):
    run_script(tmp_path, COMMON + """
import time
Config.trace_c = True
@Profiler(["wall_clock"])
def work():
    for _ in range(3):
        time.sleep(0.001)
    return len([1, 2])
work()
timemory.finalize()
""")
    rows = graph(output_dir)
    assert one(rows, "work/script.py")[1:] == (0, 1)
    assert ("time.sleep", 1, 3) in rows, rows
    assert ("len", 1, 1) in rows, rows


def test_unknown_component_is_value_error(tmp_path):
    proc = run_script(tmp_path, """
import timemory
from timemory.profiler import Profiler
try:
    Profiler(["wall_clock", "no_such_clock"])
except ValueError as e:
    print("ERR", e)
else:
    raise SystemExit("no ValueError")
""", env={"TIMEMORY_LIBRARY_DTOR": "OFF"})
    assert "no_such_clock" in proc.stdout and "wall_clock" in proc.stdout, proc.stdout


def test_command_line(tmp_path, output_dir):
    script = tmp_path / "cli_target.py"
    script.write_text(textwrap.dedent("""
        import sys
        def helper(x):
            return x * 2
        def main():
            print("ARGV", sys.argv)
            return [helper(i) for i in range(3)]
        if __name__ == "__main__":
            main()
    """))
    outdir = tmp_path / "cli-out"
    proc = run_python(["-m", "timemory.profiler", "-c", "wall_clock", "cpu_clock", "-d",
                       str(outdir), "--", str(script), "one", "two"], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ARGV ['{}', 'one', 'two']".format(script) in proc.stdout
    rows = graph(outdir)
    assert one(rows, "main/cli_target.py:5")[1:] == (0, 1)
    assert one(rows, "helper/cli_target.py:3")[1:] == (1, 3)
    assert (outdir / "cpu.json").exists()


def test_fake_profiler_and_aliases():
    import timemory.profiler as tp

    assert tp.profile is tp.Profiler and tp.noprofile is tp.FakeProfiler
    assert tp.config is tp.Config

    @tp.FakeProfiler(["wall_clock"])
    def f(x):
        return x + 1

    assert f(1) == 2
    with tp.FakeProfiler():
        pass


if __name__ == "__main__":
    pytest.main([__file__, "-v"])


def test_condition_gates_each_class_apart(output_dir, tmp_path):
    # Profiler.condition() applies to profilers only: the tracer still runs, and the profiler
    # starts again once the condition is true.
    run_script(tmp_path, """
        import sys
        from timemory.profiler import Profiler, Config
        from timemory.trace import Tracer, Config as TracerConfig
        Config.only_filenames = [__file__]
        TracerConfig.only_filenames = [__file__]
        def gated(): return 1
        def open_gate(): return 2
        Profiler.condition(lambda: False)
        p = Profiler(["wall_clock"])
        assert p.start() == 0 and sys.getprofile() is None
        gated()
        with Tracer(["wall_clock"]):
            assert sys.gettrace() is not None
        Profiler.condition(lambda: True)
        with p:
            open_gate()
    """)
    names = [row[0] for row in graph(output_dir)]
    assert any(n.startswith("open_gate/") for n in names), names
    assert not any(n.startswith("gated/") for n in names), names
