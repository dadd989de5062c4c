"""Chart of machine coding: machine-coder alpha per variable beside coder-coder alpha and baselines."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._style import PALETTE, finish, new_axes


def plot_machine_agreement(table: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None,
                           source: str = "") -> Axes:
    """Dot plot from :func:`analysis.autocode.evaluate`: one row per learnable variable.

    Blue dots with bars: Krippendorff's alpha between out-of-fold machine codes and the
    consolidated codes of the coders (bootstrap interval); orange diamonds: alpha between the independent
    coders; grey crosses: the majority-class baseline; green triangles: the lexicon coder.
    """
    t = table[table["status"] == "learnable"].reset_index(drop=True)
    ax = new_axes(ax, height=max(3.5, 0.3 * len(t) + 1.5))
    y = np.arange(len(t))[::-1]
    if len(t):
        a = t["alpha_machine_human"].to_numpy(dtype=float)
        err = np.vstack([a - t["alpha_ci_low"].to_numpy(dtype=float), t["alpha_ci_high"].to_numpy(dtype=float) - a])
        ax.errorbar(a, y, xerr=np.nan_to_num(err.clip(min=0)), fmt="o", color=PALETTE[0], capsize=2,
                    label="machine vs coders (interval)", zorder=3)
        ax.scatter(t["human_alpha"].to_numpy(dtype=float), y, marker="D", color=PALETTE[1], label="coder vs coder", zorder=4)
        ax.scatter(t["baseline_alpha"].to_numpy(dtype=float), y, marker="x", color="#777777", label="majority baseline", zorder=4)
        if t["lexicon_alpha"].notna().any():
            ax.scatter(t["lexicon_alpha"].to_numpy(dtype=float), y, marker="^", color=PALETTE[2], label="lexicon", zorder=4)
        ax.set_yticks(y, t["variable"].tolist())
        ax.legend(frameon=False, loc="lower left", fontsize=8)
    else:
        ax.text(0.5, 0.5, "No learnable variable", ha="center", va="center", transform=ax.transAxes)
    for x in (0.667, 0.8):
        ax.axvline(x, color="#555555", linestyle="--", linewidth=0.8, zorder=1)
    ax.axvline(0, color="#bbbbbb", linewidth=0.8, zorder=1)
    ax.set_xlim(-1.0, 1.05)
    finish(ax, title=title or "How far the machine agrees with the coders",
           xlabel="Krippendorff's alpha (cross-validated; lines at 0.667 and 0.800)", ylabel="Variable",
           source=source)
    return ax
