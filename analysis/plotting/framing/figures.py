"""The chart of figure deviations: the numbers cited for one figure, by outlet, against the
reference value."""
from __future__ import annotations

from collections.abc import Mapping

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter
import numpy as np
import pandas as pd

from ...common import is_missing
from .._style import (PALE, add_note, check_flags, code_styles, finish, flag_note, integer_ticks, legend_outside,
                      new_axes)
from ._shared import (GREY, NOT_CODED, category_style, group_levels, group_positions, in_group, no_data,
                      one_variable, show, text_key)


def plot_figure_deviations(deviations: pd.DataFrame, *, variable: str | None = None, unit: str = "",
                           flags: Mapping[str, str] | None = None, ax: Axes | None = None,
                           title: str | None = None, source: str = "") -> Axes:
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
    table = one_variable(deviations, variable)
    name = str(table["figure"].iloc[0]) if len(table) else str(variable or "")
    ax = new_axes(ax)
    finish(ax, title=title or f"Numbers cited for {name}", ylabel="Outlet", source=source,
           xlabel=f"Number cited ({unit})" if unit else "Number cited")
    if not len(table):
        return no_data(ax)
    drawn_variable = str(table["variable"].iloc[0])
    table = table.sort_values(["outlet", "report_id"], key=text_key, kind="stable").reset_index(drop=True)
    outlets = group_levels(table["outlet"])
    y = _report_rows(table, outlets)
    _draw_attributions(ax, table, y, alpha=PALE if drawn_variable in flags else 0.9)
    _publication_days(ax, table, y)
    reference = float(table["reference"].iloc[0])
    ref_source, as_of = _provenance(table)
    ax.axvline(reference, color="#333333", linestyle="--", linewidth=1,
               label=f"reference: {reference:,.6g}" + (f"\nas of {_day(as_of)}" if as_of is not None else ""))
    ax.set_yticks(range(len(outlets)), [show(o) for o in outlets])
    ax.set_ylim(len(outlets) - 0.5, -0.5)
    numbers = np.append(table["cited"].to_numpy(dtype=float), reference)
    if np.all(np.isfinite(numbers)) and np.all(numbers == np.round(numbers)):
        integer_ticks(ax.xaxis)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    legend_outside(ax, title="Attributed to")
    if ref_source or as_of is not None:
        add_note(ax, _reference_note(reference, unit=unit, source=ref_source, as_of=as_of))
    flag_note(ax, flags, [drawn_variable])
    return ax


def _report_rows(table: pd.DataFrame, outlets: list[object]) -> np.ndarray:
    """The y of each report: its outlet's row, reports of one outlet spread over a band of 0.5
    so that equal numbers stay visible."""
    row = group_positions(table["outlet"], outlets).astype(float)
    within = table.groupby(row, sort=False, observed=True).cumcount().to_numpy()
    size = pd.Series(row).map(pd.Series(row).value_counts()).to_numpy()
    return row + np.where(size > 1, (within / np.maximum(size - 1, 1) - 0.5) * 0.5, 0.0)


def _draw_attributions(ax: Axes, table: pd.DataFrame, y: np.ndarray, *, alpha: float) -> None:
    """One scatter collection per attribution, sorted; reports without one last, in grey."""
    attribution = table["attribution"]
    kinds = group_levels(attribution)
    styles = code_styles([k for k in kinds if not is_missing(k)])
    for j, kind in enumerate(kinds):
        mask = in_group(attribution, kind).to_numpy()
        marker = category_style(j)[1]
        colour = GREY if is_missing(kind) else styles[kind][0]
        ax.scatter(table.loc[mask, "cited"], y[mask], color=colour, s=36, alpha=alpha,
                   marker=marker, edgecolors="white", linewidths=0.5, zorder=3,
                   label=NOT_CODED if is_missing(kind) else str(kind))


def _reference_note(reference: float, *, unit: str, source: str, as_of: pd.Timestamp | None) -> str:
    """The note under the chart: the reference value, its source and date."""
    return (f"Reference: {reference:,.6g}{' ' + unit if unit else ''}"
            + (f", {source}" if source else "") + (f", as of {_day(as_of)}" if as_of is not None else "")
            + ". Beside each point: the day the report was published (UTC).")


def _provenance(table: pd.DataFrame) -> tuple[str, pd.Timestamp | None]:
    """The reference's source ("" if not given) and as_of (a Timestamp, or None) of a deviation table."""
    src = table["reference_source"].iloc[0] if "reference_source" in table.columns else ""
    as_of = table["reference_as_of"].iloc[0] if "reference_as_of" in table.columns else None
    src = "" if is_missing(src) or src is None else str(src)
    return src, (None if as_of is None or is_missing(as_of) else pd.Timestamp(as_of))


def _day(t: pd.Timestamp) -> str:
    """A day as "8 Apr 2024"."""
    return f"{t.day} {t:%b %Y}"


def _publication_days(ax: Axes, table: pd.DataFrame, y: np.ndarray) -> None:
    """Each point's UTC day of publication, small, right of the point."""
    if "published" not in table.columns:
        return
    when = pd.to_datetime(pd.Series(table["published"].to_numpy(dtype=object), dtype=object), utc=True,
                          format="ISO8601")
    for x, yi, t in zip(table["cited"].to_numpy(dtype=float), y, when):
        if not pd.isna(t):
            ax.annotate(f"{t.day} {t:%b}", (x, yi), xytext=(4, 0), textcoords="offset points", va="center",
                        fontsize=6.5, color="#555555", gid="published")
