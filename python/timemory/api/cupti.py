"""timemory.api.cupti: CUPTI events and metrics. CUPTI metrics: not available yet (they come with
the GPU half of the hardware-counters issue); both lists are empty."""

available = False
reason = "CUPTI metrics: not available yet"


def available_events(device=0):
    """CUPTI events of ``device``: [] (CUPTI metrics: not available yet)"""
    del device
    return []


def available_metrics(device=0):
    """CUPTI metrics of ``device``: [] (CUPTI metrics: not available yet)"""
    del device
    return []
