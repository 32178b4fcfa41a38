"""timemory.hardware_counters: PAPI and CUPTI hardware counters.

``import timemory`` registers the compiled submodule timemory.libs.libpytimemory.hardware_counters under this
name (the table in timemory/__init__.py), so this file holds no code: it is here so that the
package lists timemory.hardware_counters.
"""
