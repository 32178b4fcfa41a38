"""python -m timemory.trace [options] [--] script.py [args...]

Runs script.py as __main__ (sys.argv = [script.py, args...]) under the line tracer and writes the
outputs to timemory-<script>-output (or -d DIR) when it ends.
"""

import argparse
import builtins
import sys

from ..profiler.__main__ import (add_filter_arguments, apply_config, finalize, prepare_output,
                                 run_script, split_argv)


def main(argv=None):
    from .tracer import Config, FakeTracer, Tracer

    argv = list(sys.argv[1:] if argv is None else argv)
    options, script, script_args = split_argv(argv)
    parser = argparse.ArgumentParser(prog="python -m timemory.trace",
                                     usage="%(prog)s [options] [--] script.py [args...]",
                                     description=" ".join(__doc__.split("\n\n")[1].split()))
    add_filter_arguments(parser, tracer=True)
    args = parser.parse_args(options)
    apply_config(Config, args)
    prepare_output(script, args.output_dir)
    tracer = Tracer(args.components)

    if args.builtin:
        builtins.trace = tracer
        builtins.notrace = FakeTracer()

        def runner(code, ns):
            exec(code, ns, ns)

    else:

        def runner(code, ns):
            tracer.runctx(code, ns, ns)

    status = run_script(script, script_args, runner, args.setup)
    finalize()
    return status


if __name__ == "__main__":
    sys.exit(main())
