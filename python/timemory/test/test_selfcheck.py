"""Smoke tests of an installed timemory (run by python -m timemory.test)"""

import time
import unittest

import timemory
from timemory.component import WallClock
from timemory.storage import WallClockStorage


class SelfCheck(unittest.TestCase):
    def test_wall_clock(self):
        wc = WallClock("selfcheck")
        wc.start()
        time.sleep(0.05)
        wc.stop()
        self.assertGreater(wc.get(), 0.03)
        self.assertEqual(wc.laps(), 1)

    def test_settings_round_trip(self):
        old = timemory.settings.precision
        timemory.settings.precision = 4
        self.assertEqual(timemory.settings.precision, 4)
        timemory.settings.precision = old

    def test_storage(self):
        wc = WallClock("selfcheck-storage")
        wc.push()
        wc.start()
        wc.stop()
        wc.pop()
        prefixes = [row.prefix() for row in WallClockStorage.get()]
        self.assertTrue(any(p.endswith("selfcheck-storage") for p in prefixes), prefixes)
