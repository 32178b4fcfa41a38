"""timemory.storage: the compiled `storage` submodule of timemory.libs.libpytimemory.

`import timemory` registers the compiled submodule as `timemory.storage`, so this file only runs
when that did not happen; it then puts the compiled submodule in its own place.
"""

import sys as _sys

from ..libs import libpytimemory as _lib

_sys.modules[__name__] = _lib.storage
