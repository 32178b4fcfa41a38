"""Decorators and context managers that record into timemory's call graph.

Every class here works both ways::

    @marker(["wall_clock", "peak_rss"])
    def solve(n): ...

    with marker(["wall_clock"], key="setup", flat=True):
        ...

Labels (``mode``; the default ``"defer"`` picks ``"basic"`` for a decorator and ``"blank"`` for a
context manager, as timemory did):

=========  =================================================  ===============================
mode       label                                              example
=========  =================================================  ===============================
blank      ``key`` + args                                     ``setup``
basic      ``func`` + args + ``/key``                         ``solve``, ``solve/fast``
full       ``func`` + args + ``@file:line`` + ``/key``        ``solve@run.py:12/fast``
=========  =================================================  ===============================

Leading/trailing ``/`` are stripped. For a decorator ``func`` is the wrapped function's name,
``file:line`` the file (basename) and first line (the first decorator) of its definition. For a
context manager ``func`` is the function containing the ``with`` statement and ``file:line`` the
``with`` line. A blank label that comes out empty (``with marker([...]):`` without a key) uses the
basic label instead: the enclosing function's name (timemory produced an empty label there).
``add_args=True`` appends the call's arguments, ``(n=3)``; ``is_class=True`` prefixes methods with
the class of their first argument, ``Solver.solve``.

An exception raised inside a decorated function or ``with`` block propagates unchanged, after the
region is closed. Unknown component names raise ValueError listing the valid names (timemory
dropped them silently).

On an ``async def`` function, a generator function or an async generator function, a decorator
measures the body each time it runs, from a resumption (an event-loop step, ``next()``, ``send()``)
until it yields back (an ``await`` that suspends, a ``yield``, the end): every such slice adds to
the call's node, so the value is the time the body was running, without the time it was suspended,
and the count is the number of slices (``timemory._sliced``). The decorated function keeps its
kind (``inspect.iscoroutinefunction`` and friends). ``timer``, ``auto_timer(report_at_exit=True)``
and ``rss_usage`` print one report per call, with the totals of its slices;
``marker(report_at_exit=True)`` raises TypeError there (it reports one measurement per stop).
"""

import functools
import inspect
import os
import sys
import threading

from .. import _sliced
from ..libs import libpytimemory as _lib

__all__ = ["base_decorator", "auto_timer", "timer", "rss_usage", "marker", "auto_tuple"]

_region = _lib.region


class context:
    """Label modes of base_decorator (timemory's enum values)."""

    blank = 0
    basic = 1
    full = 2
    defer = 3


_MODES = {
    "blank": context.blank,
    "basic": context.basic,
    "full": context.full,
    "defer": context.defer,
}


def _resolve_mode(mode):
    if isinstance(mode, int) and mode in _MODES.values():
        return mode
    try:
        return _MODES[str(mode).lower()]
    except KeyError:
        raise ValueError(
            "unknown mode {!r}; valid: {}".format(mode, ", ".join(sorted(_MODES)))
        ) from None


def _format_args(func, args, kwargs, skip_first=False):
    """'(a=1, b=2)' like inspect.formatargvalues, for the wrapped function's parameters
    (skip_first: leave out `self`)."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
        bound.apply_defaults()
        items = list(bound.arguments.items())
    except (TypeError, ValueError):
        items = [("arg{}".format(i), a) for i, a in enumerate(args)] + list(kwargs.items())
    if skip_first:
        items = items[1:]
    return "(" + ", ".join("{}={!r}".format(k, v) for k, v in items) + ")"


class base_decorator(object):
    """Label rules shared by the decorators (see the module documentation).

    key: text appended to (basic, full) or used as (blank) the label.
    add_args: append the arguments of each call to the label.
    is_class: prefix the label with the class name of the first argument ("Cls.method").
    mode: "defer" (default), "blank", "basic" or "full".
    """

    def __init__(self, key="", add_args=False, is_class=False, mode="defer"):
        self.key = str(key) if key is not None else ""
        self.add_args = bool(add_args)
        self.is_class = bool(is_class)
        self.mode = _resolve_mode(mode)
        self._local = threading.local()

    # ---- labels -------------------------------------------------------------------------------

    def _decorator_mode(self):
        return context.basic if self.mode == context.defer else self.mode

    def _context_mode(self):
        return context.blank if self.mode == context.defer else self.mode

    def _compose(self, mode, func, args, filename, line):
        if mode == context.blank:
            label = "{}{}".format(self.key, args)
        elif mode == context.basic:
            label = "{}{}/{}".format(func, args, self.key)
        else:
            label = "{}{}@{}:{}/{}".format(func, args, filename, line, self.key)
        return label.strip("/")

    def decorator_label(self, func, args=(), kwargs=None):
        """Label for a call of the decorated `func` with these arguments."""
        name = getattr(func, "__name__", str(func))
        if self.is_class and args:
            name = "{}.{}".format(type(args[0]).__name__, name)
        _args = ""
        if self.add_args:
            _args = _format_args(func, args, kwargs or {}, skip_first=self.is_class and bool(args))
        code = getattr(func, "__code__", None)
        filename = os.path.basename(code.co_filename) if code else "unknown"
        line = code.co_firstlineno if code else 0
        return self._compose(self._decorator_mode(), name, _args, filename, line)

    def context_label(self, frame):
        """Label for a `with` statement executing in `frame`."""
        code = frame.f_code
        _args = ""
        if self.add_args:
            _args = inspect.formatargvalues(*inspect.getargvalues(frame))
        func = code.co_name
        filename = os.path.basename(code.co_filename)
        mode = self._context_mode()
        label = self._compose(mode, func, _args, filename, frame.f_lineno)
        if not label and mode == context.blank:
            label = self._compose(context.basic, func, _args, filename, frame.f_lineno)
        return label

    # ---- per-thread stack of open context-manager entries -------------------------------------

    def _push_entry(self, entry):
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        stack.append(entry)

    def _pop_entry(self):
        stack = getattr(self._local, "stack", None)
        return stack.pop() if stack else None

    # ---- subclass interface: start a measurement under a label, stop it -------------------------

    def _begin(self, label):  # pragma: no cover - overridden
        raise NotImplementedError

    def _end(self, handle):  # pragma: no cover - overridden
        raise NotImplementedError

    def _slices(self, label):
        """(begin, end, finish) for one call of a coroutine or generator function: each slice is
        one _begin/_end pair under the call's label (a call's slices never overlap)."""
        handles = []

        def begin():
            handles.append(self._begin(label))

        return begin, lambda: self._end(handles.pop()), _sliced.noop

    def _wrap_sliced(self, func):
        fixed = None if (self.add_args or self.is_class) else self.decorator_label(func)

        def start_call(args, kwargs):
            label = fixed if fixed is not None else self.decorator_label(func, args, kwargs)
            return self._slices(label)

        return _sliced.wrap(func, start_call)

    def __call__(self, func):
        if _sliced.kind(func) is not None:
            return self._wrap_sliced(func)
        begin, end = self._begin, self._end
        fixed = None if (self.add_args or self.is_class) else self.decorator_label(func)

        @functools.wraps(func)
        def function_wrapper(*args, **kwargs):
            label = fixed if fixed is not None else self.decorator_label(func, args, kwargs)
            handle = begin(label)
            try:
                return func(*args, **kwargs)
            finally:
                end(handle)

        return function_wrapper

    def __enter__(self):
        self._push_entry(self._begin(self.context_label(sys._getframe(1))))
        return self

    def __exit__(self, exc_type, exc_value, exc_traceback):
        self._end(self._pop_entry())
        return False  # never swallow the exception


class marker(base_decorator):
    """Record `components` into the call graph around a function or a `with` block.

    components: names (``timemory.component`` ids such as ``"wall_clock"``, ``"peak_rss"``,
        ``"trip_count"``), ``timemory.component.id`` values, or callables returning such lists.
        An empty list means the region defaults (``timemory.region.get_default()``).
    key, add_args, is_class, mode: label rules (module documentation).
    flat: every entry directly under the root (depth 0), aggregated by label.
    timeline: every entry is its own node (no aggregation, count 1).
    report_at_exit: print "label : values" each time the region closes.

    Unknown names raise ValueError listing the valid ones, when the marker is created. The
    components and the label are resolved once (per label); a decorated function is a C++
    callable (``timemory.region.marker_site.wrap``) that binds as a method and carries the
    function's name, docstring, signature (``__wrapped__``) and pickles by reference.
    """

    def __init__(
        self,
        components=[],
        key="",
        add_args=False,
        is_class=False,
        report_at_exit=False,
        mode="defer",
        flat=False,
        timeline=False,
    ):
        super(marker, self).__init__(key=key, add_args=add_args, is_class=is_class, mode=mode)
        self.components = components
        self.report_at_exit = bool(report_at_exit)
        self.flat = bool(flat)
        self.timeline = bool(timeline)
        self._scope = "timeline" if self.timeline else "flat" if self.flat else None
        self._dynamic = callable(components)
        self._sites = {}
        self._ctx_calls = {}
        # Validate now: a bad name is an error where the marker is written, not at first call.
        self._check = None if self._dynamic else self._site("")

    def _site(self, label):
        site = self._sites.get(label)
        if site is None or self._dynamic:
            comps = self.components() if self._dynamic else self.components
            site = _region.marker_site(comps, label, self._scope)
            if not self._dynamic:
                self._sites[label] = site
        return site

    def _begin(self, label):
        site = self._site(label)
        site.start()
        return site

    def __enter__(self):
        frame = sys._getframe(1)
        if self._dynamic or self.add_args or self.report_at_exit:
            site = self._begin(self.context_label(frame))
            self._push_entry(lambda: self._end(site))
            return self
        # The label depends only on the with-statement: cache its (start, stop) per (code, line).
        where = (frame.f_code, frame.f_lineno)
        calls = self._ctx_calls.get(where)
        if calls is None:
            calls = self._site(self.context_label(frame)).bound_calls()
            self._ctx_calls[where] = calls
        calls[0]()
        self._push_entry(calls[1])
        return self

    def __exit__(self, exc_type, exc_value, exc_traceback):
        stop = self._pop_entry()
        if stop is not None:
            stop()
        return False  # never swallow the exception

    def _end(self, site):
        if site is None:
            return
        if self.report_at_exit:
            print(site.stop_report())
        else:
            site.stop()

    def __call__(self, func):
        what = _sliced.kind(func)
        if what is not None and self.report_at_exit:
            raise TypeError(
                "marker(report_at_exit=True) cannot decorate {} function {!r}: it reports each "
                "stop, and a {} runs in several slices; use report_at_exit=False (every slice is "
                "recorded in the call graph), or timemory.util.timer / auto_timer("
                "report_at_exit=True), which report the total of a call's slices".format(
                    what, getattr(func, "__qualname__", func), what))
        if what is not None and not (self._dynamic or self.add_args or self.is_class):
            start, stop = self._site(self.decorator_label(func)).bound_calls()
            slices = (start, stop, _sliced.noop)
            return _sliced.wrap(func, lambda args, kwargs: slices)
        if self._dynamic or self.add_args or self.is_class or self.report_at_exit:
            return super(marker, self).__call__(func)
        # Fixed label: one site, and a C++ callable that runs start(); func(...); stop() (see
        # marker_site.wrap); it binds as a method and carries func's name, doc and __wrapped__.
        site = self._site(self.decorator_label(func))
        return functools.update_wrapper(site.wrap(func), func)


auto_tuple = marker


class auto_timer(base_decorator):
    """timemory.auto_timer (wall_clock, cpu_clock, cpu_util, peak_rss) around each call or block;
    recorded in the call graph. report_at_exit=True prints the values when it stops."""

    def __init__(self, key="", add_args=False, is_class=False, report_at_exit=False, mode="defer"):
        super(auto_timer, self).__init__(key=key, add_args=add_args, is_class=is_class, mode=mode)
        self.report_at_exit = bool(report_at_exit)

    def _begin(self, label):
        return _lib.auto_timer(label, self.report_at_exit)

    def _slices(self, label):
        # One auto_timer per call: a lap per slice (start() after stop() adds up), one report.
        handle = []

        def begin():
            if handle:
                handle[0].start()
            else:
                handle.append(_lib.auto_timer(label, False))

        def finish():
            if handle and self.report_at_exit:
                print(handle[0])

        return begin, (lambda: handle[0].stop()), finish

    def _end(self, handle):
        if handle is not None:
            handle.stop()


class timer(base_decorator):
    """timemory.timer started before and stopped after each call or block, then report()ed
    (printed to stdout); also recorded in the call graph."""

    def _begin(self, label):
        t = _lib.timer(label)
        t.start()
        return t

    def _end(self, handle):
        if handle is not None:
            handle.stop()
            handle.report()

    def _slices(self, label):
        t = _lib.timer(label)  # a lap per slice, one report of their sum
        return t.start, t.stop, t.report


class rss_usage(base_decorator):
    """Prints the change of resident memory (page_rss, peak_rss), page faults and context
    switches across each call or block. Not recorded in the call graph."""

    def _begin(self, label):
        return _lib.rss_usage(label, True)

    def _end(self, handle):
        if handle is None:
            return
        after = _lib.rss_usage(handle.label, True)
        after -= handle
        print(after)

    def _slices(self, label):
        total = _lib.rss_usage(label, False)  # zeros: the changes of the slices add up here
        before = []

        def end():
            nonlocal total
            total += _lib.rss_usage(label, True) - before.pop()

        return (lambda: before.append(_lib.rss_usage(label, True))), end, (lambda: print(total))
