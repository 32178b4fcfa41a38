"""Named regions: the calls C, C++ and Fortran make through timemory/library.h.

    import timemory
    timemory.region.set_default(["wall_clock", "peak_rss"])   # optional (default: wall_clock)
    timemory.region.push("work_region")
    ...
    timemory.region.pop("work_region")

    rid = timemory.region.begin("step")    # by handle; end() on the same thread
    timemory.region.end(rid)

Functions: push, pop, pause, resume, is_paused, open_count, set_default, get_default,
add_components, remove_components, push_components, pop_components, begin, end; class
marker_site (the per-place bundle timemory.util.marker uses). Regions are per thread and not
throttled (timemory.trace.push/pop are). Traces measure their own components
(timemory.trace.init / timemory.trace.set_default): set_default here does not change them, and
they do not change it. This package re-exports the compiled submodule
timemory.libs.libpytimemory.region.
"""

from ..libs import libpytimemory as _lib

_region = _lib.region

__all__ = [_name for _name in dir(_region) if not _name.startswith("_")]
globals().update({_name: getattr(_region, _name) for _name in __all__})
