"""`pip install .` on a machine that has only Python and a C++ compiler.

The package is built from this checkout into an empty virtual environment (no system
site-packages), with a PATH that holds the venv, the compiler and binutils only (no cmake, no
ninja), CMAKE_PREFIX_PATH empty and CMake's package registry off. Everything else the build needs
must come from PyPI: the test installs what pip would put in an isolated build environment (the
[build-system] requires of pyproject.toml, then what the backend's get_requires_for_build_wheel
adds: cmake and ninja), then checks in CMake's summary that cmake, ninja, pybind11 and
nlohmann_json were taken from the venv (not /usr), and that the installed package measures a
region and writes its file.

It is a full build (minutes; ccache, when installed, makes a rerun quick: the venv and build
folder keep fixed paths under the build tree). Skipped when PyPI cannot be reached, or with
TIMEMORY_TEST_PIP_INSTALL=OFF.
"""
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

import timemory
from conftest import REPO_ROOT

tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11")

# What "a C++ compiler" brings: the drivers and binutils (g++ runs `as`, collect2 runs `ld`).
TOOLCHAIN = ["cc", "c++", "gcc", "g++", "as", "ld", "ar", "ranlib", "nm", "strip", "objcopy",
             "objdump", "readelf"]


def build_root():
    """<build>/pip-install-test: fixed, so that ccache sees the same paths on every run."""
    build_python = os.path.dirname(os.path.dirname(os.path.abspath(timemory.__file__)))
    return os.path.join(os.path.dirname(build_python), "pip-install-test")


def run(cmd, env, timeout, cwd=None):
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    return proc, proc.stdout + proc.stderr


def summary_value(log, key):
    """The value of one line of timemory's CMake configuration summary."""
    for line in log.splitlines():
        text = line.split("-- ", 1)[-1]
        if text.strip().startswith(key) and ":" in text:
            return text.split(":", 1)[1].strip()
    raise AssertionError("no '{}' line in the CMake summary:\n{}".format(key, log[-4000:]))


@pytest.mark.skipif(os.environ.get("TIMEMORY_TEST_PIP_INSTALL", "ON").upper() in ("0", "OFF"),
                    reason="TIMEMORY_TEST_PIP_INSTALL=OFF")
def test_pip_install_in_an_empty_venv():
    t0 = time.monotonic()
    root = build_root()
    venv, build_dir, tools = (os.path.join(root, d) for d in ("venv", "build", "toolchain"))
    shutil.rmtree(build_dir, ignore_errors=True)
    shutil.rmtree(tools, ignore_errors=True)
    os.makedirs(tools)
    for tool in TOOLCHAIN + ["ccache"]:
        path = shutil.which(tool)
        if path:
            os.symlink(path, os.path.join(tools, tool))
        else:
            assert tool == "ccache", "no {} on PATH".format(tool)

    # The interpreter the suite runs with, outside any virtual environment.
    base_python = os.path.join(sys.base_prefix, "bin", "python3")
    subprocess.run([base_python, "-m", "venv", "--clear", venv], check=True)
    python = os.path.join(venv, "bin", "python")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "CMAKE_", "VIRTUAL_ENV"))}
    env.update(PATH=os.path.join(venv, "bin") + os.pathsep + tools, CMAKE_PREFIX_PATH="",
               PYTHONDONTWRITEBYTECODE="1", TIMEMORY_COUT_OUTPUT="OFF")
    assert shutil.which("cmake", path=env["PATH"]) is None  # the system's cmake is out of reach

    proc, log = run([python, "-m", "pip", "download", "--no-deps", "--dest",
                     os.path.join(root, "probe"), "nlohmann-json"], env, timeout=300)
    if proc.returncode != 0:
        pytest.skip("PyPI is not reachable (pip download nlohmann-json failed):\n" + log[-1000:])

    with open(os.path.join(REPO_ROOT, "pyproject.toml"), "rb") as handle:
        requires = tomllib.load(handle)["build-system"]["requires"]
    proc, log = run([python, "-m", "pip", "install"] + requires, env, timeout=900)
    assert proc.returncode == 0, log
    # What the backend asks for on this machine (pip's second step of an isolated build).
    proc, log = run([python, "-c", "import json, scikit_build_core.build as b; "
                     "print(json.dumps(b.get_requires_for_build_wheel()))"], env, timeout=300,
                    cwd=REPO_ROOT)
    assert proc.returncode == 0, log
    dynamic = json.loads(proc.stdout.splitlines()[-1])
    assert sorted(r.split(">")[0].split("=")[0] for r in dynamic) == ["cmake", "ninja"], dynamic
    proc, log = run([python, "-m", "pip", "install"] + dynamic, env, timeout=900)
    assert proc.returncode == 0, log

    defines = ["-Ccmake.define.CMAKE_FIND_USE_PACKAGE_REGISTRY=OFF", "-Cbuild-dir=" + build_dir]
    if os.path.exists(os.path.join(tools, "ccache")):
        defines += ["-Ccmake.define.CMAKE_CXX_COMPILER_LAUNCHER=ccache",
                    "-Ccmake.define.CMAKE_C_COMPILER_LAUNCHER=ccache"]
    # No build isolation: the requirements are the ones just installed, in a venv with a fixed
    # path (ccache hits on a rerun).
    proc, log = run([python, "-m", "pip", "install", "-v", "--no-build-isolation"] + defines
                    + [REPO_ROOT], env, timeout=3000)
    with open(os.path.join(root, "pip-install.log"), "w") as handle:
        handle.write(log)
    assert proc.returncode == 0, log[-6000:]

    tools_line = summary_value(log, "cmake, make tool")
    assert tools_line.count(venv) == 2, tools_line  # cmake and ninja from PyPI
    assert summary_value(log, "pybind11").split("(", 1)[1].startswith(venv)
    assert summary_value(log, "nlohmann_json").split("(", 1)[1].startswith(
        "Python package: " + venv)
    assert summary_value(log, "python").startswith("ON")

    # The installed package, imported from the venv (run outside the checkout).
    out = os.path.join(root, "run")
    shutil.rmtree(out, ignore_errors=True)
    script = ("import timemory, os\n"
              "from timemory.util import marker\n"
              "print(os.path.dirname(timemory.__file__))\n"
              "with marker(['wall_clock'], key='installed'):\n"
              "    pass\n"
              "timemory.finalize()\n")
    proc, log = run([python, "-c", script], dict(env, TIMEMORY_OUTPUT_PATH=out), timeout=120,
                    cwd=root)
    assert proc.returncode == 0, log
    assert proc.stdout.splitlines()[0].startswith(os.path.join(venv, "lib")), proc.stdout
    graph = json.load(open(os.path.join(out, "wall.json")))["timemory"]["wall_clock"]
    assert [row["prefix"] for row in graph["ranks"][0]["graph"]] == [">>> installed"]
    assert graph["ranks"][0]["graph"][0]["entry"]["laps"] == 1
    print("pip install test: {:.0f} s".format(time.monotonic() - t0))
