"""timemory.units: raw units as numbers (times in nanoseconds, memory in bytes).

``import timemory`` registers the compiled submodule timemory.libs.libpytimemory.units under this
name (the table in timemory/__init__.py), so this file holds no code: it is here so that the
package lists timemory.units.
"""
