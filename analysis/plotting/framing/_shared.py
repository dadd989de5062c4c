"""Steps the framing charts share: finding the grouping column and the variable drawn, ordering
and naming groups, styles of categories and codes, and stacked bars.

Internal to :mod:`analysis.plotting.framing`; the names are public so that its modules can share
them.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes
import numpy as np
from numpy.typing import ArrayLike
import pandas as pd

from ...common import is_missing
from .._style import FLAG_HATCH, GREYS, PALETTE, code_styles, legend_outside, pale, variable_codes
from .._time import draw_day_marks

MISSING_GROUP = "(none)"
NOT_CODED = "not coded"
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
# grey for "not coded": outside the palette, so it never stands for a category
GREY = GREYS[0]


# ---------------------------------------------------------------------------------------------
# the table drawn
# ---------------------------------------------------------------------------------------------

def by_column(table: pd.DataFrame, known: Sequence[str], by: str | None) -> str:
    """The grouping column: ``by`` if given, else the one column that is not a standard one."""
    if by is not None:
        if by not in table.columns:
            raise ValueError(f"by={by!r} is not a column of the table; columns: {', '.join(map(str, table.columns))}")
        return by
    extra = [c for c in table.columns if c not in known and c not in ("variable", "referent")]
    if len(extra) != 1:
        raise ValueError(f"cannot tell the grouping column among {', '.join(map(str, extra)) or 'no columns'}; "
                         "pass by=<column>")
    return str(extra[0])


def one_variable(table: pd.DataFrame, variable: str | None) -> pd.DataFrame:
    """The rows of one variable: ``variable``, or the only one the table holds."""
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


def one_row_each(table: pd.DataFrame, columns: Sequence[str], producer: str) -> None:
    """ValueError if two rows of ``table`` share their ``columns``."""
    dup = table.duplicated(list(columns))
    if dup.any():
        first = table[dup].iloc[0]
        where = ", ".join(f"{c} {show(first[c])}" for c in columns)
        raise ValueError(f"{where} has more than one row; pass one row per "
                         f"{' and '.join(columns)} (the result of {producer})")


# ---------------------------------------------------------------------------------------------
# groups and categories
# ---------------------------------------------------------------------------------------------

def group_levels(values: pd.Series) -> list[object]:
    """The distinct groups, sorted, missing last."""
    present = [v for v in pd.unique(values) if not is_missing(v)]
    try:
        present = sorted(present)
    except TypeError:
        present = sorted(present, key=str)
    return present + ([np.nan] if pd.isna(values).any() else [])


def group_positions(values: pd.Series, levels: Sequence[object]) -> np.ndarray:
    """The position of each value in ``levels`` (a missing value: the last, missing, level)."""
    index = {v: i for i, v in enumerate(levels) if not is_missing(v)}
    return np.array([len(levels) - 1 if is_missing(v) else index[v] for v in values], dtype=np.int64)


def in_group(series: pd.Series, level: object) -> pd.Series:
    """True where ``series`` holds ``level`` (a missing level: where it is missing)."""
    return series.isna() if is_missing(level) else (series == level)


def show(group: object) -> str:
    """A group as text: ``MISSING_GROUP`` for a missing one."""
    return MISSING_GROUP if is_missing(group) else str(group)


def text_key(column: pd.Series) -> pd.Series:
    """A sort key: times as they are, anything else as text."""
    return column if pd.api.types.is_datetime64_any_dtype(column) else column.astype(str)


def category_style(j: int) -> tuple[str, str]:
    """Colour and marker of the j-th category; no two of the first 64 share both."""
    k = len(PALETTE)
    return PALETTE[j % k], MARKERS[(j + j // k) % len(MARKERS)]


def variable_code_styles(values: pd.DataFrame | None, variable: str,
                         present: Sequence[object]) -> dict[Any, tuple[str, str]]:
    """``{code: (colour, hatch)}``: by the codebook order of ``values`` where given (codes it
    lacks after), else by the order of the codes ``present``."""
    codes, labels = variable_codes(values, variable) if values is not None else ([], {})
    extra = [c for c in dict.fromkeys(present) if c not in set(codes)]
    return code_styles(list(codes) + extra, labels)


def wrap_label(text: str, width: int = 38) -> str:
    """Long labels on two lines (at most) so that they do not crowd the plot."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    rest = text[cut:].strip()
    return text[:cut] + "\n" + (rest if len(rest) <= width else rest[: width - 1] + "\u2026")


# ---------------------------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------------------------

def no_data(ax: Axes) -> Axes:
    """Say on ``ax`` that there is nothing to draw."""
    ax.text(0.5, 0.5, "No data to show", transform=ax.transAxes, ha="center", va="center",
            color="#666666")
    return ax


def day_marks(ax: Axes, x: ArrayLike, y: ArrayLike, *, colour: str,
              marker: str, size: float, alpha: float) -> None:
    """Day marks (:func:`analysis.plotting._time.draw_day_marks`), paler when ``alpha`` < 1."""
    before = len(ax.lines)
    marks = draw_day_marks(ax, x, y, color=colour, marker=marker, size=size)
    if alpha < 1:
        marks.set_alpha(alpha)
        for line in ax.lines[before:]:
            own = line.get_alpha()
            line.set_alpha(alpha * own if own is not None else alpha)


def stacked_bars(ax: Axes, table: pd.DataFrame, *, by: str, key: str, keys: Sequence[object],
                 styles: Mapping[object, tuple[str, str | None]], names: Mapping[object, object], value: str,
                 legend: str, unit: str, all_pale: bool = False, flagged: Collection[object] = ()) -> None:
    """Horizontal stacked bars: one bar per group (sorted, top down), one segment per key.

    ``keys`` in drawing order, ``styles`` key -> (colour, hatch), ``names`` key -> legend text.
    Each group's label carries the sum of its ``n`` (in ``unit``s): a bar of one report reads
    as 100% otherwise. ``all_pale`` draws every segment pale, ``flagged`` the segments of those keys.
    """
    groups = group_levels(table[by])
    grid = np.zeros((len(groups), len(keys)))
    values = table[value].to_numpy(dtype=float)
    rows, cols = group_positions(table[by], groups), np.array([list(keys).index(k) for k in table[key]])
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
    ax.set_yticks(y, [f"{show(g)} ({t} {unit}{'' if t == 1 else 's'})" for g, t in zip(groups, totals)])
    ax.set_ylim(len(groups) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    legend_outside(ax, title=legend)
