"""Fast encodings of table columns: integer codes for key columns, groups of coded values.

Tables of judgements have millions of rows and few distinct ids, names and codes. These helpers
give every function the same cheap route to integers: the categories of a categorical column
(as ``load_event`` returns them) or one factorization of an object column. The loader's own
steps are here too: the sort of millions of keys by their ranks, codes looked up once per
distinct (variable, text) pair, and the compact categorical columns of ``Event.codes``.
"""
from __future__ import annotations

import ctypes
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .common import is_missing


def as_str(series: pd.Series) -> np.ndarray:
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


def key_codes(col: pd.Series | pd.Categorical | np.ndarray, text: bool) -> tuple[np.ndarray, np.ndarray]:
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


def by_identity(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def factorize(values: object) -> tuple[np.ndarray, np.ndarray]:
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
    seen: dict[object, int] = {}
    exact = np.array([seen.setdefault(_NA if is_missing(v) else v, len(seen)) for v in values], dtype=np.intp)
    return exact, np.array([np.nan if k is _NA else k for k in seen], dtype=object)


_NA = object()


def used_sorted(codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def compact(codes: np.ndarray, uniques: np.ndarray, rows: np.ndarray) -> pd.Categorical:
    """Rows ``rows`` of a factorized text column as a Categorical of the texts used, sorted."""
    codes = codes[rows]
    rank, kept = used_sorted(codes, uniques)
    small = np.int32 if len(kept) > 30000 else np.int16
    return pd.Categorical.from_codes(rank[codes].astype(small), pd.Index(kept, dtype=object))



def sort_order(*factorized: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """Row order of a stable sort by several columns, and where a row's key equals the previous.

    Returns ``(order, same)``, ``same[i]`` telling whether sorted rows i and i + 1 have the same
    values in all columns; None when a column holds anything but text.

    Each column becomes the rank of its value among its distinct values (so millions of strings
    are compared only as distinct values), and the ranks one integer key when it fits in int64.
    """
    ranks, span = [], 1
    for codes_, uniques in factorized:
        if not all(isinstance(u, str) for u in uniques):
            return None
        if pd.Index(uniques, dtype=object).is_monotonic_increasing:  # sorted categories: codes are ranks
            ranks.append(codes_)
        else:
            rank = np.empty(len(uniques), dtype=np.int64)
            rank[np.argsort(np.asarray(uniques, dtype=object), kind="stable")] = np.arange(len(uniques))
            ranks.append(rank[codes_])
        span *= max(len(uniques), 1)
    if span < 2**62:
        key = ranks[0].astype(np.int64)
        for r, (_, uniques) in zip(ranks[1:], factorized[1:]):
            key *= max(len(uniques), 1)
            key += r
        n = len(key)
        if span <= 4 * n + 1024:
            # few possible keys per row (every report coded on every variable): each row is
            # put in its key's slot, which sorts without comparing; a slot taken twice is a
            # repeated key, and then the rows are sorted by comparison below
            slot: np.ndarray = np.full(span, -1, dtype=np.int32 if n < 2**31 else np.int64)
            slot[key] = np.arange(n, dtype=slot.dtype)
            filled = slot >= 0
            if np.count_nonzero(filled) == n:
                return slot[filled].astype(np.int64), np.zeros(max(n - 1, 0), dtype=bool)
            del slot, filled
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        return order, ordered[1:] == ordered[:-1]
    order = np.lexsort(ranks[::-1])
    same = np.ones(max(len(order) - 1, 0), dtype=bool)
    for r in ranks:
        ordered = r[order]
        same &= ordered[1:] == ordered[:-1]
    return order, same


def map_pairs(vcodes: np.ndarray, vuniq: np.ndarray, tcodes: np.ndarray, tuniq: np.ndarray,
              lookup: Mapping[tuple[object, str], object]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of (variable, text) pairs through ``lookup``, looked up once per distinct pair.

    The pairs are given factorized: ``vuniq[vcodes]`` and ``tuniq[tcodes]``.
    Returns the codes (object array) and a mask of pairs found.
    """
    pair = vcodes.astype(np.int64) * max(len(tuniq), 1) + tcodes
    span = max(len(vuniq), 1) * max(len(tuniq), 1)
    if span <= 1 << 26:  # a slot per possible pair: counting instead of hashing millions of pairs
        present = np.bincount(pair, minlength=span) > 0
        upair = np.flatnonzero(present)
        slot = np.full(span, -1, dtype=np.int64)
        slot[upair] = np.arange(len(upair))
        inv = slot[pair]
    else:
        inv, upair = pd.factorize(pair)
    vals = np.empty(len(upair), dtype=object)
    found = np.zeros(len(upair), dtype=bool)
    for j, p in enumerate(upair):
        key = (vuniq[p // max(len(tuniq), 1)], tuniq[p % max(len(tuniq), 1)])
        if key in lookup:
            vals[j], found[j] = lookup[key], True
    return vals[inv], found[inv]


class Cells:
    """``cells[i]``: the text of row i of a categorical column, looked up only when shown."""

    def __init__(self, codes: np.ndarray, uniques: np.ndarray):
        self.codes, self.uniques = codes, uniques

    def __getitem__(self, i: int) -> object:
        return self.uniques[self.codes[i]]

