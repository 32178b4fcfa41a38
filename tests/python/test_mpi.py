"""timemory.mpi and timemory.mpi_support: MPI support through mpi4py under mpirun (skipped, saying
why, without MPI support, mpi4py or mpirun), and the answers of a process that never uses MPI."""
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import timemory
import timemory.mpi

from conftest import run_python

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "..", "mpi", "check_mpi_outputs.py")


def _check_outputs():
    spec = importlib.util.spec_from_file_location("check_mpi_outputs", CHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _mapped(name):
    with open("/proc/self/maps") as maps:
        return [line.split()[-1] for line in maps if name in line]


def test_has_mpi_support_says_whether_the_mpi_plugin_is_beside_libtimemory():
    libtimemory = [p for p in _mapped("libtimemory.so") if "libtimemory.so" in os.path.basename(p)]
    assert libtimemory, "libtimemory is not mapped"
    plugin = os.path.join(os.path.dirname(libtimemory[0]), "libtimemory-mpi.so.4")
    assert timemory.has_mpi_support() == os.path.exists(plugin)
    assert timemory.mpi_support.is_supported() == timemory.has_mpi_support()
    assert timemory.build_info["mpi"] == timemory.has_mpi_support()


def test_a_process_without_mpi_is_a_job_of_one_and_maps_no_libmpi(output_dir):
    script = textwrap.dedent("""
        import timemory, timemory.mpi, timemory.region as region
        region.push("alone"); region.pop("alone")
        timemory.finalize()
        maps = open("/proc/self/maps").read()
        print("state", timemory.mpi.rank(), timemory.mpi.size(), timemory.mpi.is_initialized(),
              timemory.mpi.is_finalized(), "libmpi" in maps.replace("libtimemory-mpi", ""),
              "libtimemory-mpi" in maps, bool(timemory.mpi.status()))
    """)
    proc = run_python(["-c", script])
    assert proc.returncode == 0, proc.stderr
    assert "state 0 1 False False False False True" in proc.stdout, proc.stdout


def test_info_functions_print_the_build_mpi(capsys):
    timemory.mpi_support.mpi_exe_info()
    timemory.mpi_support.mpi_c_info()
    out = capsys.readouterr().out
    if timemory.has_mpi_support():
        assert "MPI executable info: " in out and "mpi" in out.split("\n")[0].lower()
        assert "MPI C info: compiler: " in out
    else:
        assert "has no MPI support" in out


def _mpirun_or_skip():
    if not timemory.has_mpi_support():
        pytest.skip("timemory was built without MPI support")
    if importlib.util.find_spec("mpi4py") is None:
        pytest.skip("mpi4py is not installed (pip install mpi4py)")
    for launcher in ("mpirun", "mpiexec"):
        if shutil.which(launcher):
            return launcher
    pytest.skip("no mpirun on PATH")


SCRIPT = textwrap.dedent("""
    import sys
    if sys.argv[1] == "mpi4py-first":
        from mpi4py import MPI
        import timemory
    else:
        import timemory
        from mpi4py import MPI
    import timemory.mpi, timemory.region as region
    comm = MPI.COMM_WORLD
    assert timemory.mpi.status() == "", timemory.mpi.status()
    assert timemory.mpi.is_initialized() and not timemory.mpi.is_finalized()
    assert timemory.mpi.rank() == comm.Get_rank(), (timemory.mpi.rank(), comm.Get_rank())
    assert timemory.mpi.size() == comm.Get_size(), (timemory.mpi.size(), comm.Get_size())
    timemory.mpi.barrier()
    rank = timemory.mpi.rank()
    region.push("main_region")
    for _ in range(3):
        region.push("per_rank"); region.pop("per_rank")
    if rank == 1:
        region.push("only_rank_1"); region.pop("only_rank_1")
    region.pop("main_region")
    timemory.finalize()
    # A file per rank: mpirun may interleave the ranks' stdout mid-line.
    with open("{}/done-{}".format(sys.argv[2], rank), "w") as f:
        f.write(str(timemory.mpi.size()))
""")


@pytest.mark.parametrize("np,order", [(1, "mpi4py-first"), (2, "mpi4py-first"),
                                      (2, "timemory-first"), (4, "mpi4py-first")])
def test_mpi4py_job_writes_every_rank(tmp_path, np, order):
    launcher = _mpirun_or_skip()
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    out = tmp_path / "out"
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               TIMEMORY_OUTPUT_PATH=str(out))
    cmd = ["timeout", "-k", "5", "120", launcher, "--oversubscribe", "-np", str(np),
           sys.executable, str(script), order, str(tmp_path)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=150)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for r in range(np):
        assert (tmp_path / "done-{}".format(r)).read_text() == str(np), proc.stdout + proc.stderr
    assert "MPI was finalized before" not in proc.stderr
    check = _check_outputs()
    graphs = check.rank_graphs(str(out))
    assert sorted(graphs) == list(range(np)), os.listdir(out)
    assert sum(check.count(rows, "per_rank") for rows in graphs.values()) == 3 * np
    only = {r: check.count(rows, "only_rank_1") for r, rows in graphs.items()}
    assert {r: n for r, n in only.items() if n} == ({1: 1} if np > 1 else {})
    assert check.rank_files(str(out)) == []  # combined, not one file per rank
    if np > 1:
        import json

        with open(str(out / "wall.json")) as f:
            aggregate = json.load(f)["timemory"]["wall_clock"]["aggregate"]
        assert aggregate["ranks"] == list(range(np)) and aggregate["missing"] == []
        assert check.count(aggregate["graph"], "per_rank") == 3 * np
        assert check.count(aggregate["graph"], "only_rank_1") == 1
