"""Chart of intercoder reliability: alpha per variable with its interval and the usual thresholds."""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._style import PALETTE, finish, legend_outside, new_axes

_VERDICT_COLOURS = {"reliable": PALETTE[2], "tentative": PALETTE[1], "unreliable": PALETTE[5],
                    "unknown": "#999999", "not measured": "#999999"}


def plot_reliability(table: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None,
                     source: str = "") -> Axes:
    """Dot plot of Krippendorff's alpha per variable (from :func:`analysis.reliability.reliability`).

    Variables keep the table's (codebook) order from top to bottom; the dashed lines mark 0.667 and
    0.800 (Krippendorff 2004, p. 241). Variables whose reliability is unknown (alpha undefined,
    or too little variation) are grey: a hollow dot where alpha exists, a cross at the left edge
    where it does not. Labels are the codebook's variable labels when the table has a ``label``
    column.
    """
    ax = new_axes(ax, width=10.0, height=max(3.5, 0.24 * len(table) + 1.5))
    t = table.reset_index(drop=True)
    y = np.arange(len(t))[::-1]
    lo = t["alpha"].where(t["alpha"].notna())
    for verdict, colour in _VERDICT_COLOURS.items():
        m = (t["verdict"] == verdict).to_numpy()
        if not m.any():
            continue
        a = t.loc[m, "alpha"].to_numpy(dtype=float)
        if verdict in ("unknown", "not measured"):
            has = ~np.isnan(a)
            if (~has).any():
                ax.scatter(np.full((~has).sum(), -0.05), y[m][~has], marker="x", color=colour,
                           label=f"{verdict}: no alpha", zorder=3)
            if has.any():
                ax.scatter(a[has], y[m][has], facecolors="none", edgecolors=colour, zorder=3,
                           label=f"{verdict}: too little variation")
            continue
        err = np.vstack([a - t.loc[m, "ci_low"].to_numpy(dtype=float), t.loc[m, "ci_high"].to_numpy(dtype=float) - a])
        ax.errorbar(a, y[m], xerr=np.nan_to_num(err.clip(min=0)), fmt="o", color=colour, ecolor=colour,
                    elinewidth=1, capsize=2, label=verdict, zorder=3)
    for x in (0.667, 0.8):
        ax.axvline(x, color="#555555", linestyle="--", linewidth=0.8, zorder=1)
    names = t["label"].fillna(t["variable"]) if "label" in t else t["variable"]
    ax.set_yticks(y, [textwrap.shorten(str(n), 48, placeholder="...") if len(str(n)) > 48 else str(n)
                      for n in names])
    left = min(-0.1, float(np.nanmin(t["ci_low"].to_numpy(dtype=float))) - 0.05) if lo.notna().any() else -0.1
    ax.set_xlim(max(left, -1.0), 1.02)
    legend_outside(ax, title="Verdict")   # inside, it would cover the dots of the last variables
    finish(ax, title=title or "Intercoder reliability per variable",
           xlabel="Krippendorff's alpha (95% bootstrap interval; lines at 0.667 and 0.800)",
           ylabel="Variable", source=source)
    return ax
