"""timemory.storage: the call-graph storage of each component (<Component>Storage).

``import timemory`` registers the compiled submodule timemory.libs.libpytimemory.storage under this
name (the table in timemory/__init__.py), so this file holds no code: it is here so that the
package lists timemory.storage.
"""
