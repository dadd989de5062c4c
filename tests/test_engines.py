"""analysis.engines: the same tables on pandas, DuckDB and Dask (issue 20).

Point estimates are checked across the three engines (counts exactly, statistics to 1e-9
relative) and, on the pandas path, against the in-memory functions they stand for
(:func:`analysis.reliability.reliability`, :func:`analysis.framing.label_shares`,
:func:`analysis.divergence.pairwise_divergence`) and plain pandas/numpy computations.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

pytest.importorskip("duckdb")
pytest.importorskip("distributed")

from folders import draw_plan, make_folder

import analysis
from analysis import engines
from analysis.divergence import pairwise_divergence
from analysis.engines import poisson
from analysis.engines.statistics import merge_moments
from analysis.framing import label_shares
from analysis.reliability import reliability

RTOL, ATOL = 1e-9, 1e-12
FAST_SEEDS = (3, 11)
SLOW_SEEDS = (0, 1, 2, 5, 8, 13, 21, 34)


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as lc, \
            Client(lc) as client:
        yield client


def _noisy(event: analysis.Event, seed: int) -> analysis.Event:
    """The event with about 10 % of values missing and the figures spread (distinct numbers)."""
    rng = np.random.default_rng(seed)
    codes = event.codes.copy()
    values = codes["value"].to_numpy(dtype=object).copy()
    levels = dict(zip(event.codebook["variable"], event.codebook["level"]))
    numeric = codes["variable"].astype(str).map(levels).isin(["interval", "ratio"]).to_numpy()
    has = np.array([v is not None and not (isinstance(v, float) and math.isnan(v)) for v in values])
    spread = numeric & has
    values[spread] = np.round(values[spread].astype(float) * rng.uniform(0.5, 1.5, spread.sum()), 1)
    values[rng.random(len(values)) < 0.1] = np.nan
    codes["value"] = values
    return dataclasses.replace(event, codes=codes)


def _event(tmp_path, seed: int, **plan_changes) -> analysis.Event:
    plan = draw_plan(seed)
    plan = dataclasses.replace(plan, **{"roles": ("frame_item", "label", "figure", "other", "claim"),
                                        **plan_changes})
    make_folder(tmp_path / "folder", plan)
    return _noisy(analysis.load_event(tmp_path / "folder"), seed)


def _sources(event: analysis.Event, tmp_path) -> dict:
    path = engines.write_parquet_dataset(event, tmp_path / "dataset", partition_by=("outlet",))
    return {"pandas": event, "pandas_parquet": path, "duckdb": path, "duckdb_memory": event, "dask": path}


def _all_equal(fn, sources: dict, names, **kwargs) -> pd.DataFrame:
    first = fn(sources["pandas"], engine="pandas", **kwargs)
    for name in names:
        got = fn(sources[name], engine=name.split("_")[0], **kwargs)
        pd.testing.assert_frame_equal(got, first, check_dtype=False, rtol=RTOL, atol=ATOL, obj=f"{fn.__name__} {name}")
        for col in ("n", "n_a", "n_b", "n_pairable", "n_values", "count"):
            if col in first:  # counts exactly
                assert (got[col].to_numpy() == first[col].to_numpy()).all(), (name, col)
    return first


def _check_engines(event, tmp_path, names) -> None:
    sources = _sources(event, tmp_path)
    by = [c for c in ("outlet", "day") if c in engines.judgements_table(event).columns]
    _all_equal(engines.shares, sources, names, by=by)
    _all_equal(engines.divergence, sources, names, by="outlet")
    _all_equal(engines.alpha, sources, names)
    _all_equal(engines.moments, sources, names, by="outlet")
    if event.terms is not None:
        _all_equal(engines.term_counts, sources, names, by="outlet")


@pytest.mark.parametrize("seed", FAST_SEEDS)
def test_duckdb_equals_pandas_on_random_folders(tmp_path, seed):
    _check_engines(_event(tmp_path, seed, n_reports=60), tmp_path, ["pandas_parquet", "duckdb", "duckdb_memory"])


def test_dask_equals_pandas_on_a_random_folder(tmp_path, cluster):
    _check_engines(_event(tmp_path, 4, n_reports=80, design="subsample"), tmp_path, ["dask"])


@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW_SEEDS)
def test_three_engines_equal_on_random_folders(tmp_path, cluster, seed):
    _check_engines(_event(tmp_path, seed), tmp_path, ["pandas_parquet", "duckdb", "duckdb_memory", "dask"])


@pytest.mark.slow
def test_bootstrap_intervals_equal_across_engines(tmp_path, cluster):
    event = _event(tmp_path, 6, n_reports=120, design="all_double", all_ordinal=False)
    sources = _sources(event, tmp_path)
    for fn, kw in ((engines.shares, {}), (engines.divergence, {}), (engines.alpha, {})):
        table = _all_equal(fn, sources, ["duckdb", "dask"], n_boot=40, seed=7, **kw)
        assert table["ci_low"].notna().any()


# ---------------------------------------------------------------------------------------------
# the pandas path against the in-memory functions
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", (0, 2, 9))
def test_alpha_equals_reliability(tmp_path, seed):
    event = _event(tmp_path, seed, design="partial_three")
    got = engines.alpha(event)
    want = reliability(event.codes, event.codebook, n_boot=0)
    want = want.set_index("variable").loc[got["variable"]].reset_index()
    for col in ("alpha", "d_observed", "d_expected"):
        np.testing.assert_allclose(got[col], want[col], rtol=RTOL, atol=ATOL, err_msg=col)
    assert (got["n_pairable"].to_numpy() == want["n_pairable"].to_numpy()).all()
    assert (got["n_values"].to_numpy() == want["n_values"].to_numpy()).all()


def _final(event: analysis.Event, coder: str) -> pd.DataFrame:
    codes = event.codes[event.codes["coder"] == coder]
    return pd.DataFrame({"report_id": codes["report_id"].astype(str).to_numpy(),
                         "variable": codes["variable"].astype(str).to_numpy(),
                         "value": codes["value"].to_numpy(dtype=object)})


def test_shares_equal_label_shares(tmp_path):
    event = _event(tmp_path, 5, design="all_double", all_ordinal=False)
    labels = event.variables("label")
    got = engines.shares(event, by="outlet", variables=labels, coder="ana")
    want = label_shares(_final(event, "ana"), event.codebook, event.reports, by="outlet")
    assert got["code"].tolist() == want["code"].tolist()
    assert got["n"].tolist() == want["n"].tolist() and len(got) > 0
    np.testing.assert_allclose(got["share"], want["share"], rtol=RTOL)


def test_divergence_equals_pairwise_divergence(tmp_path):
    event = _event(tmp_path, 12, design="all_double", n_reports=150, all_ordinal=False)
    got = engines.divergence(event, by="outlet", coder="ben")
    want = pairwise_divergence(_final(event, "ben"), event.codebook, event.reports, by="outlet", n_boot=0, n_perm=0)
    merged = got.merge(want, on=["a", "b", "variable"], suffixes=("", "_want"), validate="one_to_one")
    assert len(merged) == len(want) == len(got)
    np.testing.assert_allclose(merged["jsd"], merged["jsd_want"], rtol=RTOL, atol=ATOL)
    assert (merged["n_a"] == merged["n_a_want"]).all() and (merged["n_b"] == merged["n_b_want"]).all()


def test_moments_equal_plain_pandas(tmp_path):
    event = _event(tmp_path, 3, n_reports=150)
    got = engines.moments(event, by="outlet")
    table = engines.judgements_table(event)
    figures = event.variables(level="ratio") + event.variables(level="interval")
    table = table[table["variable"].isin(figures) & table["value"].notna()]
    want = table.groupby(["variable", "outlet"])["value"].agg(["size", "mean", "std"]).reset_index()
    merged = got.merge(want.rename(columns={"mean": "mean_want"}), on=["variable", "outlet"], validate="one_to_one")
    assert len(merged) == len(got) == len(want) > 0
    assert (merged["n"] == merged["size"]).all()
    np.testing.assert_allclose(merged["mean"], merged["mean_want"], rtol=RTOL)
    np.testing.assert_allclose(merged["sd"], merged["std"], rtol=RTOL, atol=ATOL)


def test_moments_merge_is_centred_where_raw_sums_of_squares_fail():
    rng = np.random.default_rng(0)
    x = 1e6 + rng.normal(0, 1e-2, 10_000)
    want = np.var(x - 1e6, ddof=1)  # the subtraction is exact (Sterbenz): an independent reference
    raw = ((x ** 2).sum() - x.sum() ** 2 / len(x)) / (len(x) - 1)
    assert abs(raw / want - 1) > 1e-3  # what merging raw sums of squares would give
    parts = [{"variable": "v", "n": len(c), "mean": c.mean(), "m2": ((c - c.mean()) ** 2).sum()}
             for c in np.array_split(x, 7)]
    merged = merge_moments(pd.DataFrame(parts), ["variable"])
    assert merged["n"].iloc[0] == len(x)
    np.testing.assert_allclose(merged["mean"].iloc[0], x.mean(), rtol=1e-15)
    np.testing.assert_allclose(merged["m2"].iloc[0] / (len(x) - 1), want, rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# the Poisson bootstrap
# ---------------------------------------------------------------------------------------------

def test_poisson_thresholds_are_the_poisson_distribution_function():
    k = np.arange(len(poisson.THRESHOLDS))
    np.testing.assert_allclose(np.array(poisson.THRESHOLDS, dtype=float) / 2 ** 64, stats.poisson.cdf(k, 1),
                               rtol=0, atol=1e-15)


def test_poisson_weights_have_mean_and_variance_one():
    n = 200_000
    w = poisson.poisson_weights(poisson.report_keys(range(n)), 2, 9)
    for b in range(2):
        # the mean of n Poisson(1) draws has sd 1/sqrt(n); the variance about 1.7/sqrt(n)
        assert abs(w[:, b].mean() - 1) < 5 / math.sqrt(n)
        assert abs(w[:, b].var() - 1) < 5 * math.sqrt(3) / math.sqrt(n)
    np.testing.assert_allclose(np.bincount(w[:, 0], minlength=5)[:5] / n, stats.poisson.pmf(np.arange(5), 1),
                               atol=5 * 0.5 / math.sqrt(n))
    assert np.corrcoef(w[:, 0], w[:, 1])[0, 1] < 5 / math.sqrt(n)


def test_sql_weights_equal_numpy_weights():
    import duckdb

    ids = [f"r{i}" for i in range(300)] + ["é-ü", "x'y"]
    want = poisson.poisson_weights(poisson.report_keys(ids), 5, 123)
    con = duckdb.connect()
    con.register("ids", pd.DataFrame({"report_id": ids, "i": range(len(ids))}))
    con.register("st", pd.DataFrame({"b": range(5), "s": poisson.streams(5, 123)}))
    pairs = f"SELECT i, b, {poisson.sql_report_key('report_id')} AS h, s FROM ids CROSS JOIN st"
    got = con.execute(poisson.sql_weights(pairs)).df()
    wide = got.pivot(index="i", columns="b", values="w").sort_index().to_numpy()
    assert (wide == want).all()


def _endpoint_tolerance(low: float, high: float, n_boot: int, ci: float) -> float:
    """4 standard errors of the difference of two independent percentile endpoints from n_boot
    resamples each: se = s sqrt(q (1 - q) / B) / phi(z_q), s the bootstrap sd read off the
    interval as if normal (Efron and Tibshirani 1993, eq. 19.6)."""
    q = (1 - ci) / 2
    z = stats.norm.ppf(1 - q)
    s = (high - low) / (2 * z)
    se = s * math.sqrt(q * (1 - q) / n_boot) / stats.norm.pdf(z)
    return 4 * math.sqrt(2) * se


@pytest.mark.slow
def test_poisson_interval_agrees_with_reliabilitys_interval(tmp_path):
    event = _event(tmp_path, 10, design="all_double", n_reports=500, all_ordinal=False)
    n_boot, ci = 2000, 0.95
    got = engines.alpha(event, n_boot=n_boot, ci=ci, seed=1)
    want = reliability(event.codes, event.codebook, n_boot=n_boot, ci=ci, seed=1)
    want = want.set_index("variable").loc[got["variable"]].reset_index()
    checked = 0
    for g, w in zip(got.itertuples(), want.itertuples()):
        if np.isnan(w.ci_low) or w.ci_high - w.ci_low < 1e-9:
            continue
        tol = _endpoint_tolerance(w.ci_low, w.ci_high, n_boot, ci)
        assert abs(g.ci_low - w.ci_low) < tol, (g.variable, g.ci_low, w.ci_low, tol)
        assert abs(g.ci_high - w.ci_high) < tol, (g.variable, g.ci_high, w.ci_high, tol)
        checked += 1
    assert checked >= 2


def test_bad_engine_and_source_are_refused(tmp_path):
    with pytest.raises(ValueError, match="engine must be one of"):
        engines.alpha(tmp_path, engine="spark")
    with pytest.raises(analysis.DataError, match="no judgements/ folder"):
        engines.alpha(tmp_path, engine="duckdb")
