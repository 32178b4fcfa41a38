"""python -m timemory.test: run the self-check and exit with the number of failures"""

import os
import sys
import unittest

if __name__ == "__main__":
    import timemory

    timemory.settings.auto_output = False  # a self-check leaves no result files behind
    suite = unittest.defaultTestLoader.discover(os.path.dirname(__file__), pattern="test_*.py")
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(len(result.failures) + len(result.errors))
