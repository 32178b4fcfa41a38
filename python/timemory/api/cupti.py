"""timemory.api.cupti: CUPTI events and metrics. Not available yet: PAPI/CUPTI counters come with
the hardware-counters issue; both lists are empty."""

available = False
reason = "not available yet: PAPI/CUPTI counters come with the hardware-counters issue"


def available_events(device=0):
    """CUPTI events of ``device``: [] (not available yet)"""
    return []


def available_metrics(device=0):
    """CUPTI metrics of ``device``: [] (not available yet)"""
    return []
