"""Reads back what mpi_job_test.cpp wrote under a real mpirun and checks it.

    check_mpi_job.py <mode> <output dir> <ranks> <test name>

Modes as the program takes them (sleep, workers, only1, missing, perrank), plus `hatchet`: the
sleep job's wall.tree.json as hatchet.GraphFrame.from_timemory loads it (exit 77, a skip, without
hatchet). Times are in seconds, the unit of the files' "repr_data" and of the text report.
"""
import glob
import json
import math
import os
import sys

SLACK = 0.4  # seconds a loaded 2-core box may add to a sleep; far below a 1000x unit error
errors = []


def check(ok, what):
    if not ok:
        errors.append(what)
    return ok


def label(row):
    return row["prefix"].replace(">>>", "").replace("|_", "").strip()


def component(path):
    with open(path) as f:
        return json.load(f)["timemory"]["wall_clock"]


def rows_named(graph, name):
    return [row for row in graph if label(row) == name]


def rank_rows(data, name):
    """{rank: row} of `name` in each rank's own rows ("ranks")."""
    out = {}
    for entry in data["ranks"]:
        found = rows_named(entry["graph"], name)
        check(len(found) <= 1, "rank {} has {} rows {}".format(entry["rank"], len(found), name))
        if found:
            out[int(entry["rank"])] = found[0]
    return out


def aggregate_row(data, name):
    found = rows_named(data["aggregate"]["graph"], name)
    check(len(found) == 1, "the aggregate has {} rows {}, expected one".format(len(found), name))
    return found[0] if found else None


def text_row(path, name):
    """The text report's row of `name` as {column: cell}, and its banner."""
    with open(path) as f:
        lines = [line.rstrip("\n") for line in f]
    header = next(line for line in lines if "LABEL" in line)
    columns = [c.strip() for c in header.strip("|").split("|")]
    banner = lines[1].strip("| ").strip()
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == len(columns) and cells[0].replace(">>>", "").replace("|_", "").strip() == name:
            return dict(zip(columns, cells)), banner
    check(False, "{} has no row {}".format(path, name))
    return {}, banner


def close(a, b, rel=1e-6):
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def check_over_ranks(stats, values, what):
    """The "over_ranks" columns against the per-rank values they summarise."""
    n = len(values)
    mean = sum(values) / n
    population = math.sqrt(sum((v - mean) ** 2 for v in values) / n)  # documented: population
    check(stats["ranks"] == n, "{}: RANKS {} != {}".format(what, stats["ranks"], n))
    check(close(stats["sum"], sum(values)), "{}: sum {} != {}".format(what, stats["sum"], sum(values)))
    check(close(stats["mean"], mean), "{}: mean {} != {}".format(what, stats["mean"], mean))
    check(close(stats["min"], min(values)), "{}: min {} != {}".format(what, stats["min"], min(values)))
    check(close(stats["max"], max(values)), "{}: max {} != {}".format(what, stats["max"], max(values)))
    check(math.isclose(stats["stddev"], population, rel_tol=1e-6, abs_tol=1e-12),
          "{}: stddev {} != population stddev {}".format(what, stats["stddev"], population))
    imbalance = 100.0 * (stats["max"] - stats["mean"]) / stats["max"] if stats["max"] else 0.0
    check(math.isclose(stats["imbalance"], imbalance, rel_tol=1e-6, abs_tol=1e-9),
          "{}: imbalance {} % != (max - mean) / max = {} %".format(what, stats["imbalance"], imbalance))


def check_sleep(directory, ranks):
    data = component(os.path.join(directory, "wall.json"))
    per_rank = rank_rows(data, "sleeper")
    check(sorted(per_rank) == list(range(ranks)), "sleeper on ranks {}".format(sorted(per_rank)))
    values = [per_rank[r]["entry"]["repr_data"] for r in sorted(per_rank)]
    for r, v in enumerate(values):
        check(0.05 * r <= v < 0.05 * r + SLACK, "rank {} slept {} s, expected {} s".format(r, v, 0.05 * r))
    row = aggregate_row(data, "sleeper")
    if row is None or len(values) != ranks:
        return
    stats = row["over_ranks"]
    check(row["entry"]["laps"] == ranks, "sleeper counted {} times".format(row["entry"]["laps"]))
    check(stats["min"] < 0.020, "min {} s, expected ~0 (rank 0 sleeps 0)".format(stats["min"]))
    top = 0.05 * (ranks - 1)
    check(top <= stats["max"] < top + SLACK, "max {} s, expected {} s".format(stats["max"], top))
    mean = 0.05 * (ranks - 1) / 2
    check(mean <= stats["mean"] < mean + SLACK, "mean {} s, expected {} s".format(stats["mean"], mean))
    check(stats["max_rank"] == ranks - 1, "MAX RANK {}".format(stats["max_rank"]))
    check(stats["min_rank"] == 0, "min rank {}".format(stats["min_rank"]))
    check_over_ranks(stats, values, "sleeper")

    cells, banner = text_row(os.path.join(directory, "wall.txt"), "sleeper")
    check(banner.endswith("OVER {0} OF {0} RANKS".format(ranks)), "banner: " + banner)
    if cells:
        check(cells["RANKS"] == str(ranks), "text RANKS " + cells["RANKS"])
        check(cells["MAX RANK"] == str(ranks - 1), "text MAX RANK " + cells["MAX RANK"])
        check(cells["COUNT"] == str(ranks), "text COUNT " + cells["COUNT"])
        for column in ("SUM", "MEAN", "MIN", "MAX", "STDDEV"):
            check(abs(float(cells[column]) - stats[column.lower()]) <= 0.0005 + 1e-9,
                  "text {} {} != {} s".format(column, cells[column], stats[column.lower()]))
        check(abs(float(cells["IMBALANCE %"]) - stats["imbalance"]) <= 0.05 + 1e-9,
              "text IMBALANCE % {} != {}".format(cells["IMBALANCE %"], stats["imbalance"]))


def check_workers(directory, ranks):
    data = component(os.path.join(directory, "wall.json"))
    per_rank = rank_rows(data, "worker")
    laps = {r: row["entry"]["laps"] for r, row in per_rank.items()}
    check(laps == {r: 15 for r in range(ranks)}, "worker per rank {}, expected 3 threads x 5".format(laps))
    row = aggregate_row(data, "worker")
    if row:
        check(row["entry"]["laps"] == ranks * 3 * 5,
              "worker counted {} times over ranks, expected {}".format(row["entry"]["laps"], ranks * 15))
        check(row["over_ranks"]["ranks"] == ranks, "worker RANKS {}".format(row["over_ranks"]["ranks"]))
    cells, _ = text_row(os.path.join(directory, "wall.txt"), "worker")
    check(cells.get("COUNT") == str(ranks * 15), "text COUNT {}".format(cells.get("COUNT")))


def check_only1(directory, ranks):
    data = component(os.path.join(directory, "wall.json"))
    per_rank = rank_rows(data, "only_on_rank_1")
    check(sorted(per_rank) == [1], "only_on_rank_1 on ranks {}".format(sorted(per_rank)))
    everywhere = aggregate_row(data, "everywhere")
    if everywhere:
        check(everywhere["entry"]["laps"] == ranks and everywhere["over_ranks"]["ranks"] == ranks,
              "everywhere: {} laps on {} ranks".format(everywhere["entry"]["laps"],
                                                       everywhere["over_ranks"]["ranks"]))
    row = aggregate_row(data, "only_on_rank_1")
    if row is None or 1 not in per_rank:
        return
    own = per_rank[1]
    value = own["entry"]["repr_data"]
    check(0.030 <= value < 0.030 + SLACK, "rank 1's only_on_rank_1 took {} s, expected 0.030".format(value))
    check(row["entry"]["laps"] == own["entry"]["laps"] == 1, "laps {}".format(row["entry"]["laps"]))
    check(close(row["entry"]["repr_data"], value, 1e-9),
          "aggregate value {} != rank 1's {}".format(row["entry"]["repr_data"], value))
    stats = row["over_ranks"]
    check(stats["max_rank"] == 1 and stats["min_rank"] == 1,
          "min/max rank {}/{}".format(stats["min_rank"], stats["max_rank"]))
    check_over_ranks(stats, [value], "only_on_rank_1")
    cells, _ = text_row(os.path.join(directory, "wall.txt"), "only_on_rank_1")
    check(cells.get("RANKS") == "1" and cells.get("MAX RANK") == "1",
          "text RANKS {} MAX RANK {}".format(cells.get("RANKS"), cells.get("MAX RANK")))
    check(abs(float(cells.get("MAX", "nan")) - value) <= 0.0005 + 1e-9, "text MAX {}".format(cells.get("MAX")))


def check_missing(directory, ranks, timeout=2.0):
    late = ranks - 1
    meta = json.load(open(os.path.join(directory, "metadata.json")))["timemory"]["metadata"]["mpi"]
    check(meta["world_size"] == ranks, "world size {}".format(meta["world_size"]))
    check(meta["missing"] == [late], "metadata names missing {}".format(meta["missing"]))
    check([r["rank"] for r in meta["ranks"]] == list(range(late)),
          "metadata ranks {}".format([r["rank"] for r in meta["ranks"]]))
    data = component(os.path.join(directory, "wall.json"))
    check(data["aggregate"]["missing"] == [late], "aggregate missing {}".format(data["aggregate"]["missing"]))
    check(data["aggregate"]["ranks"] == list(range(late)), "aggregate ranks {}".format(data["aggregate"]["ranks"]))
    row = aggregate_row(data, "before_finalize")
    if row:
        check(row["entry"]["laps"] == late, "before_finalize counted {}".format(row["entry"]["laps"]))
    _, banner = text_row(os.path.join(directory, "wall.txt"), "before_finalize")
    check(banner.endswith("OVER {} OF {} RANKS".format(late, ranks)), "banner: " + banner)
    # The late rank is the child of rank 0 in round log2: rank 0 waits for it at most that many
    # timeouts after it began, far less than the 6 s the late rank sleeps.
    took = float(open(os.path.join(directory, "finalize-seconds-0.txt")).read())
    bound = timeout * math.ceil(math.log2(ranks)) + 3.0
    check(took < bound, "rank 0's finalize took {} s, expected < {} s".format(took, bound))
    log = open(os.path.join(directory, "stderr-rank-0.txt")).read()
    named = [line for line in log.splitlines() if "did not arrive" in line]
    check(len(named) == 1 and "rank {} did not arrive".format(late) in named[0],
          "rank 0's warnings about the late rank: {!r}".format(named))
    # The late rank's results are not lost: rank 0 tells it they came too late, and it writes its
    # own files at once rather than waiting out its bound for rank 0 ((log2 P + 2) timeouts) or
    # offering its large reduction message to rank 0 up to its deadline (3 timeouts).
    took = float(open(os.path.join(directory, "finalize-seconds-{}.txt".format(late))).read())
    check(took < timeout + 1.5, "the late rank's finalize took {} s".format(took))
    log = open(os.path.join(directory, "stderr-rank-{}.txt".format(late))).read()
    told = [line for line in log.splitlines() if "did not reach rank 0" in line]
    check(len(told) == 1 and "so the job's files lack them" in told[0],
          "the late rank's warnings: {!r}".format(log.splitlines()))
    own = os.path.join(directory, "wall-{}.json".format(late))
    if check(os.path.exists(own), "the late rank wrote no {}".format(own)):
        rows = [row for entry in component(own)["ranks"] for row in entry["graph"]]
        check(sum(r["entry"]["laps"] for r in rows_named(rows, "before_finalize")) == 1,
              "the late rank's own file lacks before_finalize")
        check(len(rows_named(rows, "late_999")) == 1, "the late rank's own file lacks late_999")


def check_mine(path, rank):
    if not check(os.path.exists(path), "no " + path):
        return
    rows = [row for entry in component(path)["ranks"] for row in entry["graph"]]
    laps = sum(r["entry"]["laps"] for r in rows_named(rows, "mine"))
    check(laps == rank + 1, "{}: mine counted {}, expected {}".format(path, laps, rank + 1))


def check_perrank(directory, ranks, name):
    # A rank's files are never mistaken for another process's: no "<folder>-<pid>" beside them.
    strays = glob.glob(directory + "-*") + glob.glob(os.path.join(directory, "*-[0-9]*", ""))
    if name == "RankFolders":
        strays = [s for s in strays if os.path.basename(s.rstrip("/")) not in
                  ["rank-{}".format(r) for r in range(ranks)]]
        for r in range(ranks):
            folder = os.path.join(directory, "rank-{}".format(r))
            check_mine(os.path.join(folder, "wall-{}.json".format(r)), r)
            check(os.path.exists(os.path.join(folder, "metadata-{}.json".format(r))),
                  "no metadata-{}.json in {}".format(r, folder))
            check(not os.path.exists(os.path.join(folder, "wall.json")), "a job file in " + folder)
        folders = sorted(os.listdir(directory))
        check(folders == ["rank-{}".format(r) for r in range(ranks)], "folders {}".format(folders))
    else:
        for r in range(ranks):
            check_mine(os.path.join(directory, "wall-{}.json".format(r)), r)
        row = aggregate_row(component(os.path.join(directory, "wall.json")), "mine")
        if row:
            total = ranks * (ranks + 1) // 2
            check(row["entry"]["laps"] == total, "aggregate mine {} != {}".format(row["entry"]["laps"], total))
    check(not strays, "folders of another process: {}".format(strays))


def check_hatchet(directory, ranks):
    try:
        import hatchet
    except ImportError:
        print("hatchet is not installed: skipped")
        sys.exit(77)
    gf = hatchet.GraphFrame.from_timemory(os.path.join(directory, "wall.tree.json"))
    df = gf.dataframe
    check("rank" in df.index.names, "no rank level: {}".format(df.index.names))
    if errors:
        return
    check(sorted(set(df.index.get_level_values("rank"))) == list(range(ranks)),
          "hatchet ranks {}".format(sorted(set(df.index.get_level_values("rank")))))
    sleeper = df[df["name"] == "sleeper"]
    shown = {int(rank): value for (_, rank), value in sleeper["sum.wall_clock (inc)"].items()}
    data = component(os.path.join(directory, "wall.json"))
    written = {r: row["entry"]["repr_data"] for r, row in rank_rows(data, "sleeper").items()}
    check(sorted(shown) == list(range(ranks)), "hatchet shows sleeper on ranks {}".format(sorted(shown)))
    for r, value in shown.items():
        check(0.05 * r <= value < 0.05 * r + SLACK, "hatchet: rank {} slept {} s".format(r, value))
        check(close(value, written.get(r, float("nan")), 1e-9),
              "hatchet: rank {} {} != wall.json's {}".format(r, value, written.get(r)))


def main():
    mode, directory, ranks, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    checks = {"sleep": check_sleep, "workers": check_workers, "only1": check_only1,
              "missing": check_missing, "hatchet": check_hatchet}
    if mode == "perrank":
        check_perrank(directory, ranks, name)
    else:
        checks[mode](directory, ranks)
    for e in errors:
        print("FAILED:", e)
    if not errors:
        print("mpi job outputs: ok ({}, {} ranks)".format(name, ranks))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
