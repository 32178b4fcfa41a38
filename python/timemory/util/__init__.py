"""Decorators and context managers: marker (= auto_tuple), auto_timer, timer, rss_usage.

    from timemory.util import marker

    @marker(["wall_clock", "peak_rss"])
    def work(): ...

    with marker(["wall_clock"], key="setup", flat=False, timeline=False):
        ...

`import timemory.util.marker as marker` also works and binds the same class (timemory 3's Python
documentation writes it that way). How: ``timemory.util.marker`` is registered in ``sys.modules``
as the ``marker`` class itself, so the import system finds it without a ``marker.py`` file, and
``import a.b.c as m`` binds the attribute ``a.b.c``, which is the class. ``auto_timer`` is
registered the same way.
"""

import sys as _sys

from .util import base_decorator, auto_timer, timer, rss_usage, marker, auto_tuple, context

__all__ = ["base_decorator", "auto_timer", "timer", "rss_usage", "marker", "auto_tuple"]

for _name in ("marker", "auto_timer"):
    _sys.modules.setdefault(__name__ + "." + _name, globals()[_name])
del _name
