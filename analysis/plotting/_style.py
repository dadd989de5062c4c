"""Shared chart style: a colour-blind-safe palette, titles, units and a source line."""
from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.layout_engine import ConstrainedLayoutEngine

# Okabe and Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "cividis"
DIVERGING = "PuOr"

RC = {
    "figure.dpi": 100, "savefig.dpi": 150, "font.size": 10, "axes.titlesize": 12,
    "axes.titleweight": "bold", "axes.labelsize": 10, "xtick.labelsize": 9, "ytick.labelsize": 9,
    "legend.fontsize": 9, "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE), "svg.hashsalt": "analysis", "svg.fonttype": "path",
}


def new_axes(ax=None, *, width: float = 8.0, height: float = 5.0):
    """Return ``ax`` or a fresh Axes of report size (inches)."""
    if ax is not None:
        return ax
    with mpl.rc_context(RC):
        _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


def finish(ax, *, title: str, xlabel: str = "", ylabel: str = "", source: str = ""):
    """Set title, axis labels and a source line under the plot; return ``ax``."""
    ax.set_title(title, loc="left", fontsize=RC["axes.titlesize"], fontweight="bold")
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if source:
        ax.figure.text(0.01, 0.005, source, fontsize=8, color="#444444", ha="left", va="bottom")
        # constrained layout does not see figure text: keep 4% of the height free for the line
        engine = ax.figure.get_layout_engine()
        if isinstance(engine, ConstrainedLayoutEngine):
            engine.set(rect=(0, 0.04, 1, 0.96))
    return ax


def source_line(event_id: str, n_reports: int, extra: str = "") -> str:
    """'Source: coded reports, <event> (n = N reports)' with optional extra words."""
    text = f"Source: coded reports, {event_id} (n = {n_reports} reports)"
    return text + (f"; {extra}" if extra else "")
