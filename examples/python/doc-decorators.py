# timemory 3's Python documentation, "Decorators". Not runnable as printed; the two fixes of its
# evident intent are marked "evident intent" below; the calls at the end are added so it measures.

import timemory
# evident intent: the documentation writes `import timemory.util.marker as marker, auto_timer`,
# importing a top-level module `auto_timer`; it means marker and auto_timer from util.
import timemory.util.marker as marker
from timemory.util import auto_timer


# evident intent: the documentation calls an undefined `fibonacci`, the plain recursive function.
def fibonacci(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


@marker(["trip_count", "peak_rss"])
def fibonacci_instrumented(n):
    return n if n < 2 else fibonacci(n-1) + fibonacci(n-2)

@auto_timer()
def fibonacci_timed(n):
    return n if n < 2 else fibonacci(n-1) + fibonacci(n-2)


# added: run both so the example produces output
if __name__ == "__main__":
    print("fibonacci_instrumented(20) = {}".format(fibonacci_instrumented(20)))
    print("fibonacci_timed(20) = {}".format(fibonacci_timed(20)))
    timemory.finalize()
