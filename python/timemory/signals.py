"""timemory.signals: the signals timemory catches to write its outputs before the process dies.

``import timemory`` registers the compiled submodule timemory.libs.libpytimemory.signals under this
name (the table in timemory/__init__.py), so this file holds no code: it is here so that the
package lists timemory.signals.
"""
