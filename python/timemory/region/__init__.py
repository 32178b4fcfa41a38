"""timemory.region: named regions (push/pop, begin/end), as timemory/library.h has them.

``import timemory`` registers the compiled submodule timemory.libs.libpytimemory.region under this
name (the table in timemory/__init__.py), so this file holds no code: it is here so that the
package lists timemory.region.
"""
