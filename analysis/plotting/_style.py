"""Shared chart style: palette, one colour per code, titles, notes under the chart.

Colours of codes
    :func:`code_colours` gives every code of a variable a fixed colour from the codebook order of
    the variable's values, so a code looks the same in every chart that draws it, and variables
    with the same list of codes (a *family*: the yes/no items, the tone scales, claims sharing
    their codes) share their colours. Codes that say that nothing was said (:func:`is_neutral`)
    are always grey.

Reliability flags
    Charts that draw coded variables take ``flags``, a mapping from what they draw (a variable,
    or a frame, source or fact) to "", "tentative", "unreliable", "reliability unknown" or
    "reliability not measured" (``analysis.page.Page.flag``). A flagged thing is drawn pale (and
    hatched where it is an area), and :func:`flag_note` names it under the chart.
"""
from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.rcsetup import cycler
from matplotlib.ticker import MaxNLocator

from ..codebook import NEUTRAL_CODES, is_neutral  # noqa: F401 (re-exported: the charts grey these codes)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import SubFigure
    from matplotlib.legend import Legend
    from matplotlib.typing import RcKeyType

# Okabe and Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "cividis"
DIVERGING = "PuOr"
# greys for codes that say nothing was said: outside the palette, so they never stand for a stance
GREYS = ["#999999", "#BBBBBB", "#777777"]
HATCHES = ("", "//", "..", "xx", "\\\\", "++")

# codes that say nothing was said are grey: the rule is analysis.codebook.is_neutral

FLAGS = ("", "tentative", "unreliable", "reliability unknown", "reliability not measured")
# how far a flag puts a drawing in doubt, most first: a frame of several items takes the first
FLAG_ORDER = ("unreliable", "reliability unknown", "reliability not measured", "tentative", "")
PALE = 0.4             # alpha of flagged marks
FLAG_HATCH = "///"     # hatch of flagged areas, drawn in their full colour on a pale face

RC: dict[RcKeyType, Any] = {
    "figure.dpi": 100, "savefig.dpi": 150, "font.size": 10, "axes.titlesize": 12,
    "axes.titleweight": "bold", "axes.labelsize": 10, "xtick.labelsize": 9, "ytick.labelsize": 9,
    "legend.fontsize": 9, "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=PALETTE),
}
# text stays text in SVG (searchable, selectable, smaller); applied by plotting.save only
SAVE_RC: dict[RcKeyType, Any] = {"svg.hashsalt": "analysis", "svg.fonttype": "none"}

_NOTE_GID, _SOURCE_GID = "chart-note", "source-line"
_LINE_PT = 11          # height of one line under the chart, points
_NOTE_SIZE = 8


def new_axes(ax: Axes | None = None, *, width: float = 8.0, height: float = 5.0) -> Axes:
    """Return ``ax`` or a fresh Axes of report size (inches)."""
    if ax is not None:
        return ax
    with mpl.rc_context(RC):
        _, new = plt.subplots(figsize=(width, height), layout="constrained")
    axes: Axes = new
    return axes


def finish(ax: Axes, *, title: str, xlabel: str = "", ylabel: str = "", source: str = "") -> Axes:
    """Set title (wrapped to the figure's width), axis labels and a source line; return ``ax``."""
    ax.set_title(wrap_title(title, ax.figure), loc="left", fontsize=RC["axes.titlesize"], fontweight="bold")
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if source:
        ax.figure.text(0.01, 0.005, source, fontsize=_NOTE_SIZE, color="#444444", ha="left", va="bottom",
                       gid=_SOURCE_GID)
        _stack_lines(ax.figure)
    return ax


def wrap_title(title: str, fig: Figure | SubFigure) -> str:
    """``title`` on as many lines as it needs to fit in about 60% of the figure's width.

    60%: the title starts where the plot starts, right of the tick labels, which can take a
    third of the width (outlet names); bold 12 pt characters are about 7.5 pt wide.
    """
    width = max(20, int(_inches(fig)[0] * 72 * 0.6 / (0.62 * RC["axes.titlesize"])))
    return "\n".join(textwrap.wrap(str(title), width)) if len(str(title)) > width else str(title)


def add_note(ax: Axes, text: str) -> None:
    """A line (wrapped if long) under the chart, above the source line."""
    fig = ax.figure
    width = max(40, int(_inches(fig)[0] * 72 * 0.95 / (0.55 * _NOTE_SIZE)))
    for line in textwrap.wrap(text, width):
        fig.text(0.01, 0.005, line, fontsize=_NOTE_SIZE, color="#444444", ha="left", va="bottom",
                 gid=_NOTE_GID)
    _stack_lines(fig)


def root_figure(fig: Figure | SubFigure) -> Figure:
    """The figure that holds ``fig``: itself, or a subfigure's root (which has the size and is saved)."""
    return fig if isinstance(fig, Figure) else fig.figure


def _inches(fig: Figure | SubFigure) -> tuple[float, float]:
    """Width and height of the figure that holds ``fig``, inches."""
    width, height = root_figure(fig).get_size_inches()
    return float(width), float(height)


def _stack_lines(fig: Figure | SubFigure) -> None:
    """Notes in the order added, then the source line, from the bottom of the figure up."""
    notes = [t for t in fig.texts if t.get_gid() == _NOTE_GID]
    sources = [t for t in fig.texts if t.get_gid() == _SOURCE_GID]
    lines = notes + sources
    step = _LINE_PT / 72 / _inches(fig)[1]
    for i, t in enumerate(reversed(lines)):
        t.set_y(0.005 + i * step)
    # constrained layout does not see figure text: keep the lines' height free
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine) and lines:
        bottom = min(0.5, 0.01 + len(lines) * step)
        engine.set(rect=(0, bottom, 1, 1 - bottom))


def source_line(event_id: str, n_reports: int, extra: str = "") -> str:
    """'Source: coded reports, <event> (n = N reports)' with optional extra words."""
    text = f"Source: coded reports, {event_id} (n = {n_reports} reports)"
    return text + (f"; {extra}" if extra else "")


def integer_ticks(axis: Axis) -> None:
    """Whole-number ticks on a count axis (``ax.xaxis`` or ``ax.yaxis``): no 2.5 reports."""
    axis.set_major_locator(MaxNLocator(integer=True))


def legend_outside(ax: Axes, **kwargs: Any) -> Legend:
    """A legend right of the plot, where it cannot cover bars or points."""
    options = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "frameon": False, "fontsize": 8,
               "title_fontsize": 9}
    return ax.legend(**{**options, **kwargs})


# ---------------------------------------------------------------------------------------------
# one colour per code
# ---------------------------------------------------------------------------------------------

def code_styles(codes: Iterable[Any], labels: Mapping[Any, str] | None = None) -> dict[Any, tuple[str, str]]:
    """``{code: (colour, hatch)}`` for codes in codebook order.

    The i-th code that is not neutral takes ``PALETTE[i % 8]`` (hatched from the ninth on); the
    j-th neutral code takes ``GREYS[j % 3]``. ``labels`` (optional) maps codes to their labels,
    used by :func:`is_neutral`.
    """
    labels = labels or {}
    out: dict[Any, tuple[str, str]] = {}
    i, j = 0, 0
    for code in dict.fromkeys(codes):
        if is_neutral(code, labels.get(code)):
            out[code] = (GREYS[j % len(GREYS)], "")
            j += 1
        else:
            out[code] = (PALETTE[i % len(PALETTE)], HATCHES[(i // len(PALETTE)) % len(HATCHES)])
            i += 1
    return out


def code_colours(codes: Iterable[Any], labels: Mapping[Any, str] | None = None) -> dict[Any, str]:
    """``{code: colour}`` for codes in codebook order (see :func:`code_styles`)."""
    return {c: colour for c, (colour, _) in code_styles(codes, labels).items()}


def variable_codes(values: pd.DataFrame, variable: str) -> tuple[list[Any], dict[Any, str]]:
    """Codes of ``variable`` in codebook order and their labels, from ``Event.values``
    (``variable, code, label[, rank]``); ``([], {})`` when the variable has no values."""
    part = values[values["variable"] == variable]
    if "rank" in part.columns:
        part = part.sort_values("rank", kind="stable")
    return list(part["code"]), dict(zip(part["code"], part["label"].astype(str)))


def code_colour(values: pd.DataFrame, variable: str, code: object) -> str:
    """The colour of ``code`` of ``variable``: fixed by the codebook order of its values.

    Parameters
    ----------
    values : DataFrame
        ``Event.values``: ``variable, code, label, rank``.
    variable : str
    code : str or int

    Returns
    -------
    str
        A hex colour: grey for a neutral code, else the palette colour of the code's place
        among the variable's other codes. A code not in the codebook is grey.
    """
    codes, labels = variable_codes(values, variable)
    return code_colours(codes, labels).get(code, GREYS[0])


# ---------------------------------------------------------------------------------------------
# reliability flags
# ---------------------------------------------------------------------------------------------

def pale(colour: str, amount: float = PALE) -> str:
    """``colour`` mixed with white: ``amount`` of the colour (a flagged area's face)."""
    r, g, b = mpl.colors.to_rgb(colour)
    white = 1 - amount
    return mpl.colors.to_hex((amount * r + white, amount * g + white, amount * b + white))


def check_flags(flags: Mapping[Any, str | None] | None) -> dict[Any, str]:
    """``flags`` as a dict without empty flags; ValueError for a flag not in :data:`FLAGS`."""
    if flags is None:
        return {}
    out: dict[Any, str] = {}
    for key, flag in dict(flags).items():
        flag = "" if flag is None else flag
        if flag not in FLAGS:
            raise ValueError(f"flag {flag!r} of {key!r} is not one of "
                             + ", ".join(repr(f) for f in FLAGS))
        if flag:
            out[key] = flag
    return out


def worst_flag(flags: Iterable[str]) -> str:
    """The flag that puts a drawing most in doubt (:data:`FLAG_ORDER`), "" for none."""
    given = set(flags)
    return next((f for f in FLAG_ORDER if f in given), "")


def flag_note(ax: Axes, flags: Mapping[Any, str], shown: Iterable[Any]) -> None:
    """Under the chart, name the flagged things among ``shown`` (in that order) and their flags."""
    flagged = [(k, flags[k]) for k in dict.fromkeys(shown) if flags.get(k)]
    if flagged:
        add_note(ax, "Pale or hatched: " + "; ".join(f"{k} (reliability: {f})" if not f.startswith("reliability")
                                               else f"{k} ({f})" for k, f in flagged))
