"""python -m timemory.trace [options] [--] script.py [args...]

Runs script.py as __main__ (sys.argv = [script.py, args...]) under the line tracer and writes the
outputs to timemory-<script>-output (or -d DIR) when it ends.
"""

import sys

from ..profiler.__main__ import run_under


def main(argv=None):
    from .tracer import Config, FakeTracer, Tracer

    return run_under(Tracer, FakeTracer, Config, "python -m timemory.trace", __doc__,
                     ("trace", "notrace"), argv, tracer=True)


if __name__ == "__main__":
    sys.exit(main())
