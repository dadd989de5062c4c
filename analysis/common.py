"""Helpers every module shares: one rule for a missing value, column checks, percentile intervals.

>>> is_missing(float("nan")), is_missing(""), is_blank("  ")
(True, False, True)
>>> percentile_interval([1.0, 2.0, 3.0, 4.0, 5.0], level=0.5)
(2.0, 4.0)
"""
from __future__ import annotations

import warnings

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from .errors import DataError, Problem

__all__ = ["is_missing", "is_blank", "check_columns", "percentile_interval", "wilson_interval",
           "difference_interval", "with_note"]


def is_missing(value: object) -> bool:
    """True for a value that is not there: None, NaN (any float type), ``pd.NA`` or ``pd.NaT``.

    An empty string is a value (a coder may write one); see :func:`is_blank`.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and bool(np.isnan(value))


def is_blank(value: object) -> bool:
    """True for a missing value or a string of only white space (an empty cell or field)."""
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def check_columns(frame: object, required: Iterable[str], name: str) -> None:
    """Raise DataError naming the table ``name`` if ``frame`` lacks any ``required`` column.

    A ``frame`` that is not a DataFrame is a programming error (ValueError), not bad data.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, not {type(frame).__name__}")
    required = list(required)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(Problem(name, f"column(s) {', '.join(missing)} missing",
                                accepted=f"a table with columns {', '.join(required)}"))


def percentile_interval(samples: Sequence[float] | np.ndarray, *, level: float = 0.95,
                        axis: int | None = None) -> tuple:
    """The central ``level`` percentile interval of bootstrap or permutation ``samples``.

    NaN samples (resamples where the statistic is undefined) are left out. Returns ``(low, high)``;
    with ``axis`` given, two arrays along the other axes. NaN where no sample is defined.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level!r}")
    arr = np.asarray(samples, dtype=float)
    qs = [(1 - level) / 2, (1 + level) / 2]
    if axis is None:
        arr = arr[~np.isnan(arr)]
        if arr.size == 0:
            return (float("nan"), float("nan"))
        low, high = np.quantile(arr, qs)
        return (float(low), float(high))
    if arr.size == 0 or np.isnan(arr).all():
        shape = np.delete(arr.shape, axis)
        nan = np.full(shape, np.nan)
        return (nan, nan.copy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices give NaN, as documented
        low, high = np.nanquantile(arr, qs, axis=axis)
    return (low, high)


def wilson_interval(k: ArrayLike, n: ArrayLike, *, level: float = 0.95) -> tuple:
    """Wilson score interval of a share ``k / n`` (arrays allowed); NaN where ``n`` is 0.

    Notes
    -----
    ``(k + z^2/2) / (n + z^2) +- z sqrt(k (n - k) / n + z^2 / 4) / (n + z^2)``, z the normal
    quantile of ``(1 + level) / 2``; Wilson (1927), without continuity correction, method 3 of
    Newcombe (1998a).

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    Journal of the American Statistical Association 22(158), 209-212.
    Newcombe, R. G. (1998a). Two-sided confidence intervals for the single proportion: comparison
    of seven methods. Statistics in Medicine 17(8), 857-872.
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    z = stats.norm.ppf((1 + level) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (k + z**2 / 2) / (n + z**2)
        half = z * np.sqrt(k * (n - k) / n + z**2 / 4) / (n + z**2)
        low, high = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan), \
            np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high

def difference_interval(k_a: ArrayLike, n_a: ArrayLike, k_b: ArrayLike, n_b: ArrayLike, *,
                        level: float = 0.95) -> tuple:
    """Newcombe's hybrid score interval of ``k_b / n_b - k_a / n_a`` (arrays allowed).

    Notes
    -----
    With Wilson intervals ``(l, u)`` of each share (:func:`wilson_interval`) and ``d = p_b -
    p_a``: ``d - sqrt((p_b - l_b)^2 + (u_a - p_a)^2)`` to ``d + sqrt((u_b - p_b)^2 + (p_a -
    l_a)^2)``; method 10 of Newcombe (1998b). NaN where either ``n`` is 0.

    References
    ----------
    Newcombe, R. G. (1998b). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Statistics in Medicine 17(8), 873-890.
    """
    k_a, n_a, k_b, n_b = (np.asarray(v, dtype=float) for v in (k_a, n_a, k_b, n_b))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_a, p_b = k_a / n_a, k_b / n_b
    l_a, u_a = wilson_interval(k_a, n_a, level=level)
    l_b, u_b = wilson_interval(k_b, n_b, level=level)
    d = p_b - p_a
    return d - np.sqrt((p_b - l_b) ** 2 + (u_a - p_a) ** 2), d + np.sqrt((u_b - p_b) ** 2 + (p_a - l_a) ** 2)


def with_note(frame: pd.DataFrame, note: str = "") -> pd.DataFrame:
    """``frame`` with a fresh index and ``attrs["note"]``, the sentence to show with the table."""
    frame = frame.reset_index(drop=True)
    frame.attrs = {"note": note}
    return frame
