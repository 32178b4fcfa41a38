"""timemory.settings: the compiled ``settings`` class of timemory.libs.libpytimemory.

Every setting is a class attribute (``timemory.settings.verbose = 1``); ``import timemory``
registers the class itself as ``timemory.settings``, so this file only runs when that did not
happen; it then puts the class in its own place.
"""

import sys as _sys

from ..libs import libpytimemory as _lib

_sys.modules[__name__] = _lib.settings
