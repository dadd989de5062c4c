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

from .errors import DataError, Problem

__all__ = ["is_missing", "is_blank", "check_columns", "percentile_interval"]


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
