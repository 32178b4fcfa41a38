"""Top-level functions of timemory (python/src/top_level.cpp, signals.cpp, units.cpp, scope.cpp,
hardware_counters.cpp) and the package itself (python/timemory/__init__.py): import-time
initialisation, finalize at exit, get()/get_text() against the files, help(timemory).
"""
import json
import os
import signal
import subprocess
import sys

import pytest

import timemory
from timemory.component import PeakRss, WallClock
from conftest import run_python

MEASURE = ("import time, timemory\n"
           "from timemory.component import WallClock, PeakRss\n"
           "w = WallClock('outer').push().start(); p = PeakRss('outer').push().start()\n"
           "i = WallClock('inner').push().start(); time.sleep(0.02); i.stop().pop()\n"
           "p.stop().pop(); w.stop().pop()\n")


@pytest.fixture(autouse=True, scope="module")
def quiet_outputs(tmp_path_factory):
    timemory.settings.output_path = str(tmp_path_factory.mktemp("top-level-output"))
    timemory.settings.cout_output = False


def test_get_and_get_text_match_the_files(output_dir, tmp_path):
    script = MEASURE + (
        "import json, sys\n"
        "out = sys.argv[1]\n"
        "json.dump(timemory.get(), open(out + '/flat.json', 'w'))\n"
        "json.dump(timemory.get(hierarchy=True), open(out + '/tree.json', 'w'))\n"
        "open(out + '/text.txt', 'w').write(timemory.get_text(['wall_clock']))\n"
        "json.dump(timemory.get(components=['peak_rss']), open(out + '/peak.json', 'w'))\n"
        "timemory.finalize()\n")
    proc = run_python(["-c", script, str(tmp_path)])
    assert proc.returncode == 0, proc.stderr
    flat = json.load(open(tmp_path / "flat.json"))
    assert set(flat["timemory"]) == {"wall_clock", "peak_rss"}
    assert flat["timemory"]["wall_clock"] == json.load(open(output_dir / "wall.json"))["timemory"]["wall_clock"]
    assert flat["timemory"]["peak_rss"] == json.load(open(output_dir / "peak_rss.json"))["timemory"]["peak_rss"]
    tree = json.load(open(tmp_path / "tree.json"))
    assert tree["timemory"]["wall_clock"] == json.load(open(output_dir / "wall.tree.json"))["timemory"]["wall_clock"]
    assert (tmp_path / "text.txt").read_text() == (output_dir / "wall.txt").read_text()
    assert set(json.load(open(tmp_path / "peak.json"))["timemory"]) == {"peak_rss"}


def test_unknown_component_names_list_valid_ones():
    with pytest.raises(ValueError) as err:
        timemory.get(components=["wall_clok"])
    message = str(err.value)
    assert "wall_clok" in message and "wall_clock" in message and "peak_rss" in message
    with pytest.raises(ValueError):
        timemory.get_text(components=["nope"])
    with pytest.raises(ValueError):
        timemory.size(components=["nope"])


def test_get_accepts_enums_and_classes():
    w = WallClock("tl-enum").push().start()
    w.stop().pop()
    by_enum = timemory.get(components=[timemory.component.wall_clock])
    by_class = timemory.get(components=[WallClock])
    by_name = timemory.get(components="wall_clock")
    assert by_enum == by_class == by_name
    assert list(by_enum["timemory"]) == ["wall_clock"]


def test_size_and_clear():
    w = WallClock("tl-size").push().start()
    w.stop().pop()
    sizes = timemory.size()
    assert sizes[WallClock.index()] >= 1
    assert timemory.size([WallClock])[int(WallClock.index())] == sizes[WallClock.index()]
    timemory.clear()
    assert timemory.size()[WallClock.index()] == 0
    # one component only: the other keeps its values
    w = WallClock("tl-size-2").push().start()
    p = PeakRss("tl-size-2").push().start()
    w.stop().pop()
    p.stop().pop()
    timemory.clear(["wall_clock"])
    sizes = timemory.size()
    assert sizes[WallClock.index()] == 0
    assert sizes[PeakRss.index()] >= 1
    with pytest.raises(ValueError):
        timemory.clear(["no_such_component"])
    timemory.clear()


def test_finalize_twice_is_harmless(output_dir):
    proc = run_python(["-c", MEASURE + "timemory.finalize()\ntimemory.finalize()\n"
                             "timemory.timemory_finalize()\nprint('alive', timemory.is_finalized())\n"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("wall.json'...") == 1
    assert "alive True" in proc.stdout
    assert (output_dir / "wall.json").exists() and (output_dir / "metadata.json").exists()


def test_outputs_written_at_exit(output_dir):
    proc = run_python(["-c", MEASURE])
    assert proc.returncode == 0, proc.stderr
    assert (output_dir / "wall.txt").exists()


def test_no_outputs_when_dtor_disabled(output_dir):
    proc = run_python(["-c", MEASURE], env={"TIMEMORY_LIBRARY_DTOR": "OFF"})
    assert proc.returncode == 0, proc.stderr
    assert not output_dir.exists()


def test_output_directory_from_script_name(tmp_path, monkeypatch):
    monkeypatch.delenv("TIMEMORY_OUTPUT_PATH", raising=False)
    script = tmp_path / "my_script.py"
    script.write_text("import timemory\nprint(timemory.settings.output_path)\n")
    proc = run_python([str(script), "--flag"], cwd=str(tmp_path))
    assert proc.stdout.strip() == "timemory-my-script-output", proc.stderr
    proc = run_python([str(script)], cwd=str(tmp_path), env={"TIMEMORY_LIBRARY_CTOR": "0"})
    assert proc.stdout.strip() == "timemory-output", proc.stderr


def test_initialize_rules():
    before = timemory.settings.output_path
    try:
        timemory.initialize([])  # no-op
        assert timemory.settings.output_path == before
        timemory.init(["/some/dir/run_it.py"], "pre-", "-post")
        assert timemory.settings.output_path == "pre-run-it-post"
        timemory.timemory_init(["/x/other_prog"])
        assert timemory.settings.output_path == "timemory-other-prog-output"
    finally:
        timemory.settings.output_path = before


def test_report_writes_without_finalizing(tmp_path):
    w = WallClock("tl-report").push().start()
    w.stop().pop()
    timemory.report(str(tmp_path / "rep"))
    assert (tmp_path / "rep" / "wall.json").exists()
    assert not timemory.is_finalized()
    assert timemory.size()[WallClock.index()] >= 1


def test_enable_disable_toggle():
    assert timemory.is_enabled() and timemory.enabled()
    timemory.disable()
    try:
        assert not timemory.is_enabled() and not timemory.settings.enabled
        w = WallClock("tl-disabled").push().start()
        w.stop().pop()
        assert "tl-disabled" not in timemory.get_text()
        timemory.toggle(True)
        assert timemory.is_enabled()
        timemory.toggle(False)
        assert not timemory.enabled()
    finally:
        timemory.enable()
    assert timemory.settings.enabled


def test_hashes_and_misc():
    h = timemory.add_hash_id("tl-hash")
    assert h == timemory.get_hash("tl-hash") and 0 < h < 2 ** 64
    assert timemory.get_hash_identifier(h) == "tl-hash"
    assert timemory.get_hash_identifier(12345) == "unknown-hash=12345"
    assert isinstance(timemory.has_mpi_support(), bool)  # test_mpi.py: what it says
    timemory.set_rusage_children()
    timemory.set_rusage_self()
    assert timemory.version == "{}.{}.{}".format(*timemory.version_info)
    assert timemory.build_info["version"] == timemory.version


def test_units_scope_and_hardware_counters():
    units = timemory.units
    assert (units.nsec, units.usec, units.msec, units.sec) == (1, 10**3, 10**6, 10**9)
    assert units.min == 60 * units.sec and units.hr == 3600 * units.sec
    assert (units.kilobyte, units.megabyte, units.kibibyte, units.mebibyte) == (1000, 10**6, 1024, 2**20)
    import timemory.units as by_import

    assert by_import is units
    scope = timemory.scope
    assert scope.config().mode == "default"
    assert scope.config(flat=True).mode == "flat"
    assert scope.config(scope.TIMELINE).mode == "timeline"
    assert scope.config(True, True).mode == "timeline"
    assert scope.config(scope.TREE).mode == "tree"
    with pytest.raises(TypeError):
        scope.config("flat")
    hw = timemory.hardware_counters
    assert isinstance(hw.available(), list)
    assert "CUPTI metrics" in hw.__doc__
    assert isinstance(hw.cupti_reason, str)  # '' where a GPU's metrics can be collected
    info = hw.Info("PAPI_TOT_CYC", hw.api.papi)
    assert info.available() == (info.reason() == "")
    assert all(getattr(hw.preset, n).available() for n in dir(hw.preset) if not n.startswith("_"))


def test_signal_detection_writes_outputs(output_dir):
    script = MEASURE + ("import os, signal\n"
                        "timemory.enable_signal_detection([timemory.signals.Terminate])\n"
                        "assert timemory.signals.active() == [int(signal.SIGTERM)]\n"
                        "os.kill(os.getpid(), signal.SIGTERM)\n"
                        "print('not reached')\n")
    proc = run_python(["-c", script])
    assert proc.returncode == -signal.SIGTERM, (proc.returncode, proc.stderr)
    assert "not reached" not in proc.stdout
    assert "caught signal" in proc.stderr
    assert (output_dir / "wall.json").exists()


def test_signal_handler_setting_takes_effect_at_initialize(output_dir):
    script = ("import os, signal, timemory\n"
              "assert timemory.signals.active() == []\n"  # TIMEMORY_LIBRARY_CTOR=0: no init yet
              "timemory.initialize(['x'])\n"
              "assert timemory.signals.active() == sorted(timemory.signals.default_signals())\n"
              + MEASURE.replace("import time, timemory\n", "import time\n") +
              "os.kill(os.getpid(), signal.SIGTERM)\n"
              "print('not reached')\n")
    proc = run_python(["-c", script], env={"TIMEMORY_ENABLE_SIGNAL_HANDLER": "ON",
                                           "TIMEMORY_LIBRARY_CTOR": "0"})
    assert proc.returncode == -signal.SIGTERM, (proc.returncode, proc.stderr)
    assert proc.stderr.count("caught signal") == 1, proc.stderr
    graph = json.load(open(output_dir / "wall.json"))["timemory"]["wall_clock"]["ranks"][0]["graph"]
    assert [row["prefix"] for row in graph] == [">>> outer", ">>> |_inner"]


def test_signal_detection_disable_restores_python_handler(output_dir):
    script = ("import os, signal, timemory\n"
              "timemory.enable_signal_detection()\n"
              "assert int(signal.SIGINT) in timemory.signals.active()\n"
              "timemory.disable_signal_detection()\n"
              "assert timemory.signals.active() == []\n"
              "try:\n"
              "    os.kill(os.getpid(), signal.SIGINT)\n"
              "    for _ in range(1000): pass\n"
              "except KeyboardInterrupt:\n"
              "    print('python handler back')\n")
    proc = run_python(["-c", script])
    assert proc.returncode == 0, proc.stderr
    assert "python handler back" in proc.stdout
    with pytest.raises(ValueError, match="SIGKILL"):
        timemory.enable_signal_detection([signal.SIGKILL])


def test_forked_child_writes_its_own_outputs(output_dir):
    script = ("import os, sys, timemory\n"
              "from timemory.component import WallClock\n"
              "a = WallClock('A').push().start(); a.stop().pop()\n"
              "pid = os.fork()\n"
              "if pid == 0:\n"
              "    b = WallClock('B').push().start(); b.stop().pop()\n"
              "    sys.exit(0)\n"
              "_, status = os.waitpid(pid, 0)\n"
              "assert status == 0, status\n"
              "print('child-pid', pid)\n")
    proc = run_python(["-c", script])
    assert proc.returncode == 0, proc.stderr
    child = next(line.split()[1] for line in proc.stdout.splitlines()
                 if line.startswith("child-pid "))

    def labels(folder):
        graph = json.load(open(folder / "wall.json"))["timemory"]["wall_clock"]["ranks"][0]["graph"]
        return [(row["prefix"], row["entry"]["laps"]) for row in graph]

    assert labels(output_dir) == [(">>> A", 1)]
    assert labels(output_dir.parent / (output_dir.name + "-" + child)) == [(">>> B", 1)]


DOC_HELP = {
    "PACKAGE CONTENTS": ["api (package)", "bundle (package)", "common", "component (package)",
                         "ert (package)", "hardware_counters (package)", "libs (package)",
                         "line_profiler (package)", "mpi (package)", "mpi_support (package)",
                         "notebook (package)", "options", "plotting (package)",
                         "profiler (package)", "region (package)", "roofline (package)",
                         "settings (package)", "signals", "test (package)", "trace (package)",
                         "units", "util (package)"],
    "SUBMODULES": ["scope"],
    "CLASSES": ["class auto_timer", "class component_bundle", "class manager", "class rss_usage",
                "class settings", "class timer"],
    "FUNCTIONS": ["FILE = file(back=2", "FUNC = func(back=2)", "LINE = line(back=1)", "disable(",
                  "disable_signal_detection(", "enable(", "enable_signal_detection(",
                  "enabled(", "finalize(", "has_mpi_support(", "init = initialize(",
                  "initialize(", "is_enabled(", "report(", "set_rusage_children(",
                  "set_rusage_self(", "timemory_finalize(", "timemory_init(", "toggle("],
}


def sections(text):
    out, current = {}, None
    for line in text.splitlines():
        if line and not line[0].isspace():
            current = line.strip()
            out[current] = []
        elif current and line.strip():
            out[current].append(line.strip())
    return out


def test_help_lists_what_timemory_3_lists():
    proc = subprocess.run([sys.executable, "-c", "import timemory; help(timemory)"],
                          capture_output=True, text=True, env=dict(os.environ, PAGER="cat"))
    assert proc.returncode == 0, proc.stderr
    found = sections(proc.stdout)
    for section, entries in DOC_HELP.items():
        assert section in found, section
        for entry in entries:
            assert any(line.startswith(entry) for line in found[section]), (section, entry)
    assert found["SUBMODULES"] == ["scope"]
    assert "timemory.libs.settings" in proc.stdout
    assert found["VERSION"] == [timemory.version]


def test_plotting_reads_flat_json(output_dir, tmp_path):
    pytest.importorskip("matplotlib")
    proc = run_python(["-c", MEASURE + "timemory.finalize()\n"])
    assert proc.returncode == 0, proc.stderr
    from timemory.plotting import plot

    written = plot(files=[str(output_dir / "wall.json")], output_dir=str(tmp_path))
    assert written == [str(tmp_path / "wall.png")]
    assert (tmp_path / "wall.png").stat().st_size > 1000


def test_later_capabilities_say_so():
    import timemory.ert
    import timemory.mpi
    import timemory.roofline
    import timemory.api

    for mod, what in ((timemory.ert, "empirical roofline toolkit"),
                      (timemory.roofline, "roofline support")):
        assert "This build has no " + what in mod.__doc__, mod.__doc__
    with pytest.raises(RuntimeError, match="this build has no roofline support"):
        timemory.roofline.plot_roofline()
    with pytest.raises(RuntimeError, match="this build has no empirical roofline toolkit"):
        timemory.ert.run()
    assert timemory.api.papi.working() == (timemory.hardware_counters.unavailable_reason() == "")
    assert timemory.api.cupti.available_metrics() == []


def test_common_helpers():
    from timemory.common import FILE, FUNC, LINE

    def where():
        return FUNC(), FILE(), LINE()

    func, fname, line = where()
    assert func == "test_common_helpers"  # FUNC() is the caller's caller
    assert fname == os.path.basename(__file__)
    assert line == where.__code__.co_firstlineno + 1


def test_self_check_module():
    proc = run_python(["-m", "timemory.test"])
    assert proc.returncode == 0, proc.stderr


def test_regions_after_finalize_are_reported_not_silently_dropped(output_dir):
    # timemory 3 could crash here. The first outputs stay; the later collection is announced.
    script = (
        "import timemory\n"
        "from timemory.util import marker\n"
        "with marker(['wall_clock'], key='before'):\n"
        "    pass\n"
        "timemory.finalize()\n"
        "with marker(['wall_clock'], key='after'):\n"
        "    pass\n")
    proc = run_python(["-c", script], env={"TIMEMORY_COUT_OUTPUT": "OFF"})
    assert proc.returncode == 0, proc.stderr
    labels = [row["prefix"] for row in
              json.load(open(output_dir / "wall.json"))["timemory"]["wall_clock"]["ranks"][0]["graph"]]
    assert labels == [">>> before"], labels
    assert "measured after finalize() were not written" in proc.stderr, proc.stderr
