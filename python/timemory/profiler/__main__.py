"""python -m timemory.profiler [options] [--] script.py [args...]

Runs script.py as __main__ (sys.argv = [script.py, args...]) under the function profiler and
writes the outputs to timemory-<script>-output (or -d DIR) when it ends.
"""

import argparse
import builtins
import os
import sys
import types


def add_filter_arguments(parser, tracer=False):
    parser.add_argument("-c", "--components", nargs="+", default=["wall_clock"],
                        help="component ids (default: wall_clock)")
    parser.add_argument("-d", "--output-dir", default=None, help="output directory")
    parser.add_argument("-b", "--builtin", action="store_true",
                        help="only measure functions decorated with @{0} (no @no{0})".format(
                            "trace" if tracer else "profile"))
    parser.add_argument("-s", "--setup", default=None,
                        help="python file executed before the script (not measured)")
    parser.add_argument("-a", "--include-args", action="store_true", help="argument names in labels")
    parser.add_argument("-l", "--include-line", action="store_true", default=None,
                        help="line numbers in labels (default on)")
    parser.add_argument("-f", "--include-file", action="store_true", default=None,
                        help="file names in labels (default on)")
    parser.add_argument("-F", "--full-filepath", action="store_true", help="full paths in labels")
    parser.add_argument("--skip-funcs", nargs="+", default=[], help="regexes of functions to skip")
    parser.add_argument("--skip-files", nargs="+", default=[], help="regexes of files to skip")
    parser.add_argument("--only-funcs", nargs="+", default=[], help="regexes of the only functions")
    parser.add_argument("--only-files", nargs="+", default=[], help="regexes of the only files")
    parser.add_argument("-v", "--verbosity", type=int, default=0)
    if not tracer:
        parser.add_argument("--trace-c", action="store_true", help="also record builtin (C) calls")
        parser.add_argument("-m", "--max-stack-depth", type=int, default=None,
                            help="record calls only this many levels deep")


def split_argv(argv):
    """(options, script, script args): '--' ends the options; else the first existing file."""
    if "--" in argv:
        i = argv.index("--")
        rest = argv[i + 1:]
        if not rest:
            raise SystemExit("error: no script after '--'")
        return argv[:i], rest[0], rest[1:]
    for i, arg in enumerate(argv):
        if not arg.startswith("-") and os.path.isfile(arg) and arg.endswith(".py"):
            return argv[:i], arg, argv[i + 1:]
    if any(a in ("-h", "--help") for a in argv):
        return argv, None, []  # argparse prints the help and exits
    raise SystemExit("error: no python script given (usage: ... [options] [--] script.py [args])")


def apply_config(cfg, args):
    cfg.include_args = bool(args.include_args) or cfg.include_args
    if args.include_line is not None:
        cfg.include_line = True
    if args.include_file is not None:
        cfg.include_filename = True
    cfg.full_filepath = bool(args.full_filepath) or cfg.full_filepath
    cfg.verbosity = args.verbosity
    cfg.skip_functions = args.skip_funcs
    cfg.skip_filenames = args.skip_files
    cfg.only_functions = args.only_funcs
    cfg.only_filenames = args.only_files
    if getattr(args, "trace_c", False):
        cfg.trace_c = True
    if getattr(args, "max_stack_depth", None) is not None:
        cfg.max_stack_depth = args.max_stack_depth


def prepare_output(script, outdir):
    import timemory

    if outdir:
        os.environ["TIMEMORY_OUTPUT_PATH"] = outdir
    init = getattr(timemory, "init", None) or getattr(timemory, "initialize", None)
    if init is not None:
        init([script])


def run_script(script, script_args, runner, setup=None):
    """Run `script` as __main__ through runner(code, namespace); returns the exit status."""
    sys.argv[:] = [script] + list(script_args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    main = types.ModuleType("__main__")
    main.__dict__.update({"__file__": script, "__builtins__": builtins, "__package__": None,
                          "__cached__": None})
    sys.modules["__main__"] = main
    if setup:
        with open(setup, "rb") as f:
            exec(compile(f.read(), setup, "exec"), main.__dict__)
    with open(script, "rb") as f:
        code = compile(f.read(), script, "exec")
    try:
        runner(code, main.__dict__)
    except SystemExit as e:
        return e.code
    return 0


def finalize():
    import timemory

    fin = getattr(timemory, "finalize", None)
    if fin is not None:
        fin()


def run_under(hook_cls, fake_cls, config, prog, doc, builtin_names, argv=None, tracer=False):
    """The command line shared by `python -m timemory.profiler` and `python -m timemory.trace`:
    parse options, configure, run the script under a `hook_cls` instance, write the outputs."""
    argv = list(sys.argv[1:] if argv is None else argv)
    options, script, script_args = split_argv(argv)
    parser = argparse.ArgumentParser(prog=prog,
                                     usage="%(prog)s [options] [--] script.py [args...]",
                                     description=" ".join(doc.split("\n\n")[1].split()))
    add_filter_arguments(parser, tracer=tracer)
    args = parser.parse_args(options)
    apply_config(config, args)
    prepare_output(script, args.output_dir)
    hook = hook_cls(args.components)

    if args.builtin:
        # `@profile` / `@trace` in the script mark what to measure; nothing else is hooked.
        setattr(builtins, builtin_names[0], hook)
        setattr(builtins, builtin_names[1], fake_cls())

        def runner(code, ns):
            exec(code, ns, ns)

    else:

        def runner(code, ns):
            hook.runctx(code, ns, ns)

    status = run_script(script, script_args, runner, args.setup)
    finalize()
    return status


def main(argv=None):
    from .profiler import Config, FakeProfiler, Profiler

    return run_under(Profiler, FakeProfiler, Config, "python -m timemory.profiler", __doc__,
                     ("profile", "noprofile"), argv)


if __name__ == "__main__":
    sys.exit(main())
