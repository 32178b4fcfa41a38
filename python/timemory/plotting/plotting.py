"""Reading timemory's flat JSON layout and drawing one horizontal bar chart per component."""

import argparse
import json
import os

plotted_files = []


class plot_parameters:
    """Image options: rows below ``min_percent`` of the largest value are left out."""

    def __init__(self, min_percent=0.05, img_dpi=60, img_size={"w": 1000, "h": 600},
                 img_type="png", log_xaxis=False, font_size=11):
        self.min_percent = min_percent
        self.img_dpi = img_dpi
        self.img_size = dict(img_size)
        self.img_type = img_type
        self.log_xaxis = log_xaxis
        self.font_size = font_size


class timemory_data:
    """One row: label, laps and the statistics in display units."""

    def __init__(self, prefix, laps, stats):
        self.prefix = prefix
        self.laps = laps
        self.sum = stats.get("sum", 0.0)
        self.mean = stats.get("mean", 0.0)
        self.min = stats.get("min", 0.0)
        self.max = stats.get("max", 0.0)
        self.stddev = stats.get("stddev", 0.0)

    def __repr__(self):
        return "{}: laps={} sum={}".format(self.prefix, self.laps, self.sum)


class plot_data:
    """The rows of one component, with its title and units."""

    def __init__(self, name, title, units, rows):
        self.name = name
        self.title = title
        self.units = units
        self.rows = rows


def _first(value):
    return value[0] if isinstance(value, list) else value


def read(data, name="timemory"):
    """plot_data from one component's JSON body (with "ranks") or a rank dict (with "graph").
    Rows with no laps are skipped; rows with the same label are merged."""
    ranks = data.get("ranks", [data])
    merged = {}
    for rank in ranks:
        for row in rank.get("graph", []):
            laps = row.get("entry", {}).get("laps", 0)
            if not laps:
                continue
            stats = {k: _first(v) for k, v in row.get("stats", {}).items()}
            prev = merged.get(row["prefix"])
            if prev is None:
                merged[row["prefix"]] = timemory_data(row["prefix"], laps, stats)
            else:
                prev.laps += laps
                prev.sum += stats.get("sum", 0.0)
                prev.max = max(prev.max, stats.get("max", 0.0))
    title = _first(data.get("description", name))
    return plot_data(name, title, _first(data.get("unit_repr", "")), list(merged.values()))


def _components(path):
    with open(path) as handle:
        doc = json.load(handle)
    body = doc.get("timemory", doc)
    return [(key, value) for key, value in body.items() if isinstance(value, dict)
            and "ranks" in value]


def _pyplot():
    try:
        import matplotlib

        if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
            matplotlib.use("agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError("timemory.plotting needs matplotlib: pip install 'timemory[plot]' "
                          "(or pip install matplotlib)") from err
    return plt


def plot(data=[], files=[], plot_params=None, combine=False, display=False, output_dir=".",
         echo_dart=None):
    """Draw each component of ``files`` (flat .json outputs) and of ``data`` (plot_data objects)
    as a horizontal bar chart of the SUM column; returns the image paths written.
    ``combine`` is accepted for compatibility (each component gets its own image)."""
    plt = _pyplot()
    params = plot_params or plot_parameters()
    items = list(data)
    for path in files:
        stem = os.path.basename(path)
        stem = stem[:-5] if stem.endswith(".json") else stem
        for key, body in _components(path):
            items.append(read(body, stem if len(_components(path)) == 1 else key))
    os.makedirs(output_dir or ".", exist_ok=True)
    written = []
    for item in items:
        rows = [r for r in item.rows if r.sum >= 0]
        if not rows:
            continue
        peak = max(abs(r.sum) for r in rows) or 1.0
        rows = [r for r in rows if abs(r.sum) >= params.min_percent * peak] or rows
        w, h = params.img_size["w"], params.img_size["h"]
        fig, ax = plt.subplots(figsize=(w / params.img_dpi, h / params.img_dpi),
                               dpi=params.img_dpi)
        labels = [r.prefix for r in rows][::-1]
        ax.barh(range(len(rows)), [r.sum for r in rows][::-1],
                xerr=[r.stddev for r in rows][::-1], color="tab:blue")
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(labels, fontsize=params.font_size, family="monospace")
        ax.set_xlabel(item.units or "value", fontsize=params.font_size)
        ax.set_title(item.title, fontsize=params.font_size + 2)
        if params.log_xaxis:
            ax.set_xscale("log")
        fig.tight_layout()
        out = os.path.join(output_dir or ".", "{}.{}".format(item.name, params.img_type))
        fig.savefig(out, dpi=params.img_dpi)
        if display:
            plt.show()
        plt.close(fig)
        written.append(out)
        plotted_files.append(out)
        if echo_dart:
            from ..common import dart_measurement_file

            dart_measurement_file(item.name, out, format=params.img_type)
    return written


def embedded_plot(argv=None):
    """Command line: python -m timemory.plotting -f FILE [FILE ...] [-o DIR] [--img-type png]"""
    parser = argparse.ArgumentParser(prog="timemory-plotter",
                                     description="Plot timemory .json outputs")
    parser.add_argument("-f", "--files", nargs="+", required=True, help="flat .json outputs")
    parser.add_argument("-o", "--output-dir", default=".", help="folder for the images")
    parser.add_argument("-d", "--display", action="store_true", help="show the plots")
    parser.add_argument("-e", "--echo-dart", action="store_true", help="print DART tags")
    parser.add_argument("--min-percent", type=float, default=0.05)
    parser.add_argument("--img-dpi", type=int, default=60)
    parser.add_argument("--img-size", type=int, nargs=2, default=[1000, 600],
                        metavar=("W", "H"))
    parser.add_argument("--img-type", default="png")
    parser.add_argument("--log-x", action="store_true")
    parser.add_argument("--font-size", type=int, default=11)
    args = parser.parse_args(argv)
    params = plot_parameters(args.min_percent, args.img_dpi,
                             {"w": args.img_size[0], "h": args.img_size[1]}, args.img_type,
                             args.log_x, args.font_size)
    for out in plot(files=args.files, plot_params=params, display=args.display,
                    output_dir=args.output_dir, echo_dart=args.echo_dart):
        print("Plotted '{}'".format(out))
    return 0
