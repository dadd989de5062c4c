"""Sufficient statistics of one pandas partition of the long judgements table.

The pandas engine applies these functions to the whole table, the Dask engine to each partition
(a partition holds whole reports), and sums or merges the results; the DuckDB engine computes
the same tables in SQL (:mod:`analysis.engines.duckdb_engine`). Every function takes the rows
already chosen (:func:`chosen`) and returns a small long table.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse

from .poisson import poisson_weights, report_keys

__all__ = [
    "Coders",
    "boot_sums",
    "chosen",
    "code_counts",
    "coincidences",
    "moments",
    "pairable_counts",
    "report_counts",
    "term_counts",
    "unit_coincidences",
    "weighted_sums",
]

# rows per block of bootstrap weights: (rows, n_boot) integers at a time
_BLOCK = 50_000


class Coders(NamedTuple):
    """Which coders' judgements count: those named in ``include`` (all when None) but not in ``exclude``."""

    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()


def chosen(table: pd.DataFrame, *, coders: Coders, variables: Sequence[str]) -> pd.DataFrame:
    """The rows of the chosen coders and variables that hold a value."""
    keep = table["value"].notna().to_numpy() & table["variable"].isin(variables).to_numpy()
    if coders.include is not None:
        keep &= table["coder"].isin(coders.include).to_numpy()
    if coders.exclude:
        keep &= ~table["coder"].isin(coders.exclude).to_numpy()
    return table[keep]


def _keys(table: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """The key columns as plain objects (categoricals from hive partitions included)."""
    return pd.DataFrame({k: table[k].astype(object).to_numpy() if k != "code" else table["value"].to_numpy()
                         for k in keys})


def code_counts(rows: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``variable, *by, code, n``: judgements per variable, group and code (code = encoded value)."""
    keys = ["variable", *by, "code"]
    if not len(rows):
        return pd.DataFrame({k: pd.Series(dtype=object) for k in keys}).assign(n=pd.Series(dtype="int64"))
    counted = _keys(rows, keys).groupby(keys, dropna=False, sort=False).size()
    return counted.rename("n").reset_index().astype({"n": "int64"})


def report_counts(rows: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``*by, n_reports``: distinct reports with a value on any of the chosen variables."""
    keys = ["report_id", *by]
    distinct = _keys(rows, keys).drop_duplicates()
    if not by:
        return pd.DataFrame({"n_reports": [len(distinct)]}, dtype="int64")
    return distinct.groupby(list(by), dropna=False, sort=False).size().rename("n_reports").reset_index()


def unit_coincidences(rows: pd.DataFrame) -> pd.DataFrame:
    """``variable, report_id, c, k, o, m``: each pairable unit's coincidences o_uck (Krippendorff 2011).

    A unit is a (variable, report); it is pairable with m_u >= 2 values, and
    o_uck = (n_uc n_uk - [c = k] n_uc) / (m_u - 1).
    """
    cols = ["variable", "report_id", "c", "k", "o", "m"]
    if not len(rows):
        return pd.DataFrame({c: pd.Series(dtype=object if c in cols[:2] else float) for c in cols})
    base = pd.DataFrame({"variable": rows["variable"].astype(object).to_numpy(),
                         "report_id": rows["report_id"].astype(object).to_numpy(),
                         "c": rows["value"].to_numpy(dtype=np.float64)})
    # a unit needs two values, so two coders of the report: drop single-coder reports first
    coder = pd.factorize(rows["coder"].astype(object))[0]
    span = pd.Series(coder).groupby(base["report_id"].to_numpy())
    several = (span.transform("min") != span.transform("max")).to_numpy()
    base = base[several]
    uc = base.groupby(["variable", "report_id", "c"], sort=False).size().rename("n").reset_index()
    uc["m"] = uc.groupby(["variable", "report_id"], sort=False)["n"].transform("sum")
    uc = uc[uc["m"] >= 2]
    pairs = uc.merge(uc[["variable", "report_id", "c", "n"]].rename(columns={"c": "k", "n": "n_k"}),
                     on=["variable", "report_id"])
    n_c, n_k = pairs["n"].to_numpy(np.float64), pairs["n_k"].to_numpy(np.float64)
    same = (pairs["c"] == pairs["k"]).to_numpy()
    pairs["o"] = (n_c * n_k - np.where(same, n_c, 0.0)) / (pairs["m"].to_numpy(np.float64) - 1)
    return pairs[pairs["o"] != 0][cols].reset_index(drop=True)


def coincidences(units: pd.DataFrame) -> pd.DataFrame:
    """``variable, c, k, o``: the coincidence matrix per variable, summed over pairable units."""
    return units.groupby(["variable", "c", "k"], sort=False)["o"].sum().reset_index()


def pairable_counts(units: pd.DataFrame) -> pd.DataFrame:
    """``variable, n_pairable, n_same, n_pairs``: pairable units per variable, and the ordered pairs
    of values within them that agree (sum_u sum_c n_uc (n_uc - 1) = sum_u (m_u - 1) o_ucc) and in
    all (sum_u m_u (m_u - 1))."""
    first = units.drop_duplicates(["variable", "report_id"])
    m = first["m"].to_numpy(np.float64)
    out = first.assign(n_pairable=1, n_pairs=m * (m - 1)).groupby("variable", sort=False)[["n_pairable", "n_pairs"]].sum()
    diagonal = units[(units["c"] == units["k"]).to_numpy()]
    same = (diagonal["o"] * (diagonal["m"].astype(np.float64) - 1)).groupby(diagonal["variable"], sort=False).sum()
    out["n_same"] = same.reindex(out.index, fill_value=0.0)
    return out.reset_index()[["variable", "n_pairable", "n_same", "n_pairs"]]


def moments(rows: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``variable, *by, n, mean, m2``: count, mean and centred second moment sum (x - mean)^2.

    Two passes over the partition (the mean, then the squares about it), never a raw sum of
    squares; partitions are merged by :func:`analysis.engines.statistics.merge_moments`.
    """
    keys = ["variable", *by]
    frame = _keys(rows, keys).assign(x=rows["value"].to_numpy(dtype=np.float64))
    grouped = frame.groupby(keys, dropna=False, sort=False)["x"]
    mean = grouped.transform("mean")
    frame["d2"] = (frame["x"] - mean) ** 2
    out = frame.groupby(keys, dropna=False, sort=False).agg(n=("x", "size"), mean=("x", "mean"), m2=("d2", "sum"))
    return out.reset_index()


def boot_sums(rows: pd.DataFrame, by: Sequence[str], *, n_boot: int, seed: int) -> pd.DataFrame:
    """``b, variable, *by, n, s``: per resample b, the Poisson weights (n) and weighted values (s)
    summed per variable and group; s / n is the resampled mean."""
    keys = ["variable", *by]
    n = weighted_sums(rows, keys, None, n_boot=n_boot, seed=seed)
    s = weighted_sums(rows.assign(s=rows["value"]), keys, "s", n_boot=n_boot, seed=seed)
    return n.assign(s=s["s"].to_numpy())


def term_counts(terms: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``*by, term, count``: term counts summed per group."""
    keys = [*by, "term"]
    frame = _keys(terms, keys).assign(count=terms["count"].to_numpy(dtype=np.int64))
    return frame.groupby(keys, dropna=False, sort=False)["count"].sum().reset_index()


def weighted_sums(table: pd.DataFrame, keys: Sequence[str], weight: str | None, *, n_boot: int,
                  seed: int) -> pd.DataFrame:
    """``b, *keys, <name>``: per key, the sum over rows of (row weight) x (Poisson weight of the
    row's report in resample b), for b = 0 .. n_boot - 1.

    ``weight`` names the column summed (None: each row counts 1, output column ``n``).
    """
    name = weight or "n"
    if not len(table):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ["b", *keys]}).assign(**{name: pd.Series(dtype=float)})
    key_frame = _keys(table, keys) if "code" in keys else table[list(keys)].astype(object).reset_index(drop=True)
    group = key_frame.groupby(list(keys), dropna=False, sort=False).ngroup().to_numpy()
    uniques = key_frame.assign(_g=group).drop_duplicates("_g").sort_values("_g")[list(keys)]
    ids, report = pd.factorize(table["report_id"].astype(object))
    keys_of_report = report_keys(report)
    value = np.ones(len(table)) if weight is None else table[weight].to_numpy(dtype=np.float64)
    sums = np.zeros((len(uniques), n_boot))
    for lo in range(0, len(table), _BLOCK):
        sl = slice(lo, lo + _BLOCK)
        w = poisson_weights(keys_of_report[ids[sl]], n_boot, seed)
        onehot = scipy.sparse.csr_matrix((value[sl], (group[sl], np.arange(len(w)))), shape=(len(uniques), len(w)))
        sums += onehot @ w
    wide = pd.DataFrame(sums, index=pd.MultiIndex.from_frame(uniques), columns=pd.RangeIndex(n_boot, name="b"))
    return wide.stack(future_stack=True).rename(name).reset_index()[["b", *keys, name]]
