"""What timemory.profiler and timemory.trace share: the owner of a C hook (HookUser), its no-op
twin (NoHook), the per-kind session bookkeeping (Session), the filter configuration (FilterConfig)
and its per-session snapshot (Decider), and component-name handling.

Each of the two packages adds its own Config (a FilterConfig), Session and C submodule.
"""

import functools
import os
import re
import sys
import threading
import warnings

from . import _sliced
from .libs.libpytimemory import profiler as _cprofiler

__all__ = ["FilterConfig", "Decider", "Session", "HookUser", "NoHook", "component_names",
           "resolve_components", "validate"]

_TIMEMORY_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

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


class FilterConfig(metaclass=_FilterMeta):
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


def _compile(patterns):
    return [re.compile(p) for p in patterns]


class Decider:
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


def component_names(components):
    """Ids from strings, enum values, or callables returning either (lower-case, unique)."""
    out = []
    for item in _as_list(components):
        if callable(item) and not isinstance(item, type) and not hasattr(item, "name"):
            out.extend(component_names(item()))
            continue
        name = getattr(item, "name", None)
        name = name if isinstance(name, str) else str(item)
        for part in re.split(r"[,;\s]+", name.strip()):
            part = part.lower()
            if part and part not in out:
                out.append(part)
    return out


def resolve_components(own, kind):
    """The constructor's list plus the settings' list for this kind, wall_clock when both are
    empty."""
    names = list(own)
    for extra in component_names(_cprofiler.default_components(kind)):
        if extra not in names:
            names.append(extra)
    return names or ["wall_clock"]


def validate(names):
    """ValueError naming valid ids for an unknown component."""
    _cprofiler.validate(names)
    return names


# ---- sessions ----------------------------------------------------------------------------------


class Session:
    """Process-wide bookkeeping of nested/concurrent starts (one hook per thread). Each kind of
    hook has its own, so that profilers and tracers nest independently."""

    def __init__(self):
        self.lock = threading.RLock()
        self.depth = 0  # starts not yet stopped, all threads
        self.local = threading.local()  # .depth: starts not yet stopped on this thread
        self.thread_hook = None  # what _session_begins() replaced, if anything

    def thread_depth(self):
        return getattr(self.local, "depth", 0)


class HookUser:
    """start()/stop(), decorator, context manager and run/runctx/runcall for the owner of a C
    hook (Profiler, Tracer).

    Starts nest, on one thread or several: the first start of the process configures the hook,
    the first start on a thread installs it there, the last stop on a thread removes it (restoring
    what that thread had), and the last stop of all ends the session. A subclass supplies what
    differs:

    - ``_hook_session``: its Session;
    - ``_hook_module``: the C submodule with ``start()`` and ``stop(last)``;
    - ``_config``: its Config class, whose ``_is_running`` is True during a session;
    - ``configure()`` (components and filters for the session);
    - optionally ``_session_begins(session)`` / ``_session_ends(session)``, called under the
      session lock, for process-wide set-up beyond the per-thread hook.
    """

    _conditional_functor = staticmethod(lambda: True)

    @classmethod
    def condition(cls, functor):
        """Start only while functor() is true (checked at each start), for this class."""
        cls._conditional_functor = staticmethod(functor)

    @classmethod
    def is_enabled(cls):
        """False while the condition() functor says no (or raises)."""
        try:
            return bool(cls._conditional_functor())
        except Exception:
            return False

    # What a subclass names for the checks below: the Python-level face of its hook, how to read
    # the thread's current hook, what sets it, and whether it forwards events to the hook it finds
    # installed at start (else that one is replaced until stop()).
    _hook_function = None
    _hook_get = staticmethod(sys.getprofile)
    _hook_kind = "profile"
    _hook_chains = False

    def _check_replacing(self):
        """Warn when starting on this thread takes the events of another hook."""
        other = self._hook_get()
        if self._hook_chains or other is None or other is self._hook_function:
            return
        warnings.warn(
            "{}: starting replaces the {} function {} on this thread until stop() "
            "(sys.set{} holds one function per thread); it sees no events meanwhile".format(
                _who(self), self._hook_kind, _describe(other), self._hook_kind),
            RuntimeWarning, stacklevel=3)

    def _check_displaced(self):
        """Warn when this thread's hook was replaced or removed by someone else while running."""
        if not self._hook_module.installed():
            return
        other = self._hook_get()
        if other is self._hook_function:
            return
        kind = self._hook_kind
        advice = ""
        if other is None:
            what = ("its {} function was removed from this thread while it ran (sys.set{}(None), "
                    "or a profiler started before it, such as cProfile, was stopped meanwhile)"
                    ).format(kind, kind)
        else:
            what = ("{} replaced its {} function on this thread while it ran (sys.set{} holds "
                    "one function per thread)").format(_describe(other), kind, kind)
            if self._hook_chains:
                advice = "; start {} first and both see every call".format(_describe(other))
        warnings.warn("{}: {}, so what ran after that was not recorded by timemory{}".format(
            _who(self), what, advice), RuntimeWarning, stacklevel=3)

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
                self._check_replacing()
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
                self._check_displaced()
                self._hook_module.stop(last=s.depth == 0)
            if s.depth == 0:
                self._session_ends(s)
                self._config._is_running = False
        return self._count

    def __call__(self, func):
        # Coroutines and generators: running only while their body runs, slice by slice (the
        # hook is per thread, and other coroutines run on it between two slices).
        if _sliced.kind(func) is not None:
            slices = (self.start, self.stop, _sliced.noop)
            return _sliced.wrap(func, lambda args, kwargs: slices)

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


def _who(hook_user):
    cls = type(hook_user)
    return "{}.{}".format(cls.__module__.rsplit(".", 1)[0], cls.__qualname__)


def _describe(hook):
    """'cProfile.Profile', 'module.function' or the repr of what sys.getprofile() returned."""
    owner = hook if callable(hook) and hasattr(hook, "__qualname__") else type(hook)
    module = getattr(owner, "__module__", None)
    name = getattr(owner, "__qualname__", None)
    return "{}.{}".format(module, name) if module and name else repr(hook)


class NoHook:
    """The interface of HookUser that measures nothing (FakeProfiler, FakeTracer)."""

    @staticmethod
    def condition(functor):
        pass

    @staticmethod
    def is_enabled():
        return False

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, func):
        if _sliced.kind(func) is not None:
            return func  # stays a coroutine / generator function

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
