"""The compiled half of timemory: the pybind11 module ``libpytimemory`` and its re-exports.

Everything the module defines at top level (functions such as ``init`` and ``finalize``, classes
such as ``settings``) and its submodules (``component``, ``storage``, ``scope``, ``units``,
``signals``, ``hardware_counters``, ``region``, ``trace``, ``profiler``) is available here.
"""

from . import libpytimemory
from .libpytimemory import *  # noqa: F401,F403

# The classes listed by help(timemory) are shown as timemory.libs.<name>.
for _name in ("auto_timer", "component_bundle", "manager", "rss_usage", "settings", "timer"):
    _cls = getattr(libpytimemory, _name, None)
    if isinstance(_cls, type):
        try:
            _cls.__module__ = __name__
        except (AttributeError, TypeError):
            pass

del _name, _cls
