"""Charts of the sample: composition bars and the publication timeline."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ._style import PALETTE, finish, integer_ticks, legend_outside, new_axes
from ._time import as_days, day_axis, draw_moments

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def plot_composition(table: pd.DataFrame, *, what: str = "value", ax: Axes | None = None,
                     title: str | None = None, source: str = "", top: int = 25) -> Axes:
    """Horizontal bars of reports per value (from :func:`analysis.sample.composition`)."""
    ax = new_axes(ax, height=max(3.0, 0.28 * min(len(table), top) + 1.5))
    t = table.head(top).iloc[::-1]
    y = np.arange(len(t))
    ax.barh(y, t["n_reports"], color=PALETTE[0])
    ax.set_yticks(y, [f"{v} ({o} outlet{'s' if o != 1 else ''})" for v, o in zip(t["value"], t["n_outlets"])])
    for yi, n in zip(y, t["n_reports"]):
        ax.text(n, float(yi), f" {n}", va="center", fontsize=8)
    rest = len(table) - len(t)
    integer_ticks(ax.xaxis)
    finish(ax, title=title or f"Reports by {what}" + (f" (top {top}; {rest} more)" if rest > 0 else ""),
           xlabel="Reports (count)", ylabel=what.replace("_", " ").capitalize(), source=source)
    return ax


def plot_timeline(table: pd.DataFrame, *, moments: pd.DataFrame | Iterable[Mapping[str, object]] | None = None,
                  ax: Axes | None = None, title: str | None = None, source: str = "") -> Axes:
    """Stacked daily bars of reports per group (from :func:`analysis.sample.publication_timeline`).

    Parameters
    ----------
    table : DataFrame
        ``date, group, n_reports`` and, when present, ``n_date_only``.
    moments : DataFrame or list of dict, optional
        Moments to mark: ``time`` (UTC), ``label`` and optionally ``time_known``.
    ax : matplotlib Axes, optional
    title, source : str

    Returns
    -------
    matplotlib Axes
        Each day's bar spans the middle 80% of the day (centred on noon): counts per day, never
        a time of day. Per group and day, two stacked patches: reports with a clock time (filled)
        and reports that gave a date only (hatched, white: said so in the legend). Groups in
        sorted order, one palette colour each.
    """
    ax = new_axes(ax)
    dated_col = table["n_date_only"] if "n_date_only" in table.columns else 0 * table["n_reports"]
    frame = table.assign(_dated=dated_col, _timed=table["n_reports"] - dated_col)
    wide = {k: frame.pivot_table(index="date", columns="group", values=k, aggfunc="sum", fill_value=0,
                                 observed=True) for k in ("_timed", "_dated")}
    groups = sorted(wide["_timed"].columns, key=str)
    days = wide["_timed"].index
    x = np.floor(as_days(days)) + 0.1
    bottom = np.zeros(len(days))
    handles = []
    for j, col in enumerate(groups):
        colour = PALETTE[j % len(PALETTE)]
        timed = wide["_timed"][col].reindex(days, fill_value=0).to_numpy(dtype=float)
        dated = wide["_dated"][col].reindex(days, fill_value=0).to_numpy(dtype=float)
        ax.bar(x, timed, bottom=bottom, width=0.8, align="edge", color=colour,
               hatch=None if j < len(PALETTE) else "..")
        bottom += timed
        ax.bar(x, dated, bottom=bottom, width=0.8, align="edge", facecolor="white", edgecolor=colour,
               hatch="///", linewidth=0.8)
        bottom += dated
        handles.append(Patch(facecolor=colour, hatch=None if j < len(PALETTE) else "..", label=str(col)))
    if frame["_dated"].sum() > 0:
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="///",
                             label="hatched: date only (time of day not given)"))
    day_axis(ax, x)
    draw_moments(ax, moments)
    integer_ticks(ax.yaxis)
    if len(handles) > 1:   # right of the plot: inside, it would cover the bars of the first days
        legend_outside(ax, handles=handles, ncols=2 if len(handles) > 12 else 1)
    finish(ax, title=title or "Reports per day of publication",
           xlabel="Day of publication (UTC day; date-only reports: the date given)",
           ylabel="Reports (count)", source=source)
    return ax
