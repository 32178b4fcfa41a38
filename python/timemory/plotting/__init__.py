"""timemory.plotting: bar charts of timemory's flat JSON outputs (``<label>.json``).

    from timemory.plotting import plot
    plot(files=["timemory-app-output/wall.json"], output_dir="plots")   # -> plots/wall.png

matplotlib is an optional dependency (``pip install timemory[plot]``); without it, plot() raises
ImportError saying so. ``python -m timemory.plotting -f wall.json`` does the same from a shell.
"""

from .plotting import (plot, plot_parameters, plotted_files, read, timemory_data,  # noqa: F401
                       plot_data, embedded_plot)

__all__ = ["plot", "plot_parameters", "plotted_files", "read", "timemory_data", "plot_data",
           "embedded_plot"]
