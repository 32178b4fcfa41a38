"""timemory.options: command-line options for timemory settings.

    parser = argparse.ArgumentParser()
    timemory.options.add_arguments(parser)        # --timemory-<setting> for every setting
    args = timemory.options.parse_args(parser)    # applies the given ones to timemory.settings

``echo_dart``, ``ctest_notes`` and ``matplotlib_backend`` are module-level options used by the
plotting helpers.
"""

import argparse
import os

from .libs import libpytimemory as _lib

__all__ = ["echo_dart", "ctest_notes", "matplotlib_backend", "safe_mkdir",
           "ensure_directory_exists", "add_arguments", "parse_args", "parse_known_args",
           "add_args_and_parse", "add_args_and_parse_known"]

echo_dart = bool(_lib.settings.dart_output)
ctest_notes = bool(_lib.settings.ctest_notes)
matplotlib_backend = "default"


def safe_mkdir(path):
    """mkdir -p"""
    if path:
        os.makedirs(path, exist_ok=True)


def ensure_directory_exists(file_path):
    """Create the folder that will hold ``file_path``"""
    safe_mkdir(os.path.dirname(file_path))


def _str2bool(text):
    value = str(text).strip().lower()
    if value in ("1", "on", "true", "yes", "y", "t"):
        return True
    if value in ("0", "off", "false", "no", "n", "f"):
        return False
    raise argparse.ArgumentTypeError("expected a boolean (on/off, true/false, 1/0), got "
                                     "'{}'".format(text))


_TYPES = {"bool": _str2bool, "int64_t": int, "double": float, "string": str}


def add_arguments(parser=None, subparser=True):
    """Add ``--timemory-<name>`` for every setting (plus ``--timemory-echo-dart`` and
    ``--timemory-mpl-backend``) in an argument group; returns the parser. ``subparser`` is
    accepted for compatibility."""
    parser = parser or argparse.ArgumentParser()
    group = parser.add_argument_group("timemory", "timemory settings")
    for env, spec in _lib.settings.dump()["settings"].items():
        name = spec["name"]
        kind = spec["data_type"]
        group.add_argument("--timemory-" + name.replace("_", "-"), dest="timemory_" + name,
                           type=_TYPES.get(kind, str), default=None,
                           nargs="?" if kind == "bool" else None,
                           const=True if kind == "bool" else None,
                           help="{} [env: {}, type: {}]".format(spec["description"], env, kind))
    group.add_argument("--timemory-echo-dart", dest="timemory_echo_dart", type=_str2bool,
                       nargs="?", const=True, default=None, help="print DART measurements")
    group.add_argument("--timemory-mpl-backend", dest="timemory_mpl_backend", default=None,
                       help="matplotlib backend for the plotting helpers")
    return parser


def _apply(args):
    global echo_dart, matplotlib_backend
    for key, value in vars(args).items():
        if not key.startswith("timemory_") or value is None:
            continue
        name = key[len("timemory_"):]
        if name == "echo_dart":
            echo_dart = bool(value)
            _lib.settings.dart_output = bool(value)
        elif name == "mpl_backend":
            matplotlib_backend = value
        else:
            _lib.settings.set(name, value)
    return args


def parse_args(parser=None):
    """Parse sys.argv with ``parser`` and apply the timemory options given"""
    return _apply((parser or add_arguments()).parse_args())


def parse_known_args(parser=None):
    """Like parse_args, ignoring unknown options; returns (args, unknown)"""
    args, unknown = (parser or add_arguments()).parse_known_args()
    return _apply(args), unknown


def add_args_and_parse(parser=None):
    """add_arguments then parse_args"""
    return parse_args(add_arguments(parser))


def add_args_and_parse_known(parser=None):
    """add_arguments then parse_known_args"""
    return parse_known_args(add_arguments(parser))
