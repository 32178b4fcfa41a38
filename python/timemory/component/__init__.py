"""timemory.component: the compiled `component` submodule of timemory.libs.libpytimemory.

`import timemory` registers the compiled submodule as `timemory.component`, so this file only runs
when that did not happen; it then puts the compiled submodule in its own place.
"""

import sys as _sys

from ..libs import libpytimemory as _lib

_sys.modules[__name__] = _lib.component
