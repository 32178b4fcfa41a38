"""Small helpers shared by the timemory sub-packages: source locations of the caller (FILE, FUNC,
LINE), subprocess and CTest/CDash helpers.

Frame counting follows timemory's helpers, so code written for it finds the same frames:
``LINE(back)`` and ``FUNC(back)`` read ``sys._getframe(back)`` from inside the helper (``LINE()``
is the calling line, ``FUNC()`` the caller's caller: what ``__enter__`` wants for the function
around a ``with``), while ``FILE(back)`` counts one extra level (``FILE()`` is the caller's file,
``FILE(3)`` inside a decorator's ``__call__`` the file that applies the decorator).
"""

import inspect
import os
import shutil
import subprocess
import sys

__all__ = ["FRAME", "FILE", "FUNC", "LINE", "frame", "file", "func", "line", "is_generator",
           "is_coroutine", "popen", "which", "dart_measurement", "dart_measurement_file",
           "write_ctest_notes", "get_bin_script", "PY3", "PY35"]

PY3 = sys.version_info[0] >= 3
PY35 = sys.version_info >= (3, 5)


def frame(back=2):
    """Returns the frame ``back`` levels up from this function"""
    return sys._getframe(back)


def file(back=2, only_basename=True, use_dirname=False, noquotes=True):
    """Returns the file name"""
    try:
        path = sys._getframe(back - 1).f_code.co_filename
    except ValueError:  # not that many frames
        path = "<module>"
    name = os.path.basename(path) if only_basename else path
    if use_dirname:
        name = os.path.join(os.path.basename(os.path.dirname(path)), os.path.basename(path))
    return name if noquotes else '"{}"'.format(name)


def func(back=2):
    """Returns the function name"""
    try:
        return sys._getframe(back).f_code.co_name
    except ValueError:
        return "<module>"


def line(back=1):
    """Returns the line number"""
    try:
        return sys._getframe(back).f_lineno
    except ValueError:
        return 0


FRAME = frame
FILE = file
FUNC = func
LINE = line


def is_generator(obj):
    """True for generator functions"""
    return inspect.isgeneratorfunction(obj)


def is_coroutine(obj):
    """True for coroutine functions"""
    return inspect.iscoroutinefunction(obj)


def popen(cmd, outf=None, keep_going=True, timeout=None, shell=False):
    """Run ``cmd``; returns (returncode, stdout, stderr). The output is also written to ``outf``
    when given. With keep_going=False a non-zero exit raises RuntimeError."""
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, shell=shell)
    if outf is not None:
        with open(outf, "w") as handle:
            handle.write(proc.stdout)
    if proc.returncode != 0 and not keep_going:
        raise RuntimeError("command {} exited with {}: {}".format(cmd, proc.returncode,
                                                                 proc.stderr.strip()))
    return proc.returncode, proc.stdout, proc.stderr


def which(exe):
    """Full path of an executable on PATH, or None"""
    return shutil.which(exe)


def dart_measurement(name, value):
    """Print a numeric DartMeasurement tag (picked up by CTest/CDash)"""
    print('<DartMeasurement name="{}" type="numeric/double">{}</DartMeasurement>'.format(name,
                                                                                     value))


def dart_measurement_file(name, path, format="png", type="image"):
    """Print a DartMeasurementFile tag for a file (an image by default)"""
    print('<DartMeasurementFile name="{}" type="{}/{}">{}</DartMeasurementFile>'.format(
        name, type, format, os.path.abspath(path)))


def write_ctest_notes(fname, path=None, mode="a"):
    """Append ``fname`` to the CTEST_NOTES_FILES list in ``CTestNotes.txt`` (in ``path``)"""
    notes = os.path.join(path or os.getcwd(), "CTestNotes.txt")
    with open(notes, mode) as handle:
        handle.write('list(APPEND CTEST_NOTES_FILES "{}")\n'.format(os.path.abspath(fname)))
    return notes


def get_bin_script(fname):
    """Path of an installed console script next to the interpreter, or None"""
    for folder in (os.path.dirname(sys.executable), os.path.join(sys.prefix, "bin")):
        candidate = os.path.join(folder, fname)
        if os.path.isfile(candidate):
            return candidate
    return which(fname)
