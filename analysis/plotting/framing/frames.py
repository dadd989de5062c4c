"""The chart of frame profiles: mean frame scores per group, with their intervals."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
import numpy as np
import pandas as pd

from ...framing import FRAME_PROFILE_COLUMNS
from .._style import PALE, check_flags, finish, flag_note, legend_outside, new_axes
from ._shared import GREY, by_column, category_style, group_levels, in_group, no_data, one_row_each, show


def plot_frame_profile(profile: pd.DataFrame, *, by: str | None = None, flags: Mapping[str, str] | None = None,
                       ax: Axes | None = None, title: str | None = None, source: str = "") -> Axes:
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
    by = by_column(profile, FRAME_PROFILE_COLUMNS, by)
    flags = check_flags(flags)
    ax = new_axes(ax)
    finish(ax, title=title or f"Frame scores by {by}", xlabel="Mean frame score (0 = no item present, "
           "1 = every item present)", ylabel="Frame", source=source)
    table = profile[profile["score"].notna()]
    one_row_each(table, [by, "frame"], "frame_profile")
    if not len(table):
        return no_data(ax)
    frames = sorted(pd.unique(table["frame"]), key=str)
    for i in range(1, len(frames), 2):   # light bands tell the frames apart when groups are many
        ax.axhspan(i - 0.5, i + 0.5, color="#f2f2f2", zorder=0, linewidth=0)
    handles = _draw_groups(ax, table, by=by, frames=frames, flags=flags)
    ax.set_yticks(range(len(frames)), [str(f) for f in frames])
    for tick, frame in zip(ax.get_yticklabels(), frames):
        if frame in flags:
            tick.set_color(GREY)
    ax.set_ylim(len(frames) - 0.5, -0.5)   # first frame on top
    ax.set_xlim(-0.02, 1.02)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    legend_outside(ax, handles=handles, title=by)
    flag_note(ax, flags, frames)
    return ax


def _draw_groups(ax: Axes, table: pd.DataFrame, *, by: str, frames: Sequence[object],
                 flags: Mapping[str, str]) -> list[Line2D]:
    """One error-bar container per group (two when some frames are flagged); the legend handles."""
    groups = group_levels(table[by])
    step = min(0.8 / len(groups), 0.25)
    handles = []
    for j, group in enumerate(groups):
        part = table[in_group(table[by], group)].set_index("frame").reindex(frames).dropna(subset=["score"])
        doubt = np.array([f in flags for f in part.index], dtype=bool)
        y = np.array([list(frames).index(f) for f in part.index], dtype=float) + (j - (len(groups) - 1) / 2) * step
        x = part["score"].to_numpy(dtype=float)
        err = np.vstack([x - part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float) - x])
        colour, marker = category_style(j)
        for mask, alpha in ((~doubt, 1.0), (doubt, PALE)):
            if mask.any():
                ax.errorbar(x[mask], y[mask], xerr=np.nan_to_num(err[:, mask], nan=0.0), fmt=marker,
                            color=colour, ecolor=colour, capsize=2, markersize=5, linewidth=1.2, alpha=alpha)
        handles.append(Line2D([], [], color=colour, marker=marker, label=show(group)))
    return handles
