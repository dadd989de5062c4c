"""Fast encodings of table columns: integer codes for key columns, groups of coded values.

Tables of judgements have millions of rows and few distinct ids, names and codes. These helpers
give every function the same cheap route to integers: the categories of a categorical column
(as ``load_event`` returns them) or one factorization of an object column.
"""
from __future__ import annotations

import ctypes

import numpy as np
import pandas as pd

from .common import is_missing


def as_str(series):
    """``series.astype(str)`` as an object array, converting each distinct value once."""
    values = series.to_numpy(dtype=object)
    if not len(values):
        return values
    try:
        which, uniques = pd.factorize(values, use_na_sentinel=False)
    except TypeError:  # unhashable values
        return series.astype(str).to_numpy(dtype=object)
    if all(type(u) is str for u in uniques):
        return values
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [str(u) for u in uniques]
    return mapped[which]


def key_codes(col, text):
    """``(codes, uniques)`` of a key column (Series or Categorical): its categories when
    categorical, else factorized.

    With ``text`` the uniques are the values' ``str`` (distinct values of equal text merge).
    """
    cat = col.array if isinstance(col, pd.Series) else col
    if isinstance(cat, pd.Categorical):
        codes = cat.codes  # int8 to int32: cheaper to gather than int64
        uniques = cat.categories.to_numpy(dtype=object)
        if (codes < 0).any():  # a missing key is a value of its own, as in pandas' factorize
            uniques = np.append(uniques, np.nan)
            codes = np.where(codes < 0, len(uniques) - 1, codes).astype(np.int64)
    else:
        values = as_str(pd.Series(col)) if text else np.asarray(col, dtype=object)
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return codes.astype(np.int64), np.asarray(uniques, dtype=object)
    if text and not all(type(u) is str for u in uniques):
        which, uniques = pd.factorize(np.array([str(u) for u in uniques], dtype=object))
        codes = which[codes]
    return codes, np.asarray(uniques, dtype=object)


def by_identity(values):
    """Group an object array by the identity of its objects: ``(group of each cell, first cell
    of each group)``.

    Coded values are a few objects repeated millions of times (the loader gives every cell of a
    code the codebook's own object), so grouping by address and then looking at one object per
    group replaces a hash and a comparison per cell by an integer per cell. Equal objects at
    different addresses fall in different groups; callers map each group's object by value
    (dict lookup, ``pd.isna``), so that only costs a few more lookups.
    """
    values = np.ascontiguousarray(values, dtype=object)
    if not len(values):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    # the object pointers of the array, read as integers (the array is alive while they are used)
    addresses = np.ctypeslib.as_array((ctypes.c_ssize_t * len(values)).from_address(values.ctypes.data))
    group, uniques = pd.factorize(addresses)
    first = np.empty(len(uniques), dtype=np.intp)
    first[group[::-1]] = np.arange(len(values) - 1, -1, -1)
    return group, first


def factorize(values) -> tuple:
    """``pd.factorize(values, use_na_sentinel=False)`` that keeps texts holding U+0000 apart.

    pandas hashes an array of texts as C strings, which end at U+0000: ``"a\\x00b"`` and ``"a"``
    get one code. When the codes do not give the values back, the values are factorized again
    through a dict (exact, one Python step per cell; missing values are one value, as in pandas).
    """
    values = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    uniques = np.asarray(uniques, dtype=object)
    if not len(values) or len(uniques) == len(values):
        return codes, uniques
    with np.errstate(all="ignore"):
        same = values == uniques[codes]
    if not isinstance(same, np.ndarray) or (same | pd.isna(values)).all():
        return codes, uniques
    seen: dict = {}
    exact = np.array([seen.setdefault(_NA if is_missing(v) else v, len(seen)) for v in values], dtype=np.intp)
    return exact, np.array([np.nan if k is _NA else k for k in seen], dtype=object)


_NA = object()


def used_sorted(codes: np.ndarray, uniques: np.ndarray) -> tuple:
    """The uniques that ``codes`` use, sorted, and each unique's rank among them (-1 if unused).

    Returns ``(rank, kept)``: ``rank[codes]`` numbers the rows' values 0..k-1 in sorted order.
    """
    used = np.zeros(len(uniques), dtype=bool)
    used[codes] = True
    kept = uniques[used]
    order = np.argsort(kept, kind="stable")
    rank = np.full(len(uniques), -1, dtype=np.int64)
    rank[np.flatnonzero(used)[order]] = np.arange(len(kept))
    return rank, kept[order]
