#!/usr/bin/env python
"""Slowdown of the timemory Profiler and Tracer against cProfile and line_profiler, in one process.

    PYTHONPATH=build/python python bench/python/bench_profiler.py [--repeat R] [--fib N]

Workloads, each timed bare and under every tool (process CPU time, minimum over R repetitions,
interleaved so the machine's drift hits every variant alike):
  - fib(N): recursive, ~N-th Fibonacci number of Python calls, nothing else (worst case for a
    function profiler);
  - numpy: a loop of small-array numpy calls (np.mean/np.max go through Python frames in
    numpy/_core, plus many builtin calls);
  - loop: a tight pure-Python loop, for the line tracers.
Function profilers: cProfile (default: builtins on, as `python -m cProfile` runs it), cProfile
with builtins=False (what timemory records by default), timemory Profiler(["wall_clock"]).
Line tracers: line_profiler's LineProfiler (the function added explicitly, as kernprof -l does)
and timemory Tracer(["wall_clock"]). Targets: Profiler slowdown <= cProfile's, Tracer
slowdown <= line_profiler's.
"""
import argparse
import cProfile
import os
import platform
import sys
import time

os.environ.setdefault("TIMEMORY_AUTO_OUTPUT", "OFF")  # measure, do not write reports at exit

import numpy as np  # noqa: E402

import timemory  # noqa: E402,F401
from timemory.profiler import Profiler  # noqa: E402
from timemory.trace import Tracer  # noqa: E402

try:
    from line_profiler import LineProfiler
except ImportError:  # pragma: no cover
    LineProfiler = None


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def numpy_loop(n):
    arr = np.linspace(0.0, 1.0, 64)
    total = 0.0
    for _ in range(n):
        total += float(np.mean(arr)) + float(np.max(arr))
        arr = arr * 0.999 + 0.001
    return total


def tight_loop(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def timed(run):
    # CPU time of this (single-threaded) process: what the tool costs, without the time the
    # process waits for a core on a shared machine.
    start = time.process_time()
    run()
    return time.process_time() - start


def bare(fn, arg):
    return lambda: fn(arg)


def with_cprofile(fn, arg, builtins=True):
    def run():
        prof = cProfile.Profile(builtins=builtins)
        prof.runcall(fn, arg)

    return run


def with_timemory_profiler(fn, arg):
    profiler = Profiler(["wall_clock"])
    return lambda: profiler.runcall(fn, arg)


def with_timemory_tracer(fn, arg):
    tracer = Tracer(["wall_clock"])
    return lambda: tracer.runcall(fn, arg)


def with_line_profiler(fn, arg):
    def run():
        lp = LineProfiler()
        lp.add_function(fn)
        lp.runcall(fn, arg)

    return run


def measure(variants, repeat):
    """{name: best seconds}; variants run interleaved, after one warm-up each."""
    best = {}
    for name, run in variants:
        run()
        best[name] = float("inf")
    for _ in range(repeat):
        for name, run in variants:
            best[name] = min(best[name], timed(run))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fib", type=int, default=27)
    parser.add_argument("--numpy-iters", type=int, default=20000)
    parser.add_argument("--loop", type=int, default=2000000)
    args = parser.parse_args()

    results = []  # (workload, tool, seconds, ratio, target-tool)

    def add(workload, best, baseline="bare"):
        for name, seconds in best.items():
            results.append((workload, name, seconds, seconds / best[baseline]))

    profilers = lambda fn, arg: [  # noqa: E731
        ("bare", bare(fn, arg)),
        ("cProfile", with_cprofile(fn, arg)),
        ("cProfile(builtins=False)", with_cprofile(fn, arg, builtins=False)),
        ("timemory Profiler", with_timemory_profiler(fn, arg)),
    ]
    add("fib({})".format(args.fib), measure(profilers(fib, args.fib), args.repeat))
    add("numpy loop x{}".format(args.numpy_iters),
        measure(profilers(numpy_loop, args.numpy_iters), args.repeat))

    tracers = [("bare", bare(tight_loop, args.loop)),
               ("timemory Tracer", with_timemory_tracer(tight_loop, args.loop))]
    if LineProfiler is not None:
        tracers.insert(1, ("line_profiler", with_line_profiler(tight_loop, args.loop)))
    add("tight loop x{}".format(args.loop), measure(tracers, args.repeat))

    print("# python {} ({}), numpy {}, {}".format(platform.python_version(),
                                                   platform.python_implementation(),
                                                   np.__version__, platform.platform()))
    print("| workload | tool | best of {} (CPU s) | slowdown vs bare |".format(args.repeat))
    print("|---|---|---:|---:|")
    for workload, tool, seconds, ratio in results:
        print("| {} | {} | {:.3f} | {:.2f}x |".format(workload, tool, seconds, ratio))

    verdicts = []
    by = {(w, t): r for w, t, _, r in results}
    for workload in {w for w, _, _, _ in results}:
        if (workload, "timemory Profiler") in by:
            ours, ref = by[(workload, "timemory Profiler")], by[(workload, "cProfile")]
            verdicts.append("{}: Profiler {:.2f}x vs cProfile {:.2f}x -> {}".format(
                workload, ours, ref, "ok" if ours <= ref else "MISSED by {:.0f}%".format(
                    100.0 * (ours / ref - 1.0))))
        if (workload, "timemory Tracer") in by and (workload, "line_profiler") in by:
            ours, ref = by[(workload, "timemory Tracer")], by[(workload, "line_profiler")]
            verdicts.append("{}: Tracer {:.2f}x vs line_profiler {:.2f}x -> {}".format(
                workload, ours, ref, "ok" if ours <= ref else "MISSED by {:.0f}%".format(
                    100.0 * (ours / ref - 1.0))))
    print()
    for v in sorted(verdicts):
        print(v)
    return 0


if __name__ == "__main__":
    sys.exit(main())
