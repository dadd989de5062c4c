"""Charts of claims in time: when each stance first appeared, and each report's stance."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
import numpy as np
import pandas as pd

from .._style import PALE, check_flags, finish, flag_note, legend_outside, new_axes, variable_codes
from .._time import as_days, date_axis, date_only_handle, day_axis, draw_moments, known_times
from ._shared import (MARKERS, category_style, day_marks, group_levels, in_group, no_data, show,
                      variable_code_styles, wrap_label)

# a colour group of stance marks: (which rows, (colour, marker, legend label or None))
_Marks = tuple[list[np.ndarray], list[tuple[str, str, str | None]]]


def plot_claim_timeline(timeline: pd.DataFrame, *, moments: pd.DataFrame | Sequence[Mapping[str, object]] | None = None,
                        values: pd.DataFrame | None = None, flags: Mapping[str, str] | None = None,
                        ax: Axes | None = None, title: str | None = None, source: str = "") -> Axes:
    """When each claim code first appeared: one mark per stance, in time.

    Parameters
    ----------
    timeline : DataFrame
        The result of :func:`analysis.framing.claim_timeline`: ``variable, value,
        first_published, first_outlet, n_reports`` and, when present, ``variable_label,
        value_label, first_time_known``.
    moments : DataFrame or list of dict, optional
        Moments to mark: ``time`` (UTC), ``label`` and optionally ``time_known`` (a list of
        ``{time, label}`` mappings is accepted; a time written as a date alone is a day).
    values : DataFrame, optional
        ``Event.values``: each stance takes the colour of its code's place in the codebook, as
        in every chart. Without it, the place among the codes in the table.
    flags : dict, optional
        Claim variable -> reliability flag: its marks drawn pale, named under the chart.
    ax : matplotlib Axes, optional
    title, source : str

    Returns
    -------
    matplotlib Axes
        One row per (claim, stance) in the order of ``timeline`` (claim_timeline gives codebook
        order), labelled with the value labels; the colour of each stance's code, one marker
        per claim (legend: the claim labels). A first report with a clock time is a filled mark
        at that instant; one that gave a date only is a hollow mark at the middle of the day
        with a line across the day (said so in the legend), never a point at a time of day. One
        annotation per row ("first outlet (+k more)"); moments are dashed vertical lines (shaded
        days when only a date is known).
    """
    flags = check_flags(flags)
    ax = new_axes(ax)
    finish(ax, title=title or "When each claim first appeared", xlabel="First published (UTC)",
           ylabel="Claim: stance", source=source)
    table = timeline[timeline["first_published"].notna()].reset_index(drop=True)
    if not len(table):
        return no_data(ax)
    x = as_days(table["first_published"])
    known = known_times(table, "first_time_known")
    labels = table["value_label"] if "value_label" in table.columns else table["value"]
    variables = list(dict.fromkeys(table["variable"].astype(str)))
    handles = _first_marks(ax, table, x, known, values=values, flags=flags)
    right = np.where(known, x, np.floor(x) + 1)   # annotate right of the day's line
    for i, row in table.iterrows():
        more = int(row["n_reports"]) - 1
        text = f"{row['first_outlet']}" + (f" (+{more} more)" if more else "")
        ax.annotate(text, (right[i], i), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(table)), [wrap_label(v) for v in labels.astype(str)])
    ax.set_ylim(len(table) - 0.5, -0.5)
    date_axis(ax)
    ax.margins(x=0.25)   # room for the outlet names right of the last point
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    draw_moments(ax, moments)
    if not known.all():
        handles.append(date_only_handle())
    legend_outside(ax, handles=handles, title="Claim")
    flag_note(ax, flags, variables)
    return ax


def _first_marks(ax: Axes, table: pd.DataFrame, x: np.ndarray, known: np.ndarray, *,
                 values: pd.DataFrame | None, flags: Mapping[str, str]) -> list[Line2D]:
    """One mark per row of the timeline, one marker per claim; the legend handles (claims)."""
    names = table["variable_label"] if "variable_label" in table.columns else table["variable"]
    variables = list(dict.fromkeys(table["variable"].astype(str)))
    handles = []
    for j, variable in enumerate(variables):
        rows = np.flatnonzero((table["variable"].astype(str) == variable).to_numpy())
        styles = variable_code_styles(values, variable, table["value"].iloc[rows])
        colours = [styles[v][0] for v in table["value"].iloc[rows]]
        marker = MARKERS[j % len(MARKERS)]
        alpha = PALE if variable in flags else 1.0
        for i, colour in zip(rows, colours):
            if known[i]:
                ax.scatter([x[i]], [i], color=colour, marker=marker, s=40, zorder=3, alpha=alpha)
            else:
                day_marks(ax, [x[i]], [i], colour=colour, marker=marker, size=40, alpha=alpha)
        handles.append(Line2D([], [], color="#333333", marker=marker, linestyle="", alpha=alpha,
                              label=str(names.iloc[rows[0]])))
        if j:
            ax.axhline(rows[0] - 0.5, color="#dddddd", linewidth=0.6, zorder=0)
    return handles


def plot_stances(stances: pd.DataFrame, *, variable: str, color_by: str | None = None,
                 values: pd.DataFrame | None = None, flags: Mapping[str, str] | None = None,
                 ax: Axes | None = None, title: str | None = None, source: str = "") -> Axes:
    """Each report's stance on one claim over time: one dot per report (from ``claim_stances``).

    Parameters
    ----------
    stances : DataFrame
        ``report_id, outlet, published, variable, value`` (and ``color_by`` if given) and,
        optionally, ``published_time_known`` (merge it in from ``Event.reports``; without it
        every time counts as known).
    variable : str
        The claim variable to show.
    color_by : str, optional
        A column of ``stances`` that colours the dots (e.g. outlet_type, merged in beforehand);
        default: the colour of each report's stance code.
    values : DataFrame, optional
        ``Event.values``: stances in codebook order (top down), named by their labels, in the
        fixed colours of their codes. Without it, codes sorted.
    flags : dict, optional
        Variable -> reliability flag: a flagged claim's dots are drawn pale and named under the
        chart.
    ax : matplotlib Axes, optional
    title, source : str

    Returns
    -------
    matplotlib Axes
        One row per stance; one mark per report, in one scatter collection per colour group (a
        second one, gid "date-only", for reports that gave a date only). A report with a clock
        time is a filled dot at its instant; one that gave a date only is a hollow mark at the
        middle of its UTC day with a line across the day, never a dot at a time of day. Reports
        with the same stance on the same day are spread up and down so that none hides another.
    """
    flags = check_flags(flags)
    ax = new_axes(ax)
    t = stances[(stances["variable"] == variable) & stances["value"].notna()].reset_index(drop=True)
    finish(ax, title=title or f"{variable}: each report's stance over time", xlabel="Published (UTC)",
           ylabel="Stance" if values is not None else "Stance (code)", source=source)
    if not len(t):
        return no_data(ax)
    codes, labels = variable_codes(values, variable) if values is not None else ([], {})
    present = sorted(pd.unique(t["value"]), key=str)
    levels = [c for c in codes if c in set(present)] + [c for c in present if c not in set(codes)]
    t, x, known, y = _stance_positions(t, levels)
    parts, marks = _colour_groups(t, levels, values=values, variable=variable, color_by=color_by)
    alpha = PALE if variable in flags else 0.9
    for mask, (colour, marker, _) in zip(parts, marks):
        timed, dated = mask & known, mask & ~known
        if timed.any():
            ax.scatter(x[timed], y[timed], color=colour, marker=marker, s=28, zorder=3, alpha=alpha,
                       edgecolors="white", linewidths=0.5)
        if dated.any():
            day_marks(ax, x[dated], y[dated], colour=colour, marker=marker, size=28, alpha=alpha)
    ax.set_yticks(range(len(levels)), [wrap_label(str(labels.get(v, v))) for v in levels])
    ax.set_ylim(-0.6, len(levels) - 0.4)
    day_axis(ax, x)   # ticks mid-day: a day's reports, timed or not, sit between its edges
    ax.grid(axis="x", color="#eeeeee", linewidth=0.6)
    ax.set_axisbelow(True)
    handles = [Line2D([], [], color=c, marker=m, linestyle="", label=lab) for c, m, lab in marks if lab]
    if not known.all():
        handles.append(date_only_handle())
    if handles:
        legend_outside(ax, handles=handles, title=color_by.replace("_", " ") if color_by else None)
    flag_note(ax, flags, [variable])
    return ax


def _stance_positions(t: pd.DataFrame, levels: Sequence[object]
                      ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The stances in time order, with their x (days), whether the time is known, and their y:
    the row of their stance, reports of one stance and day spread up and down so that none
    hides another."""
    x = as_days(t["published"])
    known = known_times(t, "published_time_known")
    ypos = {v: i for i, v in enumerate(levels)}
    order = np.lexsort((t["report_id"].astype(str).to_numpy(), x))
    t = t.iloc[order].reset_index(drop=True)
    x, known = x[order], known[order]
    same_day = t.groupby([t["value"].map(ypos), np.floor(x)], observed=True)
    k, n = same_day.cumcount().to_numpy(), same_day["report_id"].transform("size").to_numpy()
    y = t["value"].map(ypos).to_numpy(dtype=float) + (k - (n - 1) / 2) * np.minimum(0.09, 0.8 / n)
    return t, x, known, y


def _colour_groups(t: pd.DataFrame, levels: Sequence[object], *, values: pd.DataFrame | None, variable: str,
                   color_by: str | None) -> _Marks:
    """The rows of each colour group and its (colour, marker, legend label): one group per
    stance code (no legend: the y axis names them), or per value of ``color_by``."""
    if color_by is None:
        styles = variable_code_styles(values, variable, sorted(pd.unique(t["value"]), key=str))
        parts = [(t["value"] == v).to_numpy() for v in levels]
        return parts, [(styles[v][0], "o", None) for v in levels]
    groups = group_levels(t[color_by])
    parts = [in_group(t[color_by], g).to_numpy() for g in groups]
    return parts, [(*category_style(j), show(g)) for j, g in enumerate(groups)]
