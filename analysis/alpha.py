"""Krippendorff's alpha from coincidences: value counts per unit, distances, observed and expected.

One variable's encoded judgements (:class:`analysis.judgements.Encoded`) become the value counts
of its pairable units (:func:`coincidences`); :func:`alpha_of` then gives alpha for any number of
weightings of those units at once: a row of ones is the data itself, a row of bootstrap counts
is a resample (:mod:`analysis.alpha_bootstrap`). The formulas are in
:func:`analysis.reliability.reliability`'s Notes (Krippendorff 2011).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse

from .judgements import Encoded

# categories up to which the (V, V) distances of interval and ratio variables are one matrix
DENSE_DELTA = 4096


class Coincidences(NamedTuple):
    """One variable's pairable units (two or more values each) and what alpha needs of them.

    ``counts`` is (U, V): value counts per pairable unit, dense for nominal and ordinal variables,
    a sparse matrix for interval and ratio ones (as many categories as distinct numbers).
    ``per_unit`` is each unit's disagreement sum_ck o_uck delta_ck, (U,), or for ordinal
    variables its coincidences o_uck, (U, V * V), as the ordinal distances depend on the
    frequencies of the (re)sample. ``delta`` is (V, V) where the distances are fixed and small
    enough to hold, else None.
    """

    level: str
    n_units: int
    m: np.ndarray
    values: list
    points: np.ndarray
    counts: np.ndarray | scipy.sparse.csr_matrix
    per_unit: np.ndarray
    delta: np.ndarray | None
    same: float

    @property
    def n_pairable(self) -> int:
        """Units with two or more values."""
        return len(self.m)

    @property
    def n_values(self) -> int:
        """Values in pairable units (Krippendorff's n)."""
        return int(self.m.sum())


def coincidences(enc: Encoded, level: str) -> Coincidences:
    """The pairable units of one encoded variable, with their counts and disagreements."""
    if level in ("interval", "ratio"):
        return _sparse_coincidences(enc, level)
    counts = unit_counts(enc)
    # row and column sums of whole numbers as products with ones: exact, and far faster than
    # numpy's reductions along a short axis
    is_pairable = counts @ np.ones(counts.shape[1]) >= 2
    pairable = counts if is_pairable.all() else counts[is_pairable]
    used = np.ones(len(pairable)) @ pairable > 0
    # categories no pairable unit uses add nothing to any sum (ordinal included)
    if not used.all():
        pairable = pairable[:, used]
    return dense_coincidences(pairable, level, enc.points[used],
                              values=[v for v, u in zip(enc.domain, used) if u], n_units=len(counts))


def dense_coincidences(counts: np.ndarray, level: str, points: np.ndarray, *, values: list | None = None,
                       n_units: int | None = None) -> Coincidences:
    """:class:`Coincidences` from a dense table of value counts.

    Parameters
    ----------
    counts : ndarray, shape (U, V)
        Value counts of the pairable units (two or more values each), as floats.
    level : str
        Level of measurement.
    points : ndarray, shape (V,)
        The categories' positions: ranks for ordinal variables, the numbers for interval and ratio.
    values, n_units : optional
        The categories' values and the number of units with any value (default: the points and U).
    """
    m = np.einsum("uc->u", counts)
    squares = np.einsum("uc,uc->u", counts, counts)
    # sums of whole numbers: exact, so equal to sum_uc n_uc (n_uc - 1) however they are formed
    same = squares.sum() - m.sum()
    values = list(points) if values is None else values
    n_units = len(counts) if n_units is None else n_units
    if level == "ordinal":
        n_pairable, n_cat = counts.shape
        per_unit = counts[:, :, None] * counts[:, None, :]
        per_unit[:, np.arange(n_cat), np.arange(n_cat)] -= counts
        per_unit /= (m - 1)[:, None, None]
        return Coincidences(level, n_units, m, values, points, counts, per_unit.reshape(n_pairable, n_cat * n_cat),
                            None, same)
    delta = fixed_delta(points, level)
    # a unit's disagreement sum_ck o_uck delta_ck; the diagonal of delta is zero. Nominal:
    # sum_c n_uc (m_u - n_uc) = m_u^2 - sum_c n_uc^2, the same whole number as the product
    disagreeing = m * m - squares if level == "nominal" else ((counts @ delta) * counts).sum(axis=1)
    return Coincidences(level, n_units, m, values, points, counts, disagreeing / (m - 1), delta, same)


def _sparse_coincidences(enc: Encoded, level: str) -> Coincidences:
    """:func:`coincidences` of an interval or ratio variable, from its nonzero counts."""
    n_units, e_unit, e_cat, e_count = sparse_counts(enc)
    m_all = np.bincount(e_unit, weights=e_count, minlength=n_units)
    is_pairable = m_all >= 2
    keep = is_pairable[e_unit]
    e_unit = (np.cumsum(is_pairable) - 1)[e_unit[keep]]
    e_cat, e_count = e_cat[keep], e_count[keep]
    used_cat = np.unique(e_cat)
    e_cat = np.searchsorted(used_cat, e_cat)
    points = enc.points[used_cat]
    m = m_all[is_pairable]
    per_unit = _sparse_disagreement(e_unit, e_cat, e_count, m, level, points)
    counts = scipy.sparse.csr_matrix((e_count, (e_unit, e_cat)), shape=(len(m), len(points)))
    delta = fixed_delta(points, level) if len(points) <= DENSE_DELTA else None
    return Coincidences(level, n_units, m, [enc.domain[i] for i in used_cat], points, counts,
                        per_unit, delta, (e_count * (e_count - 1)).sum())


def alpha_of(co: Coincidences, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Alpha for each row of ``weights``.

    Parameters
    ----------
    co : Coincidences
        The pairable units, U of them.
    weights : ndarray, shape (B, U)
        How many times each unit enters each (re)sample; a row of ones is the data itself.

    Returns
    -------
    alpha, d_observed, d_expected : ndarray, shape (B,)
        Alpha is NaN where the expected disagreement is zero.
    """
    # products and sums of whole numbers: exact whatever the order of summation (sparse or not)
    n_c = np.asarray(weights @ co.counts)
    n = n_c.sum(axis=1)
    if co.level == "ordinal":
        n_cat = n_c.shape[1]
        o = (weights @ co.per_unit).reshape(-1, n_cat, n_cat)
        delta = ordinal_delta(n_c)
        observed = (o * delta).sum(axis=(1, 2))
        expected = np.einsum("bc,bck,bk->b", n_c, delta, n_c)
    else:
        observed = weights @ co.per_unit
        expected = _expected(n_c, n, co)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_observed = observed / n
        d_expected = expected / (n * (n - 1))
        alpha = np.where(expected > 0, 1.0 - (n - 1) * observed / expected, np.nan)
    return alpha, d_observed, d_expected


def _expected(n_c: np.ndarray, n: np.ndarray, co: Coincidences) -> np.ndarray:
    """sum_ck n_c n_k delta_ck per row of ``n_c`` (B, V), for the fixed distances."""
    if co.delta is not None:
        return ((n_c @ co.delta) * n_c).sum(axis=1)
    points = co.points
    if co.level == "interval":
        # sum_ck n_c n_k (c - k)^2 = 2 (n sum_c n_c c^2 - (sum_c n_c c)^2)
        return 2 * (n * (n_c @ points ** 2) - (n_c @ points) ** 2)
    expected = np.zeros(len(n_c))
    for lo in range(0, len(points), DENSE_DELTA):
        block = pair_delta(points[:, None], points[None, lo:lo + DENSE_DELTA], co.level)
        expected += ((n_c @ block) * n_c[:, lo:lo + DENSE_DELTA]).sum(axis=1)
    return expected


def modal_share(co: Coincidences) -> float:
    """Share of the most common code among the pairable values (0 for interval and ratio)."""
    if co.level not in ("nominal", "ordinal"):
        return 0.0
    per_code = np.ones(co.n_pairable) @ np.asarray(co.counts)
    total = per_code.sum()
    return float(per_code.max() / total) if total else 0.0


# ---------------------------------------------------------------------------------------------
# value counts per unit
# ---------------------------------------------------------------------------------------------

def unit_counts(enc: Encoded) -> np.ndarray:
    """Value counts per unit: (units, categories) over the units with at least one value."""
    coded = enc.category >= 0
    # unit: the unit's rank among the sorted report_ids (see judgements.rows_of), so units are
    # in that order
    n_units, unit = _renumber(enc.rows.unit[coded], enc.rows.n_units)
    n_cat = len(enc.domain)
    flat = np.bincount(unit * n_cat + enc.category[coded], minlength=n_units * n_cat)
    return flat.reshape(n_units, n_cat).astype(np.float64)


def _renumber(unit: np.ndarray, n_all: int) -> tuple[int, np.ndarray]:
    """The units present numbered 0..U-1 in their order: ``(U, new numbers)``, without sorting."""
    present = np.bincount(unit, minlength=n_all) > 0
    if present.all():
        return n_all, unit
    return int(present.sum()), (np.cumsum(present) - 1)[unit]


def sparse_counts(enc: Encoded) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """The nonzero value counts per unit as entries (unit, category, count), sorted by unit.

    Interval and ratio variables have as many categories as distinct numbers (thousands), so a
    dense (units, categories) table would be too large; units are numbered 0..U-1 as in
    :func:`unit_counts`. Returns ``n_units, unit, category, count``.
    """
    coded = enc.category >= 0
    n_units, unit = _renumber(enc.rows.unit[coded], enc.rows.n_units)
    n_cat = max(len(enc.domain), 1)
    pair, count = np.unique(unit.astype(np.int64) * n_cat + enc.category[coded], return_counts=True)
    return n_units, pair // n_cat, pair % n_cat, count.astype(np.float64)


def _sparse_disagreement(unit: np.ndarray, category: np.ndarray, count: np.ndarray, m: np.ndarray,
                         level: str, points: np.ndarray) -> np.ndarray:
    """Each pairable unit's disagreement, summed over the pairs of its distinct values (a few per
    unit), never over all (V, V) pairs of categories."""
    n_units = len(m)
    distinct = np.bincount(unit, minlength=n_units)
    start = np.cumsum(distinct) - distinct
    size = distinct[unit]
    ii = np.repeat(np.arange(len(unit)), size)
    jj = start[unit[ii]] + np.arange(len(ii)) - np.repeat(np.cumsum(size) - size, size)
    pair = count[ii] * count[jj] * pair_delta(points[category[ii]], points[category[jj]], level)
    return np.bincount(unit[ii], weights=pair, minlength=n_units) / (m - 1)


# ---------------------------------------------------------------------------------------------
# distances
# ---------------------------------------------------------------------------------------------

def fixed_delta(points: np.ndarray, level: str) -> np.ndarray:
    """Squared distances between categories for the metrics that do not depend on frequencies."""
    if level == "nominal":
        return 1.0 - np.eye(len(points))
    diff = points[:, None] - points[None, :]
    if level == "interval":
        return diff ** 2
    total = points[:, None] + points[None, :]
    # Krippendorff (2011): ratio distance ((c-k)/(c+k))^2, and 0 between two zeros
    return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2


def pair_delta(a: np.ndarray, b: np.ndarray, level: str) -> np.ndarray:
    """Squared distances between the numbers a and b (elementwise), as in :func:`fixed_delta`."""
    diff = a - b
    if level == "interval":
        return diff ** 2
    total = a + b
    return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2


def ordinal_delta(n_c: np.ndarray) -> np.ndarray:
    """Ordinal distances per resample, (B, V, V), from the value frequencies n_c (B, V)."""
    n_cat = n_c.shape[1]
    idx = np.arange(n_cat)
    lo, hi = np.minimum.outer(idx, idx), np.maximum.outer(idx, idx)
    cum = np.cumsum(n_c, axis=1)
    # Krippendorff (2011): sum of n_g for g from c to k, less half the two end frequencies
    between = cum[:, hi] - cum[:, lo] + n_c[:, lo]
    return (between - (n_c[:, :, None] + n_c[:, None, :]) / 2) ** 2
