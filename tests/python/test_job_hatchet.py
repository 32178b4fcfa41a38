"""The tree file of a job of several ranks, as hatchet reads it.

The 4-rank files are written by the C++ suite (JobOutputs.WriteFourRankFolderForPython: threads of
one process act as the ranks, so no MPI is needed), then hatchet's GraphFrame.from_timemory must
show one row per (region, rank) with each rank's own values.
"""

import json
import os
import subprocess

import pytest
from conftest import cpp_test_binary

hatchet = pytest.importorskip("hatchet")


@pytest.fixture(scope="module")
def job_folder(tmp_path_factory):
    binary = cpp_test_binary()
    if binary is None:
        pytest.skip("timemory-tests is not built next to the python folder on PYTHONPATH")
    folder = tmp_path_factory.mktemp("job")
    env = dict(os.environ, JOB_OUTPUT_TEST_DIR=str(folder), TIMEMORY_SUPPRESS_CONFIG="ON")
    run = subprocess.run(
        [str(binary), "--gtest_filter=JobOutputs.WriteFourRankFolderForPython"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (folder / "test_timer.tree.json").is_file(), run.stdout + run.stderr
    return folder


def test_hatchet_loads_every_rank_with_its_values(job_folder):
    gf = hatchet.GraphFrame.from_timemory(str(job_folder / "test_timer.tree.json"))
    df = gf.dataframe
    assert "rank" in df.index.names
    assert sorted(set(df.index.get_level_values("rank"))) == [0, 1, 2, 3]
    metric = "sum.output_test_timer (inc)"
    main = df[df["name"] == "main"]
    by_rank = {rank: value for (_, rank), value in main[metric].items()}
    # main runs (rank + 1) * 50 ms on each rank; display unit: seconds.
    assert by_rank == pytest.approx({0: 0.05, 1: 0.1, 2: 0.15, 3: 0.2})
    only = df[df["name"] == "only_on_rank_1"]
    values = {rank: value for (_, rank), value in only[metric].items()}
    assert values[1] == pytest.approx(700e-9)
    assert all(values[r] == 0 for r in (0, 2, 3))


def test_flat_file_carries_the_aggregate_with_statistics_over_ranks(job_folder):
    doc = json.loads((job_folder / "test_timer.json").read_text())
    component = doc["timemory"]["output_test_timer"]
    assert [r["rank"] for r in component["ranks"]] == [0, 1, 2, 3]
    rows = {
        row["prefix"].replace(">>>", "").replace("|_", "").strip(): row
        for row in component["aggregate"]["graph"]
    }
    main = rows["main"]["over_ranks"]
    assert main["ranks"] == 4
    assert main["mean"] == pytest.approx(0.125)
    assert main["max_rank"] == 3
    assert main["imbalance"] == pytest.approx(37.5)
    meta = json.loads((job_folder / "metadata.json").read_text())["timemory"]["metadata"]["mpi"]
    assert meta["world_size"] == 4
    assert [r["rank"] for r in meta["ranks"]] == [0, 1, 2, 3]
    assert meta["missing"] == []
