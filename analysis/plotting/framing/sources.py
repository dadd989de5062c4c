"""The chart of the source mix: how each group's quotes divide among the sources."""
from __future__ import annotations

from collections.abc import Mapping

from matplotlib.axes import Axes
import pandas as pd

from ...framing import SOURCE_MIX_COLUMNS
from .._style import check_flags, code_styles, finish, flag_note, new_axes
from ._shared import by_column, no_data, one_row_each, stacked_bars


def plot_source_mix(mix: pd.DataFrame, *, by: str | None = None, flags: Mapping[str, str] | None = None,
                    ax: Axes | None = None, title: str | None = None, source: str = "") -> Axes:
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
    by = by_column(mix, SOURCE_MIX_COLUMNS, by)
    flags = check_flags(flags)
    ax = new_axes(ax)
    finish(ax, title=title or f"Whom each {by.replace('_', ' ')} quoted",
           xlabel="Share of the group's quoted sources (0 to 1)", ylabel=by.replace("_", " ").capitalize(),
           source=source)
    if not len(mix):
        return no_data(ax)
    one_row_each(mix, [by, "source"], "source_mix")
    keys = sorted(pd.unique(mix["source"]), key=str)
    stacked_bars(ax, mix, by=by, key="source", keys=keys, styles=code_styles(keys), names={}, value="share",
                 legend="Source", unit="quote", flagged=set(flags))
    flag_note(ax, flags, keys)
    return ax
