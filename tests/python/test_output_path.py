"""Output-path placeholders and other processes' files, from Python: the pattern stays in
timemory.settings.output_path and is expanded when the files are written; a process that finishes
after another one wrote to its folder writes beside it (tests/test_output_path.cpp covers every
placeholder)."""
import json
import os
import subprocess
import sys
import time

from conftest import run_python

PROGRAM = """
import os, sys, time, timemory
from timemory.util import marker
with marker(["wall_clock"], key=sys.argv[1]):
    pass
if len(sys.argv) > 2:  # say it started, then wait for the go
    open(sys.argv[2] + ".started", "w").close()
    deadline = time.time() + 60
    while not os.path.exists(sys.argv[2] + ".go") and time.time() < deadline:
        time.sleep(0.01)
timemory.finalize()
print(os.getpid(), timemory.settings.output_path)
"""


def labels_in(folder):
    with open(folder / "wall.json") as f:
        rows = json.load(f)["timemory"]["wall_clock"]["ranks"][0]["graph"]
    return {row["prefix"].lstrip(">| _") for row in rows}


def test_placeholders_are_expanded_and_the_setting_keeps_the_pattern(tmp_path):
    (tmp_path / "prog.py").write_text(PROGRAM)
    pattern = str(tmp_path / "out-%p-r%r-j%j")
    proc = run_python([str(tmp_path / "prog.py"), "placed"],
                      env={"TIMEMORY_OUTPUT_PATH": pattern, "OMPI_COMM_WORLD_RANK": "2",
                           "SLURM_JOB_ID": "31", "TIMEMORY_COUT_OUTPUT": "OFF"})
    assert proc.returncode == 0, proc.stderr
    pid, setting = proc.stdout.strip().splitlines()[-1].split(" ", 1)
    assert setting == pattern
    assert labels_in(tmp_path / f"out-{pid}-r2-j31") == {"placed"}


def test_a_process_that_finishes_last_writes_beside_the_files_of_one_started_after_it(tmp_path):
    (tmp_path / "prog.py").write_text(PROGRAM)
    env = dict(os.environ, TIMEMORY_OUTPUT_PATH=str(tmp_path / "out"),
               TIMEMORY_COUT_OUTPUT="OFF")
    sync = str(tmp_path / "first")
    first = subprocess.Popen([sys.executable, str(tmp_path / "prog.py"), "first", sync],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not os.path.exists(sync + ".started") and time.time() < deadline:
        time.sleep(0.01)
    second = run_python([str(tmp_path / "prog.py"), "second"], env=env)
    assert second.returncode == 0, second.stderr
    open(sync + ".go", "w").close()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err

    assert labels_in(tmp_path / "out") == {"second"}
    assert labels_in(tmp_path / f"out-{first.pid}") == {"first"}
    warnings = [line for line in err.splitlines() if "[warning]" in line]
    assert len(warnings) == 1, err
    assert str(tmp_path / "out") in warnings[0] and f"out-{first.pid}'" in warnings[0]
    assert "[warning]" not in second.stderr
