"""timemory.component: the component classes (WallClock, PeakRss, ...).

``import timemory`` registers the compiled submodule timemory.libs.libpytimemory.component under this
name (the table in timemory/__init__.py), so this file holds no code: it is here so that the
package lists timemory.component.
"""
