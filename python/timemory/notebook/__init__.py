"""timemory.notebook: show timemory results in Jupyter/IPython.

    import timemory.notebook as tn
    tn.show()                      # the text tables of every component with data
    tn.show(["wall_clock"])
    frame = tn.flat_rows("wall_clock")   # list of dicts (prefix, count, sum, ...) for pandas

Works without IPython too (plain print).
"""

__all__ = ["show", "flat_rows"]


def show(components=[]):
    """Display the text tables (timemory.get_text) in a notebook, or print them"""
    from .. import get_text

    text = get_text(components)
    try:
        from IPython.display import Markdown, display  # noqa: F401

        display(Markdown("```\n" + text + "\n```"))
    except ImportError:
        print(text)
    return text


def flat_rows(component):
    """Rows of one component's flat data as dicts, ready for pandas.DataFrame(rows)"""
    from .. import get

    data = get(components=[component])["timemory"]
    rows = []
    for name, body in data.items():
        for rank in body.get("ranks", []):
            for row in rank.get("graph", []):
                stats = row.get("stats", {})
                rows.append({"component": name, "rank": rank.get("rank", 0),
                             "prefix": row.get("prefix"), "depth": row.get("depth"),
                             "count": row.get("entry", {}).get("laps"),
                             "sum": stats.get("sum"), "mean": stats.get("mean"),
                             "min": stats.get("min"), "max": stats.get("max"),
                             "stddev": stats.get("stddev"), "units": body.get("unit_repr")})
    return rows
