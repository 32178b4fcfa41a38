"""timemory.api.papi: PAPI access. Not available yet: PAPI/CUPTI counters come with the
hardware-counters issue; ``working()`` is False and every other call raises RuntimeError."""

available = False
reason = "not available yet: PAPI/CUPTI counters come with the hardware-counters issue"


def working():
    """Whether PAPI can be used: False (not available yet)"""
    return False


def _unavailable(*_args, **_kwargs):
    raise RuntimeError("timemory.api.papi: " + reason)


init = init_threading = init_multiplexing = init_library = _unavailable
create_event_set = destroy_event_set = add_event = add_events = _unavailable
remove_event = remove_events = start = stop = read = accum = reset = _unavailable
get_event_code = get_event_code_name = query_event = _unavailable
