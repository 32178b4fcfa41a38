"""NVTX mirroring of Python regions, checked through the NVTX test tool (cuda_tests/nvtx_injection).

ctest (cuda_tests/nvtx.cmake) runs this script with NVTX_INJECTION64_PATH naming the tool,
TIMEMORY_NVTX_TEST_LOG naming its log ("%p" = process id) and PYTHONPATH at the build tree's
package. Each check reads the log back and compares the ranges of the "timemory" domain opened on
this thread since the check began with the regions it opened: timemory.util.marker (with and
decorator), timemory.region push/pop (nested, out of order), and the Profiler, whose calls are
mirrored only with Config.nvtx.
"""

import os
import sys
import threading

import timemory
from timemory.profiler import Config, Profiler
from timemory.util import marker

SEP = " > "  # profiler labels contain "/", so paths use another separator


def read_log():
    """(tid, kind, domain, colour, text) per logged event; [] when nothing was logged."""
    path = os.environ["TIMEMORY_NVTX_TEST_LOG"].replace("%p", str(os.getpid()))
    events = []
    if not os.path.exists(path):
        return events
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split(" ")
            tid, kind = int(parts[0]), parts[1]
            if kind == "domain":
                events.append((tid, kind, None, None, " ".join(parts[2:])))
            elif kind == "push":
                events.append((tid, kind, parts[2], parts[3], " ".join(parts[4:])))
            else:
                events.append((tid, kind, parts[2], None, " ".join(parts[3:])))
    return events


def ranges_since(start):
    """This thread's pushes and pops in the timemory domain after event `start`, as paths."""
    me = threading.get_native_id()
    out, stack = [], []
    for tid, kind, domain, _, text in read_log()[start:]:
        if tid != me or domain != "timemory":
            continue
        if kind == "push":
            stack.append(text if not stack else stack[-1] + SEP + text)
            out.append("+" + stack[-1])
        elif kind == "pop":
            out.append("-" + (stack.pop() if stack else "(empty stack)"))
    return out


def check(name, got, expected):
    if got != expected:
        print("FAIL {}:\n  got      {}\n  expected {}".format(name, got, expected))
        return 1
    print("ok   {}".format(name))
    return 0


@marker(["wall_clock"])
def decorated():
    return 1


def profiled_leaf():
    return 2


def profiled_root():
    return profiled_leaf()


def profiler_label(func):
    code = func.__code__
    return "{}/{}:{}".format(code.co_name, os.path.basename(code.co_filename), code.co_firstlineno)


def main():
    if "NVTX_INJECTION64_PATH" not in os.environ or "TIMEMORY_NVTX_TEST_LOG" not in os.environ:
        print("needs NVTX_INJECTION64_PATH and TIMEMORY_NVTX_TEST_LOG (ctest sets them)")
        return 1
    failures = 0

    # marker as context manager (nested) and as decorator
    start = len(read_log())
    with marker(["wall_clock"], key="py_outer"):
        with marker(["wall_clock"], key="py_inner"):
            pass
        decorated()
    with marker(["wall_clock"], key="py_outer"):
        pass
    failures += check(
        "marker",
        ranges_since(start),
        [
            "+py_outer",
            "+py_outer > py_inner",
            "-py_outer > py_inner",
            "+py_outer > decorated",
            "-py_outer > decorated",
            "-py_outer",
            "+py_outer",
            "-py_outer",
        ],
    )

    # the first timemory event of the process created the domain; strings registered once
    events = read_log()
    failures += check("domain", events[0][1:] if events else None, ("domain", None, None, "timemory"))
    registered = [e[4] for e in events if e[1] == "register" and e[2] == "timemory"]
    failures += check("registered once", registered.count("py_outer"), 1)

    # timemory.region: nested, then closed out of order
    start = len(read_log())
    timemory.region.push("py_region_outer")
    timemory.region.push("py_region_a")
    timemory.region.push("py_region_b")
    timemory.region.pop("py_region_a")
    timemory.region.pop("py_region_b")
    timemory.region.pop("py_region_outer")
    o, a, b = "py_region_outer", "py_region_a", "py_region_b"
    failures += check(
        "region",
        ranges_since(start),
        [
            "+" + o,
            "+" + o + SEP + a,
            "+" + o + SEP + a + SEP + b,
            "-" + o + SEP + a + SEP + b,
            "-" + o + SEP + a,
            "+" + o + SEP + b,
            "-" + o + SEP + b,
            "-" + o,
        ],
    )

    # Profiler: no ranges by default, one per recorded call with Config.nvtx
    Config.only_filenames = [os.path.basename(__file__)]
    start = len(read_log())
    with Profiler(["wall_clock"]):
        profiled_root()
    failures += check("profiler without nvtx", ranges_since(start), [])

    root, leaf = profiler_label(profiled_root), profiler_label(profiled_leaf)
    Config.nvtx = True
    try:
        start = len(read_log())
        with Profiler(["wall_clock"]):
            profiled_root()
    finally:
        Config.nvtx = False
    failures += check(
        "profiler with nvtx",
        ranges_since(start),
        ["+" + root, "+" + root + SEP + leaf, "-" + root + SEP + leaf, "-" + root],
    )

    # the profiler recorded the calls in both sessions (mirroring changes nothing else)
    labels = [entry["prefix"] for entry in _graph_entries()]
    failures += check("profiler recorded", sum(1 for x in labels if x.endswith(root)) >= 1, True)

    print("nvtx python test: {}".format("ok" if failures == 0 else "{} failed".format(failures)))
    return 0 if failures == 0 else 1


def _graph_entries():
    data = timemory.get()
    out = []

    def walk(node):
        if isinstance(node, dict):
            if "prefix" in node:
                out.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return out


if __name__ == "__main__":
    sys.exit(main())
