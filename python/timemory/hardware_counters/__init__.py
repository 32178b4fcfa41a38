"""timemory.hardware_counters: hardware counters (PAPI on the CPU, CUPTI on NVIDIA GPUs).

``available()`` lists every PAPI preset and native event as an ``Info`` (description, and whether
it can be counted here), ``info(name)`` describes one, ``preset`` has one attribute per counter
that counts here, ``configuration()`` tells what the ``papi_array`` component counts and
``derived()`` computes IPC, FLOP/s and DRAM bandwidth from totals. CUPTI metrics (NVIDIA GPUs):
``available(api.cupti, chip="GH100")`` lists a chip's metrics without a GPU,
``cupti_configuration()`` tells what ``cupti_counters`` collects and how many replay passes
that needs.

``import timemory`` registers the compiled submodule as ``timemory.hardware_counters``; this file
re-exports it for direct imports.
"""

from ..libs import libpytimemory as _lib

_compiled = _lib.hardware_counters
globals().update({k: v for k, v in vars(_compiled).items() if not k.startswith("__")})


def __getattr__(name):
    # `preset` is built on first use by the compiled module (probing every event takes a while).
    return getattr(_compiled, name)
