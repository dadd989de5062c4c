"""The null model of the divergences: reports relabelled at random, group sizes kept.

:func:`permutation_test` asks whether two groups of reports code differently.
:func:`null_test` is its engine, which :mod:`analysis.divergence` also runs per pair of groups
and per group against the rest; :func:`fdr_adjust` applies Benjamini and Hochberg's correction
to the resulting p-values. Inputs are never modified.
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control

from .distributions import (MEAN, CodedReports, check_whole_number, jensen_shannon, prepare_codes,
                            two_groups)

__all__ = ["permutation_test", "null_test", "coded_features", "fdr_adjust", "PERMUTATION_COLUMNS"]

PERMUTATION_COLUMNS = ("variable", "statistic", "p_value", "n_a", "n_b", "n_perm", "note")

# permutations are drawn in blocks of this many, to bound memory
_BLOCK = 1000
# numbers per block of relabellings
_BLOCK_NUMBERS = 2_000_000
# float noise when comparing a permuted statistic with the observed one
_TIE = 1e-12


def permutation_test(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *,
                     column: str, group_a: object, group_b: object = None,
                     variables: str | Sequence[str] | None = None, n_perm: int = 5000,
                     seed: int = 0) -> pd.DataFrame:
    """Permutation test of a difference in coding between two groups of reports.

    Parameters
    ----------
    final, codebook, reports
        As in :func:`analysis.divergence.pairwise_divergence`; ``reports`` needs ``column``.
    column : str
        The report column that defines the groups, e.g. ``"outlet_type"``.
    group_a : value or list of values
        The value(s) of ``column`` of the first group, e.g. ``"state"``.
    group_b : value or list of values, optional
        The value(s) of the second group. Default: every other report with a value in
        ``column`` (reports with a missing value are in neither group).
    variables : list of str, optional
        As in :func:`analysis.divergence.pairwise_divergence`.
    n_perm : int, default 5000
        Random relabellings of the reports; when the two groups have at most this many distinct
        relabellings, all of them are enumerated instead (an exact test).
    seed : int, default 0

    Returns
    -------
    DataFrame
        ``variable, statistic, p_value, n_a, n_b, n_perm, note``: the row ``"(mean)"`` (the
        statistic of the test: the mean divergence over variables) first, then one row per
        variable in codebook order (statistic: that variable's divergence; its p-value is not
        adjusted for multiple comparisons).

        - ``n_a``, ``n_b``: reports in each group with a value (for the mean: for at least one
          variable; reports with no value at all take no part in the test);
        - ``n_perm``: relabellings in which the statistic was defined (both groups had a value):
          all :math:`\\binom{n_a + n_b}{n_a}` when enumerated, else up to ``n_perm``;
        - ``note``: limits of the test with these group sizes; empty otherwise.

    Notes
    -----
    Under the null hypothesis that the coding does not depend on the group, the group labels
    are exchangeable among the reports of the two groups. Each relabelling draws ``n_a`` of the
    ``n_a + n_b`` reports at random for group A (the same relabellings for every variable, so
    the mean is computed on each relabelling), and

    .. math:: p = \\frac{b + 1}{m + 1},

    where ``b`` counts relabellings whose statistic is at least the observed one and ``m`` the
    relabellings (Phipson and Smyth 2010, eq. 2): never 0, and exact rather than anti-
    conservative when relabellings are drawn at random with replacement. When the distinct
    relabellings number no more than ``n_perm``, all are enumerated (the observed one among
    them) and :math:`p = b / m` is the exact permutation p-value; this is what
    :func:`scipy.stats.permutation_test` does (its ``n_resamples``), and the tests check the
    two against each other. scipy's function itself is not called: it refuses samples of one
    report, the very case this module must handle.

    The smallest attainable p-value is about one over the number of distinct relabellings,
    :math:`\\binom{n_a + n_b}{n_a}`; with one report against one it is 1, and no test is
    possible. ``note`` says so.

    References
    ----------
    Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero: calculating
    exact p-values when permutations are randomly drawn. Statistical Applications in Genetics
    and Molecular Biology, 9(1), Article 39. https://doi.org/10.2202/1544-6115.1585
    """
    if isinstance(n_perm, bool) or not isinstance(n_perm, (int, np.integer)) or n_perm < 1:
        raise ValueError(f"n_perm must be a whole number >= 1, not {n_perm!r}")
    check_whole_number(seed, "seed")
    in_a, in_b = two_groups(reports, column=column, group_a=group_a, group_b=group_b)
    # reports in neither group get no label, and prepare_codes leaves them out
    side = np.full(len(reports), None, dtype=object)
    side[in_b.to_numpy()] = "b"
    side[in_a.to_numpy()] = "a"
    data = prepare_codes(final, codebook, reports[["report_id"]].assign(_g=side), by="_g",
                         variables=variables)
    kept, x, bounds = coded_features(data)
    is_a = data.group_of[kept] == 0  # groups sorted: "a" then "b"
    stat, _, p, used = null_test(x, is_a, bounds, n_perm=n_perm, rng=np.random.default_rng(seed))
    coded = [(data.category[kept, v] >= 0) for v in range(len(data.variables))]
    n_a, n_b = int(is_a.sum()), int((~is_a).sum())
    out = pd.DataFrame({
        "variable": [MEAN, *data.variables], "statistic": stat, "p_value": p,
        "n_a": [n_a, *(int(c[is_a].sum()) for c in coded)],
        "n_b": [n_b, *(int(c[~is_a].sum()) for c in coded)],
        "n_perm": used})
    out["note"] = [_permutation_note(n_a, n_b, a, b) for a, b in zip(out["n_a"], out["n_b"])]
    for c in ("n_a", "n_b", "n_perm"):
        out[c] = out[c].astype(np.int64)
    return out


def _permutation_note(n_a: int, n_b: int, coded_a: int, coded_b: int) -> str:
    """Limits of the test; ``n_a, n_b`` are the groups' reports, ``coded_*`` those with a value."""
    total = n_a + n_b
    if coded_a == 0 or coded_b == 0:
        return "A group has no value here: no test."
    k = comb_at_most(total, n_a, 200)
    notes = []
    if k is not None:
        smallest = (2 if n_a == n_b else 1) / k
        notes.append(f"Only {k} distinct relabellings of {total} reports exist, so no p-value can "
                     f"be smaller than about {smallest:.3g}"
                     + (": no test is possible." if smallest >= 0.5 else "."))
    if n_a == 1 or n_b == 1:
        notes.append("A group is a single report: the test asks whether that report differs from "
                     "the others, not whether its outlet does.")
    return " ".join(notes)


def coded_features(data: CodedReports) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reports with at least one value, and their codes of every variable side by side.

    Returns the rows of ``data`` kept (reports with a value), a (reports, F) float32 indicator
    matrix (F: the codes of all variables; counts of up to 2**24 reports are exact in float32)
    and the bounds of each variable's columns.
    """
    bounds = np.concatenate([[0], np.cumsum(data.n_codes)]).astype(np.int64)
    kept = np.flatnonzero((data.category >= 0).any(axis=1))
    x = np.zeros((len(kept), int(bounds[-1])), dtype=np.float32)
    for v in range(len(data.variables)):
        cat = data.category[kept, v]
        has = np.flatnonzero(cat >= 0)
        x[has, bounds[v] + cat[has]] = 1.0
    return kept, x, bounds


def null_test(x: np.ndarray, in_a: np.ndarray, bounds: np.ndarray, *, n_perm: int,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Observed statistics, their means under relabelling, p-values and relabellings used.

    ``x`` and ``bounds`` come from :func:`coded_features`; ``in_a`` marks the rows of ``x`` in
    group A, the others form group B. Each output has V + 1 entries (the mean over variables
    first). The p-value is the share of relabellings whose statistic is at least the observed
    one: over all relabellings when enumerated (the observed one among them), else
    ``(b + 1) / (m + 1)`` (Phipson and Smyth 2010), as :func:`scipy.stats.permutation_test`
    computes it. With ``n_perm == 0`` or an empty group, the null outputs are NaN (0 used).
    """
    x = np.concatenate([x[in_a], x[~in_a]])
    n_a = int(in_a.sum())
    totals = x.sum(axis=0, dtype=np.float64)
    observed = _statistics(x[:n_a].sum(axis=0, dtype=np.float64), totals, bounds)
    k = len(bounds)
    if n_perm == 0 or n_a == 0 or n_a == len(x):
        return observed, np.full(k, np.nan), np.full(k, np.nan), np.zeros(k, np.int64)
    null, exact = _relabelled(x, n_a, bounds, n_perm=n_perm, rng=rng)
    ok = ~np.isnan(null)
    valid = ok.sum(axis=0)
    exceed = (ok & (null >= observed - _TIE)).sum(axis=0)
    plus = 0 if exact else 1
    with np.errstate(invalid="ignore", divide="ignore"):
        null_mean = np.where(valid > 0, np.where(ok, null, 0.0).sum(axis=0) / np.maximum(valid, 1),
                             np.nan)
        p = np.where(np.isnan(observed) | (valid == 0), np.nan, (exceed + plus) / (valid + plus))
    return observed, null_mean, p, valid.astype(np.int64)


def _statistics(counts: np.ndarray, totals: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Divergence between ``counts`` (..., F) and ``totals - counts``, per variable and averaged.

    Returns (..., V + 1): column 0 the mean over the variables where both sides have a value,
    then one column per variable (NaN where a side has none).
    """
    n_var = len(bounds) - 1
    out = np.full(counts.shape[:-1] + (n_var + 1,), np.nan)
    total, defined = np.zeros(counts.shape[:-1]), np.zeros(counts.shape[:-1])
    for v in range(n_var):
        a = counts[..., bounds[v]:bounds[v + 1]]
        js = jensen_shannon(a, totals[bounds[v]:bounds[v + 1]] - a)
        out[..., v + 1] = js
        ok = ~np.isnan(js)
        total += np.where(ok, js, 0.0)
        defined += ok
    with np.errstate(invalid="ignore", divide="ignore"):
        out[..., 0] = np.where(defined > 0, total / np.maximum(defined, 1), np.nan)
    return out


def comb_at_most(n: int, k: int, limit: int) -> int | None:
    """:math:`\binom{n}{k}` when it is at most ``limit``, else None.

    Multiplies up ``C(n - k + j, j) = C(n - k + j - 1, j - 1) (n - k + j) / j`` for j = 1..k
    (exact in integers, increasing, ending at ``C(n, k)``) and stops as soon as it passes ``limit``: a few steps however large ``n`` is, where ``math.comb`` would
    build a number of hundreds of thousands of digits for a million reports.
    """
    k = min(k, n - k)
    if k < 0:
        return 0
    count = 1
    for j in range(1, k + 1):
        count = count * (n - k + j) // j
        if count > limit:
            return None
    return count


def _relabelled(x: np.ndarray, n_a: int, bounds: np.ndarray, *, n_perm: int,
                rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Statistics of relabellings of the rows of ``x``: ``n_a`` rows form group A, the rest B.

    All :math:`\\binom{n}{n_a}` relabellings when there are at most ``n_perm`` of them (exact),
    else ``n_perm`` drawn at random. Returns the (relabellings, V + 1) statistics and whether
    the enumeration was exact.
    """
    n = len(x)
    totals = x.sum(axis=0, dtype=np.float64)
    distinct = comb_at_most(n, n_a, n_perm)
    exact = distinct is not None
    m = distinct if distinct is not None else n_perm
    out = np.empty((m, len(bounds)))
    # bound the (relabellings, reports) label matrix of a block to a few million numbers
    block = max(1, min(_BLOCK, _BLOCK_NUMBERS // max(n, 1)))
    subsets = itertools.combinations(range(n), n_a)
    base = np.zeros(n, dtype=np.float32)
    base[:n_a] = 1.0
    for start in range(0, m, block):
        size = min(block, m - start)
        if exact:
            chosen = np.fromiter(itertools.chain.from_iterable(itertools.islice(subsets, size)),
                                 dtype=np.intp, count=size * n_a).reshape(size, n_a)
            labels = np.zeros((size, n), dtype=np.float32)
            np.put_along_axis(labels, chosen, 1.0, axis=1)
        else:
            # permuted() returns a strided array; BLAS is several times faster on a contiguous one
            labels = np.ascontiguousarray(rng.permuted(np.broadcast_to(base, (size, n)), axis=1))
        out[start:start + size] = _statistics((labels @ x).astype(np.float64), totals, bounds)
    return out, exact


def fdr_adjust(p: np.ndarray, family: np.ndarray, fdr: float) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini-Hochberg q-values within each family, and whether each passes ``fdr``.

    NaN p-values stay NaN and never pass. The step-up procedure is
    :func:`scipy.stats.false_discovery_control` (Benjamini and Hochberg 1995).
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.full(len(p), np.nan)
    family = np.asarray(family, dtype=object)
    for f in pd.unique(family):
        rows = np.flatnonzero((family == f) & ~np.isnan(p))
        if len(rows):
            q[rows] = false_discovery_control(p[rows], method="bh")
    return q, np.nan_to_num(q, nan=1.0) <= fdr
