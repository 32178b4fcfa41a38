"""timemory.settings: every core setting as a typed static attribute (python/src/settings.cpp)."""
import os
import sys

import pytest

import timemory
from conftest import run_python

PY_TYPES = {"bool": bool, "int64_t": int, "double": float, "string": str}


@pytest.fixture(autouse=True)
def restore_settings():
    """Put back every setting a test changed."""
    before = {name: timemory.settings.get(name) for name in timemory.settings.names()}
    yield
    for name, value in before.items():
        if timemory.settings.get(name) != value:
            timemory.settings.set(name, value)


def specs():
    return {s["name"]: s for s in timemory.settings.dump()["settings"].values()}


def test_doc_settings_block():
    # As written in timemory 3's Python documentation.
    timemory.settings.verbose = 1
    timemory.settings.debug = False
    timemory.settings.json_output = True
    timemory.settings.mpi_thread = False
    timemory.settings.dart_output = True
    timemory.settings.dart_count = 1
    timemory.settings.banner = False
    assert timemory.settings.verbose == 1
    assert timemory.settings.debug is False
    assert timemory.settings.json_output is True
    assert timemory.settings.mpi_thread is False
    assert timemory.settings.dart_output is True
    assert timemory.settings.dart_count == 1
    assert timemory.settings.banner is False


def test_doc_environment_block(monkeypatch):
    timemory.settings.flat_profile = False
    timemory.settings.timeline_profile = False
    monkeypatch.setenv("TIMEMORY_FLAT_PROFILE", "ON")
    monkeypatch.setenv("TIMEMORY_TIMELINE_PROFILE", "ON")
    assert timemory.settings.flat_profile is False
    timemory.settings.parse()
    assert timemory.settings.flat_profile is True
    assert timemory.settings.timeline_profile is True


def test_every_setting_is_typed_and_round_trips():
    table = specs()
    assert len(table) == len(timemory.settings.names()) > 90
    for name, spec in table.items():
        value = getattr(timemory.settings, name)
        assert type(value) is PY_TYPES[spec["data_type"]], name
        assert value == spec["value"], name
        setattr(timemory.settings, name, value)
        assert getattr(timemory.settings, name) == value, name
        assert getattr(timemory.settings(), "get_" + name) == value, name


def test_assignments_reach_the_core():
    timemory.settings.precision = 7
    timemory.settings.output_prefix = "pre-"
    timemory.settings.timing_units = "usec"
    dumped = timemory.settings.dump()["settings"]
    assert dumped["TIMEMORY_PRECISION"]["value"] == 7
    assert dumped["TIMEMORY_OUTPUT_PREFIX"]["value"] == "pre-"
    assert timemory.component.WallClock.display_unit() == "usec"


def test_enabled_setting_switches_timemory():
    timemory.settings.enabled = False
    assert not timemory.is_enabled()
    timemory.settings.enabled = True
    assert timemory.is_enabled()


def test_conversions():
    timemory.settings.verbose = "3"
    assert timemory.settings.verbose == 3
    timemory.settings.verbose = 2.0
    assert timemory.settings.verbose == 2
    timemory.settings.cout_output = "off"
    assert timemory.settings.cout_output is False
    timemory.settings.cout_output = 1
    assert timemory.settings.cout_output is True
    timemory.settings.global_components = ["wall_clock", "cpu_clock"]
    assert timemory.settings.global_components == "wall_clock,cpu_clock"
    timemory.settings.output_path = os.path.join("a", "b")
    assert timemory.settings.output_path == "a/b"


@pytest.mark.parametrize("name, value, error", [
    ("verbose", "abc", ValueError),
    ("verbose", [1], TypeError),
    ("max_depth", 1.5, ValueError),
    ("json_output", "maybe", ValueError),
    ("json_output", 2.5, TypeError),
    ("output_path", 3, TypeError),
    ("output_path", ["a", 1], TypeError),
])
def test_bad_values_name_the_setting(name, value, error):
    before = getattr(timemory.settings, name)
    with pytest.raises(error, match=name):
        setattr(timemory.settings, name, value)
    assert getattr(timemory.settings, name) == before


def test_unknown_setting_name_is_an_error():
    with pytest.raises(AttributeError, match="did you mean: verbose"):
        timemory.settings.verbsoe = 1
    assert not hasattr(timemory.settings, "verbsoe")


def test_by_name_access():
    timemory.settings.set("TIMEMORY_PRECISION", 4)
    assert timemory.settings.get("precision") == 4
    with pytest.raises(AttributeError, match="did you mean: precision"):
        timemory.settings.get("presicion")


def test_read_configuration_file(tmp_path):
    cfg = tmp_path / "timemory.cfg"
    cfg.write_text("PRECISION = 5\nTIMEMORY_MAX_WIDTH = 77\n")
    timemory.settings.read(str(cfg))
    assert timemory.settings.precision == 5
    assert timemory.settings.max_width == 77
    with pytest.raises(ValueError):
        timemory.settings.read(str(tmp_path / "missing.cfg"))


def test_dump_to_file(tmp_path):
    out = tmp_path / "settings.json"
    data = timemory.settings.dump(str(out))
    assert out.exists()
    assert "TIMEMORY_OUTPUT_PATH" in data["settings"]


def test_module_aliases():
    import timemory.settings as by_import

    assert by_import is timemory.settings
    assert timemory.settings.__module__ == "timemory.libs"
    # python_exe names the interpreter of plotting tools this build does not have: importing
    # leaves it at its default, so that the import warns of no unsupported setting
    assert timemory.settings.python_exe == "python3"
    assert timemory.settings.command_line == [str(a) for a in sys.argv]


def test_environment_is_read_at_import(output_dir):
    proc = run_python(["-c", "import timemory; print(timemory.settings.precision, "
                             "timemory.settings.flat_profile, timemory.settings.output_path)"],
                      env={"TIMEMORY_PRECISION": "6", "TIMEMORY_FLAT_PROFILE": "ON"})
    assert proc.returncode == 0, proc.stderr
    precision, flat, path = proc.stdout.split()
    assert precision == "6" and flat == "True" and path == str(output_dir)


def test_unsupported_setting_is_warned_once_when_assigned():
    code = ("import timemory\n"
            "s = timemory.settings\n"
            "print('doc:', 'Not supported by this build' in "
            "s.__dict__['get_ncclp_components'].__doc__)\n"
            "s.ncclp_components = 'wall_clock'\n"
            "s.ncclp_components = ''\n"
            "s.ncclp_components = 'wall_clock'\n"
            "s.ert_num_threads = 4\n"
            "s.precision = 4\n")
    proc = run_python(["-c", code], env={"TIMEMORY_AUTO_OUTPUT": "OFF"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "doc: True"
    lines = [line for line in proc.stderr.splitlines() if "not supported by this build" in line]
    assert len(lines) == 2, proc.stderr
    assert lines[0].startswith("[timemory][warning] TIMEMORY_NCCLP_COMPONENTS "
                               "(settings.ncclp_components) is not supported by this build (this "
                               "build has no MPI support)")
    assert "TIMEMORY_ERT_NUM_THREADS" in lines[1]


def test_import_warns_of_no_unsupported_setting():
    proc = run_python(["-c", "import timemory"], env={"TIMEMORY_AUTO_OUTPUT": "OFF"})
    assert proc.returncode == 0, proc.stderr
    assert "not supported by this build" not in proc.stderr
