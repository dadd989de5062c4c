"""The chart of label shares: which word each group of reports used for one referent."""
from __future__ import annotations

from collections.abc import Mapping

from matplotlib.axes import Axes
import pandas as pd

from ...framing import LABEL_SHARE_COLUMNS
from .._style import check_flags, finish, flag_note, new_axes, variable_codes
from ._shared import by_column, no_data, one_row_each, one_variable, stacked_bars, variable_code_styles


def plot_label_shares(shares: pd.DataFrame, *, variable: str | None = None, by: str | None = None,
                      values: pd.DataFrame | None = None, flags: Mapping[str, str] | None = None,
                      ax: Axes | None = None, title: str | None = None, source: str = "") -> Axes:
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
    by = by_column(shares, LABEL_SHARE_COLUMNS, by)
    flags = check_flags(flags)
    table = one_variable(shares, variable)
    referent = str(table["referent"].iloc[0]) if len(table) else str(variable or "")
    ax = new_axes(ax)
    finish(ax, title=title or f"Words for {referent}, by {by}", xlabel="Share of the group's reports (0 to 1)",
           ylabel=by.replace("_", " ").capitalize(), source=source)
    if not len(table):
        return no_data(ax)
    one_row_each(table, [by, "code"], "label_shares")
    name = str(table["variable"].iloc[0])
    codes, labels = variable_codes(values, name) if values is not None else ([], {})
    present = sorted(pd.unique(table["code"]), key=str)
    keys = [c for c in codes if c in set(present)] + [c for c in present if c not in set(codes)]
    styles = variable_code_styles(values, name, present)
    stacked_bars(ax, table, by=by, key="code", keys=keys, styles=styles, names=labels, value="share",
                 legend="Word" if labels else "Word (code)", unit="report", all_pale=name in flags)
    flag_note(ax, flags, [name])
    return ax
