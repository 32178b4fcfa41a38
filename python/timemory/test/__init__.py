"""timemory.test: a quick self-check of an installed timemory.

    python -m timemory.test

runs the unittest cases of this package (a timer, the settings, the storage) and exits with the
number of failures.
"""
