"""timemory.signals: the ``Signal`` enum used by ``timemory.enable_signal_detection``.

``import timemory`` registers the compiled ``signals`` submodule as ``timemory.signals``; this
file re-exports it for direct imports.
"""

from .libs import libpytimemory as _lib

globals().update({k: v for k, v in vars(_lib.signals).items() if not k.startswith("__")})
enable_signal_detection = _lib.enable_signal_detection
disable_signal_detection = _lib.disable_signal_detection
