#!/usr/bin/env python
"""Cost of timemory.util.marker around a function call, against the bare call, in one process.

    PYTHONPATH=build/python python bench/python/bench_marker.py [--calls N] [--repeat R]

Each repetition times N calls of the bare function and N calls of the same function decorated
with @marker(["wall_clock"]) (and, for reference, the same with settings.enabled off, and a
`with marker(...)` block); the minimum over repetitions is reported per call. Target: at most
1 us added per call.
"""
import argparse
import json
import platform
import sys
import time

import timemory
import timemory.region
from timemory.util import marker


def work():
    return None


@marker(["wall_clock"])
def work_marked():
    return None


def ctx_marked(m):
    with m:
        return None


def per_call_ns(fn, calls):
    start = time.perf_counter_ns()
    for _ in range(calls):
        fn()
    return (time.perf_counter_ns() - start) / calls


def per_call_ctx_ns(m, calls):
    start = time.perf_counter_ns()
    for _ in range(calls):
        with m:
            pass
    return (time.perf_counter_ns() - start) / calls


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print one JSON line at the end")
    args = parser.parse_args(argv)

    timemory.settings.auto_output = False  # no files from the benchmark itself
    ctx = marker(["wall_clock"], key="bench_ctx")

    best = {"bare": float("inf"), "marker": float("inf"), "marker_disabled": float("inf"),
            "with_marker": float("inf")}
    for _ in range(args.repeat):  # interleaved, so drift affects all alike
        best["bare"] = min(best["bare"], per_call_ns(work, args.calls))
        best["marker"] = min(best["marker"], per_call_ns(work_marked, args.calls))
        best["with_marker"] = min(best["with_marker"], per_call_ctx_ns(ctx, args.calls))
        timemory.region.pause()
        best["marker_disabled"] = min(best["marker_disabled"], per_call_ns(work_marked, args.calls))
        timemory.region.resume()

    added = best["marker"] - best["bare"]
    print("python {} on {}".format(platform.python_version(), platform.processor() or platform.machine()))
    print("calls per repetition: {}, repetitions: {} (minimum reported)".format(args.calls, args.repeat))
    print("{:<34} {:>10.1f} ns/call".format("bare function call", best["bare"]))
    print("{:<34} {:>10.1f} ns/call".format("@marker(['wall_clock'])", best["marker"]))
    print("{:<34} {:>10.1f} ns/call".format("  same, timemory disabled", best["marker_disabled"]))
    print("{:<34} {:>10.1f} ns/call".format("with marker(['wall_clock']): pass", best["with_marker"]))
    print("{:<34} {:>10.1f} ns/call  (target <= 1000)".format("added by @marker", added))
    print("{:<34} {:>10.2f} x".format("ratio marker / bare", best["marker"] / best["bare"]))
    if args.json:
        print(json.dumps(dict(best, added=added, ratio=best["marker"] / best["bare"])))
    return 0 if added <= 1000.0 else 1


if __name__ == "__main__":
    sys.exit(main())
