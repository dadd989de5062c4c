"""Charts of the framing tables: one function per result table of :mod:`analysis.framing`.

Each function takes the result table (plus a few keyword options), draws on ``ax`` or on a new
8 x 5 inch Axes, and returns the Axes; nothing is shown or saved. Categories are drawn in sorted
order (a missing group, e.g. reports that are not wire copy when ``by="wire"``, last, as
"(none)"), so a chart does not depend on the row order of its table. Groups take the
colour-blind-safe palette of :mod:`analysis.plotting._style` in that order; codes take the fixed
colour of their place in the codebook (:func:`analysis.plotting._style.code_colours`; pass
``values=Event.values``), so one code has one colour in every chart, and codes that say nothing
was said are grey. Beyond the palette's eight colours, bars are told apart by hatching.

Charts that draw coded variables take ``flags`` (what is drawn -> "", "tentative",
"unreliable", "reliability unknown" or "reliability not measured", e.g. ``{v: page.flag(v)}``):
flagged variables are drawn pale and named in a note under the chart. Charts of frames,
sources and facts draw those, not variables: :func:`role_flags` turns flags of variables into
flags of what such a chart draws.
"""
from __future__ import annotations

from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter
import numpy as np
import pandas as pd

from ...common import is_missing
from ...framing import (
    FACT_MATRIX_COLUMNS,
    FRAME_PROFILE_COLUMNS,
    LABEL_SHARE_COLUMNS,
    SOURCE_MIX_COLUMNS,
)
from .._style import (FLAG_HATCH, GREYS, PALE, PALETTE, SEQUENTIAL, add_note, check_flags, code_styles, finish,
                     flag_note, integer_ticks, legend_outside, new_axes, pale, variable_codes, worst_flag)
from .._time import (as_days, date_axis, date_only_handle, day_axis, draw_day_marks, draw_moments,
                    known_times)

MISSING_GROUP = "(none)"
NOT_CODED = "not coded"
_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
# grey for "not coded": outside the palette, so it never stands for a category
_GREY = GREYS[0]
_ROLE_KEYS = {"frame_item": "frame", "source": "source", "fact": "fact"}


def plot_frame_profile(profile, *, by=None, flags=None, ax=None, title=None, source=""):
    """Dot plot of mean frame scores per group, with their bootstrap intervals.

    Parameters
    ----------
    profile : DataFrame
        The result of :func:`analysis.framing.frame_profile`: ``<by>, frame, score, ci_low,
        ci_high, n``.
    by : str, optional
        The grouping column; default the one column that is not a standard column.
    flags : dict, optional
        Frame -> reliability flag (``role_flags(codebook, flags, role="frame_item")`` from
        flags of the frame items): flagged frames are drawn pale, their label grey, and named
        under the chart.
    ax : matplotlib Axes, optional
    title, source : str
        Title (default "Frame scores by <by>") and source line under the chart.

    Returns
    -------
    matplotlib Axes
        One error-bar container per group (``ax.containers``), with one point per frame the
        group has a score for (a second, pale container per group for flagged frames); frames
        on the y axis, score (0 to 1) on the x axis. A group of one report has a point and no
        bar.
    """
    by = _by_column(profile, FRAME_PROFILE_COLUMNS, by)
    flags = check_flags(flags)
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
    handles = []
    for i in range(1, len(frames), 2):   # light bands tell the frames apart when groups are many
        ax.axhspan(i - 0.5, i + 0.5, color="#f2f2f2", zorder=0, linewidth=0)
    for j, group in enumerate(groups):
        part = table[_same(table[by], group)].set_index("frame").reindex(frames).dropna(subset=["score"])
        doubt = np.array([f in flags for f in part.index], dtype=bool)
        y = np.array([frames.index(f) for f in part.index], dtype=float) + (j - (len(groups) - 1) / 2) * step
        x = part["score"].to_numpy(dtype=float)
        err = np.vstack([x - part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float) - x])
        colour, marker = _style(j)
        for mask, alpha in ((~doubt, 1.0), (doubt, PALE)):
            if mask.any():
                ax.errorbar(x[mask], y[mask], xerr=np.nan_to_num(err[:, mask], nan=0.0), fmt=marker,
                            color=colour, ecolor=colour, capsize=2, markersize=5, linewidth=1.2, alpha=alpha)
        handles.append(Line2D([], [], color=colour, marker=marker, label=_show(group)))
    ax.set_yticks(range(len(frames)), [str(f) for f in frames])
    for tick, frame in zip(ax.get_yticklabels(), frames):
        if frame in flags:
            tick.set_color(_GREY)
    ax.set_ylim(len(frames) - 0.5, -0.5)   # first frame on top
    ax.set_xlim(-0.02, 1.02)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    legend_outside(ax, handles=handles, title=by)
    flag_note(ax, flags, frames)
    return ax


def plot_claim_timeline(timeline, *, moments=None, values=None, flags=None, ax=None, title=None, source=""):
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
        return _no_data(ax)
    x = as_days(table["first_published"])
    known = known_times(table, "first_time_known")
    labels = table["value_label"] if "value_label" in table.columns else table["value"]
    names = table["variable_label"] if "variable_label" in table.columns else table["variable"]
    variables = list(dict.fromkeys(table["variable"].astype(str)))
    handles = []
    for j, variable in enumerate(variables):
        rows = np.flatnonzero((table["variable"].astype(str) == variable).to_numpy())
        styles = _code_styles(values, variable, table["value"].iloc[rows])
        colours = [styles[v][0] for v in table["value"].iloc[rows]]
        marker = _MARKERS[j % len(_MARKERS)]
        alpha = PALE if variable in flags else 1.0
        for i, colour in zip(rows, colours):
            if known[i]:
                ax.scatter([x[i]], [i], color=colour, marker=marker, s=40, zorder=3, alpha=alpha)
            else:
                _day_marks(ax, [x[i]], [i], colour=colour, marker=marker, size=40, alpha=alpha)
        handles.append(Line2D([], [], color="#333333", marker=marker, linestyle="", alpha=alpha,
                              label=str(names.iloc[rows[0]])))
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
    legend_outside(ax, handles=handles, title="Claim")
    flag_note(ax, flags, variables)
    return ax


def _wrap(text, width=38):
    """Long labels on two lines (at most) so that they do not crowd the plot."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    rest = text[cut:].strip()
    return text[:cut] + "\n" + (rest if len(rest) <= width else rest[: width - 1] + "\u2026")


def plot_label_shares(shares, *, variable=None, by=None, values=None, flags=None, ax=None, title=None,
                      source=""):
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
    values : DataFrame, optional
        ``Event.values``: codes in codebook order, each in its fixed colour, named by their
        labels in the legend. Without it, codes sorted, named by their codes.
    flags : dict, optional
        Variable -> reliability flag: a flagged variable's bars are drawn pale and named under
        the chart.
    ax : matplotlib Axes, optional
    title, source : str
        Title default "Words for <referent>, by <by>".

    Returns
    -------
    matplotlib Axes
        One horizontal bar per group; one bar segment (patch) per group and code (a code a
        group did not use is a segment of width 0). Codes that say the referent was not named
        are grey.
    """
    by = _by_column(shares, LABEL_SHARE_COLUMNS, by)
    flags = check_flags(flags)
    table = _one_variable(shares, variable)
    referent = str(table["referent"].iloc[0]) if len(table) else str(variable or "")
    ax = new_axes(ax)
    finish(ax, title=title or f"Words for {referent}, by {by}", xlabel="Share of the group's reports (0 to 1)",
           ylabel=by.replace("_", " ").capitalize(), source=source)
    if not len(table):
        return _no_data(ax)
    _one_row_each(table, [by, "code"], "label_shares")
    name = str(table["variable"].iloc[0])
    codes, labels = variable_codes(values, name) if values is not None else ([], {})
    present = sorted(pd.unique(table["code"]), key=str)
    keys = [c for c in codes if c in set(present)] + [c for c in present if c not in set(codes)]
    styles = _code_styles(values, name, present)
    _stacked(ax, table, by=by, key="code", keys=keys, styles=styles, names=labels, value="share",
             legend="Word" if labels else "Word (code)", unit="report", all_pale=name in flags)
    flag_note(ax, flags, [name])
    return ax


def _code_styles(values, variable, present):
    """``{code: (colour, hatch)}``: by the codebook order of ``values`` where given (codes it
    lacks after), else by the order of the codes ``present``."""
    codes, labels = variable_codes(values, variable) if values is not None else ([], {})
    extra = [c for c in dict.fromkeys(present) if c not in set(codes)]
    return code_styles(list(codes) + extra, labels)


def plot_figure_deviations(deviations, *, variable=None, unit="", flags=None, ax=None, title=None, source=""):
    """Strip plot of the numbers cited for one figure, by outlet, against the reference value.

    Parameters
    ----------
    deviations : DataFrame
        The result of :func:`analysis.framing.figure_deviations`: ``report_id, outlet,
        variable, figure, cited, reference, attribution`` and, when present, ``published``,
        ``reference_source`` and ``reference_as_of``.
    variable : str, optional
        The figure variable to draw; needed when the table holds more than one.
    unit : str
        The figure's unit for the axis label (``Event.figures["unit"]``), e.g. "people".
    flags : dict, optional
        Variable -> reliability flag: a flagged figure's points are drawn pale and named under
        the chart.
    ax : matplotlib Axes, optional
    title, source : str

    Returns
    -------
    matplotlib Axes
        One point per report (outlets on the y axis, reports of one outlet spread a little
        apart in report_id order), each annotated with its UTC day of publication ("8 Apr");
        one scatter collection per attribution (sorted; reports without one last, in grey, as
        "not coded"); one vertical line at the reference value, named in the legend with its
        date and in a note under the chart with its source. Whole-number ticks when every
        number is whole.
    """
    flags = check_flags(flags)
    table = _one_variable(deviations, variable)
    name = str(table["figure"].iloc[0]) if len(table) else str(variable or "")
    ax = new_axes(ax)
    finish(ax, title=title or f"Numbers cited for {name}", ylabel="Outlet", source=source,
           xlabel=f"Number cited ({unit})" if unit else "Number cited")
    if not len(table):
        return _no_data(ax)
    drawn_variable = str(table["variable"].iloc[0])
    alpha = PALE if drawn_variable in flags else 0.9
    table = table.sort_values(["outlet", "report_id"], key=_text_key, kind="stable").reset_index(drop=True)
    outlets = _group_levels(table["outlet"])
    row = _positions(table["outlet"], outlets).astype(float)
    # spread the reports of one outlet over a band of 0.5 so that equal numbers stay visible
    within = table.groupby(row, sort=False, observed=True).cumcount().to_numpy()
    size = pd.Series(row).map(pd.Series(row).value_counts()).to_numpy()
    y = row + np.where(size > 1, (within / np.maximum(size - 1, 1) - 0.5) * 0.5, 0.0)
    attribution = table["attribution"]
    kinds = _group_levels(attribution)
    styles = code_styles([k for k in kinds if not is_missing(k)])
    for j, kind in enumerate(kinds):
        mask = _same(attribution, kind).to_numpy()
        marker = _style(j)[1]
        colour = _GREY if is_missing(kind) else styles[kind][0]
        ax.scatter(table.loc[mask, "cited"], y[mask], color=colour, s=36, alpha=alpha,
                   marker=marker, edgecolors="white", linewidths=0.5, zorder=3,
                   label=NOT_CODED if is_missing(kind) else str(kind))
    _publication_days(ax, table, y)
    reference = float(table["reference"].iloc[0])
    ref_source, as_of = _provenance(table)
    ax.axvline(reference, color="#333333", linestyle="--", linewidth=1,
               label=f"reference: {reference:,.6g}" + (f"\nas of {_day(as_of)}" if as_of is not None else ""))
    ax.set_yticks(range(len(outlets)), [_show(o) for o in outlets])
    ax.set_ylim(len(outlets) - 0.5, -0.5)
    numbers = np.append(table["cited"].to_numpy(dtype=float), reference)
    if np.all(np.isfinite(numbers)) and np.all(numbers == np.round(numbers)):
        integer_ticks(ax.xaxis)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    legend_outside(ax, title="Attributed to")
    if ref_source or as_of is not None:
        add_note(ax, f"Reference: {reference:,.6g}{' ' + unit if unit else ''}"
                 + (f", {ref_source}" if ref_source else "") + (f", as of {_day(as_of)}" if as_of is not None else "")
                 + ". Beside each point: the day the report was published (UTC).")
    flag_note(ax, flags, [drawn_variable])
    return ax


def _provenance(table):
    """The reference's source ("" if not given) and as_of (a Timestamp, or None) of a deviation table."""
    src = table["reference_source"].iloc[0] if "reference_source" in table.columns else ""
    as_of = table["reference_as_of"].iloc[0] if "reference_as_of" in table.columns else None
    src = "" if is_missing(src) or src is None else str(src)
    return src, (None if as_of is None or is_missing(as_of) else pd.Timestamp(as_of))


def _day(t) -> str:
    return f"{t.day} {t:%b %Y}"


def _publication_days(ax, table, y):
    """Each point's UTC day of publication, small, right of the point."""
    if "published" not in table.columns:
        return
    when = pd.to_datetime(pd.Series(table["published"].to_numpy(dtype=object), dtype=object), utc=True,
                          format="ISO8601")
    for x, yi, t in zip(table["cited"].to_numpy(dtype=float), y, when):
        if not pd.isna(t):
            ax.annotate(f"{t.day} {t:%b}", (x, yi), xytext=(4, 0), textcoords="offset points", va="center",
                        fontsize=6.5, color="#555555", gid="published")


def plot_fact_matrix(matrix, *, by=None, flags=None, ax=None, title=None, source=""):
    """Heatmap of omissions: the share of each group's reports that mention each fact.

    Parameters
    ----------
    matrix : DataFrame
        The result of :func:`analysis.framing.fact_matrix`: ``<by>, fact, reported, n`` and,
        when present, ``n_not_yet``.
    by : str, optional
        The grouping column; default the one non-standard column.
    flags : dict, optional
        Fact -> reliability flag (``role_flags(codebook, flags, role="fact")``): a flagged
        fact's column is hatched over and named under the chart.
    ax : matplotlib Axes, optional
    title, source : str

    Returns
    -------
    matplotlib Axes
        One image (``ax.images[0]``) of groups (rows, sorted) by facts (columns, sorted), the
        share from 0 to 1 on the ``cividis`` scale (cells with no coded report blank), one text
        per cell with the percentage, and a colour bar. A cell that left out reports published
        before the fact was known (``n_not_yet > 0``) has a "*" after its percentage; a blank
        cell whose reports all came before it reads "not yet"; a note under the chart says so.
    """
    by = _by_column(matrix, FACT_MATRIX_COLUMNS, by)
    flags = check_flags(flags)
    ax = new_axes(ax)
    finish(ax, title=title or f"Which facts each {by.replace('_', ' ')} reported", xlabel="Fact",
           ylabel=by.replace("_", " ").capitalize(), source=source)
    if not len(matrix):
        return _no_data(ax)
    _one_row_each(matrix, [by, "fact"], "fact_matrix")
    groups = _group_levels(matrix[by])
    facts = sorted(pd.unique(matrix["fact"]), key=str)
    grid = np.full((len(groups), len(facts)), np.nan)
    early = np.zeros((len(groups), len(facts)), dtype=np.int64)
    rows = _positions(matrix[by], groups)
    cols = np.array([facts.index(f) for f in matrix["fact"]])
    grid[rows, cols] = matrix["reported"].to_numpy(dtype=float)
    if "n_not_yet" in matrix.columns:
        early[rows, cols] = matrix["n_not_yet"].fillna(0).to_numpy(dtype=np.int64)
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto",
                      interpolation="nearest")
    for (i, k), value in np.ndenumerate(grid):
        if np.isnan(value):
            if early[i, k]:
                ax.text(k, i, "not yet", ha="center", va="center", fontsize=7, color="#666666")
            continue
        # cividis is dark at the low end: white text there, black text on the light end
        ax.text(k, i, f"{value:.0%}" + ("*" if early[i, k] else ""), ha="center", va="center", fontsize=8,
                color="white" if value < 0.6 else "black")
    for k, fact in enumerate(facts):
        if fact in flags:
            ax.add_patch(Rectangle((k - 0.5, -0.5), 1, len(groups), facecolor="white", alpha=PALE,
                                   hatch=FLAG_HATCH, edgecolor="#666666", linewidth=0, gid="flagged"))
    ax.set_xticks(range(len(facts)), [str(f) for f in facts], rotation=35, ha="right")
    ax.set_yticks(range(len(groups)), [_show(g) for g in groups])
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.tick_params(length=0)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("Share of reports mentioning the fact (0 to 1)")
    if early.any():
        add_note(ax, "*: leaves out reports published before the fact was known (not an omission); "
                 "not yet: every report of the group came before it.")
    flag_note(ax, flags, facts)
    return ax


def plot_source_mix(mix, *, by=None, flags=None, ax=None, title=None, source=""):
    """Stacked bars: how each group's quotes divide among the sources.

    Parameters
    ----------
    mix : DataFrame
        The result of :func:`analysis.framing.source_mix`: ``<by>, source, n, share``.
    by : str, optional
        The grouping column; default the one non-standard column.
    flags : dict, optional
        Source -> reliability flag (``role_flags(codebook, flags, role="source")``): a flagged
        source's segments are drawn pale and named under the chart.
    ax : matplotlib Axes, optional
    title, source : str

    Returns
    -------
    matplotlib Axes
        One horizontal bar per group; one segment (patch) per group and source (sources
        sorted, each in the colour of its place in that order: source_mix lists every source
        for every group, so a source has one colour in every chart of it; a group that quotes
        no source has an empty bar).
    """
    by = _by_column(mix, SOURCE_MIX_COLUMNS, by)
    flags = check_flags(flags)
    ax = new_axes(ax)
    finish(ax, title=title or f"Whom each {by.replace('_', ' ')} quoted",
           xlabel="Share of the group's quoted sources (0 to 1)", ylabel=by.replace("_", " ").capitalize(),
           source=source)
    if not len(mix):
        return _no_data(ax)
    _one_row_each(mix, [by, "source"], "source_mix")
    keys = sorted(pd.unique(mix["source"]), key=str)
    _stacked(ax, mix, by=by, key="source", keys=keys, styles=code_styles(keys), names={}, value="share",
             legend="Source", unit="quote", flagged=set(flags))
    flag_note(ax, flags, keys)
    return ax


def role_flags(codebook, flags, *, role):
    """Flags of variables turned into flags of what a chart of one role draws.

    Parameters
    ----------
    codebook : DataFrame
        ``variable, role`` and the role's key column: ``frame`` (role ``frame_item``),
        ``source`` or ``fact``.
    flags : dict
        Variable -> "", "tentative", "unreliable", "reliability unknown" or "reliability not
        measured" (e.g. ``{v: page.flag(v) for v in page.codebook["variable"]}``).
    role : str
        "frame_item", "source" or "fact".

    Returns
    -------
    dict
        Frame, source or fact -> flag, for :func:`plot_frame_profile`, :func:`plot_source_mix`
        and :func:`plot_fact_matrix`. A frame takes the flag of its items that puts it most in
        doubt (unreliable, then reliability unknown, then not measured, then tentative): its
        score is a mean of all of them.
    """
    if role not in _ROLE_KEYS:
        raise ValueError(f"role must be one of {', '.join(_ROLE_KEYS)}, not {role!r}")
    flags = check_flags(flags)
    key = _ROLE_KEYS[role]
    rows = codebook[codebook["role"] == role]
    found = {}
    for variable, k in zip(rows["variable"], rows[key]):
        found.setdefault(k, []).append(flags.get(variable, ""))
    return {k: worst_flag(f) for k, f in found.items() if worst_flag(f)}


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





def _group_levels(values):
    present = [v for v in pd.unique(values) if not is_missing(v)]
    try:
        present = sorted(present)
    except TypeError:
        present = sorted(present, key=str)
    return present + ([np.nan] if pd.isna(values).any() else [])


def _positions(values, levels):
    index = {v: i for i, v in enumerate(levels) if not is_missing(v)}
    return np.array([len(levels) - 1 if is_missing(v) else index[v] for v in values], dtype=np.int64)


def _same(series, level):
    return series.isna() if is_missing(level) else (series == level)


def _show(group) -> str:
    return MISSING_GROUP if is_missing(group) else str(group)


def _text_key(column):
    return column if pd.api.types.is_datetime64_any_dtype(column) else column.astype(str)


def _day_marks(ax, x, y, *, colour, marker, size, alpha):
    """Day marks (:func:`analysis.plotting._time.draw_day_marks`), paler when ``alpha`` < 1."""
    before = len(ax.lines)
    marks = draw_day_marks(ax, x, y, color=colour, marker=marker, size=size)
    if alpha < 1:
        marks.set_alpha(alpha)
        for line in ax.lines[before:]:
            line.set_alpha(alpha * line.get_alpha() if line.get_alpha() is not None else alpha)


def _no_data(ax):
    ax.text(0.5, 0.5, "No data to show", transform=ax.transAxes, ha="center", va="center",
            color="#666666")
    return ax


def _stacked(ax, table, *, by, key, keys, styles, names, value, legend, unit, all_pale=False, flagged=()):
    """Horizontal stacked bars: one bar per group (sorted, top down), one segment per key.

    ``keys`` in drawing order, ``styles`` key -> (colour, hatch), ``names`` key -> legend text.
    Each group's label carries the sum of its ``n`` (in ``unit``s): a bar of one report reads
    as 100% otherwise. ``all_pale`` draws every segment pale, ``flagged`` the segments of those keys.
    """
    groups = _group_levels(table[by])
    grid = np.zeros((len(groups), len(keys)))
    values = table[value].to_numpy(dtype=float)
    rows, cols = _positions(table[by], groups), np.array([keys.index(k) for k in table[key]])
    np.add.at(grid, (rows, cols), np.nan_to_num(values, nan=0.0))
    left = np.zeros(len(groups))
    y = np.arange(len(groups))
    for k, name in enumerate(keys):
        colour, hatch = styles[name]
        doubt = all_pale or name in flagged   # pale face, hatched in the full colour
        ax.barh(y, grid[:, k], left=left, height=0.7, color=pale(colour) if doubt else colour,
                hatch=(hatch or FLAG_HATCH) if doubt else hatch, hatchcolor=colour if doubt else "white",
                edgecolor="white", linewidth=0.5, label=str(names.get(name, name)))
        left += grid[:, k]
    totals = np.zeros(len(groups), dtype=np.int64)
    np.add.at(totals, rows, table["n"].to_numpy(dtype=np.int64))
    ax.set_yticks(y, [f"{_show(g)} ({t} {unit}{'' if t == 1 else 's'})" for g, t in zip(groups, totals)])
    ax.set_ylim(len(groups) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    legend_outside(ax, title=legend)


def plot_stances(stances, *, variable, color_by=None, values=None, flags=None, ax=None, title=None, source=""):
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
        return _no_data(ax)
    x = as_days(t["published"])
    known = known_times(t, "published_time_known")
    codes, labels = variable_codes(values, variable) if values is not None else ([], {})
    present = sorted(pd.unique(t["value"]), key=str)
    levels = [c for c in codes if c in set(present)] + [c for c in present if c not in set(codes)]
    ypos = {v: i for i, v in enumerate(levels)}
    # spread reports with the same stance and day vertically so that none hides another
    order = np.lexsort((t["report_id"].astype(str).to_numpy(), x))
    t = t.iloc[order].reset_index(drop=True)
    x, known = x[order], known[order]
    day = np.floor(x)
    same_day = t.groupby([t["value"].map(ypos), day], observed=True)
    k, n = same_day.cumcount().to_numpy(), same_day["report_id"].transform("size").to_numpy()
    y = t["value"].map(ypos).to_numpy(dtype=float) + (k - (n - 1) / 2) * np.minimum(0.09, 0.8 / n)
    alpha = PALE if variable in flags else 0.9
    if color_by is None:
        styles = _code_styles(values, variable, present)
        colour_of = {v: styles[v][0] for v in levels}
        parts = [(t["value"] == v).to_numpy() for v in levels]
        marks = [(colour_of[v], "o", None) for v in levels]
    else:
        groups = _group_levels(t[color_by])
        parts = [_same(t[color_by], g).to_numpy() for g in groups]
        marks = [(*_style(j), _show(g)) for j, g in enumerate(groups)]
    for mask, (colour, marker, label) in zip(parts, marks):
        timed, dated = mask & known, mask & ~known
        if timed.any():
            ax.scatter(x[timed], y[timed], color=colour, marker=marker, s=28, zorder=3, alpha=alpha,
                       edgecolors="white", linewidths=0.5)
        if dated.any():
            _day_marks(ax, x[dated], y[dated], colour=colour, marker=marker, size=28, alpha=alpha)
    ax.set_yticks(range(len(levels)), [_wrap(str(labels.get(v, v))) for v in levels])
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
