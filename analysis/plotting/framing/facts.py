"""The chart of omissions: which facts each group of reports mentioned."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
import numpy as np
import pandas as pd

from ...framing import FACT_MATRIX_COLUMNS
from .._style import FLAG_HATCH, PALE, SEQUENTIAL, add_note, check_flags, finish, flag_note, new_axes
from ._shared import by_column, group_levels, group_positions, no_data, one_row_each, show


def plot_fact_matrix(matrix: pd.DataFrame, *, by: str | None = None, flags: Mapping[str, str] | None = None,
                     ax: Axes | None = None, title: str | None = None, source: str = "") -> Axes:
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
    by = by_column(matrix, FACT_MATRIX_COLUMNS, by)
    flags = check_flags(flags)
    ax = new_axes(ax)
    finish(ax, title=title or f"Which facts each {by.replace('_', ' ')} reported", xlabel="Fact",
           ylabel=by.replace("_", " ").capitalize(), source=source)
    if not len(matrix):
        return no_data(ax)
    one_row_each(matrix, [by, "fact"], "fact_matrix")
    groups = group_levels(matrix[by])
    facts = sorted(pd.unique(matrix["fact"]), key=str)
    grid, early = _grids(matrix, by=by, groups=groups, facts=facts)
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto",
                      interpolation="nearest")
    _cell_texts(ax, grid, early)
    for k, fact in enumerate(facts):
        if fact in flags:
            ax.add_patch(Rectangle((k - 0.5, -0.5), 1, len(groups), facecolor="white", alpha=PALE,
                                   hatch=FLAG_HATCH, edgecolor="#666666", linewidth=0, gid="flagged"))
    ax.set_xticks(range(len(facts)), [str(f) for f in facts], rotation=35, ha="right")
    ax.set_yticks(range(len(groups)), [show(g) for g in groups])
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.tick_params(length=0)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("Share of reports mentioning the fact (0 to 1)")
    if early.any():
        add_note(ax, "*: leaves out reports published before the fact was known (not an omission); "
                 "not yet: every report of the group came before it.")
    flag_note(ax, flags, facts)
    return ax


def _grids(matrix: pd.DataFrame, *, by: str, groups: Sequence[object],
           facts: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
    """Groups by facts: the share reported (NaN where no report counts) and ``n_not_yet``."""
    grid = np.full((len(groups), len(facts)), np.nan)
    early = np.zeros((len(groups), len(facts)), dtype=np.int64)
    rows = group_positions(matrix[by], groups)
    cols = np.array([list(facts).index(f) for f in matrix["fact"]])
    grid[rows, cols] = matrix["reported"].to_numpy(dtype=float)
    if "n_not_yet" in matrix.columns:
        early[rows, cols] = matrix["n_not_yet"].fillna(0).to_numpy(dtype=np.int64)
    return grid, early


def _cell_texts(ax: Axes, grid: np.ndarray, early: np.ndarray) -> None:
    """The percentage in each cell ("*" when reports were left out), "not yet" in a blank cell
    whose reports all came before the fact was known."""
    for (i, k), value in np.ndenumerate(grid):
        if np.isnan(value):
            if early[i, k]:
                ax.text(k, i, "not yet", ha="center", va="center", fontsize=7, color="#666666")
            continue
        # cividis is dark at the low end: white text there, black text on the light end
        ax.text(k, i, f"{value:.0%}" + ("*" if early[i, k] else ""), ha="center", va="center", fontsize=8,
                color="white" if value < 0.6 else "black")
