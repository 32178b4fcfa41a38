"""Shared pytest fixtures for the timemory Python suite.

Tests import the package from the build tree (PYTHONPATH=build/python, set by ctest). Each test
that writes outputs gets its own directory through the `output_dir` fixture.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES_DIR = os.path.join(REPO_ROOT, "examples", "python")


@pytest.fixture
def output_dir(tmp_path, monkeypatch):
    """A fresh output directory; TIMEMORY_OUTPUT_PATH points at it for subprocesses."""
    path = tmp_path / "timemory-output"
    monkeypatch.setenv("TIMEMORY_OUTPUT_PATH", str(path))
    return path


def run_python(args, cwd=None, env=None, timeout=300):
    """Run a Python script in a fresh interpreter; returns CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable] + list(args),
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def cpp_test_binary():
    """build/tests/timemory-tests (the C++ suite, some of whose cases write files for the Python
    tests), found from the build tree's python folder on PYTHONPATH; None when not built."""
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if not entry:
            continue
        candidate = Path(entry).resolve().parent / "tests" / "timemory-tests"
        if candidate.is_file():
            return candidate
    return None
