"""Every example of timemory 3's Python documentation (examples/python/doc-*.py) runs in a fresh interpreter, in a
temporary directory, exactly as the documentation runs it (`python ./doc-profiler.py`), and the test reads
back what it produced: the files, the "Outputting" lines, the tables, the records and counts.

The profiler and tracer examples are also covered in detail by test_profiler.py/test_trace.py;
here they are checked against the documentation's file list, console lines and table layout.
"""
import json
import os
import re
import shutil
import sys

import pytest

from conftest import EXAMPLES_DIR, run_python

DOC_COLUMNS = ["LABEL", "COUNT", "DEPTH", "METRIC", "UNITS", "SUM", "MEAN", "MIN", "MAX",
                "STDDEV", "% SELF"]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A clean directory; outputs are named by the script, as in the documentation (no override)."""
    monkeypatch.delenv("TIMEMORY_OUTPUT_PATH", raising=False)
    return tmp_path


def run_example(workdir, name, env=None, timeout=300):
    shutil.copy(os.path.join(EXAMPLES_DIR, name), workdir / name)
    proc = run_python(["./" + name], cwd=str(workdir), env=env, timeout=timeout)
    assert proc.returncode == 0, "{} failed:\n{}\n{}".format(name, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def run_wrapped(workdir, name, epilogue, env=None):
    """Run the example as __main__ through runpy, then `epilogue` with its globals as `g`."""
    shutil.copy(os.path.join(EXAMPLES_DIR, name), workdir / name)
    code = ("import runpy, json, timemory\n"
            "g = runpy.run_path({!r}, run_name='__main__')\n".format("./" + name) + epilogue)
    proc = run_python(["-c", code], cwd=str(workdir), env=env)
    assert proc.returncode == 0, "{} failed:\n{}\n{}".format(name, proc.stdout, proc.stderr)
    return proc


def flat_rows(path, component):
    data = json.loads(path.read_text())["timemory"][component]
    return data["ranks"][0]["graph"]


def label_of(prefix):
    text = prefix.split(">>> ", 1)[-1].lstrip(" ")
    return text[2:] if text.startswith("|_") else text


def table_rows(text):
    """Data rows of a text table: list of cell lists (header and rules excluded)."""
    out = []
    for line in text.splitlines():
        if line.startswith("| >>>"):  # cells are separated by " | " (labels contain "|_")
            out.append([c.strip() for c in line.strip()[1:-1].split(" | ")])
    return out


def header_cells(text):
    for line in text.splitlines():
        if "LABEL" in line and "COUNT" in line:
            return [c.strip() for c in line.strip()[1:-1].split(" | ")]
    return []


def check_outputs(workdir, stdout, directory, labels, ordered=True):
    """The files of each label exist and are announced as the documentation shows them."""
    kinds = ["flamegraph.json", "tree.json", "json", "txt"]
    for label in labels:
        announced = ["[{}]|0> Outputting '{}/{}.{}'...".format(label, directory, label, kind)
                     for kind in kinds]
        positions = [stdout.find(line) for line in announced]
        assert all(p >= 0 for p in positions), (announced, stdout)
        if ordered:
            assert positions == sorted(positions), announced
        for kind in kinds:
            assert (workdir / directory / "{}.{}".format(label, kind)).is_file()


# ---- Function Profiler ------------------------------------------------------------------------


def test_doc_profiler(workdir):
    proc = run_example(workdir, "doc-profiler.py")
    out = proc.stdout
    directory = "timemory-doc-profiler-output"
    check_outputs(workdir, out, directory, ["cpu", "wall"])
    # (the documentation prints cpu before wall; the core writes components in registry order, wall
    # first: only the order within each component is checked)
    for label, banner in (("cpu", "TOTAL CPU TIME SPENT IN BOTH USER- AND KERNEL-MODE"),
                          ("wall", "REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)")):
        text = (workdir / directory / (label + ".txt")).read_text()
        assert banner in text and banner in out
        assert header_cells(text) == DOC_COLUMNS
        rows = table_rows(text)
        assert rows[0][0] == ">>> profile_func/doc-profiler.py:15"
        assert rows[0][1:5] == ["1", "0", label, "sec"]
        assert rows[1][0] == ">>> |_eval_func/doc-profiler.py:9" and rows[1][2] == "1"
        assert any("_methods.py:" in r[0] for r in rows)
    rows = flat_rows(workdir / directory / "wall.json", "wall_clock")
    assert rows[0]["prefix"] == ">>> profile_func/doc-profiler.py:15"
    assert rows[0]["entry"]["laps"] == 1 and rows[0]["depth"] == 0
    assert rows[1]["entry"]["laps"] > 1  # eval_func: once per loop iteration


# ---- Tracing Profiler ---------------------------------------------------------------------------


def test_doc_tracer(workdir):
    proc = run_example(workdir, "doc-tracer.py")
    out = proc.stdout
    directory = "timemory-doc-tracer-output"
    check_outputs(workdir, out, directory, ["cpu", "wall"], ordered=False)
    text = (workdir / directory / "wall.txt").read_text()
    assert "REAL-CLOCK TIMER (I.E. WALL-CLOCK TIMER)" in text
    assert header_cells(text) == DOC_COLUMNS
    rows = {r[0]: r for r in table_rows(text)}
    by_source = {}
    for label, row in rows.items():
        m = re.match(r">>> (.*\S)\s+\[(\S+)\]$", label)
        assert m, label
        by_source[m.group(1).strip()] = (m.group(2), row)
    where, row = by_source["def trace_func(arr, tol):"]
    assert where == "trace_func/doc-tracer.py:16" and row[1] == "1"
    where, row = by_source["while not eval_func(arr, tol):"]
    assert where == "trace_func/doc-tracer.py:18" and int(row[1]) >= 1


# ---- Storage --------------------------------------------------------------------------------------


def storage_blocks(stdout, title):
    """Records printed after '# <title>': list of (indent, {field: value})."""
    section = stdout.split("# " + title, 1)[1]
    if title == "Storage Result":
        section = section.split("# Storage Tree", 1)[0]
    blocks = []
    for line in section.splitlines():
        rule = re.match(r"^( *)#-{40}#$", line)
        if rule:
            blocks.append((len(rule.group(1)), {}))
            continue
        field = re.match(r"\s*(\S.*?)\s+: (.*)$", line)
        if field and blocks:
            blocks[-1][1][field.group(1)] = field.group(2)
    return [block for block in blocks if block[1]]


def number(text):
    return float(re.match(r"\s*(-?[0-9.eE+-]+)", text).group(1))


def stat(text, key):
    return float(re.search(r"\[{}: (-?[0-9.eE+-]+)\]".format(key), text).group(1))


def test_doc_storage(workdir):
    proc = run_example(workdir, "doc-storage.py")
    out = proc.stdout
    assert "# Storage Result" in out and "# Storage Tree" in out
    assert "Outputting" not in out  # settings.auto_output = False
    assert not list(workdir.glob("timemory-*-output"))

    flat = [fields for _, fields in storage_blocks(out, "Storage Result")]
    assert [f["Prefix"] for f in flat] == [">>> foo", ">>> |_bar"]
    foo, bar = flat
    assert (foo["Depth"], bar["Depth"]) == ("0", "1")
    assert foo["Thread id"] == "0" and foo["Process id"] == bar["Process id"]
    foo_hash, bar_hash = int(foo["Hash"]), int(bar["Hash"])
    assert foo["Hierarchy"] == "[{}]".format(foo_hash)
    assert bar["Hierarchy"] == "[{}, {}]".format(foo_hash, bar_hash)
    assert int(foo["Rolling hash"]) == foo_hash
    assert int(bar["Rolling hash"]) == (foo_hash + bar_hash) % 2**64
    # foo: sleep(1) + bar's 0.1 * (1 + 2 + ... + 10) = 1 + 5.5 s; bar: 5 push/pop pairs of two
    # start/stop each, 5.5 s in all
    assert "sec wall" in foo["Data object"]
    assert 6.5 <= number(foo["Data object"]) < 7.5
    assert stat(foo["Statistics"], "count") == 1
    assert 5.5 <= number(bar["Data object"]) < 6.3
    assert stat(bar["Statistics"], "count") == 5
    assert stat(bar["Statistics"], "sum") == pytest.approx(number(bar["Data object"]), abs=2e-3)

    tree = storage_blocks(out, "Storage Tree")
    assert len(tree) == 3
    (_, root), (_, tfoo), (_, tbar) = tree
    # (timemory 3's print_value() prints no prefix, although its sample output shows one)
    assert (root["Depth"], root["Hash"]) == ("-1", "0")
    assert (tfoo["Depth"], int(tfoo["Hash"])) == ("0", foo_hash)
    assert (tbar["Depth"], int(tbar["Hash"])) == ("1", bar_hash)
    assert tree[1][0] < tree[2][0]  # bar indented under foo
    assert tfoo["Thread id"] == "{0}"
    inc_foo, exc_foo = number(tfoo["Inclusive data"]), number(tfoo["Exclusive data"])
    inc_bar, exc_bar = number(tbar["Inclusive data"]), number(tbar["Exclusive data"])
    assert inc_foo == pytest.approx(number(foo["Data object"]), abs=2e-3)
    assert 0.95 <= exc_foo < 1.5  # the sleep(1) outside bar
    assert exc_foo == pytest.approx(inc_foo - inc_bar, abs=2e-3)
    assert exc_bar == pytest.approx(inc_bar, abs=2e-3)  # a leaf
    assert stat(tbar["Inclusive stat"], "count") == 5
    for fields in (root, tfoo, tbar):  # consistent, non-negative exclusive values
        assert number(fields["Exclusive data"]) >= 0.0
        assert stat(fields["Exclusive stat"], "sum") >= 0.0


# ---- Library Bindings ------------------------------------------------------------------------------


def test_doc_library_bindings(workdir):
    scale = 0.05  # the example's helpers sleep/work for msec * scale
    run_example(workdir, "doc-library-bindings.py", env={"DOC_EXAMPLE_TIME_SCALE": str(scale)})
    files = list(workdir.glob("*/wall.json"))
    assert len(files) == 1, list(workdir.rglob("*"))
    rows = {label_of(r["prefix"]): r for r in flat_rows(files[0], "wall_clock")}
    assert set(rows) >= {"consume_time", "sleeping", "work_region"}
    for name in ("consume_time", "sleeping", "work_region"):
        assert rows[name]["entry"]["laps"] == 1
        assert rows[name]["depth"] == 0
    assert rows["consume_time"]["entry"]["repr_data"] >= scale
    assert rows["sleeping"]["entry"]["repr_data"] >= scale
    assert rows["work_region"]["entry"]["repr_data"] >= 10 * scale


# ---- Settings, Individual Components, Initialization ---------------------------------------------


def test_doc_settings(workdir):
    names = ["verbose", "debug", "json_output", "mpi_thread", "dart_output", "dart_count",
             "banner", "flat_profile", "timeline_profile"]
    proc = run_wrapped(workdir, "doc-settings.py",
                       "print('SETTINGS', json.dumps({n: getattr(timemory.settings, n) "
                       "for n in %r}))\n" % names,
                       env={"TIMEMORY_FLAT_PROFILE": "", "TIMEMORY_TIMELINE_PROFILE": ""})
    line = [l for l in proc.stdout.splitlines() if l.startswith("SETTINGS ")][0]
    values = json.loads(line[len("SETTINGS "):])
    assert values == {"verbose": 1, "debug": False, "json_output": True, "mpi_thread": False,
                      "dart_output": True, "dart_count": 1, "banner": False,
                      "flat_profile": True, "timeline_profile": True}


def test_doc_components(workdir):
    proc = run_wrapped(workdir, "doc-components.py", "print('RESULT', repr(g['result']))\n")
    line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")][0]
    result = float(line.split()[1])
    assert 2.0 <= result < 2.6  # seconds (settings.timing_units)
    # start/stop without push/pop stores nothing: finalize has nothing to write
    assert not list(workdir.glob("timemory-*-output"))
    assert "Outputting" not in proc.stdout


def test_doc_init(workdir):
    run_example(workdir, "doc-init.py")
    proc = run_wrapped(workdir, "doc-init.py",
                       "print('OUTPUT_PATH', timemory.settings.output_path)\n")
    line = [l for l in proc.stdout.splitlines() if l.startswith("OUTPUT_PATH ")][0]
    assert line.split()[1].endswith("timemory-doc-init-output")


# ---- Decorators and Context Managers ----------------------------------------------------------------


def test_doc_decorators(workdir):
    proc = run_example(workdir, "doc-decorators.py")
    assert "fibonacci_instrumented(20) = 6765" in proc.stdout
    assert "fibonacci_timed(20) = 6765" in proc.stdout
    directory = workdir / "timemory-doc-decorators-output"
    trips = {label_of(r["prefix"]): r for r in flat_rows(directory / "trip_count.json", "trip_count")}
    assert trips["fibonacci_instrumented"]["entry"]["laps"] == 1
    assert "fibonacci_timed" not in trips
    peaks = {label_of(r["prefix"]) for r in flat_rows(directory / "peak_rss.json", "peak_rss")}
    assert peaks == {"fibonacci_instrumented", "fibonacci_timed"}
    walls = {label_of(r["prefix"]): r for r in flat_rows(directory / "wall.json", "wall_clock")}
    assert set(walls) == {"fibonacci_timed"} and walls["fibonacci_timed"]["entry"]["laps"] == 1
    for name, component in (("cpu.json", "cpu_clock"), ("cpu_util.json", "cpu_util")):
        assert [label_of(r["prefix"]) for r in flat_rows(directory / name, component)] == [
            "fibonacci_timed"]
    assert "[trip_count]|0> Outputting 'timemory-doc-decorators-output/trip_count.txt'..." in proc.stdout


def test_doc_context_manager(workdir):
    proc = run_example(workdir, "doc-context-manager.py")
    directory = workdir / "timemory-doc-context-manager-output"
    for name, component in (("wall.json", "wall_clock"), ("peak_rss.json", "peak_rss")):
        rows = flat_rows(directory / name, component)
        assert [(r["prefix"], r["depth"], r["entry"]["laps"]) for r in rows] == [(">>> main", 0, 1)]
    assert "[wall]|0> Outputting 'timemory-doc-context-manager-output/wall.txt'..." in proc.stdout


# ---- help(timemory) ------------------------------------------------------------------------------------


def pydoc_sections(text):
    sections, current = {}, None
    for line in text.splitlines():
        if line and not line[0].isspace():
            current = line.strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line.strip())
    return sections


DOC_PACKAGES = ["api", "bundle", "component", "ert", "hardware_counters", "libs", "line_profiler",
                 "mpi", "mpi_support", "notebook", "plotting", "profiler", "region", "roofline",
                 "settings", "test", "trace", "util"]
DOC_MODULES = ["common", "options", "signals", "units"]
DOC_CLASSES = ["auto_timer", "component_bundle", "manager", "rss_usage", "settings", "timer"]
DOC_FUNCTIONS = ["FILE", "FUNC", "LINE", "disable", "disable_signal_detection", "enable",
                  "enable_signal_detection", "enabled", "finalize", "has_mpi_support", "init",
                  "initialize", "is_enabled", "report", "set_rusage_children", "set_rusage_self",
                  "timemory_finalize", "timemory_init", "toggle"]


def test_doc_help(workdir):
    proc = run_python(["-c", "import timemory; help(timemory)"], cwd=str(workdir))
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("Help on package timemory:")
    sections = pydoc_sections(text)
    for name in ("NAME", "PACKAGE CONTENTS", "CLASSES", "FUNCTIONS", "DATA", "VERSION", "FILE"):
        assert name in sections, (name, list(sections))
    contents = sections["PACKAGE CONTENTS"]
    for package in DOC_PACKAGES:
        assert package + " (package)" in contents, package
    for module in DOC_MODULES:
        assert module in contents or module + " (package)" in contents, module
    everything = " ".join(sections.get("SUBMODULES", []) + contents)
    assert "scope" in everything
    classes = "\n".join(sections["CLASSES"])
    for cls in DOC_CLASSES:
        assert "timemory.libs.{}".format(cls) in classes, cls
        assert "class {}(".format(cls) in classes, cls
    functions = [l.split("(")[0].split(" = ")[0] for l in sections["FUNCTIONS"] if l]
    for fn in DOC_FUNCTIONS:
        assert fn in functions, fn
    data = "\n".join(sections["DATA"])
    for name in ("__all__", "build_info", "version", "version_info"):
        assert name + " = " in data, name
    assert sections["VERSION"][0] == __import__("json").loads(
        run_python(["-c", "import timemory, json; print(json.dumps(timemory.version))"],
                   cwd=str(workdir)).stdout)

    # the example file prints the same help
    example = run_example(workdir, "doc-help.py")
    assert pydoc_sections(example.stdout).keys() == sections.keys()
