"""Reads back what an MPI test program wrote and checks it: every rank's regions with exact
counts (from the job's files, or from each rank's own wall-<rank>.json when ranks were not
combined), and the region pushed on rank 1 only. Ranks are combined into one wall.json (with the
"aggregate" of every rank) unless MPI was finalized first without the hook (mode nohook), where
each rank of a job of several writes its own files, wall-<rank>.json and so on.

    check_mpi_outputs.py <output dir> <ranks> <mode>   (mode as mpi_c_test.c takes it)
"""
import glob
import json
import os
import re
import sys


def rank_files(directory):
    """The per-rank flat files, wall-<rank>.json."""
    return sorted(p for p in glob.glob(os.path.join(directory, "wall-*.json"))
                  if re.fullmatch(r"wall-[0-9]+\.json", os.path.basename(p)))


def rank_graphs(directory):
    """{rank: [rows]} of the wall-clock component, from per-rank files or the job's file."""
    graphs = {}
    for path in rank_files(directory):
        rank = int(os.path.basename(path)[len("wall-"):-len(".json")])
        data = json.load(open(path))["timemory"]["wall_clock"]
        graphs[rank] = [row for entry in data["ranks"] for row in entry["graph"]]
    job_file = os.path.join(directory, "wall.json")
    if not graphs and os.path.exists(job_file):
        data = json.load(open(job_file))["timemory"]["wall_clock"]
        for entry in data["ranks"]:
            graphs.setdefault(int(entry["rank"]), []).extend(entry["graph"])
    return graphs


def count(rows, name):
    return sum(int(row["entry"]["laps"]) for row in rows if row["prefix"].strip("|_> ").endswith(name))


def main():
    directory, ranks, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    graphs = rank_graphs(directory)
    errors = []
    if sorted(graphs) != list(range(ranks)):
        errors.append("ranks found {} in {}, expected 0..{}".format(sorted(graphs), directory, ranks - 1))
    total = sum(count(rows, "per_rank") for rows in graphs.values())
    if total != 3 * ranks:
        errors.append("per_rank counted {} times over the ranks, expected {}".format(total, 3 * ranks))
    if mode != "nohook":
        only = {r: count(rows, "only_rank_1") for r, rows in graphs.items() if count(rows, "only_rank_1")}
        expected = {1: 1} if ranks > 1 else {}
        if only != expected:
            errors.append("only_rank_1 found on {}, expected {}".format(only, expected))
    folders = rank_files(directory)
    if mode == "nohook" and ranks > 1:
        if len(folders) != ranks:
            errors.append("expected one wall-<rank>.json per rank, found {}".format(folders))
    else:
        if folders:
            errors.append("ranks were not combined: {}".format(folders))
        data = json.load(open(os.path.join(directory, "wall.json")))["timemory"]["wall_clock"]
        if ranks > 1:
            aggregate = data.get("aggregate", {})
            if aggregate.get("ranks") != list(range(ranks)) or aggregate.get("missing"):
                errors.append("aggregate ranks {} missing {}".format(aggregate.get("ranks"),
                                                                     aggregate.get("missing")))
            total = count(aggregate.get("graph", []), "per_rank")
            if total != 3 * ranks:
                errors.append("aggregate counts per_rank {} times, expected {}".format(total, 3 * ranks))
    for e in errors:
        print("FAILED:", e)
    if not errors:
        print("mpi outputs: ok ({} ranks, {})".format(ranks, mode))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
