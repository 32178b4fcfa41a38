# timemory 3's Python documentation, "Context Managers". `fibonacci` (undefined there) and the
# call of main() are added (evident intent); the rest is verbatim.

import timemory
from timemory.util import marker


# evident intent: the documentation calls an undefined `fibonacci`, the plain recursive function.
def fibonacci(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


def main():
    with marker(["wall_clock", "peak_rss"], flat=False, timeline=False):
        ans = fibonacci(n=3)


# added: run main() so the example produces output
if __name__ == "__main__":
    main()
    timemory.finalize()
