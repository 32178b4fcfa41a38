"""The decorators and context managers of timemory.util under their timemory 3 package name:
marker (= auto_tuple), auto_timer, timer, rss_usage, base_decorator."""

from ..util import *  # noqa: F401,F403
from ..util import __all__  # noqa: F401
