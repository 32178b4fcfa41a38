"""Function profiler: every Python call becomes a call-graph node ("func/file.py:LINE").

The profile hook is C++ (``libpytimemory.profiler``, a CPython C profile function). Python only
decides, once per code object and configuration, whether a function is kept and what its label
is; after that a call costs the hook alone.

    from timemory.profiler import Profiler, Config

    Config.only_filenames = [__file__]

    @Profiler(["wall_clock", "cpu_clock"])
    def work(): ...

    with Profiler(["wall_clock"]):
        work()
"""

import functools
import os
import re
import threading

from ..libs.libpytimemory import profiler as _cprofiler

__all__ = [
    "Profiler",
    "Config",
    "config",
    "FakeProfiler",
    "profile",
    "noprofile",
    "profiler_function",
    "profiler_init",
    "profiler_finalize",
]

#: Python-level entry of the C hook (what sys.getprofile() returns while profiling).
profiler_function = _cprofiler.profiler_function

_TIMEMORY_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

_DEFAULT_SKIP_FUNCTIONS = [
    r"^(FILE|FUNC|LINE)$",
    r"^get_fcode$",
    r"^_(_exit__|handle_fromlist|shutdown|get_sep)$",
    r"^is(function|class)$",
    r"^basename$",
    r"^<.*>$",
]
_DEFAULT_SKIP_FILENAMES = [
    r"(__init__|__main__|functools|encoder|decoder|_pylab_helpers|threading).py$",
    r"^<.*>$",
]


# ---- configuration ---------------------------------------------------------------------------


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (str, bytes)):
        return [value]
    return list(value)


class _FilterMeta(type):
    """Class-level filter lists. As in timemory, assigning *adds* to a list (defaults stay);
    ``Config.reset()`` restores the defaults."""

    def _filter(name):
        def getter(cls):
            return list(cls._filters[name])

        def setter(cls, value):
            items = cls._filters[name]
            for item in _as_list(value):
                item = str(item)
                if item not in items:
                    items.append(item)

        return property(getter, setter, doc="regular expressions (re.search); assigning adds")

    only_functions = _filter("only_functions")
    only_filenames = _filter("only_filenames")
    skip_functions = _filter("skip_functions")
    skip_filenames = _filter("skip_filenames")
    del _filter


class _FilterConfig(metaclass=_FilterMeta):
    _filters = None  # set per subclass

    @classmethod
    def reset(cls):
        """Restore the default filter lists."""
        cls._filters = {
            "only_functions": [],
            "only_filenames": [],
            "skip_functions": list(_DEFAULT_SKIP_FUNCTIONS),
            "skip_filenames": list(_DEFAULT_SKIP_FILENAMES),
        }


class Config(_FilterConfig):
    """Profiler options, read when a profiling session starts.

    Labels are ``func/file.py:LINE`` (LINE is the function's first line); ``include_filename``,
    ``include_line``, ``full_filepath`` and ``include_args`` change them. Filters are regular
    expressions matched with ``re.search``: a function is kept when it matches one of
    ``only_functions`` (if any), its file one of ``only_filenames`` (if any), and neither matches
    ``skip_functions`` / ``skip_filenames``. Frames inside the timemory package are skipped unless
    ``include_internal``. ``trace_c`` also records calls of builtins (C functions) made from kept
    functions. Calls nested deeper than ``max_stack_depth`` recorded calls are not recorded.
    ``nvtx`` also mirrors every recorded call as an NVTX range in the "timemory" domain, as
    regions and markers always are (off by default: a range per Python call is a lot of ranges).
    """

    _is_running = False
    trace_c = False
    include_internal = False
    include_args = False
    include_line = True
    include_filename = True
    full_filepath = False
    max_stack_depth = 65535
    nvtx = False
    verbosity = 0


Config.reset()
config = Config


def _compile(patterns):
    return [re.compile(p) for p in patterns]


class _Decider:
    """Snapshot of a Config class when a session starts: compiled filters and label format."""

    def __init__(self, cfg):
        f = cfg._filters
        self.only_functions = _compile(f["only_functions"])
        self.only_filenames = _compile(f["only_filenames"])
        self.skip_functions = _compile(f["skip_functions"])
        self.skip_filenames = _compile(f["skip_filenames"])
        self.include_internal = bool(cfg.include_internal)
        self.include_args = bool(cfg.include_args)
        self.include_line = bool(cfg.include_line)
        self.include_filename = bool(cfg.include_filename)
        self.full_filepath = bool(cfg.full_filepath)

    def keep_function(self, name):
        if self.only_functions and not any(r.search(name) for r in self.only_functions):
            return False
        return not any(r.search(name) for r in self.skip_functions)

    def keep(self, code):
        filename = code.co_filename
        if not self.include_internal and filename.startswith(_TIMEMORY_DIR):
            return False
        if not self.keep_function(code.co_name):
            return False
        if self.only_filenames and not any(r.search(filename) for r in self.only_filenames):
            return False
        return not any(r.search(filename) for r in self.skip_filenames)

    def function_name(self, code):
        name = code.co_name
        if self.include_args:
            n = code.co_argcount + code.co_kwonlyargcount
            n += bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)  # *args, **kwargs
            name += "({})".format(", ".join(code.co_varnames[:n]))
        return name

    def filename(self, code):
        return code.co_filename if self.full_filepath else os.path.basename(code.co_filename)

    def profiler_label(self, code):
        """'func/file.py:LINE' or None when the code is filtered out."""
        if not self.keep(code):
            return None
        label = self.function_name(code)
        if self.include_filename:
            label += "/" + self.filename(code)
        if self.include_line:
            label += ":{}".format(code.co_firstlineno)
        return label

    def builtin_label(self, name):
        return name if self.keep_function(name.rsplit(".", 1)[-1]) else None


# ---- components and settings -----------------------------------------------------------------


def _component_names(components):
    """Ids from strings, enum values, or callables returning either (lower-case, unique)."""
    out = []
    for item in _as_list(components):
        if callable(item) and not isinstance(item, type) and not hasattr(item, "name"):
            out.extend(_component_names(item()))
            continue
        name = getattr(item, "name", None)
        name = name if isinstance(name, str) else str(item)
        for part in re.split(r"[,;\s]+", name.strip()):
            part = part.lower()
            if part and part not in out:
                out.append(part)
    return out


def _resolve_components(own, kind):
    """The constructor's list plus the settings' list for this kind, wall_clock when both are
    empty."""
    names = list(own)
    for extra in _component_names(_cprofiler.default_components(kind)):
        if extra not in names:
            names.append(extra)
    return names or ["wall_clock"]


def _validate(names):
    """ValueError naming valid ids for an unknown component."""
    _cprofiler.validate(names)
    return names


# ---- sessions ----------------------------------------------------------------------------------


class _Session:
    """Process-wide bookkeeping of nested/concurrent starts (one hook per thread). Each kind of
    hook has its own, so that profilers and tracers nest independently."""

    def __init__(self):
        self.lock = threading.RLock()
        self.depth = 0  # starts not yet stopped, all threads
        self.local = threading.local()  # .depth: starts not yet stopped on this thread
        self.thread_hook = None  # what _session_begins() replaced, if anything

    def thread_depth(self):
        return getattr(self.local, "depth", 0)


_session = _Session()


class _HookUser:
    """start()/stop(), decorator, context manager and run/runctx/runcall for the owner of a C
    hook (Profiler, Tracer).

    Starts nest, on one thread or several: the first start of the process configures the hook,
    the first start on a thread installs it there, the last stop on a thread removes it (restoring
    what that thread had), and the last stop of all ends the session. A subclass supplies what
    differs:

    - ``_hook_session``: its _Session;
    - ``_hook_module``: the C submodule with ``start()`` and ``stop(last)``;
    - ``_config``: its Config class, whose ``_is_running`` is True during a session;
    - ``configure()`` (components and filters for the session) and ``is_enabled()``;
    - optionally ``_session_begins(session)`` / ``_session_ends(session)``, called under the
      session lock, for process-wide set-up beyond the per-thread hook.
    """

    def _session_begins(self, session):
        pass

    def _session_ends(self, session):
        pass

    def start(self):
        """Start (or join) the session on this thread; returns how often this object is running."""
        if not self.is_enabled():
            return self._count
        s = self._hook_session
        with s.lock:
            if s.depth == 0:
                self.configure()
                self._session_begins(s)
                self._config._is_running = True
            if s.thread_depth() == 0:
                self._hook_module.start()
            s.depth += 1
            s.local.depth = s.thread_depth() + 1
            self._count += 1
        return self._count

    def stop(self):
        """Undo one start(); the last one on a thread removes the hook and restores the previous
        one, the last of all ends the session."""
        s = self._hook_session
        with s.lock:
            if self._count == 0 or s.thread_depth() == 0:
                return self._count
            self._count -= 1
            s.depth -= 1
            s.local.depth = s.thread_depth() - 1
            if s.local.depth == 0:
                self._hook_module.stop(last=s.depth == 0)
            if s.depth == 0:
                self._session_ends(s)
                self._config._is_running = False
        return self._count

    def __call__(self, func):
        @functools.wraps(func)
        def function_wrapper(*args, **kwargs):
            self.start()
            try:
                return func(*args, **kwargs)
            finally:
                self.stop()

        return function_wrapper

    def __enter__(self, *args, **kwargs):
        self.start()
        return self

    def __exit__(self, exc_type, exc_value, exc_traceback):
        self.stop()
        return False

    def run(self, cmd):
        import __main__

        return self.runctx(cmd, __main__.__dict__, __main__.__dict__)

    def runctx(self, cmd, globals, locals):
        self.start()
        try:
            exec(cmd, globals, locals)
        finally:
            self.stop()
        return self

    def runcall(self, func, *args, **kwargs):
        self.start()
        try:
            return func(*args, **kwargs)
        finally:
            self.stop()

    def __del__(self):
        try:
            while self._count > 0 and self._hook_session.thread_depth() > 0:
                self.stop()
        except Exception:
            pass



class _NoHook:
    """The interface of _HookUser that measures nothing (FakeProfiler, FakeTracer)."""

    @staticmethod
    def condition(functor):
        pass

    @staticmethod
    def is_enabled():
        return False

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, func):
        @functools.wraps(func)
        def function_wrapper(*args, **kwargs):
            return func(*args, **kwargs)

        return function_wrapper

    def __enter__(self, *args, **kwargs):
        return self

    def __exit__(self, exc_type, exc_value, exc_traceback):
        return False

    def start(self):
        return 0

    def stop(self):
        return 0

    def configure(self):
        return []

    def run(self, cmd):
        import __main__

        exec(cmd, __main__.__dict__, __main__.__dict__)
        return self

    def runctx(self, cmd, globals, locals):
        exec(cmd, globals, locals)
        return self

    def runcall(self, func, *args, **kwargs):
        return func(*args, **kwargs)


class Profiler(_HookUser):
    """Profile every Python call made while it runs (decorator, context manager, or start/stop).

    ``components``: ids such as ``"wall_clock"`` (merged with ``settings.profiler_components``;
    ``wall_clock`` when both are empty). ``flat``: every function at depth 0. ``timeline``: every
    call its own entry. Unknown component ids raise ValueError here, not later. Profilers nest: the
    outermost running one chooses the components; the hook (and the threading hook for threads
    started meanwhile) is removed, and what was installed before restored, when the last stops.
    """

    _hook_session = _session
    _hook_module = _cprofiler
    _config = Config
    _conditional_functor = staticmethod(lambda: True)

    @staticmethod
    def condition(functor):
        """Profile only while functor() is true (checked at start)."""
        Profiler._conditional_functor = staticmethod(functor)

    @staticmethod
    def is_enabled():
        try:
            return bool(Profiler._conditional_functor())
        except Exception:
            return False

    def __init__(self, components=[], flat=False, timeline=False, **kwargs):
        self.components = _validate(_component_names(components))
        self.flat = bool(flat)
        self.timeline = bool(timeline)
        self.debug = kwargs.get("debug", False)
        self._count = 0

    def configure(self):
        names = _validate(_resolve_components(self.components, "profiler"))
        flat, timeline = _cprofiler.scope_settings()
        decider = _Decider(Config)
        _cprofiler.configure(
            names,
            flat=self.flat or flat,
            timeline=self.timeline or timeline,
            trace_c=bool(Config.trace_c),
            nvtx=bool(Config.nvtx),
            max_stack_depth=int(Config.max_stack_depth),
            decide=decider.profiler_label,
            decide_c=decider.builtin_label,
        )
        return names

    def _session_begins(self, session):
        # Threads started during the session profile too (the tracer does not: timemory's did not).
        session.thread_hook = threading.getprofile()
        threading.setprofile(profiler_function)

    def _session_ends(self, session):
        threading.setprofile(session.thread_hook)
        session.thread_hook = None


class FakeProfiler(_NoHook):
    """Same interface as Profiler, measures nothing (``noprofile``)."""


def profiler_init(components=[], flat=False, timeline=False):
    """Start a module-level profiler (timemory's profiler_init)."""
    global _module_profiler
    _module_profiler = Profiler(components, flat=flat, timeline=timeline)
    _module_profiler.start()
    return _module_profiler


def profiler_finalize():
    """Stop the profiler started by profiler_init()."""
    global _module_profiler
    if _module_profiler is not None:
        while _module_profiler.stop() > 0:
            pass
        _module_profiler = None


_module_profiler = None

profile = Profiler
noprofile = FakeProfiler
