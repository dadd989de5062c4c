"""Verdicts on reliability: the thresholds of Krippendorff (2004) and the notes that explain them.

A variable is "reliable", "tentative", "unreliable", "unknown" (alpha undefined or too little
variation) or "not measured" (no report coded twice); the notes say why in a sentence.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# Krippendorff (2004), p. 241: alpha >= .800 to rely on a variable, >= .667 for tentative conclusions;
# Krippendorff (2004), ch. 12, decides on the chance that alpha falls below the minimum: "reliable"
# also needs the lower end of the interval at .667 or above.
RELIABLE = 0.800
TENTATIVE = 0.667
# a code holding this share of the pairable values leaves too little variation to judge agreement
LOW_VARIATION = 0.95
VERDICTS = ("reliable", "tentative", "unreliable", "unknown", "not measured")
# alpha is a ratio of float sums; a value printed as 0.800 may be 0.79999999999 in the last bit.
TOLERANCE = 1e-12

NOT_MEASURED_NOTE = ("Not measurable: one coder. No report was coded by two or more of the chosen "
                     "coders; the variable is kept and marked 'reliability not measured'.")
NO_PAIRABLE_NOTE = ("Alpha is undefined: no unit was coded by two or more of the chosen coders, "
                    "and at least 2 such units are needed.")
ONE_PAIRABLE_NOTE = ("Alpha is undefined: only 1 unit was coded by two or more of the chosen "
                     "coders, and at least 2 are needed (with one unit alpha is 0 whatever the codes).")


def verdict(alpha: float, ci_low: float = np.nan) -> str:
    """"reliable", "tentative", "unreliable" or "unknown" (alpha NaN) for alpha and its interval."""
    if np.isnan(alpha):
        return "unknown"
    if alpha >= RELIABLE - TOLERANCE and not ci_low < TENTATIVE - TOLERANCE:
        return "reliable"
    if alpha >= TENTATIVE - TOLERANCE:
        return "tentative"
    return "unreliable"


def reaches_reliable(alpha: float) -> bool:
    """Alpha is at least RELIABLE (up to the last bits of a float sum)."""
    return bool(alpha >= RELIABLE - TOLERANCE)


def single_value_note(value: object) -> str:
    """Why alpha is undefined when every pairable value is ``value``."""
    return (f"Alpha is undefined: every pairable value is {show(value)}, so the "
            "expected disagreement is zero (too little variation to judge agreement).")


def undefined_resamples_note(n_undefined: int, n_boot: int) -> str:
    """How many bootstrap resamples had no alpha."""
    return (f"{n_undefined} of {n_boot} bootstrap resamples had a single "
            "value (no alpha) and were left out of the interval.")


def wide_interval_note(ci: float, ci_low: float) -> str:
    """Why a variable whose alpha reaches RELIABLE is not reliable."""
    return (f"Alpha reaches {RELIABLE:.3f}, but its {ci:.0%} interval reaches down to "
            f"{ci_low:.3f}, below {TENTATIVE:.3f}. ")


def low_variation_note(modal: float, n_values: int) -> str:
    """Why a variable with one dominant code is "unknown"."""
    return (f"Too little variation to judge agreement: one code holds {modal:.0%} of the "
            f"{n_values} pairable values (threshold {LOW_VARIATION:.0%}). ")


def figure_verdict(row: dict, cited: dict) -> dict:
    """A figure is as reliable as the worse of "a number is cited" and "which number".

    ``row`` and ``cited`` are reliability rows (dicts) of the number and of "a number is cited";
    ``row`` is updated and returned.
    """
    rank = {"unreliable": 0, "unknown": 1, "tentative": 2, "reliable": 3}
    if rank[cited["verdict"]] < rank[row["verdict"]]:
        row["verdict"] = cited["verdict"]
        row["note"] = (f"Whether a number is cited is {cited['verdict']} (alpha "
                       f"{fmt_alpha(cited['alpha'])}); the number itself: alpha {fmt_alpha(row['alpha'])}. "
                       + row["note"]).strip()
    return row


def not_reliable(table: pd.DataFrame) -> list:
    """Variables whose verdict is not "reliable" (from :func:`analysis.reliability.reliability`),
    in table order."""
    return table.loc[table["verdict"] != "reliable", "variable"].tolist()


def fmt_alpha(x: float) -> str:
    """Alpha with three decimals, or "undefined"."""
    return "undefined" if np.isnan(x) else f"{x:.3f}"


def show(value: object) -> str:
    """A code or number as written in a note."""
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"
    return repr(value)
