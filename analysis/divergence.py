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

:func:`jensen_shannon` is the divergence itself, vectorised over rows of counts. This module
holds the first two, their bootstrap and their notes; the others live in the module of their
concept and are re-exported here: :mod:`analysis.distributions` (the divergence and the codes
per group), :mod:`analysis.permutation` (the null model) and :mod:`analysis.divergence_map`.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .common import percentile_interval
from .distributions import (CATEGORICAL_LEVELS, MEAN, CodedReports, check_whole_number,
                            jensen_shannon, prepare_codes, stream)
from .divergence_map import MAP_COLUMNS, MAX_CLUSTERS, MIN_SILHOUETTE, outlet_map
from .permutation import PERMUTATION_COLUMNS, coded_features, fdr_adjust, null_test, permutation_test

__all__ = ["jensen_shannon", "pairwise_divergence", "consensus_distance", "permutation_test",
           "outlet_map", "MEAN", "MIN_GROUP", "FDR", "NULL_COLUMNS", "PAIRWISE_COLUMNS",
           "CONSENSUS_COLUMNS", "PERMUTATION_COLUMNS", "MAP_COLUMNS", "CATEGORICAL_LEVELS",
           "MIN_SILHOUETTE", "MAX_CLUSTERS"]

# the null model's columns, beside every observed divergence (see pairwise_divergence, Notes)
NULL_COLUMNS = ("null_mean", "excess", "p_value", "q_value", "significant", "small")
PAIRWISE_COLUMNS = ("a", "b", "variable", "jsd", "ci_low", "ci_high", "n_a", "n_b", *NULL_COLUMNS,
                    "note")
CONSENSUS_COLUMNS = ("jsd", "ci_low", "ci_high", "n", *NULL_COLUMNS, "rank", "note")  # after ``by``

# Groups with fewer reports than this are kept in the tables but not ranked, and drawn hollow.
# With four reports or fewer a variable with three codes has at most a handful of possible
# distributions, the plug-in divergence is dominated by its small-sample bias (Miller 1955;
# Roulston 1999), and the divergence describes those reports rather than their group's habits.
MIN_GROUP = 5
FDR = 0.05
# numbers per block of bootstrap divergences
_BLOCK_NUMBERS = 2_000_000

Variables = str | Sequence[str] | None


def pairwise_divergence(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *,
                        by: str = "outlet", variables: Variables = None, n_boot: int = 1000,
                        ci: float = 0.95, n_perm: int = 1000, min_group: int = MIN_GROUP,
                        fdr: float = FDR, seed: int = 0) -> pd.DataFrame:
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
    data = prepare_codes(final, codebook, reports, by=by, variables=variables)
    if len(data.groups) < 2:
        raise ValueError(f"pairwise_divergence needs at least two groups in column {by!r}, "
                         f"found {len(data.groups)}")
    ia, ib = np.triu_indices(len(data.groups), k=1)
    table = _pair_table(data, ia, ib, n_boot=n_boot, ci=ci, seed=seed)
    null_mean, p = _pair_nulls(data, ia, ib, n_perm=n_perm, seed=seed)
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


def _pair_table(data: CodedReports, ia: np.ndarray, ib: np.ndarray, *, n_boot: int, ci: float,
                seed: int) -> pd.DataFrame:
    """Divergence, interval and sizes of each pair (ia, ib): the mean rows, then each variable.

    ``_pair`` numbers the pair and ``_order`` the statistic (0 the mean, then the variables).
    """
    groups, size, n_pairs = data.groups, data.coded_reports, len(ia)
    # only pairs of groups with two or more reports each get an interval: resample those alone
    resampled = (np.flatnonzero((size[ia] >= 2) & (size[ib] >= 2)) if n_boot
                 else np.array([], dtype=np.intp))
    ra, rb = ia[resampled], ib[resampled]
    weights = _group_weights(data, n_boot, seed)
    per_var = []
    mean, boot_mean = _MeanOver(n_pairs), _MeanOver((len(resampled), n_boot))
    for v, var in enumerate(data.variables):
        obs, boot = _group_counts(data, v, weights)          # (G, K), (G, B, K)
        js = jensen_shannon(obs[ia], obs[ib])
        n = obs.sum(axis=1)
        jb = _pair_divergences(boot, ra, rb)                  # (resampled pairs, B)
        mean.add(js)
        boot_mean.add(jb)
        lo, hi = np.full(n_pairs, np.nan), np.full(n_pairs, np.nan)
        lo[resampled], hi[resampled] = _interval(jb, ci, (n[ra] >= 2) & (n[rb] >= 2))
        per_var.append(pd.DataFrame({
            "a": groups[ia], "b": groups[ib], "variable": var, "jsd": js, "ci_low": lo,
            "ci_high": hi, "n_a": n[ia].astype(np.int64), "n_b": n[ib].astype(np.int64),
            "_pair": np.arange(n_pairs), "_order": v + 1}))
    lo, hi = np.full(n_pairs, np.nan), np.full(n_pairs, np.nan)
    lo[resampled], hi[resampled] = _interval(boot_mean.value(), ci, np.ones(len(resampled), bool))
    mean_rows = pd.DataFrame({
        "a": groups[ia], "b": groups[ib], "variable": MEAN, "jsd": mean.value(), "ci_low": lo,
        "ci_high": hi, "n_a": size[ia], "n_b": size[ib], "_pair": np.arange(n_pairs), "_order": 0})
    return pd.concat([mean_rows, *per_var], ignore_index=True)


def _pair_nulls(data: CodedReports, ia: np.ndarray, ib: np.ndarray, *, n_perm: int,
                seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Per pair (rows) and statistic (columns: the mean, then each variable): null means and
    p-values, each pair relabelled within its own reports."""
    kept, x, bounds = coded_features(data)
    group = data.group_of[kept]
    shape = (len(ia), len(bounds))
    null_mean, p = np.full(shape, np.nan), np.full(shape, np.nan)
    for i, (a, b) in enumerate(zip(ia, ib)):
        rows = (group == a) | (group == b)
        _, null_mean[i], p[i], _ = null_test(
            x[rows], group[rows] == a, bounds, n_perm=n_perm,
            rng=stream(seed, "pair", data.groups[a], data.groups[b]))
    return null_mean, p


def _with_null(table: pd.DataFrame, null_mean: np.ndarray, p: np.ndarray, *, family: np.ndarray,
               small: pd.Series | np.ndarray, fdr: float) -> pd.DataFrame:
    """``table`` with the columns of NULL_COLUMNS, q-values within each ``family``."""
    q, significant = fdr_adjust(p, family, fdr)
    return table.assign(null_mean=null_mean, excess=table["jsd"].to_numpy() - null_mean, p_value=p,
                        q_value=q, significant=significant, small=np.asarray(small, dtype=bool))


def consensus_distance(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *,
                       by: str = "outlet", variables: Variables = None, n_boot: int = 1000,
                       ci: float = 0.95, n_perm: int = 1000, min_group: int = MIN_GROUP,
                       fdr: float = FDR, seed: int = 0) -> pd.DataFrame:
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
    data = prepare_codes(final, codebook, reports, by=by, variables=variables)
    groups = data.groups
    if len(groups) < 2:
        raise ValueError(f"consensus_distance needs at least two groups in column {by!r}, "
                         f"found {len(groups)}")
    mean, mean_boot = _rest_divergences(data, n_boot=n_boot, seed=seed)
    size = data.coded_reports
    others = size.sum() - size
    lo, hi = _interval(mean_boot, ci, (size >= 2) & (others >= 2))
    out = pd.DataFrame({by: groups, "jsd": mean, "ci_low": lo, "ci_high": hi, "n": size})
    kept, x, bounds = coded_features(data)
    group = data.group_of[kept]
    null_mean, p = np.full(len(groups), np.nan), np.full(len(groups), np.nan)
    for g, name in enumerate(groups):
        _, nm, pv, _ = null_test(x, group == g, bounds, n_perm=n_perm,
                                 rng=stream(seed, "consensus", name))
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


def _rest_divergences(data: CodedReports, *, n_boot: int,
                      seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Each group's mean divergence from all other reports pooled: observed (G,) and in each
    resample (G, B)."""
    weights = _group_weights(data, n_boot, seed)
    n_g = len(data.groups)
    mean, boot_mean = _MeanOver(n_g), _MeanOver((n_g, n_boot))
    for v in range(len(data.variables)):
        obs, boot = _group_counts(data, v, weights)
        mean.add(jensen_shannon(obs, obs.sum(axis=0, keepdims=True) - obs))
        if n_boot:
            boot_mean.add(jensen_shannon(boot, boot.sum(axis=0, keepdims=True) - boot))
    return mean.value(), boot_mean.value()


# ---------------------------------------------------------------------------------------------
# the bootstrap: reports resampled within each group
# ---------------------------------------------------------------------------------------------

class _MeanOver:
    """A running mean over variables that skips NaN (a variable without a divergence)."""

    def __init__(self, shape: int | tuple[int, ...]) -> None:
        self.total = np.zeros(shape)
        self.count = np.zeros(shape)

    def add(self, values: np.ndarray) -> None:
        ok = ~np.isnan(values)
        self.total += np.where(ok, values, 0.0)
        self.count += ok

    def value(self) -> np.ndarray:
        """The mean, NaN where no variable had a value."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.count > 0, self.total / np.maximum(self.count, 1), np.nan)


def _group_weights(data: CodedReports, n_boot: int, seed: int) -> list[np.ndarray]:
    """Per group, how many times each of its reports enters each resample: (B, n_g) arrays."""
    weights = []
    for g, name in enumerate(data.groups):
        n_g = int((data.group_of == g).sum())
        draws = stream(seed, name).integers(0, n_g, size=(n_boot, n_g))
        flat = draws + (np.arange(n_boot) * n_g)[:, None]
        weights.append(np.bincount(flat.ravel(), minlength=n_boot * n_g)
                       .reshape(n_boot, n_g).astype(np.float64))
    return weights


def _group_counts(data: CodedReports, v: int,
                  weights: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Code counts per group, observed (G, K) and in each resample (G, B, K)."""
    oh = data.onehot(v)
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


def _pair_divergences(boot: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
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


def _interval(samples: np.ndarray, ci: float, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval per row of ``samples`` (rows not ``allowed`` or all NaN: NaN)."""
    n_rows = samples.shape[0]
    lo, hi = np.full(n_rows, np.nan), np.full(n_rows, np.nan)
    if samples.shape[1]:
        rows = np.flatnonzero(allowed & ~np.isnan(samples).all(axis=1))
        if len(rows):
            lo[rows], hi[rows] = percentile_interval(samples[rows], level=ci, axis=1)
    return lo, hi


# ---------------------------------------------------------------------------------------------
# notes
# ---------------------------------------------------------------------------------------------

_BELOW = ("The estimate lies below its interval: resampling small groups inflates the divergence "
          "(plug-in bias), so this much divergence may come from sampling alone; test with "
          "permutation_test.")


def _pair_note(a: object, b: object, n_a: int, n_b: int, jsd: float = np.nan,
               ci_low: float = np.nan, *, min_group: int = MIN_GROUP) -> str:
    """What a pair with empty, single-report or small groups can and cannot show."""
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


def _consensus_note(group: object, n: int, others: int, *, min_group: int = MIN_GROUP) -> str:
    """What a group with no, one or few reports can and cannot show against the rest."""
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


# ---------------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------------

def _check_boot(n_boot: object, ci: object, seed: object) -> tuple[int, float, int]:
    n_boot = check_whole_number(n_boot, "n_boot")
    seed = check_whole_number(seed, "seed")
    if isinstance(ci, bool) or not isinstance(ci, (int, float, np.number)) or not 0 < ci < 1:
        raise ValueError(f"ci must be a number between 0 and 1 (e.g. 0.95), not {ci!r}")
    return n_boot, float(ci), seed


def _check_null(n_perm: object, min_group: object, fdr: object, *,
                smallest_n_perm: int) -> tuple[int, int, float]:
    n_perm = check_whole_number(n_perm, "n_perm")
    if n_perm < smallest_n_perm:
        raise ValueError(f"n_perm must be at least {smallest_n_perm}, not {n_perm!r}")
    min_group = check_whole_number(min_group, "min_group")
    if isinstance(fdr, bool) or not isinstance(fdr, (int, float, np.number)) or not 0 < fdr < 1:
        raise ValueError(f"fdr must be a number between 0 and 1 (e.g. 0.05), not {fdr!r}")
    return n_perm, min_group, float(fdr)
