"""Line tracer: every source line of a traced function is a row "<source>  [func/file.py:LINE]".

The trace hook is C++ (``libpytimemory.trace``, a CPython C trace function). Each line event adds
one count and the time since the previous line event on the thread to the previous line's row;
the function's ``def`` row records each whole call. Lines that never ran are listed with empty
cells. Python only decides, once per code object, whether it is traced and what its rows are.

    from timemory.trace import Tracer, Config
    Config.only_filenames = [__file__]

    @Tracer(["wall_clock"])
    def work(): ...
"""

import ast
import inspect
import io
import linecache
import sys
import tokenize

from ..libs.libpytimemory import trace as _ctrace
from .._hooks import (Decider, FilterConfig, HookUser, NoHook, Session, component_names,
                      resolve_components, validate)

__all__ = [
    "Tracer",
    "Config",
    "config",
    "FakeTracer",
    "trace",
    "notrace",
    "tracer_function",
    "tracer_init",
    "tracer_finalize",
]

#: Python-level entry of the C hook (what sys.gettrace() returns while tracing).
tracer_function = _ctrace.tracer_function


class Config(FilterConfig):
    """Tracer options, read when a tracing session starts.

    Rows are labelled ``[func/file.py:LINE]`` (LINE zero-padded to the file's line count);
    ``include_filename``, ``include_line``, ``full_filepath`` and ``include_args`` change the
    bracket. Filters work as in ``timemory.profiler.Config`` (assigning a list adds to it;
    ``Config.reset()`` restores the defaults).
    """

    _is_running = False
    include_internal = False
    include_args = False
    include_line = True
    include_filename = True
    full_filepath = False
    verbosity = 0


Config.reset()
config = Config


# ---- rows of a code object ---------------------------------------------------------------------


def _block_end(lines, first):
    """Index (exclusive, 0-based) of the end of the block starting at lines[first]."""
    try:
        return first + len(inspect.getblock(lines[first:]))
    except Exception:
        return first + 1


def _docstring_lines(lines, start, end):
    """Line numbers (1-based) of the docstring of the def/class starting at lines[start]."""
    try:
        text = "".join(lines[start:end])
        first_indent = len(lines[start]) - len(lines[start].lstrip())
        tree = ast.parse(_dedent(text, first_indent))
    except Exception:
        return set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                doc = body[0]
                return set(range(start + doc.lineno, start + doc.end_lineno + 1))
            return set()
    return set()


def _dedent(text, indent):
    if indent == 0:
        return text
    out = []
    for line in io.StringIO(text):
        out.append(line[indent:] if line[:indent].isspace() else line.lstrip())
    return "".join(out)


def _def_line(lines, start, end):
    """1-based number of the 'def'/'class' line of a block (after its decorators)."""
    try:
        toks = tokenize.generate_tokens(io.StringIO("".join(lines[start:end])).readline)
        for tok in toks:
            if tok.type == tokenize.NAME and tok.string in ("def", "class"):
                return start + tok.start[0]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return start + 1


def _code_rows(code):
    """(def_line, [(line, source text)]) in source order, without blank/comment/docstring lines
    and without the bodies of nested functions/classes (they are rows of their own code)."""
    lines = linecache.getlines(code.co_filename)
    executed = sorted({ln for _, _, ln in code.co_lines() if ln})
    if not lines:
        return code.co_firstlineno, [(ln, "") for ln in executed], 0
    nlines = len(lines)
    if code.co_name == "<module>":
        start, end = 0, nlines
        def_line = 1
        doc = set()
    else:
        start = max(code.co_firstlineno - 1, 0)
        end = _block_end(lines, start)
        def_line = _def_line(lines, start, end)
        doc = _docstring_lines(lines, start, end)
    nested = set()
    for const in code.co_consts:
        if hasattr(const, "co_firstlineno") and start < const.co_firstlineno <= end:
            cstart = const.co_firstlineno - 1
            cend = _block_end(lines, cstart)
            cdef = _def_line(lines, cstart, cend)
            nested.update(range(cdef + 1, cend + 1))
    rows = []
    for ln in range(start + 1, end + 1):
        text = lines[ln - 1].rstrip("\r\n").expandtabs()
        stripped = text.strip()
        if not stripped or stripped.startswith("#") or ln in doc or ln in nested:
            continue
        rows.append((ln, text))
    known = {ln for ln, _ in rows}
    for ln in executed:  # lines the bytecode has but the block did not show
        if ln not in known and ln not in nested and start < ln <= nlines and ln not in doc:
            rows.append((ln, lines[ln - 1].rstrip("\r\n").expandtabs()))
    rows.sort()
    return def_line, rows, nlines


class _TraceDecider(Decider):
    def rows(self, code):
        """None (not traced) or (def_line, [(line, text, bracket)])."""
        if not self.keep(code):
            return None
        def_line, rows, nlines = _code_rows(code)
        width = len(str(nlines)) if nlines > 0 else 1
        prefix = self.function_name(code)
        if self.include_filename:
            prefix += "/" + self.filename(code)
        out = []
        for ln, text in rows:
            bracket = prefix + (":{:0{w}d}".format(ln, w=width) if self.include_line else "")
            out.append((ln, text, "[" + bracket + "]"))
        return def_line, out


# ---- sessions ----------------------------------------------------------------------------------


_session = Session()  # its own: tracers nest apart from profilers


class Tracer(HookUser):
    """Trace the lines of every (kept) Python function run while it runs, on the threads that
    start it. Decorator, context manager, or start/stop.

    ``components``: ids (merged with ``settings.trace_components``; ``wall_clock`` when both are
    empty). Rows are always flat. Unknown component ids raise ValueError here. The trace function
    that was installed before (a debugger, coverage) is replaced until the last Tracer stops, then
    restored; starting warns about it (RuntimeWarning), and so does stop() when another trace
    function replaced the Tracer's meanwhile.
    """

    _hook_session = _session
    _hook_module = _ctrace
    _hook_function = tracer_function
    _hook_get = staticmethod(sys.gettrace)
    _hook_kind = "trace"
    _config = Config
    def __init__(self, components=[], **kwargs):
        self.components = validate(component_names(components))
        self.debug = kwargs.get("debug", False)
        self._count = 0

    def configure(self):
        names = resolve_components(self.components, "trace")
        _ctrace.configure(names, decide=_TraceDecider(Config).rows)
        return names


class FakeTracer(NoHook):
    """Same interface as Tracer, measures nothing (``notrace``)."""


def tracer_init(components=[]):
    """Start a module-level tracer."""
    global _module_tracer
    _module_tracer = Tracer(components)
    _module_tracer.start()
    return _module_tracer


def tracer_finalize():
    """Stop the tracer started by tracer_init()."""
    global _module_tracer
    if _module_tracer is not None:
        while _module_tracer.stop() > 0:
            pass
        _module_tracer = None


_module_tracer = None

trace = Tracer
notrace = FakeTracer
