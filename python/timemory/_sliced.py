"""Decorating coroutine, generator and async generator functions: measure every slice they run.

Calling such a function only creates the coroutine or generator; its body runs later, in slices:
from a send()/next() (an event-loop step, a for-loop iteration) until it yields back (suspends on an
await, yields an item, returns). Between two slices other coroutines may run on the same thread,
and timemory's regions are a per-thread stack, so a region opened at the first slice and closed at
the last would be closed out of order. So each slice is measured by itself, nested inside whatever
resumed it, and every slice adds to the same node: the node's value is the time the body was
running, not the wall time including suspension, and its count is the number of slices (a
coroutine that suspends once counts 2). timemory 3 had no support for these functions.

wrap(func, start_call) returns a function of the same kind; start_call(args, kwargs) runs at each
call and returns (begin, end, finish): begin()/end() around every slice, finish() once when the
coroutine or generator is done.
"""

import functools
import inspect

__all__ = ["kind", "wrap", "noop"]


def kind(func):
    """'coroutine', 'generator', 'async generator', or None for a plain callable."""
    if inspect.iscoroutinefunction(func):
        return "coroutine"
    if inspect.isasyncgenfunction(func):
        return "async generator"
    if inspect.isgeneratorfunction(func):
        return "generator"
    return None


def _drive(it, begin, end):
    """Run `it` (generator, coroutine, or an async generator's asend/athrow/aclose awaitable) to
    its end, yielding what it yields and passing sends and throws on; begin()/end() around every
    step. Returns what it returns."""
    value, error = None, None
    while True:
        begin()
        try:
            if error is None:
                out = it.send(value)
            else:
                out, error = it.throw(error), None
        except StopIteration as stop:
            return stop.value
        finally:
            end()
        value = None
        try:
            value = yield out
        except GeneratorExit:
            begin()
            try:
                it.close()
            finally:
                end()
            raise
        except BaseException as exc:  # thrown in by our caller: pass it on to `it`
            error = exc


class _Await:
    """`await _Await(gen)` runs the generator as the awaited iterator."""

    __slots__ = ("_gen",)

    def __init__(self, gen):
        self._gen = gen

    def __await__(self):
        return self._gen


def wrap(func, start_call):
    """A function of func's kind whose calls are measured slice by slice (module documentation);
    None when func is a plain callable."""
    what = kind(func)
    if what == "coroutine":

        async def coroutine_wrapper(*args, **kwargs):
            begin, end, finish = start_call(args, kwargs)
            try:
                return await _Await(_drive(func(*args, **kwargs), begin, end))
            finally:
                finish()

        return functools.wraps(func)(coroutine_wrapper)

    if what == "generator":

        def generator_wrapper(*args, **kwargs):
            begin, end, finish = start_call(args, kwargs)
            try:
                return (yield from _drive(func(*args, **kwargs), begin, end))
            finally:
                finish()

        return functools.wraps(func)(generator_wrapper)

    if what == "async generator":

        async def async_generator_wrapper(*args, **kwargs):
            begin, end, finish = start_call(args, kwargs)
            agen = func(*args, **kwargs)
            try:
                value, error = None, None
                while True:
                    step = agen.asend(value) if error is None else agen.athrow(error)
                    value = error = None
                    try:
                        item = await _Await(_drive(step, begin, end))
                    except StopAsyncIteration:
                        return
                    try:
                        value = yield item
                    except GeneratorExit:
                        await _Await(_drive(agen.aclose(), begin, end))
                        raise
                    except BaseException as exc:  # athrow() on us: pass it on
                        error = exc
            finally:
                finish()

        return functools.wraps(func)(async_generator_wrapper)
    return None


def noop():
    """finish() for decorators with nothing to do when a call ends."""
