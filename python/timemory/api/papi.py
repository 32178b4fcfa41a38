"""timemory.api.papi: direct access to PAPI (CPU hardware counters).

Most code only needs ``settings.papi_events`` and the ``papi_array`` component; these helpers
answer questions about PAPI itself and drive raw PAPI event sets the way timemory 3 did:

    from timemory.api import papi
    if papi.working():
        s = papi.create_event_set()
        papi.add_event(s, "perf::PAGE-FAULTS")
        papi.start(s); work(); print(papi.stop(s))
        papi.destroy_event_set(s)

PAPI runs one event set per thread at a time: on a thread that already counts ``papi_array``,
``start`` fails (PAPI_EISRUN). Every failing call raises RuntimeError with PAPI's reason.
"""

from ..libs import libpytimemory as _lib

_hw = _lib.hardware_counters
_sets = _lib.hardware_counters._event_sets

available = _hw.working()
reason = _hw.unavailable_reason()


def working():
    """Whether PAPI works in this process (False: see ``reason``)"""
    return _hw.working()


def _initialized():
    """PAPI is initialised once per process, on first use, from the settings (papi_threading,
    papi_multiplexing); these return whether that worked."""
    return _hw.working()


init = init_library = init_threading = init_multiplexing = _initialized


def query_event(event):
    """Whether ``event`` (a name or a PAPI event code) can be counted here"""
    name = event if isinstance(event, str) else get_event_code_name(event)
    return _hw.info(name).available()


def get_event_info(event):
    """``timemory.hardware_counters.Info`` of ``event`` (a name or a PAPI event code)"""
    return _hw.info(event if isinstance(event, str) else get_event_code_name(event))


def get_event_code(name):
    """PAPI's code for ``name``"""
    return _sets.event_code(name)


def get_event_code_name(code):
    """PAPI's name for ``code``"""
    return _sets.event_name(code)


def _code(event):
    return get_event_code(event) if isinstance(event, str) else int(event)


def create_event_set(enable_multiplex=False):
    """A new, empty PAPI event set (multiplexing follows settings.papi_multiplexing)"""
    del enable_multiplex
    return _sets.create()


def destroy_event_set(event_set):
    """Remove every event from ``event_set`` and destroy it"""
    _sets.destroy(event_set)


def add_event(event_set, event):
    """Add one event (name or code)"""
    _sets.add(event_set, _code(event))


def add_events(event_set, events):
    """Add each event of ``events`` (names or codes), in order"""
    for event in events:
        add_event(event_set, event)


def remove_event(event_set, event):
    """Remove one event (name or code)"""
    _sets.remove(event_set, _code(event))


def remove_events(event_set, events):
    """Remove each event of ``events``"""
    for event in events:
        remove_event(event_set, event)


def start(event_set):
    """Start counting"""
    _sets.start(event_set)


def read(event_set, *_ignored):
    """Current counts, one per event in add order"""
    return _sets.read(event_set)


def stop(event_set, *_ignored):
    """Stop counting; returns the final counts"""
    return _sets.stop(event_set)


def reset(event_set):
    """Set the counts back to zero"""
    _sets.reset(event_set)


def print_hw_info():
    """Print PAPI's version and how many of its events count here"""
    if not working():
        print("PAPI: not available ({})".format(reason))
        return
    events = _hw.available()
    print("PAPI {}: {} of {} events can be counted here".format(
        _hw.papi_version(), sum(1 for e in events if e.available()), len(events)))


def _not_supported(name, instead):
    def call(*_args, **_kwargs):
        raise NotImplementedError("timemory.api.papi.{} is not supported by timemory 4; {}".format(
            name, instead))
    call.__name__ = name
    return call


accum = _not_supported("accum", "read() twice and subtract")
write = _not_supported("write", "reset() sets the counts to zero")
attach = _not_supported("attach", "event sets count the calling thread")
detach = _not_supported("detach", "event sets count the calling thread")
register_thread = _not_supported("register_thread", "threads register on their first PAPI call")
assign_event_set_component = _not_supported("assign_event_set_component",
                                            "add_event() picks the component")
enable_multiplexing = _not_supported("enable_multiplexing", "set settings.papi_multiplexing")
set_debug = _not_supported("set_debug", "PAPI_DEBUG in the environment sets PAPI's debugging")
shutdown = _not_supported("shutdown", "PAPI stays initialised until the process exits")
