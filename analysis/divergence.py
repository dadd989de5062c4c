"""Distances between outlets: how differently groups of reports code the same event.

Four public functions, all taking the consolidated codes (``final``: one value per report and
variable, as :func:`analysis.reliability.consolidate` returns), the ``codebook`` table and the
``reports`` table of docs/data-model.md, and returning a new DataFrame (inputs are never
modified):

- :func:`pairwise_divergence`: Jensen-Shannon divergence between every pair of groups
  (outlets by default), per nominal variable and averaged, with bootstrap intervals;
- :func:`consensus_distance`: each group's divergence from all the other reports, ranked;
- :func:`permutation_test`: is one group's coding different from another's (or the rest's)?
- :func:`outlet_map`: a two-dimensional map of the groups from the pairwise table, with clusters.

:func:`jensen_shannon` is the divergence itself, vectorised over rows of counts.
"""
from __future__ import annotations

import itertools
import math
import zlib

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, leaves_list, linkage, optimal_leaf_ordering
from scipy.spatial.distance import squareform
from scipy.special import rel_entr
from scipy.stats import false_discovery_control

from ._columns import by_identity, key_codes
from .errors import DataError, Problem
from .common import check_columns

__all__ = ["jensen_shannon", "pairwise_divergence", "consensus_distance", "permutation_test",
           "outlet_map", "MEAN", "MIN_GROUP"]

MEAN = "(mean)"
# the null model's columns, beside every observed divergence (see pairwise_divergence, Notes)
NULL_COLUMNS = ("null_mean", "excess", "p_value", "q_value", "significant", "small")
PAIRWISE_COLUMNS = ("a", "b", "variable", "jsd", "ci_low", "ci_high", "n_a", "n_b", *NULL_COLUMNS,
                    "note")
CONSENSUS_COLUMNS = ("jsd", "ci_low", "ci_high", "n", *NULL_COLUMNS, "rank", "note")  # after ``by``
PERMUTATION_COLUMNS = ("variable", "statistic", "p_value", "n_a", "n_b", "n_perm", "note")
MAP_COLUMNS = ("x", "y", "cluster", "n")  # after the ``by`` column

# Groups with fewer reports than this are kept in the tables but not ranked, and drawn hollow.
# With four reports or fewer a variable with three codes has at most a handful of possible
# distributions, the plug-in divergence is dominated by its small-sample bias (Miller 1955;
# Roulston 1999), and the divergence describes those reports rather than their group's habits.
MIN_GROUP = 5
FDR = 0.05
CATEGORICAL_LEVELS = ("nominal", "ordinal")

# Kaufman and Rousseeuw (1990), p. 88: an average silhouette width below 0.25 means that no
# substantial structure has been found.
MIN_SILHOUETTE = 0.25
MAX_CLUSTERS = 10
# permutations are drawn in blocks of this many, to bound memory
_BLOCK = 1000
# numbers per block of bootstrap divergences
_BLOCK_NUMBERS = 2_000_000
# float noise when comparing a permuted statistic with the observed one
_TIE = 1e-12

_FINAL_COLUMNS = ("report_id", "variable", "value")
_CODEBOOK_COLUMNS = ("variable", "level", "codes")


# ---------------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------------

def jensen_shannon(p, q, *, axis=-1):
    """Jensen-Shannon divergence in bits (base 2) between distributions or counts.

    Parameters
    ----------
    p, q : array_like, shape (..., K)
        Non-negative weights over the same K categories (counts or probabilities); each is
        normalised to sum to one along ``axis``. Arrays broadcast against each other.
    axis : int, default -1
        The axis of the categories.

    Returns
    -------
    ndarray or float
        The divergence, between 0 (equal distributions) and 1 (disjoint supports); NaN where
        ``p`` or ``q`` sums to zero.

    Notes
    -----
    .. math::

        \\mathrm{JSD}(P, Q) = \\tfrac12 \\mathrm{KL}(P \\| M) + \\tfrac12 \\mathrm{KL}(Q \\| M),
        \\qquad M = \\tfrac12 (P + Q),

    with the Kullback-Leibler divergence in base 2 (Lin 1991, eq. 4.1). In base 2 the
    divergence is bounded by 1. Its square root is a metric (Endres and Schindelin 2003) and is
    what :func:`scipy.spatial.distance.jensenshannon` returns.

    References
    ----------
    Lin, J. (1991). Divergence measures based on the Shannon entropy. IEEE Transactions on
    Information Theory, 37(1), 145-151. https://doi.org/10.1109/18.61115

    Endres, D. M., & Schindelin, J. E. (2003). A new metric for probability distributions. IEEE
    Transactions on Information Theory, 49(7), 1858-1860. https://doi.org/10.1109/TIT.2003.813506

    Examples
    --------
    >>> float(jensen_shannon([1, 0], [0, 1]))
    1.0
    >>> float(jensen_shannon([3, 1], [6, 2]))
    0.0
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    if (p < 0).any() or (q < 0).any():
        raise ValueError("jensen_shannon takes non-negative counts or probabilities")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = p / p.sum(axis=axis, keepdims=True)
        q = q / q.sum(axis=axis, keepdims=True)
        m = (p + q) / 2
        # rel_entr(x, m) = x log(x / m), 0 where x = 0
        js = (rel_entr(p, m).sum(axis=axis) + rel_entr(q, m).sum(axis=axis)) / (2 * math.log(2))
    # cancellation can leave a few ulps outside [0, 1]
    return np.clip(js, 0.0, 1.0)


def pairwise_divergence(final, codebook, reports, *, by="outlet", variables=None, n_boot=1000,
                        ci=0.95, n_perm=1000, min_group=MIN_GROUP, fdr=FDR, seed=0):
    """Jensen-Shannon divergence between every pair of groups, per variable and averaged.

    Parameters
    ----------
    final : DataFrame
        Consolidated codes, one row per report and variable: ``report_id, variable, value``
        (other columns, e.g. ``evidence, rule``, are ignored). NaN is "no value" (not coded or
        unresolved) and leaves the report out of that variable.
    codebook : DataFrame
        ``variable, level, codes`` (docs/data-model.md).
    reports : DataFrame
        ``report_id`` and the ``by`` column. Reports whose ``by`` is missing are left out.
    by : str, default "outlet"
        The report column that forms the groups (e.g. ``outlet``, ``outlet_type``,
        ``outlet_country``).
    variables : list of str, optional
        The variables to compare. Default: every nominal variable of the codebook. Ordinal
        variables may be named; their codes are then compared as categories (order ignored).
    n_boot : int, default 1000
        Bootstrap resamples; 0 gives no interval.
    ci : float, default 0.95
        Coverage of the percentile interval.
    n_perm : int, default 1000
        Relabellings of each pair's reports for the null model (see Notes); when a pair has at
        most this many distinct relabellings, all of them are used (exact). 0: no null model
        (its columns NaN, ``significant`` False).
    min_group : int, default MIN_GROUP (5)
        Groups with fewer reports (with a value) are flagged ``small``.
    fdr : float, default 0.05
        False discovery rate of the Benjamini-Hochberg correction behind ``significant``.
    seed : int, default 0
        Seed of the bootstrap and of the relabellings. Each group (bootstrap) and each pair
        (relabellings) draws from its own stream, from ``seed`` and the group names, so a
        pair's results do not depend on which other groups are present.

    Returns
    -------
    DataFrame
        ``a, b, variable, jsd, ci_low, ci_high, n_a, n_b, note``: one row per pair of groups
        (``a`` before ``b`` in sorted order) and variable, the row ``variable == "(mean)"``
        first, then the variables in codebook order.

        - ``jsd``: divergence in bits between the code distributions of the two groups (0 the
          same, 1 no code in common); NaN where a group has no value for the variable;
        - ``ci_low``, ``ci_high``: percentile bootstrap interval; NaN when ``n_boot=0`` or a
          group has fewer than two reports with a value (a single report cannot be resampled);
        - ``n_a``, ``n_b``: reports of each group with a value for the variable (for the mean:
          with a value for at least one of the variables);
        - ``null_mean``: the mean of ``jsd`` over random relabellings of the pair's reports
          that keep the two group sizes: the divergence that group sizes alone produce;
        - ``excess``: ``jsd - null_mean``, the divergence beyond that (can be negative);
        - ``p_value``: share of relabellings with a divergence at least ``jsd`` (exact, or
          with the +1 correction of Phipson and Smyth 2010 when drawn); 1 for one report
          against one (both relabellings give the same divergence);
        - ``q_value``: Benjamini-Hochberg adjusted p-value over all pairs, separately for the
          mean and for each variable; ``significant``: ``q_value <= fdr``;
        - ``small``: a group has fewer than ``min_group`` reports with a value;
        - ``note``: what a pair with single-report or small groups can and cannot show, or a
          warning when the estimate lies below its interval (see Notes); empty otherwise.

        The result's ``attrs`` hold ``by`` (for :func:`outlet_map`), ``min_group``, ``fdr`` and
        ``n_perm``.

    Notes
    -----
    A group's distribution on a variable is the share of its reports (with a value) that
    carry each code. The divergence is :func:`jensen_shannon`.

    The mean gives every variable the same weight and runs over the variables that both
    groups coded (``jsd`` not NaN): a variable with many codes counts no more than a yes/no
    item, and a variable only one group coded says nothing about their difference.

    The interval resamples reports with replacement within each group, keeping all of a
    report's codes together, so the mean's interval reflects that variables are coded on the
    same reports. It is the percentile interval (Efron and Tibshirani 1993, ch. 13). The
    plug-in divergence is biased upwards in small samples (two samples of one distribution
    rarely have a divergence of 0), and a resample, which repeats some reports and drops
    others, adds to the bias: when the groups hardly differ the whole interval can lie above
    the estimate, and ``note`` says so. The interval shows how stable the estimate is, not
    whether the groups differ: for that, use :func:`permutation_test`. (The basic bootstrap
    interval would correct the shift but collapses to [0, 0] for identical groups; neither
    is exact at the boundary 0.)

    With one report per group (one article per outlet) the divergence of a variable is 0
    (same code) or 1 (different codes), and the mean is the share of variables on which the
    two reports differ: a comparison of two articles, not of two outlets' habits.

    **Size-corrected divergence.** The expected plug-in divergence between two samples of one
    distribution grows as the samples shrink, roughly as :math:`(K - 1)(1/n_a + 1/n_b) /
    (4 \\ln 2)` bits for K codes (the bias of plug-in entropy, Miller 1955; Roulston 1999), so
    raw divergences rank groups by size. The null model keeps the sizes and removes the
    difference: under the hypothesis that coding does not depend on the group, the reports of
    the two groups are exchangeable, and every relabelling that gives ``n_a`` of them to ``a``
    is as likely as the observed one (Good 2005, ch. 3). ``null_mean`` is the mean divergence
    over ``n_perm`` relabellings (the same relabellings for every variable, so the mean over
    variables is computed on each), or over all :math:`\\binom{n_a + n_b}{n_a}` of them when
    there are at most ``n_perm`` (as :func:`scipy.stats.permutation_test` does). The p-value
    is :math:`b / m` when enumerated and :math:`(b + 1) / (m + 1)` when drawn, where ``b``
    counts relabellings at least as divergent as the observed one and ``m`` the relabellings
    in which the divergence is defined (Phipson and Smyth 2010); so :math:`0 < p \\le 1`.
    Benjamini and Hochberg (1995)'s step-up procedure (:func:`scipy.stats.false_discovery_control`)
    controls the false discovery rate over the pairs; it assumes independent or positively
    dependent tests (Benjamini and Yekutieli 2001), which pairs sharing a group roughly are.

    References
    ----------
    Lin, J. (1991). Divergence measures based on the Shannon entropy. IEEE Transactions on
    Information Theory, 37(1), 145-151. https://doi.org/10.1109/18.61115

    Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap. New York:
    Chapman & Hall.

    Miller, G. A. (1955). Note on the bias of information estimates. In H. Quastler (Ed.),
    Information theory in psychology (pp. 95-100). Glencoe, IL: Free Press.

    Roulston, M. S. (1999). Estimating the errors on measured entropy and mutual information.
    Physica D, 125(3-4), 285-294. https://doi.org/10.1016/S0167-2789(98)00269-3

    Good, P. I. (2005). Permutation, parametric, and bootstrap tests of hypotheses (3rd ed.).
    New York: Springer.

    Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero: calculating
    exact p-values when permutations are randomly drawn. Statistical Applications in Genetics
    and Molecular Biology, 9(1), Article 39. https://doi.org/10.2202/1544-6115.1585

    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: a practical and
    powerful approach to multiple testing. Journal of the Royal Statistical Society B, 57(1),
    289-300. https://doi.org/10.1111/j.2517-6161.1995.tb02031.x

    Benjamini, Y., & Yekutieli, D. (2001). The control of the false discovery rate in multiple
    testing under dependency. The Annals of Statistics, 29(4), 1165-1188.
    https://doi.org/10.1214/aos/1013699998
    """
    n_boot, ci, seed = _check_boot(n_boot, ci, seed)
    n_perm, min_group, fdr = _check_null(n_perm, min_group, fdr, smallest_n_perm=0)
    data = _prepare(final, codebook, reports, by=by, variables=variables)
    groups = data.groups
    if len(groups) < 2:
        raise ValueError(f"pairwise_divergence needs at least two groups in column {by!r}, "
                         f"found {len(groups)}")
    ia, ib = np.triu_indices(len(groups), k=1)
    n_pairs = len(ia)
    size = data.coded_reports
    # only pairs of groups with two or more reports each get an interval: resample those alone
    resampled = np.flatnonzero((size[ia] >= 2) & (size[ib] >= 2)) if n_boot else np.array([], int)
    ra, rb = ia[resampled], ib[resampled]
    weights = _group_weights(data, n_boot, seed)
    per_var = []
    mean_sum = np.zeros(n_pairs)
    mean_n = np.zeros(n_pairs)
    boot_sum = np.zeros((len(resampled), n_boot))
    boot_n = np.zeros((len(resampled), n_boot))
    for v, var in enumerate(data.variables):
        obs, boot = _group_counts(data, v, weights)          # (G, K), (G, B, K)
        js = jensen_shannon(obs[ia], obs[ib])
        n = obs.sum(axis=1)
        jb = _pair_divergences(boot, ra, rb)                  # (resampled pairs, B)
        defined = ~np.isnan(js)
        mean_sum[defined] += js[defined]
        mean_n += defined
        ok_b = ~np.isnan(jb)
        boot_sum += np.where(ok_b, jb, 0.0)
        boot_n += ok_b
        lo, hi = np.full(n_pairs, np.nan), np.full(n_pairs, np.nan)
        lo[resampled], hi[resampled] = _interval(jb, ci, (n[ra] >= 2) & (n[rb] >= 2))
        per_var.append(pd.DataFrame({
            "a": groups[ia], "b": groups[ib], "variable": var, "jsd": js, "ci_low": lo,
            "ci_high": hi, "n_a": n[ia].astype(np.int64), "n_b": n[ib].astype(np.int64),
            "_pair": np.arange(n_pairs), "_order": v + 1}))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(mean_n > 0, mean_sum / np.maximum(mean_n, 1), np.nan)
        mean_boot = np.where(boot_n > 0, boot_sum / np.maximum(boot_n, 1), np.nan)
    lo, hi = np.full(n_pairs, np.nan), np.full(n_pairs, np.nan)
    lo[resampled], hi[resampled] = _interval(mean_boot, ci, np.ones(len(resampled), bool))
    mean_rows = pd.DataFrame({
        "a": groups[ia], "b": groups[ib], "variable": MEAN, "jsd": mean, "ci_low": lo,
        "ci_high": hi, "n_a": size[ia], "n_b": size[ib], "_pair": np.arange(n_pairs), "_order": 0})
    table = pd.concat([mean_rows, *per_var], ignore_index=True)
    null_mean, p, _ = _pair_nulls(data, ia, ib, n_perm=n_perm, seed=seed)
    at = (table["_pair"].to_numpy(), table["_order"].to_numpy())
    table = _with_null(table, null_mean[at], p[at], family=table["_order"].to_numpy(),
                       small=(table["n_a"] < min_group) | (table["n_b"] < min_group), fdr=fdr)
    table["note"] = [_pair_note(a, b, na, nb, js, low, min_group=min_group) for a, b, na, nb, js, low in
                     zip(table["a"], table["b"], table["n_a"], table["n_b"], table["jsd"],
                         table["ci_low"])]
    # pairs in sorted order of the groups; per pair the mean first, then codebook order
    table = table.sort_values(["_pair", "_order"], kind="stable")
    out = table[list(PAIRWISE_COLUMNS)].reset_index(drop=True)
    for c in ("n_a", "n_b"):
        out[c] = out[c].astype(np.int64)
    out.attrs.update(by=by, min_group=min_group, fdr=fdr, n_perm=n_perm)
    return out


def _pair_nulls(data, ia, ib, *, n_perm, seed):
    """Per pair (rows) and statistic (columns: the mean, then each variable): null means,
    p-values and relabellings used, each pair relabelled within its own reports."""
    kept, x, bounds = _features(data)
    group = data.group_of[kept]
    shape = (len(ia), len(bounds))
    null_mean, p, used = np.full(shape, np.nan), np.full(shape, np.nan), np.zeros(shape, np.int64)
    for i, (a, b) in enumerate(zip(ia, ib)):
        rows = (group == a) | (group == b)
        _, null_mean[i], p[i], used[i] = _null_test(
            x[rows], group[rows] == a, bounds, n_perm=n_perm,
            rng=_stream(seed, "pair", data.groups[a], data.groups[b]))
    return null_mean, p, used


def _with_null(table, null_mean, p, *, family, small, fdr):
    """``table`` with the columns of NULL_COLUMNS, q-values within each ``family``."""
    q, significant = _adjust(p, family, fdr)
    return table.assign(null_mean=null_mean, excess=table["jsd"].to_numpy() - null_mean, p_value=p,
                        q_value=q, significant=significant, small=np.asarray(small, dtype=bool))


def consensus_distance(final, codebook, reports, *, by="outlet", variables=None, n_boot=1000,
                       ci=0.95, n_perm=1000, min_group=MIN_GROUP, fdr=FDR, seed=0):
    """Each group's divergence from the pooled codes of all the other reports, ranked.

    Parameters
    ----------
    final, codebook, reports, by, variables, n_boot, ci, min_group, fdr, seed
        As in :func:`pairwise_divergence`.
    n_perm : int, default 1000
        Relabellings of all reports per group for the null model (at least 1); exact
        enumeration when a group has at most this many distinct relabellings.

    Returns
    -------
    DataFrame
        ``<by>, jsd, ci_low, ci_high, n, null_mean, excess, p_value, q_value, significant,
        small, rank, note``, one row per group: the ranked groups by rank (ties by name), then
        the unranked ones by name:

        - ``jsd``: mean over variables (equal weights, over the variables that both the group
          and the rest coded) of the divergence between the group's distribution and that of
          all other reports pooled (leave-one-out);
        - ``ci_low``, ``ci_high``: percentile bootstrap interval, reports resampled within
          every group; NaN when the group has fewer than two reports;
        - ``n``: the group's reports with a value for at least one variable;
        - ``null_mean``: the mean of ``jsd`` when ``n`` reports drawn at random from all
          reports form the group (see Notes): what the group's size alone produces;
        - ``excess``: ``jsd - null_mean``;
        - ``p_value``: share of relabellings at least as far from the rest as the group;
          ``q_value``: Benjamini-Hochberg over all groups; ``significant``: ``q <= fdr``;
        - ``small``: ``n < min_group``;
        - ``rank``: 1 for the largest ``excess`` (ties share the smallest rank), float; NaN for
          small groups (and groups without a null), which are not ranked;
        - ``note``: for single-report and small groups, what can and cannot be concluded; a
          warning when the estimate lies below its interval (small-sample bias, see
          :func:`pairwise_divergence`).

        ``attrs`` hold ``by``, ``min_group``, ``fdr`` and ``n_perm``.

    Notes
    -----
    The consensus pools reports, not groups: an outlet with ten reports weighs ten times an
    outlet with one. Leaving the group itself out keeps a large group from pulling the
    consensus towards itself.

    Raw divergences from the consensus rank groups by size: a single report lies far from any
    pool by chance alone (see :func:`pairwise_divergence`, Notes). Each group is therefore
    compared with random groups of its own size: the null model relabels all reports with a
    value, ``n`` of them forming the group (all :math:`\\binom{N}{n}` subsets when there are
    at most ``n_perm``, else ``n_perm`` drawn), and the ranking follows ``excess``, the
    divergence beyond that expectation. The p-value of a group is that of
    ``permutation_test(..., column=by, group_a=group)``; groups are corrected together
    (Benjamini and Hochberg 1995). Groups with fewer than ``min_group`` reports stay in the
    table with their test (which then asks whether those few reports differ from the rest)
    but are not ranked: their divergence says little about their group's habits.

    References
    ----------
    See :func:`pairwise_divergence` and :func:`permutation_test`.
    """
    n_boot, ci, seed = _check_boot(n_boot, ci, seed)
    n_perm, min_group, fdr = _check_null(n_perm, min_group, fdr, smallest_n_perm=1)
    data = _prepare(final, codebook, reports, by=by, variables=variables)
    groups = data.groups
    if len(groups) < 2:
        raise ValueError(f"consensus_distance needs at least two groups in column {by!r}, "
                         f"found {len(groups)}")
    weights = _group_weights(data, n_boot, seed)
    n_g = len(groups)
    mean_sum, mean_n = np.zeros(n_g), np.zeros(n_g)
    boot_sum, boot_n = np.zeros((n_g, n_boot)), np.zeros((n_g, n_boot))
    for v in range(len(data.variables)):
        obs, boot = _group_counts(data, v, weights)
        rest = obs.sum(axis=0, keepdims=True) - obs
        js = jensen_shannon(obs, rest)
        defined = ~np.isnan(js)
        mean_sum[defined] += js[defined]
        mean_n += defined
        if n_boot:
            jb = jensen_shannon(boot, boot.sum(axis=0, keepdims=True) - boot)
            ok = ~np.isnan(jb)
            boot_sum += np.where(ok, jb, 0.0)
            boot_n += ok
    mean = np.where(mean_n > 0, mean_sum / np.maximum(mean_n, 1), np.nan)
    mean_boot = np.where(boot_n > 0, boot_sum / np.maximum(boot_n, 1), np.nan)
    size = data.coded_reports
    others = size.sum() - size
    lo, hi = _interval(mean_boot, ci, (size >= 2) & (others >= 2))
    out = pd.DataFrame({by: groups, "jsd": mean, "ci_low": lo, "ci_high": hi, "n": size})
    kept, x, bounds = _features(data)
    group = data.group_of[kept]
    null_mean, p = np.full(len(groups), np.nan), np.full(len(groups), np.nan)
    for g, name in enumerate(groups):
        _, nm, pv, _ = _null_test(x, group == g, bounds, n_perm=n_perm,
                                  rng=_stream(seed, "consensus", name))
        null_mean[g], p[g] = nm[0], pv[0]
    out = _with_null(out, null_mean, p, family=np.zeros(len(groups)), small=size < min_group, fdr=fdr)
    ranked = out["excess"].where(~out["small"])
    out["rank"] = ranked.rank(method="min", ascending=False, na_option="keep")
    out["note"] = [_BELOW if js < low else _consensus_note(g, n, o, min_group=min_group)
                   for g, n, o, js, low in zip(groups, size, others, mean, lo)]
    out["_key"] = [str(g) for g in groups]
    # ranked groups first, then the unranked (small) groups by name
    out = out.sort_values(["rank", "_key"], kind="stable", na_position="last").drop(columns="_key")
    out = out[[by, *CONSENSUS_COLUMNS]].reset_index(drop=True)
    out.attrs.update(by=by, min_group=min_group, fdr=fdr, n_perm=n_perm)
    return out


def permutation_test(final, codebook, reports, *, column, group_a, group_b=None, variables=None,
                     n_perm=5000, seed=0):
    """Permutation test of a difference in coding between two groups of reports.

    Parameters
    ----------
    final, codebook, reports
        As in :func:`pairwise_divergence`; ``reports`` needs ``column``.
    column : str
        The report column that defines the groups, e.g. ``"outlet_type"``.
    group_a : value or list of values
        The value(s) of ``column`` of the first group, e.g. ``"state"``.
    group_b : value or list of values, optional
        The value(s) of the second group. Default: every other report with a value in
        ``column`` (reports with a missing value are in neither group).
    variables : list of str, optional
        As in :func:`pairwise_divergence`.
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
    _check_int(seed, "seed")
    in_a, in_b = _two_groups(reports, column=column, group_a=group_a, group_b=group_b)
    # reports in neither group get no label, and _prepare leaves them out
    side = np.where(in_a, "a", np.where(in_b, "b", None)).astype(object)
    data = _prepare(final, codebook, reports[["report_id"]].assign(_g=side), by="_g",
                    variables=variables)
    kept, x, bounds = _features(data)
    is_a = data.group_of[kept] == 0  # groups sorted: "a" then "b"
    stat, _, p, used = _null_test(x, is_a, bounds, n_perm=n_perm, rng=np.random.default_rng(seed))
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


def outlet_map(distances, *, method="mds", n_clusters=None, seed=0):
    """Place the groups on a plane so that distances follow their divergences; cluster them.

    Parameters
    ----------
    distances : DataFrame
        The result of :func:`pairwise_divergence` (only the ``"(mean)"`` rows are used):
        ``a, b, variable, jsd``. Every pair of groups needs a divergence.
    method : {"mds", "classical"}, default "mds"
        "mds": metric multidimensional scaling (SMACOF, scikit-learn) started from the
        classical solution; "classical": Torgerson's classical scaling alone
        (:class:`sklearn.manifold.ClassicalMDS`).
    n_clusters : int, optional
        Number of clusters. Default: chosen by the average silhouette width (see Notes).
    seed : int, default 0
        ``random_state`` of the scaling.

    Returns
    -------
    DataFrame
        ``<by>, x, y, cluster, n``, one row per group sorted by group; ``<by>`` is the name
        kept in ``distances.attrs["by"]`` (default "outlet"). ``cluster`` numbers clusters 1,
        2, ... in the order of the dendrogram's leaves; ``n`` is the group's reports with a
        value (from ``n_a``, ``n_b``; missing when ``distances`` lacks them). ``attrs["stress"]`` holds Kruskal's Stress-1 of
        the map (0 for a perfect fit, above 0.2 poor), ``attrs["silhouette"]`` the average
        silhouette width of the clustering (NaN for a single cluster).

    Notes
    -----
    The map and the clusters are built on the square root of the mean divergence. The square
    root of the Jensen-Shannon divergence is a metric (Endres and Schindelin 2003), and the
    square root of a mean of squared metrics is a metric too, so the dissimilarities obey the
    triangle inequality that a map on a plane assumes. The map is centred and rotated to its
    principal axes, each axis signed so that its largest coordinate is positive, so it does
    not depend on the solver's arbitrary orientation.

    Clusters come from average-linkage (UPGMA) hierarchical clustering of the same
    dissimilarities (scipy). When ``n_clusters`` is None, every k from 2 to
    ``min(n - 1, 10)`` is tried and the k with the largest average silhouette width
    (Rousseeuw 1987) kept, the smaller k on ties; if no k reaches 0.25, the groups are
    reported as one cluster (Kaufman and Rousseeuw 1990: below 0.25 no substantial structure
    has been found). Fewer than three groups are one cluster.

    References
    ----------
    Borg, I., & Groenen, P. J. F. (2005). Modern multidimensional scaling (2nd ed.). New York:
    Springer.

    Rousseeuw, P. J. (1987). Silhouettes: A graphical aid to the interpretation and validation
    of cluster analysis. Journal of Computational and Applied Mathematics, 20, 53-65.
    https://doi.org/10.1016/0377-0427(87)90125-7

    Kaufman, L., & Rousseeuw, P. J. (1990). Finding groups in data. New York: Wiley.

    Endres, D. M., & Schindelin, J. E. (2003). A new metric for probability distributions. IEEE
    Transactions on Information Theory, 49(7), 1858-1860.
    """
    if method not in ("mds", "classical"):
        raise ValueError(f"method must be 'mds' or 'classical', not {method!r}")
    _check_int(seed, "seed")
    if n_clusters is not None:
        _check_int(n_clusters, "n_clusters")
        if n_clusters < 1:
            raise ValueError(f"n_clusters must be at least 1, not {n_clusters!r}")
    groups, jsd = _mean_matrix(distances)
    by = distances.attrs.get("by", "outlet")
    n = len(groups)
    dist = np.sqrt(jsd)
    coords, stress = _scale(dist, method=method, seed=seed)
    labels, silhouette = _clusters(dist, n_clusters)
    out = pd.DataFrame({by: groups, "x": coords[:, 0], "y": coords[:, 1], "cluster": labels})
    sizes = _group_sizes(distances)
    out["n"] = pd.array([sizes.get(g, pd.NA) for g in groups], dtype="Int64")
    out["_key"] = [str(g) for g in groups]
    out = out.sort_values("_key", kind="stable").drop(columns="_key").reset_index(drop=True)
    out["cluster"] = out["cluster"].astype(np.int64)
    out.attrs.update(by=by, stress=stress, silhouette=silhouette, n_groups=n)
    return out


# ---------------------------------------------------------------------------------------------
# helpers shared with analysis.lexicon and analysis.plotting.divergence
# ---------------------------------------------------------------------------------------------

def _two_groups(reports, *, column, group_a, group_b=None):
    """Boolean masks of the reports in group A and in group B.

    ``group_a`` and ``group_b`` are a value or a list of values of ``column``; ``group_b=None``
    means every other report with a value in ``column``.
    """
    if not isinstance(reports, pd.DataFrame):
        raise ValueError(f"reports must be a pandas DataFrame, not {type(reports).__name__}")
    if column not in reports.columns:
        raise DataError(Problem("reports", f"column {column!r} missing", column=column,
                                accepted="one of " + ", ".join(map(str, reports.columns))))
    values = reports[column]
    a_values = _as_values(group_a)
    in_a = values.isin(a_values).to_numpy()
    if group_b is None:
        in_b = values.notna().to_numpy() & ~in_a
    else:
        b_values = _as_values(group_b)
        both = set(map(str, a_values)) & set(map(str, b_values))
        if both:
            raise ValueError(f"value(s) {', '.join(sorted(both))} are in both group_a and group_b")
        in_b = values.isin(b_values).to_numpy()
    present = sorted(map(str, pd.unique(values.dropna())))
    for name, mask, given in (("group_a", in_a, group_a), ("group_b", in_b, group_b)):
        if not mask.any():
            raise ValueError(f"{name} {given!r} has no report (column {column!r} holds "
                             f"{', '.join(present) or 'no value'})")
    return pd.Series(in_a, index=reports.index), pd.Series(in_b, index=reports.index)


def _mean_matrix(distances):
    """The groups (sorted) and the square matrix of mean divergences of a pairwise table."""
    if not isinstance(distances, pd.DataFrame):
        raise ValueError(f"distances must be a pandas DataFrame, not {type(distances).__name__}")
    missing = [c for c in ("a", "b", "variable", "jsd") if c not in distances.columns]
    if missing:
        raise DataError(Problem("distances", f"column(s) {', '.join(missing)} missing",
                                accepted="the table returned by pairwise_divergence"))
    rows = distances[distances["variable"] == MEAN]
    if rows.empty:
        raise DataError(Problem("distances", f"no row with variable {MEAN!r}",
                                accepted="the table returned by pairwise_divergence"))
    groups = sorted(pd.unique(pd.concat([rows["a"], rows["b"]])), key=str)
    index = {g: i for i, g in enumerate(groups)}
    n = len(groups)
    mat = np.full((n, n), np.nan)
    np.fill_diagonal(mat, 0.0)
    for a, b, d in zip(rows["a"], rows["b"], rows["jsd"]):
        mat[index[a], index[b]] = mat[index[b], index[a]] = d
    if np.isnan(mat).any():
        i, j = np.argwhere(np.isnan(mat))[0]
        raise DataError(Problem("distances", f"no mean divergence between {groups[i]} and {groups[j]}",
                                column="jsd", accepted="a divergence for every pair of groups "
                                "(drop groups that share no coded variable)"))
    return np.array(groups, dtype=object), mat


def _group_sizes(distances):
    """Each group's reports with a value, from the ``"(mean)"`` rows of a pairwise table."""
    if not {"n_a", "n_b"} <= set(distances.columns):
        return {}
    rows = distances[distances["variable"] == MEAN]
    sizes = {}
    for col, side in (("a", "n_a"), ("b", "n_b")):
        for g, n in zip(rows[col], rows[side]):
            if pd.notna(n):
                sizes[g] = max(int(n), sizes.get(g, 0))
    return sizes


def _leaf_order(matrix):
    """Order of the leaves of the average-linkage dendrogram of a dissimilarity matrix.

    The leaves are put in the optimal order of Bar-Joseph et al. (2001), which places similar
    neighbours next to each other; ties follow the input order, so the order is deterministic.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if len(matrix) < 3:
        return np.arange(len(matrix))
    z = _linkage(matrix)
    return leaves_list(optimal_leaf_ordering(z, squareform(matrix, checks=False)))


# ---------------------------------------------------------------------------------------------
# preparing the data
# ---------------------------------------------------------------------------------------------

class _Data:
    """Reports sorted by group then report_id, with each variable's codes as category numbers.

    ``category[:, v]`` is the index of the report's code in the codebook's codes of variable v
    (-1: no value); ``group_of`` the index of the report's group in ``groups``.
    """

    __slots__ = ("groups", "group_of", "report_ids", "variables", "n_codes", "category",
                 "coded_reports")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


def _prepare(final, codebook, reports, *, by, variables):
    check_columns(final, _FINAL_COLUMNS, "final")
    check_columns(codebook, _CODEBOOK_COLUMNS, "codebook")
    check_columns(reports, ("report_id",), "reports")
    if not isinstance(by, str) or by not in reports.columns:
        raise DataError(Problem("reports", f"column {by!r} missing", column=str(by),
                                accepted="a column of reports, e.g. outlet, outlet_type, outlet_country"))
    spec = _choose_variables(codebook, variables)

    rep = reports[["report_id", by]]
    rep = rep[rep[by].notna()]
    rep = rep.assign(report_id=rep["report_id"].astype(str))
    if rep["report_id"].duplicated().any():
        dup = rep.loc[rep["report_id"].duplicated(), "report_id"].iloc[0]
        raise DataError(Problem("reports", f"report_id {dup} appears twice", column="report_id",
                                value=dup, accepted="each report once"))
    groups = sorted(pd.unique(rep[by]), key=str)
    if not groups:
        raise ValueError(f"no report has a value in column {by!r}")
    g_index = {str(g): i for i, g in enumerate(groups)}
    which, distinct = pd.factorize(rep[by].to_numpy(dtype=object))
    rep = rep.assign(_g=np.array([g_index[str(g)] for g in distinct], dtype=np.int64)[which])
    rep = rep.sort_values(["_g", "report_id"], kind="stable").reset_index(drop=True)

    # the final table through integer codes of its keys: millions of rows, few distinct values
    r_code, r_uniq = key_codes(final["report_id"], True)
    v_code, v_uniq = key_codes(final["variable"], False)
    present = np.bincount(r_code, minlength=len(r_uniq)) > 0
    known = pd.Index(reports["report_id"].astype(str).to_numpy(dtype=object))
    unknown = sorted(r_uniq[present & ~pd.Index(r_uniq).isin(known)])
    if unknown:
        raise DataError(Problem("final", f"report {unknown[0]} is not in reports"
                                + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""),
                                column="report_id", value=unknown[0],
                                accepted="the report_id of a row of reports"))
    position_of = pd.Index(rep["report_id"].to_numpy(dtype=object)).get_indexer(r_uniq)  # -1: no group
    var_of = pd.Index(spec["variable"]).get_indexer(v_uniq)                              # -1: not chosen
    rows = np.flatnonzero((var_of[v_code] >= 0) & (position_of[r_code] >= 0))
    row_pos, row_var = position_of[r_code[rows]], var_of[v_code[rows]]
    key = row_pos.astype(np.int64) * max(len(spec), 1) + row_var
    if (np.bincount(key, minlength=len(rep) * len(spec)) > 1).any():
        i = rows[int(np.argmax(pd.Series(key).duplicated().to_numpy()))]
        raise DataError(Problem("final", f"report {r_uniq[r_code[i]]}, variable {v_uniq[v_code[i]]} has "
                                "more than one row", accepted="one consolidated value per report and variable"))

    category = np.full((len(rep), len(spec)), -1, dtype=np.int64)
    n_codes = [len(tuple(codes)) for codes in spec["codes"]]
    values = final["value"].to_numpy(dtype=object)[rows]
    group, first = by_identity(values)
    distinct = values[first]
    coded = ~pd.isna(distinct)[group] if len(values) else np.zeros(0, dtype=bool)
    # rows of each variable by a stable sort on the variable's index (not one scan per variable)
    by_var = np.argsort(row_var, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(row_var, minlength=len(spec)))])
    for v, (name, codes) in enumerate(zip(spec["variable"], spec["codes"])):
        part = by_var[bounds[v]:bounds[v + 1]]
        part = part[coded[part]]
        if not len(part):
            continue
        lookup = {c: i for i, c in enumerate(tuple(codes))}
        groups_here, inverse = np.unique(group[part], return_inverse=True)
        try:
            # one dict lookup per distinct object (a dict matches values by hash and ==)
            cats = np.array([lookup.get(u, -1) for u in distinct[groups_here]], dtype=np.int64)[inverse]
        except TypeError:  # unhashable values: looked up one by one, to name the first
            cats = np.array([_code_of(lookup, u) for u in values[part]], dtype=np.int64)
        for i in np.flatnonzero(cats < 0)[:1]:
            rid, value = r_uniq[r_code[rows[part[i]]]], values[part[i]]
            raise DataError(Problem("final", f"report {rid}: value {value!r} of variable {name} is "
                                    "not one of its codes", column="value", value=value,
                                    accepted="one of " + ", ".join(map(repr, codes))))
        category[row_pos[part], v] = cats
    group_of = rep["_g"].to_numpy()
    any_coded = (category >= 0).any(axis=1)
    coded_reports = np.bincount(group_of[any_coded], minlength=len(groups)).astype(np.int64)
    return _Data(groups=np.array(groups, dtype=object), group_of=group_of,
                 report_ids=rep["report_id"].to_numpy(), variables=list(spec["variable"]),
                 n_codes=n_codes, category=category, coded_reports=coded_reports)


def _code_of(lookup, value):
    try:
        return lookup[value]
    except (KeyError, TypeError):
        return -1


def _choose_variables(codebook, variables):
    cb = codebook.reset_index(drop=True)
    if cb["variable"].duplicated().any():
        raise DataError(Problem("codebook", f"variable {cb['variable'][cb['variable'].duplicated()].iloc[0]} "
                                "appears twice", column="variable", accepted="each variable once"))
    if variables is None:
        spec = cb[cb["level"] == "nominal"]
    else:
        if isinstance(variables, str):
            variables = [variables]
        variables = list(variables)
        unknown = [v for v in variables if v not in set(cb["variable"])]
        if unknown:
            raise ValueError(f"variable(s) {', '.join(map(str, unknown))} not in the codebook")
        spec = cb[cb["variable"].isin(variables)]
        bad = spec[~spec["level"].isin(CATEGORICAL_LEVELS)]
        if len(bad):
            raise ValueError(f"variable {bad['variable'].iloc[0]} is {bad['level'].iloc[0]}: divergences "
                             "compare distributions of codes (nominal or ordinal variables)")
    empty = [name for name, codes in zip(spec["variable"], spec["codes"]) if not len(tuple(codes))]
    if empty:
        raise DataError(Problem("codebook", f"variable {empty[0]} has no codes", column="codes",
                                accepted="the codes of every nominal variable"))
    if spec.empty:
        raise ValueError("no nominal variable to compare: pass variables=[...]")
    return spec.reset_index(drop=True)


def _onehot(data, v):
    """(reports, codes) indicator of each report's code for variable v (zero row: no value)."""
    cat = data.category[:, v]
    out = np.zeros((len(cat), data.n_codes[v]))
    has = cat >= 0
    out[np.flatnonzero(has), cat[has]] = 1.0
    return out


def _group_weights(data, n_boot, seed):
    """Per group, how many times each of its reports enters each resample: (B, n_g) arrays."""
    weights = []
    for g, name in enumerate(data.groups):
        n_g = int((data.group_of == g).sum())
        rng = np.random.default_rng([seed, zlib.crc32(str(name).encode("utf-8"))])
        draws = rng.integers(0, n_g, size=(n_boot, n_g))
        flat = draws + (np.arange(n_boot) * n_g)[:, None]
        weights.append(np.bincount(flat.ravel(), minlength=n_boot * n_g)
                       .reshape(n_boot, n_g).astype(np.float64))
    return weights


def _group_counts(data, v, weights):
    """Code counts per group, observed (G, K) and in each resample (G, B, K)."""
    oh = _onehot(data, v)
    n_g = len(data.groups)
    obs = np.zeros((n_g, data.n_codes[v]))
    n_boot = weights[0].shape[0] if weights else 0
    boot = np.zeros((n_g, n_boot, data.n_codes[v]))
    for g in range(n_g):
        rows = oh[data.group_of == g]
        obs[g] = rows.sum(axis=0)
        if n_boot:
            boot[g] = weights[g] @ rows
    return obs, boot


def _pair_divergences(boot, ia, ib):
    """Divergences of the pairs (ia, ib) in every resample, (pairs, B), in blocks of pairs."""
    n_pairs, n_boot = len(ia), boot.shape[1]
    out = np.empty((n_pairs, n_boot))
    if not n_boot:
        return out
    # bound the (pairs, B, K) temporaries to a few million numbers
    step = max(1, _BLOCK_NUMBERS // (n_boot * boot.shape[2]))
    for start in range(0, n_pairs, step):
        sl = slice(start, start + step)
        out[sl] = jensen_shannon(boot[ia[sl]], boot[ib[sl]])
    return out


def _interval(samples, ci, allowed):
    """Percentile interval per row of ``samples`` (rows not ``allowed`` or all NaN: NaN)."""
    n_rows = samples.shape[0]
    lo, hi = np.full(n_rows, np.nan), np.full(n_rows, np.nan)
    rows = np.flatnonzero(allowed & ~np.isnan(samples).all(axis=1)) if samples.shape[1] else []
    if len(rows):
        q = np.nanquantile(samples[rows], [(1 - ci) / 2, (1 + ci) / 2], axis=1)
        lo[rows], hi[rows] = q[0], q[1]
    return lo, hi


# ---------------------------------------------------------------------------------------------
# the null model: random relabelling of reports with the group sizes kept
# ---------------------------------------------------------------------------------------------

def _features(data):
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


def _statistics(counts, totals, bounds):
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


def _relabelled(x, n_a, bounds, *, n_perm, rng):
    """Statistics of relabellings of the rows of ``x``: ``n_a`` rows form group A, the rest B.

    All :math:`\\binom{n}{n_a}` relabellings when there are at most ``n_perm`` of them (exact),
    else ``n_perm`` drawn at random. Returns the (relabellings, V + 1) statistics and whether
    the enumeration was exact.
    """
    n = len(x)
    totals = x.sum(axis=0, dtype=np.float64)
    distinct = math.comb(n, n_a)
    exact = distinct <= n_perm
    m = distinct if exact else n_perm
    out = np.empty((m, len(bounds)))
    # bound the (relabellings, reports) label matrix of a block to a few million numbers
    block = max(1, min(_BLOCK, _BLOCK_NUMBERS // max(n, 1)))
    subsets = itertools.combinations(range(n), n_a) if exact else None
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


def _null_test(x, in_a, bounds, *, n_perm, rng):
    """Observed statistics, their means under relabelling, p-values and relabellings used.

    ``in_a`` marks the rows of ``x`` in group A. Each output has V + 1 entries (the mean first).
    The p-value is the share of relabellings whose statistic is at least the observed one: over
    all relabellings when enumerated (the observed one among them), else ``(b + 1) / (m + 1)``
    (Phipson and Smyth 2010), as :func:`scipy.stats.permutation_test` computes it.
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


def _stream(seed, *names):
    """A random stream of its own for one comparison, from the seed and the groups' names."""
    return np.random.default_rng([seed, *(zlib.crc32(str(n).encode("utf-8")) for n in names)])


def _adjust(p, family, fdr):
    """Benjamini-Hochberg q-values within each family, and whether each passes ``fdr``."""
    p = np.asarray(p, dtype=np.float64)
    q = np.full(len(p), np.nan)
    family = np.asarray(family, dtype=object)
    for f in pd.unique(family):
        rows = np.flatnonzero((family == f) & ~np.isnan(p))
        if len(rows):
            q[rows] = false_discovery_control(p[rows], method="bh")
    return q, np.nan_to_num(q, nan=1.0) <= fdr


# ---------------------------------------------------------------------------------------------
# notes
# ---------------------------------------------------------------------------------------------

_BELOW = ("The estimate lies below its interval: resampling small groups inflates the divergence "
          "(plug-in bias), so this much divergence may come from sampling alone; test with "
          "permutation_test.")


def _pair_note(a, b, n_a, n_b, jsd=np.nan, ci_low=np.nan, *, min_group=MIN_GROUP):
    empty = [str(g) for g, n in ((a, n_a), (b, n_b)) if n == 0]
    if empty:
        return f"{empty[0]} has no value here: no divergence."
    if jsd < ci_low:
        return _BELOW
    if n_a == 1 and n_b == 1:
        return ("One report in each group: the divergence compares two reports (per variable 0 = "
                "same code, 1 = different codes; the mean is the share of variables on which they "
                "differ), not the groups' habits. There is no interval within a single report; to "
                "generalise, compare groups of reports (e.g. by='outlet_type') or use permutation_test.")
    single = [str(g) for g, n in ((a, n_a), (b, n_b)) if n == 1]
    if single:
        return (f"{single[0]} has a single report: no interval (a single report cannot be "
                "resampled), and its divergence describes that report, not its group.")
    few = [(str(g), n) for g, n in ((a, n_a), (b, n_b)) if n < min_group]
    if few:
        return (f"{few[0][0]} has only {few[0][1]} reports (fewer than {min_group}): the divergence "
                "is inflated by the small sample; read excess and p_value, not jsd.")
    return ""


def _consensus_note(group, n, others, *, min_group=MIN_GROUP):
    if n == 0:
        return f"{group} has no coded report."
    if n == 1:
        return (f"{group} has a single report: its distance describes that report, not its group, "
                "and has no interval (a single report cannot be resampled); not ranked.")
    if n < min_group:
        return (f"{group} has only {n} reports (fewer than {min_group}): its divergence is inflated "
                "by the small sample; not ranked.")
    if others == 1:
        return ("All the other groups together are a single report: no interval, and the "
                "consensus is that one report.")
    return ""


def _permutation_note(n_a, n_b, coded_a, coded_b):
    """Limits of the test; ``n_a, n_b`` are the groups' reports, ``coded_*`` those with a value."""
    total = n_a + n_b
    if coded_a == 0 or coded_b == 0:
        return "A group has no value here: no test."
    k = math.comb(total, n_a)
    smallest = (2 if n_a == n_b else 1) / k
    notes = []
    if k <= 200:
        notes.append(f"Only {k} distinct relabellings of {total} reports exist, so no p-value can "
                     f"be smaller than about {smallest:.3g}"
                     + (": no test is possible." if smallest >= 0.5 else "."))
    if n_a == 1 or n_b == 1:
        notes.append("A group is a single report: the test asks whether that report differs from "
                     "the others, not whether its outlet does.")
    return " ".join(notes)


# ---------------------------------------------------------------------------------------------
# map and clusters
# ---------------------------------------------------------------------------------------------

def _linkage(matrix):
    return linkage(squareform(matrix, checks=False), method="average")


def _scale(dist, *, method, seed):
    n = len(dist)
    if n == 1:
        return np.zeros((1, 2)), 0.0
    if n == 2:
        d = dist[0, 1] / 2
        return np.array([[d, 0.0], [-d, 0.0]]), 0.0
    if method == "classical":
        coords = _classical(dist)
    else:
        from sklearn.manifold import MDS

        mds = MDS(n_components=2, metric_mds=True, metric="precomputed", init="classical_mds",
                  n_init=1, max_iter=1000, random_state=seed, normalized_stress=False)
        coords = mds.fit_transform(dist)
    coords = _orient(coords)
    fitted = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=-1))
    iu = np.triu_indices(n, k=1)
    denom = (dist[iu] ** 2).sum()
    # Kruskal's Stress-1 (Borg and Groenen 2005, eq. 3.5)
    stress = float(np.sqrt(((dist[iu] - fitted[iu]) ** 2).sum() / denom)) if denom > 0 else 0.0
    return coords, stress


def _classical(dist):
    """Torgerson's classical scaling (Borg and Groenen 2005, ch. 12), by scikit-learn."""
    from sklearn.manifold import ClassicalMDS

    scaling = ClassicalMDS(n_components=2, metric="precomputed")
    with np.errstate(invalid="ignore"):
        coords = scaling.fit_transform(dist)
    # a non-Euclidean dissimilarity can leave a second eigenvalue <= 0, whose axis scikit-learn
    # returns as NaN (the square root of a negative number): that axis carries nothing
    coords[:, scaling.eigenvalues_ <= 0] = 0.0
    return coords


def _orient(coords):
    coords = coords - coords.mean(axis=0)
    _, _, vt = np.linalg.svd(coords, full_matrices=False)
    coords = coords @ vt.T
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(len(coords))])
    for k in range(2):
        col = np.round(coords[:, k], 12)
        if col[np.argmax(np.abs(col))] < 0:
            coords[:, k] = -coords[:, k]
    return coords + 0.0  # no negative zeros


def _clusters(dist, n_clusters):
    n = len(dist)
    if n < 3:
        # two groups form two clusters only when asked for
        k = 1 if n_clusters is None else min(n_clusters, n)
        return (np.arange(1, n + 1) if k == n and n > 1 else np.ones(n, dtype=np.int64)), np.nan
    z = _linkage(dist)
    if n_clusters is not None:
        raw = fcluster(z, t=min(n_clusters, n), criterion="maxclust")
    else:
        from sklearn.metrics import silhouette_score

        best, raw = -np.inf, np.ones(n, dtype=np.int64)
        for k in range(2, min(n - 1, MAX_CLUSTERS) + 1):
            cand = fcluster(z, t=k, criterion="maxclust")
            n_found = len(np.unique(cand))
            if n_found < 2 or n_found >= n:
                continue
            s = silhouette_score(dist, cand, metric="precomputed")
            if s > best + 1e-12:
                best, raw = s, cand
        if best < MIN_SILHOUETTE:
            raw = np.ones(n, dtype=np.int64)
    labels = _renumber(raw, _leaf_order(dist))
    silhouette = np.nan
    if 2 <= len(np.unique(labels)) < n:
        from sklearn.metrics import silhouette_score

        silhouette = float(silhouette_score(dist, labels, metric="precomputed"))
    return labels, silhouette


def _renumber(raw, order):
    """Cluster numbers 1, 2, ... in the order in which the leaves meet the clusters."""
    mapping = {}
    for i in order:
        mapping.setdefault(raw[i], len(mapping) + 1)
    return np.array([mapping[r] for r in raw], dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------------


def _check_int(x, name):
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {x!r}")
    return int(x)


def _check_boot(n_boot, ci, seed):
    n_boot = _check_int(n_boot, "n_boot")
    seed = _check_int(seed, "seed")
    if isinstance(ci, bool) or not isinstance(ci, (int, float, np.number)) or not 0 < ci < 1:
        raise ValueError(f"ci must be a number between 0 and 1 (e.g. 0.95), not {ci!r}")
    return n_boot, float(ci), seed


def _check_null(n_perm, min_group, fdr, *, smallest_n_perm):
    n_perm = _check_int(n_perm, "n_perm")
    if n_perm < smallest_n_perm:
        raise ValueError(f"n_perm must be at least {smallest_n_perm}, not {n_perm!r}")
    min_group = _check_int(min_group, "min_group")
    if isinstance(fdr, bool) or not isinstance(fdr, (int, float, np.number)) or not 0 < fdr < 1:
        raise ValueError(f"fdr must be a number between 0 and 1 (e.g. 0.05), not {fdr!r}")
    return n_perm, min_group, float(fdr)


def _as_values(group):
    if isinstance(group, (list, tuple, set, frozenset, np.ndarray, pd.Index, pd.Series)):
        values = list(group)
    else:
        values = [group]
    if not values:
        raise ValueError("a group needs at least one value")
    return values
