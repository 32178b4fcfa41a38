"""hatchet (llnl-hatchet from PyPI) reads our <label>.tree.json with GraphFrame.from_timemory.

A script instrumented with timemory.util.marker runs in a fresh interpreter and writes its files
at finalize; the test loads wall.tree.json with hatchet and compares the dataframe with the file.
The trees sit under the "mpi" key (timemory's MPI layout, one rank) in every file: hatchet's
"graph" path fails on data from several threads (docs/output-formats.md).
"""
import copy
import json
import os
import textwrap

import pytest

from conftest import run_python

hatchet = pytest.importorskip("hatchet")
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")  # pandas, inside hatchet

SINGLE_THREAD = """
    import time
    import timemory
    from timemory.util import marker

    @marker(["wall_clock"])
    def hatchet_leaf(t):
        time.sleep(t)

    @marker(["wall_clock"])
    def hatchet_root():
        for i in range(3):
            hatchet_leaf(0.01 * (i + 1))
        with marker(["wall_clock"], key="hatchet_block"):
            time.sleep(0.02)

    hatchet_root()
    timemory.finalize()
"""

TWO_THREADS = """
    import threading, time
    import timemory
    from timemory.util import marker

    @marker(["wall_clock"])
    def hatchet_thread_leaf():
        time.sleep(0.005)

    @marker(["wall_clock"])
    def hatchet_thread_work(n):
        for _ in range(n):
            hatchet_thread_leaf()

    threads = [threading.Thread(target=hatchet_thread_work, args=(4,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    hatchet_thread_work(1)
    timemory.finalize()
"""


def write_and_run(tmp_path, output_dir, source):
    script = tmp_path / "hatchet_script.py"
    script.write_text(textwrap.dedent(source))
    proc = run_python([str(script)], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    tree = output_dir / "wall.tree.json"
    assert tree.exists(), proc.stdout + proc.stderr
    return tree


def file_nodes(tree_path):
    """{prefix: (inclusive sum, exclusive sum, laps)} of every non-root node of the file."""
    data = json.loads(tree_path.read_text())["timemory"]["wall_clock"]
    out = {}

    def walk(node):
        n = node["node"]
        if n["hash"] != 0:
            out[n["prefix"]] = (n["inclusive"]["stats"]["sum"], n["exclusive"]["stats"]["sum"],
                                n["inclusive"]["entry"]["laps"])
        for child in node["children"]:
            walk(child)

    for rank in data["mpi"]:
        for root in rank:
            walk(root)
    return out


def test_hatchet_loads_single_thread_tree(tmp_path, output_dir):
    tree = write_and_run(tmp_path, output_dir, SINGLE_THREAD)
    expected = file_nodes(tree)
    assert set(expected) == {"hatchet_root", "hatchet_leaf", "hatchet_block"}

    gf = hatchet.GraphFrame.from_timemory(str(tree))
    assert list(gf.dataframe.index.names) == ["node", "rank"]  # one rank, 0
    df = gf.dataframe.reset_index()
    assert set(df["name"]) == set(expected)
    assert set(df["rank"]) == {0}
    assert "sum.wall_clock" in gf.exc_metrics
    assert "sum.wall_clock (inc)" in gf.inc_metrics
    for _, row in df.iterrows():
        inclusive, exclusive, laps = expected[row["name"]]
        assert row["sum.wall_clock (inc)"] == pytest.approx(inclusive)
        assert row["sum.wall_clock"] == pytest.approx(exclusive)
        assert row["count"] == laps
    leaf = df[df["name"] == "hatchet_leaf"].iloc[0]
    assert leaf["count"] == 3
    assert leaf["sum.wall_clock (inc)"] >= 0.06
    # the graph keeps the nesting: root -> {leaf, block}
    roots = gf.graph.roots
    assert [r.frame["name"] for r in roots] == ["hatchet_root"]
    assert sorted(c.frame["name"] for c in roots[0].children) == ["hatchet_block", "hatchet_leaf"]


def test_hatchet_loads_directory(tmp_path, output_dir):
    write_and_run(tmp_path, output_dir, SINGLE_THREAD)
    gf = hatchet.GraphFrame.from_timemory(str(output_dir))
    assert "sum.wall_clock" in gf.exc_metrics


def check_two_thread_frame(gf, expected):
    assert list(gf.dataframe.index.names) == ["node", "rank", "thread"]
    df = gf.dataframe.reset_index()
    assert set(df["name"]) == set(expected)
    for name, (inclusive, exclusive, laps) in expected.items():
        row = df[df["name"] == name].iloc[0]
        assert row["sum.wall_clock (inc)"] == pytest.approx(inclusive)
        assert row["sum.wall_clock"] == pytest.approx(exclusive)
        assert row["count"] == laps


def two_thread_tree(tmp_path, output_dir):
    tree = write_and_run(tmp_path, output_dir, TWO_THREADS)
    expected = file_nodes(tree)
    assert expected["hatchet_thread_work"][2] == 3
    assert expected["hatchet_thread_leaf"][2] == 9
    data = json.loads(tree.read_text())
    tids = data["timemory"]["wall_clock"]["mpi"][0][0]["children"][0]["node"]["tid"]
    assert len(tids) == 3  # main thread + 2 workers merged by call path
    return tree, data, expected


# hatchet's TimemoryReader, for files with the "graph" key (timemory's non-MPI layout), drops a
# "rank" column it never created as soon as a node's tid is not [0] (KeyError: ['rank'] not found
# in axis); under the "mpi" key, which our files use, it reads multi-thread data.
def test_hatchet_loads_two_thread_tree(tmp_path, output_dir):
    tree, _, expected = two_thread_tree(tmp_path, output_dir)
    check_two_thread_frame(hatchet.GraphFrame.from_timemory(str(tree)), expected)


def test_tree_files_use_the_mpi_key_and_the_graph_key_reads_the_same_values(tmp_path, output_dir):
    """Single-thread data too sits under "mpi" (one layout for every file, so a folder never mixes
    two). Under timemory's non-MPI "graph" key, hatchet reads the same values, only without the
    rank index level: the key changes the index, not the data."""
    tree = write_and_run(tmp_path, output_dir, SINGLE_THREAD)
    data = json.loads(tree.read_text())
    component = data["timemory"]["wall_clock"]
    assert "mpi" in component and "graph" not in component
    assert len(component["mpi"]) == 1 and len(component["mpi"][0]) == 1  # one rank, one root

    def values(frame):
        df = frame.dataframe.reset_index()
        return sorted((row["name"], row["count"], row["sum.wall_clock"], row["sum.wall_clock (inc)"])
                      for _, row in df.iterrows())

    as_mpi = hatchet.GraphFrame.from_timemory(copy.deepcopy(data))  # hatchet edits its input
    component["graph"] = component.pop("mpi")
    as_graph = hatchet.GraphFrame.from_timemory(data)
    assert list(as_graph.dataframe.index.names) == ["node"]
    assert values(as_mpi) == values(as_graph)
