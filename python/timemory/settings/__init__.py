"""timemory.settings: every setting as a class attribute (``timemory.settings.verbose = 1``).

``import timemory`` registers the compiled settings class timemory.libs.libpytimemory.settings
under this name (the table in timemory/__init__.py), so this file holds no code: it is here so that
the package lists timemory.settings.
"""
