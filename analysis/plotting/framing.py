"""Charts of the framing tables: one function per result table of :mod:`analysis.framing`.

Each function takes the result table (plus a few keyword options), draws on ``ax`` or on a new
8 x 5 inch Axes, and returns the Axes; nothing is shown or saved. Categories are drawn in sorted
order (a missing group, e.g. reports that are not wire copy when ``by="wire"``, last, as
"(none)"), so a chart does not depend on the row order of its table. Colours come from the
colour-blind-safe palette of :mod:`analysis.plotting._style`; beyond its eight colours, bars are
told apart by hatching.
"""
from __future__ import annotations

import matplotlib.dates as mdates
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter
import numpy as np
import pandas as pd

from ..framing import (
    FACT_MATRIX_COLUMNS,
    FRAME_PROFILE_COLUMNS,
    LABEL_SHARE_COLUMNS,
    SOURCE_MIX_COLUMNS,
)
from ._style import PALETTE, SEQUENTIAL, finish, new_axes
from ._time import as_days, date_axis, date_only_handle, draw_day_marks, draw_moments, known_times

MISSING_GROUP = "(none)"
NOT_CODED = "not coded"
_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
_HATCHES = ("", "//", "..", "xx", "\\\\", "++")
# grey for "not coded": outside the palette, so it never stands for a category
_GREY = "#999999"


def plot_frame_profile(profile, *, by=None, ax=None, title=None, source=""):
    """Dot plot of mean frame scores per group, with their bootstrap intervals.

    Parameters
    ----------
    profile : DataFrame
        The result of :func:`analysis.framing.frame_profile`: ``<by>, frame, score, ci_low,
        ci_high, n``.
    by : str, optional
        The grouping column; default the one column that is not a standard column.
    ax : matplotlib Axes, optional
    title, source : str
        Title (default "Frame scores by <by>") and source line under the chart.

    Returns
    -------
    matplotlib Axes
        One error-bar container per group (``ax.containers``), with one point per frame the
        group has a score for; frames on the y axis, score (0 to 1) on the x axis. A group of
        one report has a point and no bar.
    """
    by = _by_column(profile, FRAME_PROFILE_COLUMNS, by)
    ax = new_axes(ax)
    finish(ax, title=title or f"Frame scores by {by}", xlabel="Mean frame score (0 = no item present, "
           "1 = every item present)", ylabel="Frame", source=source)
    table = profile[profile["score"].notna()]
    _one_row_each(table, [by, "frame"], "frame_profile")
    if not len(table):
        return _no_data(ax)
    frames = sorted(pd.unique(table["frame"]), key=str)
    groups = _group_levels(table[by])
    step = min(0.8 / len(groups), 0.25)
    for i in range(1, len(frames), 2):   # light bands tell the frames apart when groups are many
        ax.axhspan(i - 0.5, i + 0.5, color="#f2f2f2", zorder=0, linewidth=0)
    for j, group in enumerate(groups):
        part = table[_same(table[by], group)].set_index("frame").reindex(frames).dropna(subset=["score"])
        y = np.array([frames.index(f) for f in part.index], dtype=float) + (j - (len(groups) - 1) / 2) * step
        x = part["score"].to_numpy(dtype=float)
        err = np.vstack([x - part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float) - x])
        colour, marker = _style(j)
        ax.errorbar(x, y, xerr=np.nan_to_num(err, nan=0.0), fmt=marker, color=colour, ecolor=colour,
                    capsize=2, markersize=5, linewidth=1.2, label=_show(group))
    ax.set_yticks(range(len(frames)), [str(f) for f in frames])
    ax.set_ylim(len(frames) - 0.5, -0.5)   # first frame on top
    ax.set_xlim(-0.02, 1.02)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    _legend(ax, by)
    return ax


def plot_claim_timeline(timeline, *, moments=None, ax=None, title=None, source=""):
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
    ax : matplotlib Axes, optional
    title, source : str

    Returns
    -------
    matplotlib Axes
        One row per (claim, stance) in the order of ``timeline`` (claim_timeline gives codebook
        order), labelled with the value labels; one colour and marker per claim (legend: the
        claim labels). A first report with a clock time is a filled mark at that instant; one
        that gave a date only is a hollow mark at the middle of the day with a line across the
        day (said so in the legend), never a point at a time of day. One annotation per row
        ("first outlet (+k more)"); moments are dashed vertical lines (shaded days when only a
        date is known).
    """
    ax = new_axes(ax)
    finish(ax, title=title or "When each claim first appeared", xlabel="First published (UTC)",
           ylabel="Claim: stance", source=source)
    table = timeline[timeline["first_published"].notna()].reset_index(drop=True)
    if not len(table):
        return _no_data(ax)
    x = as_days(table["first_published"])
    known = known_times(table, "first_time_known")
    labels = table["value_label"] if "value_label" in table.columns else table["value"]
    names = table["variable_label"] if "variable_label" in table.columns else table["variable"]
    variables = list(dict.fromkeys(table["variable"].astype(str)))
    handles = []
    for j, variable in enumerate(variables):
        rows = np.flatnonzero((table["variable"].astype(str) == variable).to_numpy())
        colour, marker = _style(j)
        timed, dated = rows[known[rows]], rows[~known[rows]]
        ax.scatter(x[timed], timed, color=colour, marker=marker, s=40, zorder=3)
        if len(dated):
            draw_day_marks(ax, x[dated], dated, color=colour, marker=marker)
        handles.append(Line2D([], [], color=colour, marker=marker, linestyle="", label=str(names.iloc[rows[0]])))
        if j:
            ax.axhline(rows[0] - 0.5, color="#dddddd", linewidth=0.6, zorder=0)
    right = np.where(known, x, np.floor(x) + 1)   # annotate right of the day's line
    for i, row in table.iterrows():
        more = int(row["n_reports"]) - 1
        text = f"{row['first_outlet']}" + (f" (+{more} more)" if more else "")
        ax.annotate(text, (right[i], i), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(table)), [_wrap(v) for v in labels.astype(str)])
    ax.set_ylim(len(table) - 0.5, -0.5)
    date_axis(ax)
    ax.margins(x=0.25)   # room for the outlet names right of the last point
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    draw_moments(ax, moments)
    if not known.all():
        handles.append(date_only_handle())
    ax.legend(handles=handles, title="Claim", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              fontsize=8, title_fontsize=9)
    return ax


def _wrap(text, width=38):
    """Long labels on two lines (at most) so that they do not crowd the plot."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    rest = text[cut:].strip()
    return text[:cut] + "\n" + (rest if len(rest) <= width else rest[: width - 1] + "\u2026")


def plot_label_shares(shares, *, variable=None, by=None, ax=None, title=None, source=""):
    """Stacked bars: the share of each word a group of reports used for one referent.

    Parameters
    ----------
    shares : DataFrame
        The result of :func:`analysis.framing.label_shares`: ``variable, referent, <by>, code,
        share``.
    variable : str, optional
        The label variable to draw; needed when the table holds more than one.
    by : str, optional
        The grouping column; default the one non-standard column.
    ax : matplotlib Axes, optional
    title, source : str
        Title default "Words for <referent>, by <by>".

    Returns
    -------
    matplotlib Axes
        One horizontal bar per group; one bar segment (patch) per group and code (codes in
        sorted order; a code a group did not use is a segment of width 0).
    """
    by = _by_column(shares, LABEL_SHARE_COLUMNS, by)
    table = _one_variable(shares, variable)
    referent = str(table["referent"].iloc[0]) if len(table) else str(variable or "")
    ax = new_axes(ax)
    finish(ax, title=title or f"Words for {referent}, by {by}", xlabel="Share of the group's reports (0 to 1)",
           ylabel=by.replace("_", " ").capitalize(), source=source)
    if not len(table):
        return _no_data(ax)
    _one_row_each(table, [by, "code"], "label_shares")
    _stacked(ax, table, by=by, key="code", value="share", legend="Word (code)", unit="report")
    return ax


def plot_figure_deviations(deviations, *, variable=None, unit="", ax=None, title=None, source=""):
    """Strip plot of the numbers cited for one figure, by outlet, against the reference value.

    Parameters
    ----------
    deviations : DataFrame
        The result of :func:`analysis.framing.figure_deviations`: ``report_id, outlet,
        variable, figure, cited, reference, attribution``.
    variable : str, optional
        The figure variable to draw; needed when the table holds more than one.
    unit : str
        The figure's unit for the axis label (``Event.figures["unit"]``), e.g. "people".
    ax : matplotlib Axes, optional
    title, source : str

    Returns
    -------
    matplotlib Axes
        One point per report (outlets on the y axis, reports of one outlet spread a little
        apart in report_id order); one scatter collection per attribution (sorted; reports
        without one last, in grey, as "not coded"); one vertical line at the reference value.
    """
    table = _one_variable(deviations, variable)
    name = str(table["figure"].iloc[0]) if len(table) else str(variable or "")
    ax = new_axes(ax)
    finish(ax, title=title or f"Numbers cited for {name}", ylabel="Outlet", source=source,
           xlabel=f"Number cited ({unit})" if unit else "Number cited")
    if not len(table):
        return _no_data(ax)
    table = table.sort_values(["outlet", "report_id"], key=_text_key, kind="stable").reset_index(drop=True)
    outlets = _group_levels(table["outlet"])
    row = _positions(table["outlet"], outlets).astype(float)
    # spread the reports of one outlet over a band of 0.5 so that equal numbers stay visible
    within = table.groupby(row, sort=False, observed=True).cumcount().to_numpy()
    size = pd.Series(row).map(pd.Series(row).value_counts()).to_numpy()
    y = row + np.where(size > 1, (within / np.maximum(size - 1, 1) - 0.5) * 0.5, 0.0)
    attribution = table["attribution"]
    kinds = _group_levels(attribution)
    for j, kind in enumerate(kinds):
        mask = _same(attribution, kind).to_numpy()
        colour, marker = _style(j)
        colour = _GREY if _missing(kind) else colour
        ax.scatter(table.loc[mask, "cited"], y[mask], color=colour, s=36, alpha=0.9,
                   marker=marker, edgecolors="white", linewidths=0.5, zorder=3,
                   label=NOT_CODED if _missing(kind) else str(kind))
    reference = float(table["reference"].iloc[0])
    ax.axvline(reference, color="#333333", linestyle="--", linewidth=1,
               label=f"reference: {reference:,.6g}")
    ax.set_yticks(range(len(outlets)), [_show(o) for o in outlets])
    ax.set_ylim(len(outlets) - 0.5, -0.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    _legend(ax, "Attributed to")
    return ax


def plot_fact_matrix(matrix, *, by=None, ax=None, title=None, source=""):
    """Heatmap of omissions: the share of each group's reports that mention each fact.

    Parameters
    ----------
    matrix : DataFrame
        The result of :func:`analysis.framing.fact_matrix`: ``<by>, fact, reported, n``.
    by : str, optional
        The grouping column; default the one non-standard column.
    ax : matplotlib Axes, optional
    title, source : str

    Returns
    -------
    matplotlib Axes
        One image (``ax.images[0]``) of groups (rows, sorted) by facts (columns, sorted), the
        share from 0 to 1 on the ``cividis`` scale (cells with no coded report blank), one text
        per cell with the percentage, and a colour bar.
    """
    by = _by_column(matrix, FACT_MATRIX_COLUMNS, by)
    ax = new_axes(ax)
    finish(ax, title=title or f"Which facts each {by.replace('_', ' ')} reported", xlabel="Fact",
           ylabel=by.replace("_", " ").capitalize(), source=source)
    if not len(matrix):
        return _no_data(ax)
    _one_row_each(matrix, [by, "fact"], "fact_matrix")
    groups = _group_levels(matrix[by])
    facts = sorted(pd.unique(matrix["fact"]), key=str)
    grid = np.full((len(groups), len(facts)), np.nan)
    rows = _positions(matrix[by], groups)
    cols = np.array([facts.index(f) for f in matrix["fact"]])
    grid[rows, cols] = matrix["reported"].to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto",
                      interpolation="nearest")
    for (i, k), value in np.ndenumerate(grid):
        if np.isnan(value):
            continue
        # cividis is dark at the low end: white text there, black text on the light end
        ax.text(k, i, f"{value:.0%}", ha="center", va="center", fontsize=8,
                color="white" if value < 0.6 else "black")
    ax.set_xticks(range(len(facts)), [str(f) for f in facts], rotation=35, ha="right")
    ax.set_yticks(range(len(groups)), [_show(g) for g in groups])
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.tick_params(length=0)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("Share of reports mentioning the fact (0 to 1)")
    return ax


def plot_source_mix(mix, *, by=None, ax=None, title=None, source=""):
    """Stacked bars: how each group's quotes divide among the sources.

    Parameters
    ----------
    mix : DataFrame
        The result of :func:`analysis.framing.source_mix`: ``<by>, source, n, share``.
    by : str, optional
        The grouping column; default the one non-standard column.
    ax : matplotlib Axes, optional
    title, source : str

    Returns
    -------
    matplotlib Axes
        One horizontal bar per group; one segment (patch) per group and source (sources sorted;
        a group that quotes no source has an empty bar).
    """
    by = _by_column(mix, SOURCE_MIX_COLUMNS, by)
    ax = new_axes(ax)
    finish(ax, title=title or f"Whom each {by.replace('_', ' ')} quoted",
           xlabel="Share of the group's quoted sources (0 to 1)", ylabel=by.replace("_", " ").capitalize(),
           source=source)
    if not len(mix):
        return _no_data(ax)
    _one_row_each(mix, [by, "source"], "source_mix")
    _stacked(ax, mix, by=by, key="source", value="share", legend="Source", unit="quote")
    return ax


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

def _by_column(table, known, by):
    if by is not None:
        if by not in table.columns:
            raise ValueError(f"by={by!r} is not a column of the table; columns: {', '.join(map(str, table.columns))}")
        return by
    extra = [c for c in table.columns if c not in known and c not in ("variable", "referent")]
    if len(extra) != 1:
        raise ValueError(f"cannot tell the grouping column among {', '.join(map(str, extra)) or 'no columns'}; "
                         "pass by=<column>")
    return extra[0]


def _one_variable(table, variable):
    names = sorted(pd.unique(table["variable"]), key=str)
    if variable is None:
        if len(names) > 1:
            raise ValueError(f"the table holds {len(names)} variables ({', '.join(map(str, names))}); "
                             "choose one with variable=<name>")
        return table
    if variable not in names:
        raise ValueError(f"variable {variable!r} is not in the table; "
                         f"variables: {', '.join(map(str, names)) or 'none'}")
    return table[table["variable"] == variable]


def _style(j):
    """Colour and marker of the j-th category; no two of the first 64 share both."""
    k = len(PALETTE)
    return PALETTE[j % k], _MARKERS[(j + j // k) % len(_MARKERS)]


def _one_row_each(table, columns, producer):
    dup = table.duplicated(columns)
    if dup.any():
        first = table[dup].iloc[0]
        where = ", ".join(f"{c} {_show(first[c])}" for c in columns)
        raise ValueError(f"{where} has more than one row; pass one row per "
                         f"{' and '.join(columns)} (the result of {producer})")


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, (float, np.floating)) and np.isnan(v))


def _group_levels(values):
    present = [v for v in pd.unique(values) if not _missing(v)]
    try:
        present = sorted(present)
    except TypeError:
        present = sorted(present, key=str)
    return present + ([np.nan] if pd.isna(values).any() else [])


def _positions(values, levels):
    index = {v: i for i, v in enumerate(levels) if not _missing(v)}
    return np.array([len(levels) - 1 if _missing(v) else index[v] for v in values], dtype=np.int64)


def _same(series, level):
    return series.isna() if _missing(level) else (series == level)


def _show(group) -> str:
    return MISSING_GROUP if _missing(group) else str(group)


def _text_key(column):
    return column if pd.api.types.is_datetime64_any_dtype(column) else column.astype(str)


def _legend(ax, title):
    ax.legend(title=title, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              fontsize=8, title_fontsize=9)


def _no_data(ax):
    ax.text(0.5, 0.5, "No data to show", transform=ax.transAxes, ha="center", va="center",
            color="#666666")
    return ax


def _stacked(ax, table, *, by, key, value, legend, unit):
    """Horizontal stacked bars: one bar per group (sorted, top down), one segment per key.

    Each group's label carries the sum of its ``n`` (in ``unit``s): a bar of one report reads
    as 100% otherwise.
    """
    groups = _group_levels(table[by])
    keys = sorted(pd.unique(table[key]), key=str)
    grid = np.zeros((len(groups), len(keys)))
    values = table[value].to_numpy(dtype=float)
    rows, cols = _positions(table[by], groups), np.array([keys.index(k) for k in table[key]])
    np.add.at(grid, (rows, cols), np.nan_to_num(values, nan=0.0))
    left = np.zeros(len(groups))
    y = np.arange(len(groups))
    for k, name in enumerate(keys):
        ax.barh(y, grid[:, k], left=left, height=0.7, color=PALETTE[k % len(PALETTE)],
                hatch=_HATCHES[(k // len(PALETTE)) % len(_HATCHES)], edgecolor="white", linewidth=0.5,
                label=str(name))
        left += grid[:, k]
    totals = np.zeros(len(groups), dtype=np.int64)
    np.add.at(totals, rows, table["n"].to_numpy(dtype=np.int64))
    ax.set_yticks(y, [f"{_show(g)} ({t} {unit}{'' if t == 1 else 's'})" for g, t in zip(groups, totals)])
    ax.set_ylim(len(groups) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    _legend(ax, legend)


def plot_stances(stances, *, variable, color_by=None, ax=None, title=None, source=""):
    """Each report's stance on one claim over time: one dot per report (from ``claim_stances``).

    Parameters
    ----------
    stances : DataFrame
        ``report_id, outlet, published, variable, value`` (and ``color_by`` if given).
    variable : str
        The claim variable to show.
    color_by : str, optional
        A column of ``stances`` that colours the dots (e.g. outlet_type, merged in beforehand).
    """
    ax = new_axes(ax)
    t = stances[(stances["variable"] == variable) & stances["value"].notna()].copy()
    finish(ax, title=title or f"{variable}: each report's stance over time", xlabel="Published (UTC)",
           ylabel="Stance (code)", source=source)
    if not len(t):
        return _no_data(ax)
    t["_time"] = pd.to_datetime(t["published"], utc=True).dt.tz_localize(None)
    levels = sorted(pd.unique(t["value"].astype(str)))
    ypos = {v: i for i, v in enumerate(levels)}
    # spread reports with the same stance and day vertically so that none hides another
    t = t.sort_values(["_time", "report_id"], kind="stable")
    same_day = t.groupby([t["value"].astype(str), t["_time"].dt.date], observed=True)
    k, n = same_day.cumcount(), same_day["report_id"].transform("size")
    t["_y"] = t["value"].astype(str).map(ypos) + (k - (n - 1) / 2) * np.minimum(0.09, 0.8 / n)
    groups = [None] if color_by is None else _group_levels(t[color_by])
    for j, g in enumerate(groups):
        part = t if g is None else t[_same(t[color_by], g)]
        colour, marker = _style(j)
        ax.scatter(part["_time"], part["_y"], color=colour, marker=marker, s=28, zorder=3, alpha=0.9,
                   edgecolors="white", linewidths=0.5,
                   label=None if g is None else ("(none)" if pd.isna(g) else str(g)))
    ax.set_yticks(range(len(levels)), levels)
    ax.set_ylim(-0.6, len(levels) - 0.4)
    ax.xaxis.set_major_locator(mdates.DayLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    if color_by is not None:
        ax.legend(title=color_by.replace("_", " "), frameon=False, loc="upper left", fontsize=8)
    return ax
