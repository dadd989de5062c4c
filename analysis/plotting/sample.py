"""Charts of the sample: composition bars and the publication timeline."""
from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np

from ._style import PALETTE, finish, new_axes


def plot_composition(table, *, what: str = "value", ax=None, title: str | None = None, source: str = "",
                     top: int = 25):
    """Horizontal bars of reports per value (from :func:`analysis.sample.composition`)."""
    ax = new_axes(ax, height=max(3.0, 0.28 * min(len(table), top) + 1.5))
    t = table.head(top).iloc[::-1]
    y = np.arange(len(t))
    ax.barh(y, t["n_reports"], color=PALETTE[0])
    ax.set_yticks(y, [f"{v} ({o} outlet{'s' if o != 1 else ''})" for v, o in zip(t["value"], t["n_outlets"])])
    for yi, n in zip(y, t["n_reports"]):
        ax.text(n, yi, f" {n}", va="center", fontsize=8)
    rest = len(table) - len(t)
    finish(ax, title=title or f"Reports by {what}" + (f" (top {top}; {rest} more)" if rest > 0 else ""),
           xlabel="Reports (count)", ylabel=what.replace("_", " ").capitalize(), source=source)
    return ax


def plot_timeline(table, *, ax=None, title: str | None = None, source: str = ""):
    """Stacked daily bars of reports per group (from :func:`analysis.sample.publication_timeline`)."""
    ax = new_axes(ax)
    wide = table.pivot_table(index="date", columns="group", values="n_reports", aggfunc="sum", fill_value=0, observed=True)
    wide = wide.reindex(sorted(wide.columns, key=str), axis=1)
    bottom = np.zeros(len(wide))
    x = mdates.date2num(wide.index.to_pydatetime())
    for j, col in enumerate(wide.columns):
        ax.bar(x, wide[col].to_numpy(), bottom=bottom, width=0.8, color=PALETTE[j % len(PALETTE)],
               label=str(col), hatch=None if j < len(PALETTE) else "//")
        bottom += wide[col].to_numpy()
    ax.xaxis.set_major_locator(mdates.DayLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    if len(wide.columns) > 1:
        ax.legend(title=None, frameon=False, ncols=2 if len(wide.columns) > 6 else 1, loc="upper left")
    finish(ax, title=title or "Reports per day of publication", xlabel="Day of publication (UTC)",
           ylabel="Reports (count)", source=source)
    return ax
