"""The statistics, in numpy and pandas, from the small tables an engine counted.

Each function takes sufficient statistics (counts per group and code, coincidence matrices,
partial moments), optionally with a column ``b`` of Poisson-bootstrap resamples, and returns a
tidy result table. Nothing here depends on the engine that counted.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..alpha import DENSE_DELTA, fixed_delta, ordinal_delta, pair_delta
from ..common import percentile_interval
from ..distributions import MEAN, jensen_shannon

__all__ = [
    "ALPHA_COLUMNS",
    "DIVERGENCE_COLUMNS",
    "MOMENT_COLUMNS",
    "SHARE_COLUMNS",
    "alpha_table",
    "divergence_table",
    "merge_moments",
    "moments_table",
    "shares_table",
    "sort_groups",
    "terms_table",
]

SHARE_COLUMNS = ("variable", "code", "n", "share", "ci_low", "ci_high")  # by after variable
DIVERGENCE_COLUMNS = ("a", "b", "variable", "jsd", "ci_low", "ci_high", "n_a", "n_b")
ALPHA_COLUMNS = ("variable", "level", "alpha", "ci_low", "ci_high", "n_units", "n_pairable", "n_values",
                 "d_observed", "d_expected", "percent_agreement")
MOMENT_COLUMNS = ("variable", "n", "mean", "sd", "ci_low", "ci_high")  # by after variable


def sort_groups(table: pd.DataFrame, by: Sequence[str], *, first: Sequence[str] = (),
                then: Sequence[str] = ()) -> pd.DataFrame:
    """Rows sorted by ``first``, the ``by`` columns (missing last), then ``then``."""
    cols = [*first, *by, *then]
    if not len(table) or not cols:
        return table.reset_index(drop=True)
    return table.sort_values(cols, na_position="last", kind="stable").reset_index(drop=True)


def _decode(codebook: pd.DataFrame) -> dict[str, tuple]:
    return {v: (lv, codes) for v, lv, codes in zip(codebook["variable"], codebook["level"], codebook["codes"])}


def _with_codes(table: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """``code`` (the encoded value) as the codebook's code; the position kept as ``_pos``."""
    spec = _decode(codebook)
    order = {v: i for i, v in enumerate(codebook["variable"])}
    out = table.assign(_order=table["variable"].map(order), _pos=table["code"].astype(float))
    out["code"] = [x if spec[v][0] in ("interval", "ratio") else spec[v][1][int(x)]
                   for v, x in zip(out["variable"], out["_pos"])]
    return out


def shares_table(counts: pd.DataFrame, boot: pd.DataFrame | None, codebook: pd.DataFrame, by: Sequence[str],
                 *, ci: float) -> pd.DataFrame:
    """``variable, *by, code, n, share, ci_low, ci_high`` from counts per variable, group and code.

    ``share`` is n over the group's judgements with a value on the variable; the interval is the
    percentile interval of the share over the Poisson resamples in ``boot`` (NaN without).
    """
    keys = ["variable", *by]
    out = counts.copy()
    out["n"] = out["n"].astype("int64")
    out["share"] = out["n"] / out.groupby(keys, dropna=False, sort=False)["n"].transform("sum")
    out["ci_low"], out["ci_high"] = np.nan, np.nan
    if boot is not None and len(boot) and len(out):
        wide = boot.pivot_table(index=[*keys, "code"], columns="b", values="n", aggfunc="sum",
                                fill_value=0.0, dropna=False)
        totals = wide.groupby(level=list(range(len(keys))), dropna=False).transform("sum")
        with np.errstate(invalid="ignore", divide="ignore"):
            share_b = wide.to_numpy() / totals.to_numpy()
        low, high = percentile_interval(share_b, level=ci, axis=1)
        interval = pd.DataFrame({"ci_low": low, "ci_high": high}, index=wide.index)
        at = pd.MultiIndex.from_frame(out[[*keys, "code"]])
        out["ci_low"] = interval["ci_low"].reindex(at).to_numpy()
        out["ci_high"] = interval["ci_high"].reindex(at).to_numpy()
    out = _with_codes(out, codebook)
    out = sort_groups(out, by, first=["_order"], then=["_pos"])
    return out[["variable", *by, "code", "n", "share", "ci_low", "ci_high"]]


def _count_cube(counts: pd.DataFrame, group: str, groups: list, variable: str, n_cat: int,
                b_of: pd.Series | None, n_boot: int) -> np.ndarray:
    """(B or 1, groups, categories) counts of one variable; categories are positions 0..n_cat-1."""
    sub = counts[counts["variable"] == variable]
    cube = np.zeros((n_boot if b_of is not None else 1, len(groups), n_cat))
    if len(sub):
        g = pd.Index(groups).get_indexer(sub[group])
        keep = g >= 0
        b = sub["b"].to_numpy(dtype=int)[keep] if b_of is not None else np.zeros(keep.sum(), dtype=int)
        np.add.at(cube, (b, g[keep], sub["code"].to_numpy(dtype=int)[keep]), sub["n"].to_numpy(dtype=float)[keep])
    return cube


def divergence_table(counts: pd.DataFrame, boot: pd.DataFrame | None, reports: pd.DataFrame,
                     codebook: pd.DataFrame, by: str, variables: Sequence[str], *, n_boot: int,
                     ci: float) -> pd.DataFrame:
    """``a, b, variable, jsd, ci_low, ci_high, n_a, n_b``: Jensen-Shannon divergence between every
    pair of groups per variable, and their mean over the variables both groups coded.

    ``reports`` (``by, n_reports``) gives the mean row's n: the group's reports with a value on
    any of the variables. Groups whose ``by`` is missing are left out.
    """
    groups = sorted(g for g in counts[by].dropna().unique())
    pairs = [(i, j) for i in range(len(groups)) for j in range(i + 1, len(groups))]
    ia, ib = np.array([p[0] for p in pairs], dtype=int), np.array([p[1] for p in pairs], dtype=int)
    spec = _decode(codebook)
    per_var, per_var_boot, n_per_var = [], [], []
    for v in variables:
        n_cat = max(len(spec[v][1]), 1)
        cube = _count_cube(counts, by, groups, v, n_cat, None, 1)[0]
        per_var.append(jensen_shannon(cube[ia], cube[ib]))
        n_per_var.append(cube.sum(axis=1))
        if n_boot:
            assert boot is not None
            cube_b = _count_cube(boot, by, groups, v, n_cat, boot["b"], n_boot)
            per_var_boot.append(jensen_shannon(cube_b[:, ia], cube_b[:, ib]))
    jsd = np.array(per_var).reshape(len(variables), len(pairs))
    with np.errstate(invalid="ignore"):
        mean = _nanmean(jsd, axis=0)
    n_rep = reports.set_index(by)["n_reports"].reindex(groups).fillna(0).to_numpy(dtype=np.int64)
    rows = []
    for p, (i, j) in enumerate(pairs):
        low, high = (np.nan, np.nan)
        if n_boot:
            low, high = percentile_interval(_nanmean(np.array([jb[:, p] for jb in per_var_boot]), axis=0), level=ci)
        rows.append((groups[i], groups[j], MEAN, mean[p], low, high, n_rep[i], n_rep[j]))
        for k, v in enumerate(variables):
            low, high = percentile_interval(per_var_boot[k][:, p], level=ci) if n_boot else (np.nan, np.nan)
            rows.append((groups[i], groups[j], v, jsd[k, p], low, high, int(n_per_var[k][i]), int(n_per_var[k][j])))
    out = pd.DataFrame(rows, columns=list(DIVERGENCE_COLUMNS))
    return out.astype({"n_a": "int64", "n_b": "int64", "jsd": float, "ci_low": float, "ci_high": float})


def _nanmean(x: np.ndarray, axis: int) -> np.ndarray:
    """Mean over the non-NaN entries (NaN where there are none), without warnings."""
    ok = ~np.isnan(x)
    n = ok.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.where(ok, x, 0.0).sum(axis=axis) / n, np.nan)


def _alpha_arrays(level: str, c: np.ndarray, k: np.ndarray, o: np.ndarray) -> tuple[np.ndarray, ...]:
    """alpha, D_o, D_e and n per row of ``o`` (B, P), the coincidences o_ck of the pairs (c, k).

    Krippendorff (2011): n_c = sum_k o_ck, D_o = sum o_ck delta_ck / n,
    D_e = sum n_c n_k delta_ck / (n (n - 1)), alpha = 1 - D_o / D_e.
    """
    points, idx = np.unique(np.concatenate([c, k]), return_inverse=True)
    ci, ki = idx[:len(c)], idx[len(c):]
    n_c = np.zeros((len(o), len(points)))
    np.add.at(n_c.T, ci, o.T)
    n = n_c.sum(axis=1)
    if level == "ordinal":
        delta = ordinal_delta(n_c)
        observed = (o * delta[:, ci, ki]).sum(axis=1)
        expected = np.einsum("bc,bck,bk->b", n_c, delta, n_c)
    elif level == "nominal":
        observed = o[:, ci != ki].sum(axis=1)
        expected = n * n - (n_c * n_c).sum(axis=1)
    else:
        observed = o @ pair_delta(points[ci], points[ki], level)
        expected = np.zeros(len(o))
        for lo in range(0, len(points), DENSE_DELTA):
            block = pair_delta(points[:, None], points[None, lo:lo + DENSE_DELTA], level) \
                if len(points) > DENSE_DELTA else fixed_delta(points, level)
            expected += ((n_c @ block) * n_c[:, lo:lo + DENSE_DELTA]).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(expected > 0, 1.0 - (n - 1) * observed / expected, np.nan)
        return alpha, observed / n, expected / (n * (n - 1)), n


def alpha_table(coinc: pd.DataFrame, boot: pd.DataFrame | None, pairable: pd.DataFrame, units: pd.DataFrame,
                codebook: pd.DataFrame, variables: Sequence[str], *, n_boot: int, ci: float) -> pd.DataFrame:
    """``ALPHA_COLUMNS`` per variable from its coincidences ``variable, c, k, o`` (and their
    Poisson-weighted sums per resample ``b`` in ``boot``); alpha is NaN (undefined) with fewer than
    two pairable units or one value, as in :func:`analysis.reliability.reliability`.

    ``pairable`` holds ``variable, n_pairable, n_same, n_pairs`` (agreeing and all ordered pairs
    of values within pairable units): percent agreement is n_same / n_pairs. ``units`` holds
    ``variable, n_reports``: the units with a value (``n_units``).
    """
    spec = _decode(codebook)
    pair = pairable.set_index("variable")
    n_units = units.set_index("variable")["n_reports"]
    rows = []
    for v in variables:
        level = spec[v][0]
        sub = coinc[coinc["variable"] == v]
        n_pairable = int(pair["n_pairable"].get(v, 0))
        # n_same is a whole number summed from o_ucc (m_u - 1) in floats: rounded back
        agree = round(float(pair["n_same"][v])) / float(pair["n_pairs"][v]) if n_pairable else np.nan
        row = dict(variable=v, level=level, alpha=np.nan, ci_low=np.nan, ci_high=np.nan,
                   n_units=int(n_units.get(v, 0)), n_pairable=n_pairable, n_values=0, d_observed=np.nan,
                   d_expected=np.nan, percent_agreement=agree)
        if len(sub):
            c, k = sub["c"].to_numpy(float), sub["k"].to_numpy(float)
            alpha, d_o, d_e, n = _alpha_arrays(level, c, k, sub["o"].to_numpy(float)[None, :])
            row.update(n_values=int(round(n[0])), d_observed=d_o[0], d_expected=d_e[0])
            if row["n_pairable"] >= 2:
                row["alpha"] = alpha[0]
            if n_boot and row["n_pairable"] >= 2 and boot is not None:
                wide = _boot_matrix(boot[boot["variable"] == v], sub, n_boot)
                row["ci_low"], row["ci_high"] = percentile_interval(_alpha_arrays(level, c, k, wide)[0], level=ci)
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(ALPHA_COLUMNS))
    return out.astype({"n_units": "int64", "n_pairable": "int64", "n_values": "int64"})


def _boot_matrix(boot: pd.DataFrame, pairs: pd.DataFrame, n_boot: int) -> np.ndarray:
    """(B, P) weighted coincidences of the pairs (c, k) of ``pairs``, zero where absent."""
    at = pd.MultiIndex.from_frame(pairs[["c", "k"]].astype(float))
    wide = boot.pivot_table(index=["c", "k"], columns="b", values="o", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(index=at, columns=range(n_boot), fill_value=0.0)
    return wide.to_numpy().T


def merge_moments(parts: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Partial ``n, mean, m2`` per key merged into one row per key (Chan, Golub and LeVeque 1979).

    With parts i of the same key: n = sum n_i, mean = sum n_i mean_i / n,
    m2 = sum (m2_i + n_i (mean_i - mean)^2), the pairwise update of Chan et al. applied to all
    parts at once: centred, never a difference of raw sums of squares.
    """
    if not len(parts):
        return parts
    g = parts.groupby(list(keys), dropna=False, sort=False)
    n = g["n"].transform("sum").to_numpy(np.float64)
    mean = (parts["n"] * parts["mean"]).groupby([parts[k] for k in keys], dropna=False, sort=False) \
        .transform("sum").to_numpy() / n
    spread = parts["m2"].to_numpy() + parts["n"].to_numpy() * (parts["mean"].to_numpy() - mean) ** 2
    frame = parts[list(keys)].assign(n=parts["n"], _sum=parts["n"] * parts["mean"], m2=spread)
    out = frame.groupby(list(keys), dropna=False, sort=False).agg(n=("n", "sum"), _sum=("_sum", "sum"),
                                                                     m2=("m2", "sum")).reset_index()
    out["mean"] = out["_sum"] / out["n"]
    return out[[*keys, "n", "mean", "m2"]]


def moments_table(merged: pd.DataFrame, codebook: pd.DataFrame, by: Sequence[str], *, ci: float,
                  boot: pd.DataFrame | None = None, n_boot: int = 0) -> pd.DataFrame:
    """``variable, *by, n, mean, sd, ci_low, ci_high`` from merged moments.

    ``sd`` has n - 1 in the denominator (NaN for one value). Without ``boot`` the interval is
    Student's t interval of the mean, mean +- t_{n-1} sd / sqrt(n), an analytic interval that
    needs no resampling; with ``boot`` (``b, variable, *by, n, s``: Poisson weights and weighted
    values summed per resample) it is the percentile interval of the resampled means s / n.
    """
    order = {v: i for i, v in enumerate(codebook["variable"])}
    out = merged.assign(_order=merged["variable"].map(order))
    n = out["n"].to_numpy(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["sd"] = np.where(n > 1, np.sqrt(out["m2"].to_numpy() / (n - 1)), np.nan)
        half = stats.t.ppf((1 + ci) / 2, np.maximum(n - 1, 1)) * out["sd"].to_numpy() / np.sqrt(n)
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    if boot is not None:
        out["ci_low"], out["ci_high"] = _boot_means(boot, out[["variable", *by]], n_boot, ci)
    out["n"] = out["n"].astype("int64")
    out = sort_groups(out, by, first=["_order"])
    return out[["variable", *by, "n", "mean", "sd", "ci_low", "ci_high"]]


def _boot_means(boot: pd.DataFrame, at: pd.DataFrame, n_boot: int, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of the resampled means s / n at the keys of ``at`` (NaN where a resample
    weighs none of the key's values)."""
    keys = list(at.columns)
    if not len(boot) or not len(at):
        return np.full(len(at), np.nan), np.full(len(at), np.nan)
    frame = boot.assign(**{k: boot[k].astype(object) for k in keys})
    n = frame.pivot_table(index=keys, columns="b", values="n", aggfunc="sum", dropna=False)
    s = frame.pivot_table(index=keys, columns="b", values="s", aggfunc="sum", dropna=False)
    index = pd.MultiIndex.from_frame(at.astype(object))
    n = n.reindex(index=index, columns=range(n_boot)).to_numpy(np.float64)
    s = s.reindex(index=index, columns=range(n_boot)).to_numpy(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(n > 0, s / n, np.nan)
    return percentile_interval(means, level=ci, axis=1)


def terms_table(counts: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``*by, term, count`` sorted by group and term."""
    out = counts.assign(count=counts["count"].astype("int64"))
    return sort_groups(out, by, then=["term"])[[*by, "term", "count"]]
