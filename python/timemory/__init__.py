"""timemory: performance measurement for C, C++, CUDA and Python.

Importing the package initialises timemory (the output directory is named after the script:
``timemory-<script>-output``) and registers ``finalize()`` to run at exit, which writes every
output once. Set ``TIMEMORY_LIBRARY_CTOR=0`` to skip the initialisation at import and
``TIMEMORY_LIBRARY_DTOR=0`` to skip the finalisation at exit.

    import timemory
    from timemory.component import WallClock
    from timemory.util import marker

    timemory.settings.timing_units = "msec"
    with marker(["wall_clock", "peak_rss"]):
        work()
    timemory.finalize()

Where timemory 3's names live (``lib`` is the compiled module timemory.libs.libpytimemory, built
from python/src/<file>.cpp; the other files are under python/timemory/):

=============================================  ==============================================
timemory 3 name                                here
=============================================  ==============================================
timemory.init, initialize, finalize, report,   lib (top_level.cpp), exposed by the table
enable, disable, toggle, get, get_text, ...    ``_FROM_LIB`` below as Python functions
timemory.auto_timer, component_bundle,         lib classes (region_classes.cpp), shown as
manager, rss_usage, timer                      timemory.libs.<name>
timemory.settings                              lib.settings (settings.cpp), a class
timemory.component / storage / scope / units   lib submodules (components.cpp, storage.cpp,
/ signals / hardware_counters / region         scope.cpp, units.cpp, signals.cpp,
                                               hardware_counters.cpp, region.cpp)
timemory.enable/disable_signal_detection       lib (signals.cpp)
timemory.util: marker, auto_tuple,             util/util.py (on lib.region and the lib
auto_timer, timer, rss_usage, base_decorator   classes); ``import timemory.util.marker``
timemory.bundle                                the same names (bundle/ re-exports util/)
timemory.profiler: Profiler, Config, ...       profiler/profiler.py on lib.profiler
                                               (profiler.cpp)
timemory.trace: Tracer, Config, ...            trace/tracer.py on lib.trace (trace.cpp)
timemory.trace.init / push / pop / finalize    lib.trace (trace.cpp)
timemory.line_profiler                         trace/'s Tracer; the external line_profiler
                                               package's LineProfiler when installed
timemory.api.papi / cupti                      api/ on lib.hardware_counters
timemory.mpi, mpi_support                      mpi/, mpi_support/ on lib._mpi (mpi.cpp)
timemory.ert, roofline                         ert/, roofline/ (not part of this build: they
                                               raise RuntimeError saying so)
timemory.plotting, notebook, options, common,  plotting/, notebook/, options.py, common.py,
test                                           test/
=============================================  ==============================================

The lib submodules are registered as ``timemory.<name>`` in ``sys.modules`` (so
``import timemory.units`` and ``from timemory.storage import WallClockStorage`` find them); their
folders and files in this package hold no code and are there so that the package lists them.
What timemory.profiler and timemory.trace share is in _hooks.py.
"""

import atexit as _atexit
import functools as _functools
import os as _os
import sys as _sys

_os.environ.setdefault("TIMEMORY_BANNER", "OFF")

from . import libs  # noqa: E402
from .libs import libpytimemory as _lib  # noqa: E402
from .common import FILE, FUNC, LINE, FRAME, file, func, line, frame  # noqa: E402,F401

__author__ = "timemory contributors"
__credits__ = ["timemory contributors"]
__copyright__ = "Copyright the timemory contributors"
__license__ = "MIT"
__maintainer__ = "timemory contributors"
__status__ = "Development"

version = _lib.version
__version__ = version
version_info = tuple(int(x) if x.isdigit() else x for x in version.split(".")[:3])
build_info = dict(_lib.build_info)


def _expose(function):
    """A Python-level alias of a compiled function (same name, docstring and signature text), so
    that help(timemory) lists it as a plain function of this package."""

    @_functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


# ---- everything taken from the compiled module: one table, applied in one loop ---------------
# How each name is exposed as timemory.<name>:
#   _FUNCTION      a Python function around the compiled one (_expose), listed in __all__
#   _CLASS         the compiled class, listed in __all__ (help(timemory) shows it)
#   _MODULE        the compiled submodule, also registered in sys.modules (importable)
#   _CLASS_MODULE  both of the last two
_FUNCTION, _CLASS, _MODULE, _CLASS_MODULE = "function", "class", "module", "class, module"
_FROM_LIB = {
    "report": _FUNCTION,
    "toggle": _FUNCTION,
    "enable": _FUNCTION,
    "disable": _FUNCTION,
    "is_enabled": _FUNCTION,
    "enabled": _FUNCTION,
    "has_mpi_support": _FUNCTION,
    "set_rusage_children": _FUNCTION,
    "set_rusage_self": _FUNCTION,
    "initialize": _FUNCTION,
    "init": _FUNCTION,
    "timemory_init": _FUNCTION,
    "finalize": _FUNCTION,
    "timemory_finalize": _FUNCTION,
    "is_finalized": _FUNCTION,
    "get": _FUNCTION,
    "get_text": _FUNCTION,
    "clear": _FUNCTION,
    "size": _FUNCTION,
    "get_hash": _FUNCTION,
    "add_hash_id": _FUNCTION,
    "get_hash_identifier": _FUNCTION,
    "enable_signal_detection": _FUNCTION,
    "disable_signal_detection": _FUNCTION,
    "auto_timer": _CLASS,
    "component_bundle": _CLASS,
    "component_decorator": _CLASS,
    "manager": _CLASS,
    "rss_usage": _CLASS,
    "timer": _CLASS,
    "settings": _CLASS_MODULE,  # a class whose attributes are the settings
    "component": _MODULE,
    "storage": _MODULE,
    "scope": _MODULE,
    "units": _MODULE,
    "signals": _MODULE,
    "hardware_counters": _MODULE,
    "region": _MODULE,
}

__all__ = ["version_info", "build_info", "version", "libs", "LINE", "FUNC", "FILE", "line",
           "func", "file", "frame"]
for _name, _how in _FROM_LIB.items():
    _value = getattr(_lib, _name)
    if _how == _FUNCTION:
        _value = _expose(_value)
    if _how in (_MODULE, _CLASS_MODULE):
        _sys.modules[__name__ + "." + _name] = _value
    if _how != _MODULE:
        __all__.append(_name)
    globals()[_name] = _value


def _env_bool(name, default):
    """TIMEMORY_* boolean as the core reads it: numbers (0 false), on/off, true/false, yes/no"""
    value = _os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value.lstrip("+-").isdigit():
        return int(value) != 0
    if value in ("on", "true", "yes", "y", "t"):
        return True
    if value in ("off", "false", "no", "n", "f"):
        return False
    return default


def _auto_initialize():
    argv = list(getattr(_sys, "argv", None) or [])
    # `python -m timemory.<tool>` (argv[0] is "-m" while the package imports), timemory-* drivers
    # and --help runs initialise themselves, or not at all.
    if argv and (argv[0] == "-m" or _os.path.basename(argv[0]).startswith("timemory-")
                 or any(a in ("-h", "--help", "-?") for a in argv)):
        _os.environ.setdefault("TIMEMORY_LIBRARY_CTOR", "0")
    if not _env_bool("TIMEMORY_LIBRARY_CTOR", True):
        return
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    while argv and argv[0].startswith("-"):
        argv.pop(0)
    initialize(argv or ["python"])


_auto_initialize()
settings.command_line = [str(a) for a in getattr(_sys, "argv", None) or []]
# settings.enable_signal_handler takes effect in initialize(), as in C and C++.


def _no_output_at_exit():
    """TIMEMORY_LIBRARY_DTOR=0: the library's own exit hook must not write outputs either."""
    if not is_finalized():
        settings.auto_output = False


_atexit.register(finalize if _env_bool("TIMEMORY_LIBRARY_DTOR", True) else _no_output_at_exit)

# Python sub-packages used as attributes after a plain `import timemory` (timemory.trace.push).
from . import bundle, profiler, trace, util  # noqa: E402,F401

del _name, _how, _value, _lib
