"""timemory.mpi_support.enable_mpip: MPI calls made through mpi4py become child rows of the
calling region with their bytes (libtimemory-mpip), in a 2-rank job whose files are read back.

Skipped, with the reason, without libtimemory-mpip (a build without MPI), mpi4py or mpirun.
"""
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import timemory
from timemory import mpi_support

from conftest import run_python

MPIRUN = shutil.which("mpirun") or shutil.which("mpiexec")
ROOT_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
            "OMPI_MCA_rmaps_base_oversubscribe": "1", "TIMEMORY_SUPPRESS_CONFIG": "ON"}


def _have_mpip():
    return any(os.path.exists(p) for p in mpi_support._mpip_candidates())


def _have_mpi4py():
    return run_python(["-c", "import mpi4py"]).returncode == 0


needs_mpi = pytest.mark.skipif(
    not (_have_mpip() and MPIRUN and _have_mpi4py()),
    reason="needs libtimemory-mpip (an MPI build), mpi4py and mpirun")

SCRIPT = textwrap.dedent("""
    import array, os, sys
    import timemory
    from timemory import mpi_support
    mpi_support.enable_mpip(reject=["MPI_Barrier"])
    from mpi4py import MPI  # after enable_mpip: its calls reach the wrappers

    comm = MPI.COMM_WORLD
    rank = comm.Get_rank()
    timemory.settings.output_path = sys.argv[1]
    timemory.settings.per_rank_output = True  # <label>-<rank>.json beside the combined files
    timemory.settings.components = "wall_clock,mpi_bytes"
    data = array.array("d", [0.0] * 1000)
    timemory.region.push("exchange")
    if rank == 0:
        comm.Send([data, MPI.DOUBLE], dest=1, tag=3)
    else:
        comm.Recv([data, MPI.DOUBLE], source=0, tag=3)
    comm.Barrier()  # rejected: not a row
    total = array.array("d", [0.0] * 16)
    comm.Allreduce([array.array("d", [1.0] * 16), MPI.DOUBLE], [total, MPI.DOUBLE])
    timemory.region.pop("exchange")
    timemory.finalize()
""")


def _rows(path):
    """{call path: (laps, [sent, received])} of an mpi_bytes.json"""
    with open(path) as f:
        graph = json.load(f)["timemory"]["mpi_bytes"]["ranks"][0]["graph"]
    out, stack = {}, []
    for row in graph:
        name = row["prefix"].split(">>> ", 1)[-1].lstrip("|_")
        stack = stack[:row["depth"]] + [name]
        out["/".join(stack)] = (row["entry"]["laps"], row["entry"]["value"])
    return out


@needs_mpi
def test_mpi4py_calls_are_rows_with_exact_bytes(tmp_path):
    script = tmp_path / "send.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, **ROOT_ENV)
    proc = subprocess.run(
        ["timeout", "-k", "5", "120", MPIRUN, "-np", "2", sys.executable, str(script),
         str(tmp_path)], env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for rank, p2p, moved in ((0, "MPI_Send", [8000, 0]), (1, "MPI_Recv", [0, 8000])):
        rows = _rows(tmp_path / ("mpi_bytes-%d.json" % rank))
        assert rows["exchange/" + p2p] == (1, moved), rows
        assert rows["exchange/MPI_Allreduce"] == (1, [128, 128]), rows
        assert "exchange/MPI_Barrier" not in rows, rows
        assert rows["exchange"] == (1, [moved[0] + 128, moved[1] + 128]), rows


@needs_mpi
def test_enable_after_mpi4py_import_says_why_it_cannot_wrap():
    proc = run_python(["-c", textwrap.dedent("""
        from mpi4py import MPI
        from timemory import mpi_support
        try:
            mpi_support.enable_mpip()
        except RuntimeError as e:
            print(e)
    """)], env=ROOT_ENV)
    assert proc.returncode == 0, proc.stderr
    assert "mpi4py.MPI is already imported" in proc.stdout, proc.stdout
    assert "before `from mpi4py import MPI`" in proc.stdout, proc.stdout


@pytest.mark.skipif(_have_mpip(), reason="this build has libtimemory-mpip")
def test_enable_without_the_library_says_so():
    with pytest.raises(RuntimeError, match="this build of timemory has no MPI support"):
        mpi_support.enable_mpip()
