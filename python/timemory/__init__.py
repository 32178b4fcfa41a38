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
"""

import atexit as _atexit
import functools as _functools
import importlib as _importlib
import os as _os
import sys as _sys
import warnings as _warnings

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


# ---- compiled functions -------------------------------------------------------------------
report = _lib.report
toggle = _lib.toggle
enable = _lib.enable
disable = _lib.disable
is_enabled = _lib.is_enabled
enabled = _lib.enabled
has_mpi_support = _lib.has_mpi_support
set_rusage_children = _lib.set_rusage_children
set_rusage_self = _lib.set_rusage_self
initialize = _lib.initialize
init = _lib.init
timemory_init = _lib.timemory_init
finalize = _lib.finalize
timemory_finalize = _lib.timemory_finalize
is_finalized = _lib.is_finalized
get = _lib.get
get_text = _lib.get_text
clear = _lib.clear
size = _lib.size
get_hash = _lib.get_hash
add_hash_id = _lib.add_hash_id
get_hash_identifier = _lib.get_hash_identifier
enable_signal_detection = _lib.enable_signal_detection
disable_signal_detection = _lib.disable_signal_detection
for _name in ("report", "toggle", "enable", "disable", "is_enabled", "enabled", "has_mpi_support",
              "set_rusage_children", "set_rusage_self", "initialize", "init", "timemory_init",
              "finalize", "timemory_finalize", "is_finalized", "get", "get_text", "clear", "size",
              "get_hash", "add_hash_id", "get_hash_identifier", "enable_signal_detection",
              "disable_signal_detection"):
    globals()[_name] = _expose(getattr(_lib, _name))

# ---- compiled submodules and classes, importable as timemory.<name> -----------------------
settings = _lib.settings
for _name in ("component", "storage", "scope", "units", "signals", "hardware_counters"):
    _sys.modules[__name__ + "." + _name] = getattr(_lib, _name)
    globals()[_name] = getattr(_lib, _name)
_sys.modules[__name__ + ".settings"] = settings

# Classes bound by the region area (shown in help(timemory) as timemory.libs.<name>).
_classes = []
for _name in ("auto_timer", "component_bundle", "manager", "rss_usage", "timer",
              "component_decorator"):
    if hasattr(_lib, _name):
        globals()[_name] = getattr(_lib, _name)
        if _name != "component_decorator":  # help(timemory) lists the seed's six classes
            _classes.append(_name)

__all__ = ["version_info", "build_info", "version", "libs", "LINE", "FUNC", "FILE", "line",
           "func", "file", "frame", "report", "toggle", "enable", "disable", "is_enabled",
           "enabled", "has_mpi_support", "set_rusage_children", "set_rusage_self",
           "timemory_init", "timemory_finalize", "init", "initialize", "finalize", "get",
           "get_text", "clear", "size", "get_hash", "add_hash_id", "get_hash_identifier",
           "enable_signal_detection", "disable_signal_detection", "settings"] + _classes


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
settings.python_exe = _sys.executable
settings.command_line = [str(a) for a in getattr(_sys, "argv", None) or []]
if settings.enable_signal_handler:
    enable_signal_detection()


def _no_output_at_exit():
    """TIMEMORY_LIBRARY_DTOR=0: the library's own exit hook must not write outputs either."""
    if not is_finalized():
        settings.auto_output = False


_atexit.register(finalize if _env_bool("TIMEMORY_LIBRARY_DTOR", True) else _no_output_at_exit)


def _import_optional(name):
    """Import timemory.<name>; a sub-package that is not there is skipped, one that fails to
    import is reported (warning) without breaking `import timemory`."""
    try:
        return _importlib.import_module(__name__ + "." + name)
    except ModuleNotFoundError as err:
        if err.name != __name__ + "." + name:
            _warnings.warn("timemory.{} is not available: {}".format(name, err))
    except Exception as err:  # noqa: BLE001 - a broken optional sub-package must not break us
        _warnings.warn("timemory.{} failed to import: {}".format(name, err))
    return None


# Sub-packages used as attributes after a plain `import timemory` (timemory.region.push, ...).
for _name in ("region", "trace", "profiler", "util", "bundle"):
    _mod = _import_optional(_name)
    if _mod is not None:
        globals()[_name] = _mod
    elif hasattr(_lib, _name):
        _sys.modules.setdefault(__name__ + "." + _name, getattr(_lib, _name))
        globals()[_name] = getattr(_lib, _name)

del _name, _mod, _lib
