"""python -m timemory.plotting -f wall.json [-o DIR]"""

import sys

from .plotting import embedded_plot

if __name__ == "__main__":
    sys.exit(embedded_plot())
