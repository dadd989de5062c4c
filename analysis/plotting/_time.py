"""Time on charts, as precise as the data: clock times as instants, dates as whole days.

A report (or a moment) that gave a date without a time is stored at 00:00 UTC of that date but
stands for a day in an unknown time zone; these helpers draw it as a hollow mark at the middle
of the day with a line across the day, never as a point at midnight.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ._style import add_note

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection
    from numpy.typing import ArrayLike

MOMENT_COLUMNS = ("time", "label", "time_known")
DATE_ONLY = "date only: the day, time not given"
_MOMENT_COLOUR = "#555555"
# artist ids (also in SVG output): moments, and the marks of reports known to the day only
MOMENT_GID, DAY_GID = "moment", "date-only"


def as_days(times: Iterable[object]) -> np.ndarray:
    """Matplotlib date numbers (days) of UTC timestamps, tz-naive UTC."""
    t = pd.to_datetime(pd.Series(times, dtype=object), utc=True, format="ISO8601").dt.tz_localize(None)
    return mdates.date2num(t.to_numpy())


def known_times(table: pd.DataFrame, column: str) -> np.ndarray:
    """The boolean column ``column`` of ``table``; every time counts as known without it."""
    if column not in table.columns:
        return np.ones(len(table), dtype=bool)
    return np.array([True if pd.isna(k) else bool(k) for k in table[column]], dtype=bool)


def moments_frame(moments: pd.DataFrame | Iterable[Mapping[str, object]] | None) -> pd.DataFrame:
    """``moments`` as a table ``time`` (UTC), ``label``, ``time_known``.

    Accepts a DataFrame with ``time, label`` (and ``time_known``) or a list of mappings
    ``{time, label[, time_known]}``; a time given as text is known when it holds more than a date.
    """
    if moments is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in MOMENT_COLUMNS})
    frame = moments if isinstance(moments, pd.DataFrame) else pd.DataFrame(list(moments))
    missing = [c for c in ("time", "label") if c not in frame.columns]
    if missing:
        raise ValueError(f"moments need the field(s) {', '.join(missing)}: a DataFrame or a list of "
                         "{time, label[, time_known]}")
    if "time_known" in frame.columns:
        known = known_times(frame, "time_known")
    else:
        known = np.array([not (isinstance(t, str) and len(t.strip()) <= 10) for t in frame["time"]], dtype=bool)
    time = pd.to_datetime(pd.Series(frame["time"].to_numpy(dtype=object), dtype=object), utc=True,
                          format="ISO8601")
    return pd.DataFrame({"time": time, "label": frame["label"].astype(str).to_numpy(), "time_known": known})


def draw_moments(ax: Axes, moments: pd.DataFrame | Iterable[Mapping[str, object]] | None) -> None:
    """Numbered moments: a dashed line at a known time, a shaded day for a date only.

    The number stands at the top of the line and the labels go under the chart ("1 label (time);
    2 ..."), so long labels never cover the data.
    """
    table = moments_frame(moments).sort_values("time", kind="stable").reset_index(drop=True)
    if not len(table):
        return
    x = as_days(table["time"])
    top = ax.get_xaxis_transform()
    notes = []
    for i, (xi, label, known) in enumerate(zip(x, table["label"], table["time_known"]), start=1):
        if known:
            ax.axvline(xi, color=_MOMENT_COLOUR, linestyle="--", linewidth=0.8, zorder=1, gid=MOMENT_GID)
            at = xi
        else:
            day = np.floor(xi)
            ax.axvspan(day, day + 1, color=_MOMENT_COLOUR, alpha=0.08, linewidth=0, zorder=0, gid=MOMENT_GID)
            at = day + 0.5
        ax.text(at, 1.0, str(i), transform=top, ha="center", va="bottom", fontsize=7, color=_MOMENT_COLOUR,
                fontweight="bold")
        when = mdates.num2date(xi).strftime("%d %b %H:%M UTC" if known else "%d %b, time not given")
        notes.append(f"{i} {label} ({when})")
    add_note(ax, "Moments: " + "; ".join(notes))


def draw_day_marks(ax: Axes, x: ArrayLike, y: ArrayLike, *, color: str, marker: str = "o",
                   size: float = 40) -> PathCollection:
    """Hollow marks at the middle of each day ``floor(x)``, with a line across the day.

    Returns the scatter collection of the marks (the lines are added to ``ax.lines``).
    """
    day = np.floor(np.asarray(x, dtype=float))
    heights = np.asarray(y, dtype=float)
    for d, yi in zip(day, heights):
        ax.add_line(Line2D([d, d + 1], [yi, yi], color=color, linewidth=2.0, alpha=0.6,
                           solid_capstyle="butt", zorder=2, gid=DAY_GID))
    return ax.scatter(day + 0.5, heights, facecolors="white", edgecolors=color, marker=marker, s=size,
                      linewidths=1.4, zorder=3, gid=DAY_GID)


def date_only_handle(color: str = "#333333", marker: str = "o") -> Line2D:
    """A legend entry for day marks."""
    return Line2D([], [], color=color, marker=marker, markerfacecolor="white", linewidth=2.0,
                  alpha=0.8, label=DATE_ONLY)


def date_axis(ax: Axes) -> None:
    """Date ticks that do not overlap: AutoDateLocator with ConciseDateFormatter."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


class _DayLocator(mticker.Locator):
    """Ticks at the middle of every k-th day, k chosen when the chart is drawn so that the labels
    fit side by side ("10 Apr" and a gap take about 0.75 inch at the tick font size)."""

    def __init__(self, days: np.ndarray) -> None:
        self.days = np.asarray(days, dtype=float)

    def __call__(self) -> Sequence[float]:
        axes = getattr(self.axis, "axes", None)
        width = float(axes.bbox.width / axes.figure.dpi) if axes is not None else 6.0
        step = int(np.ceil(len(self.days) / max(2, min(12, int(width / 0.75)))))
        return [float(d) + 0.5 for d in self.days[::step]]


def _day_label(day: float) -> str:
    when = mdates.num2date(day)
    return f"{when.day} {when:%b}"


def day_axis(ax: Axes, days: ArrayLike) -> None:
    """Ticks at the middle of whole days (bars spanning days); a date axis for long spans."""
    days = np.unique(np.floor(np.asarray(days, dtype=float)))
    if not len(days) or days[-1] - days[0] > 31:
        date_axis(ax)
        return
    every = np.arange(days[0], days[-1] + 1)
    ax.xaxis.set_major_locator(_DayLocator(every))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda x, pos: _day_label(np.floor(x))))
    ax.set_xlim(every[0] - 0.1, every[-1] + 1.1)
