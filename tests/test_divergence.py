"""Tests of analysis.divergence: Jensen-Shannon divergences, consensus, permutation test, map."""
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon

from analysis.divergence import (
    MEAN, consensus_distance, jensen_shannon, outlet_map, pairwise_divergence, permutation_test,
)
from analysis.errors import DataError

FAST = settings(max_examples=25, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

# --- fixtures -----------------------------------------------------------------------------------

CODES = {"claim": ("asserted", "denied", "none"), "fact": ("yes", "no")}


def make_codebook():
    return pd.DataFrame({
        "variable": ["claim", "fact", "toll"],
        "level": ["nominal", "nominal", "ratio"],
        "role": ["claim", "fact", "figure"],
        "codes": [CODES["claim"], CODES["fact"], ()],
        "yes_code": [None, "yes", None],
    })


def make_event(rows):
    """rows: (report_id, outlet, outlet_type, claim, fact) -> (final, reports)."""
    reports = pd.DataFrame({"report_id": [r[0] for r in rows], "outlet": [r[1] for r in rows],
                            "outlet_type": [r[2] for r in rows]})
    final = pd.DataFrame(
        [(r[0], "claim", r[3]) for r in rows] + [(r[0], "fact", r[4]) for r in rows]
        + [(r[0], "toll", 12.0) for r in rows], columns=["report_id", "variable", "value"])
    return final, reports


@pytest.fixture
def event():
    rows = [
        ("r01", "Alpha", "private", "asserted", "yes"),
        ("r02", "Alpha", "private", "asserted", "no"),
        ("r03", "Alpha", "private", "denied", "yes"),
        ("r04", "Beta", "private", "denied", "no"),
        ("r05", "Beta", "private", "denied", "no"),
        ("r06", "Beta", "private", "none", "yes"),
        ("r07", "Gamma", "state", "asserted", "yes"),
        ("r08", "Gamma", "state", "asserted", "yes"),
        ("r09", "Gamma", "state", "asserted", np.nan),
    ]
    return make_event(rows)


def counts(final, reports, outlet, variable):
    ids = set(reports.loc[reports["outlet"] == outlet, "report_id"])
    values = final[(final["variable"] == variable) & final["report_id"].isin(ids)]["value"].dropna()
    return np.array([(values == c).sum() for c in CODES[variable]], dtype=float)


# --- the divergence itself ----------------------------------------------------------------------

weights = st.lists(st.integers(0, 20), min_size=2, max_size=6)


@FAST
@given(st.data())
def test_jensen_shannon_equals_scipy_distance_squared(data):
    p = data.draw(weights.filter(lambda w: sum(w) > 0))
    q = data.draw(st.lists(st.integers(0, 20), min_size=len(p), max_size=len(p)).filter(lambda w: sum(w) > 0))
    # scipy returns the distance, the square root of the divergence
    assert jensen_shannon(p, q) == pytest.approx(jensenshannon(p, q, base=2) ** 2, abs=1e-12)


@FAST
@given(st.data())
def test_jensen_shannon_symmetric_bounded_zero_only_if_equal(data):
    p = data.draw(weights.filter(lambda w: sum(w) > 0))
    q = data.draw(st.lists(st.integers(0, 20), min_size=len(p), max_size=len(p)).filter(lambda w: sum(w) > 0))
    js = float(jensen_shannon(p, q))
    assert js == float(jensen_shannon(q, p))
    assert 0.0 <= js <= 1.0
    equal = all(a * sum(q) == b * sum(p) for a, b in zip(p, q))  # same shares, in integers
    assert (js == 0.0) == equal


def test_jensen_shannon_known_values():
    assert float(jensen_shannon([1, 0], [0, 1])) == 1.0           # disjoint: the bound
    assert float(jensen_shannon([2, 2], [5, 5])) == 0.0           # same shares
    # P = (1, 0), Q = (1/2, 1/2): M = (3/4, 1/4);
    # KL(P||M) = log2(4/3) = 0.415037; KL(Q||M) = 1/2 log2(2/3) + 1/2 log2(2) = 0.207519
    # JSD = (0.415037 + 0.207519) / 2 = 0.311278
    assert float(jensen_shannon([1, 0], [1, 1])) == pytest.approx(0.311278, abs=1e-6)
    assert np.isnan(jensen_shannon([0, 0], [1, 1]))


# --- pairwise -----------------------------------------------------------------------------------

def test_pairwise_matches_scipy_per_variable(event):
    final, reports = event
    table = pairwise_divergence(final, make_codebook(), reports, n_boot=0)
    assert list(table.columns) == ["a", "b", "variable", "jsd", "ci_low", "ci_high", "n_a", "n_b",
                                   "null_mean", "excess", "p_value", "q_value", "significant", "small",
                                   "note"]
    assert set(table["variable"]) == {MEAN, "claim", "fact"}        # the ratio variable is left out
    for row in table[table["variable"] != MEAN].itertuples():
        p, q = counts(final, reports, row.a, row.variable), counts(final, reports, row.b, row.variable)
        assert row.jsd == pytest.approx(jensenshannon(p, q, base=2) ** 2, abs=1e-12)
        assert (row.n_a, row.n_b) == (p.sum(), q.sum())
    assert table[["a", "b"]].drop_duplicates().values.tolist() == [
        ["Alpha", "Beta"], ["Alpha", "Gamma"], ["Beta", "Gamma"]]


def test_mean_weights_variables_equally_over_those_both_coded(event):
    final, reports = event
    final = final.copy()
    final.loc[(final["variable"] == "fact") & final["report_id"].isin(["r07", "r08", "r09"]), "value"] = np.nan
    table = pairwise_divergence(final, make_codebook(), reports, n_boot=0).set_index(["a", "b", "variable"])
    # Gamma has no fact: its mean is the claim divergence alone
    assert np.isnan(table.loc[("Alpha", "Gamma", "fact"), "jsd"])
    assert table.loc[("Alpha", "Gamma", MEAN), "jsd"] == table.loc[("Alpha", "Gamma", "claim"), "jsd"]
    both = table.loc[("Alpha", "Beta", ["claim", "fact"]), "jsd"].mean()
    assert table.loc[("Alpha", "Beta", MEAN), "jsd"] == pytest.approx(both)


def test_bootstrap_is_seeded_and_ordered(event):
    final, reports = event
    cb = make_codebook()
    one = pairwise_divergence(final, cb, reports, n_boot=200, seed=3)
    pd.testing.assert_frame_equal(one, pairwise_divergence(final, cb, reports, n_boot=200, seed=3))
    other = pairwise_divergence(final, cb, reports, n_boot=200, seed=4)
    assert not np.allclose(one[["ci_low", "ci_high"]], other[["ci_low", "ci_high"]], equal_nan=True)
    ok = one["ci_low"].notna()
    assert ok.any()
    assert (one.loc[ok, "ci_low"] <= one.loc[ok, "ci_high"]).all()
    assert one[["ci_low", "ci_high"]].stack().between(0, 1).all()
    none = pairwise_divergence(final, cb, reports, n_boot=0)
    assert none[["ci_low", "ci_high"]].isna().all().all()


def test_interval_of_a_pair_does_not_depend_on_other_groups(event):
    final, reports = event
    cb = make_codebook()
    full = pairwise_divergence(final, cb, reports, n_boot=300, seed=2)
    without_beta = reports[reports["outlet"] != "Beta"]
    part = pairwise_divergence(final[final["report_id"].isin(without_beta["report_id"])], cb,
                               without_beta, n_boot=300, seed=2)
    pair = full[(full["a"] == "Alpha") & (full["b"] == "Gamma")].reset_index(drop=True)
    pd.testing.assert_frame_equal(pair, part, check_like=False)


def test_small_sample_bias_is_flagged(event):
    # two groups of 12 with nearly the same codes: resamples differ more than the groups do
    claims = ["asserted", "denied", "none"] * 4
    rows = [(f"a{i}", "A", "x", c, "yes" if i % 2 else "no") for i, c in enumerate(claims)] + \
           [(f"b{i}", "B", "x", c, "no" if i % 2 else "yes") for i, c in enumerate(claims[1:] + ["none"])]
    final, reports = make_event(rows)
    table = pd.concat([pairwise_divergence(final, make_codebook(), reports, n_boot=300),
                       pairwise_divergence(event[0], make_codebook(), event[1], n_boot=300)])
    below = table["jsd"] < table["ci_low"]
    assert below.any()
    assert table.loc[below, "note"].str.contains("below its interval").all()
    assert not table.loc[~below, "note"].str.contains("below its interval").any()


def test_single_report_groups_say_what_can_be_concluded():
    final, reports = make_event([
        ("a", "Alpha", "private", "asserted", "yes"),
        ("b", "Beta", "private", "asserted", "no"),
        ("c", "Gamma", "state", "denied", "no"),
    ])
    table = pairwise_divergence(final, make_codebook(), reports, n_boot=100)
    per_var = table[table["variable"] != MEAN]
    assert set(per_var["jsd"]) <= {0.0, 1.0}                      # same code or different code
    mean = table[table["variable"] == MEAN].set_index(["a", "b"])["jsd"]
    assert mean[("Alpha", "Beta")] == 0.5                            # they differ on 1 of 2 variables
    assert mean[("Alpha", "Gamma")] == 1.0
    assert table[["ci_low", "ci_high"]].isna().all().all()
    assert table["note"].str.contains("no interval within a single report").all()
    assert table["note"].str.contains("compare groups").all()
    # a group of three against a single report: no interval either, and the note names the report
    final, reports = make_event([("a1", "Alpha", "x", "asserted", "yes"), ("a2", "Alpha", "x", "denied", "yes"),
                                 ("a3", "Alpha", "x", "asserted", "no"), ("b", "Beta", "x", "denied", "no"),
                                 ("c1", "Gamma", "x", "none", "no"), ("c2", "Gamma", "x", "denied", "no")])
    table = pairwise_divergence(final, make_codebook(), reports, n_boot=100).set_index(["a", "b", "variable"])
    assert np.isnan(table.loc[("Alpha", "Beta", MEAN), "ci_low"])
    assert table.loc[("Alpha", "Beta", MEAN), "note"].startswith("Beta has a single report")
    assert table.loc[("Alpha", "Gamma", MEAN), ["ci_low", "ci_high"]].notna().all()


def test_groups_by_any_report_column(event):
    final, reports = event
    table = pairwise_divergence(final, make_codebook(), reports, by="outlet_type", n_boot=0)
    assert table[["a", "b"]].drop_duplicates().values.tolist() == [["private", "state"]]
    assert table.attrs["by"] == "outlet_type"
    assert table.loc[table["variable"] == MEAN, ["n_a", "n_b"]].values.tolist() == [[6, 3]]


def random_event(draw):
    n = draw(st.integers(4, 9))
    outlets = draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=n, max_size=n))
    claims = draw(st.lists(st.sampled_from([*CODES["claim"], None]), min_size=n, max_size=n))
    facts = draw(st.lists(st.sampled_from([*CODES["fact"], None]), min_size=n, max_size=n))
    rows = [(f"r{i}", o, "x", c if c is not None else np.nan, f if f is not None else np.nan)
            for i, (o, c, f) in enumerate(zip(outlets, claims, facts))]
    return make_event(rows)


@FAST
@given(st.data())
def test_pairwise_properties(data):
    final, reports = random_event(data.draw)
    if reports["outlet"].nunique() < 2:
        return
    cb = make_codebook()
    before = (final.copy(), reports.copy(), cb.copy())
    table = pairwise_divergence(final, cb, reports, n_boot=20, seed=1)
    # inputs untouched
    pd.testing.assert_frame_equal(final, before[0])
    pd.testing.assert_frame_equal(reports, before[1])
    pd.testing.assert_frame_equal(cb, before[2])
    js = table["jsd"].dropna()
    assert ((js >= 0) & (js <= 1)).all()
    # row order does not matter, intervals included
    perm = np.random.default_rng(0).permutation(len(final))
    shuffled = pairwise_divergence(final.iloc[perm], cb, reports.iloc[::-1], n_boot=20, seed=1)
    pd.testing.assert_frame_equal(table, shuffled)
    # categorical keys (as consolidate returns them) and copied values: the same table
    keyed = final.iloc[perm].astype({"report_id": "category", "variable": "category"})
    keyed["value"] = [v.encode().decode() if isinstance(v, str) else v for v in keyed["value"]]
    pd.testing.assert_frame_equal(table, pairwise_divergence(keyed, cb, reports, n_boot=20, seed=1))
    pd.testing.assert_frame_equal(consensus_distance(final, cb, reports, n_boot=20, seed=1),
                                  consensus_distance(keyed, cb, reports, n_boot=20, seed=1))
    # symmetric: renaming the groups so that their order flips gives the same divergences
    flipped = reports.assign(outlet=reports["outlet"].map({"A": "Z", "B": "Y", "C": "X"}))
    back = pairwise_divergence(final, cb, flipped, n_boot=0)
    names = {"Z": "A", "Y": "B", "X": "C"}
    back = back.assign(a=back["b"].map(names), b=back["a"].map(names))
    merged = table.merge(back, on=["a", "b", "variable"], suffixes=("", "_flip"))
    assert len(merged) == len(table)
    np.testing.assert_allclose(merged["jsd"], merged["jsd_flip"], atol=1e-12)


# --- consensus ----------------------------------------------------------------------------------

def test_consensus_is_leave_one_out(event):
    final, reports = event
    table = consensus_distance(final, make_codebook(), reports, n_boot=100, min_group=1)
    assert list(table.columns) == ["outlet", "jsd", "ci_low", "ci_high", "n", "null_mean", "excess",
                                   "p_value", "q_value", "significant", "small", "rank", "note"]
    for row in table.itertuples():
        values = []
        for var in ("claim", "fact"):
            own = counts(final, reports, row.outlet, var)
            rest = sum(counts(final, reports, o, var) for o in ("Alpha", "Beta", "Gamma") if o != row.outlet)
            values.append(jensenshannon(own, rest, base=2) ** 2)
        assert row.jsd == pytest.approx(np.mean(values), abs=1e-12)
    assert table["rank"].tolist() == sorted(table["rank"])
    # ranked by the divergence beyond what the group's size alone gives
    assert table["excess"].is_monotonic_decreasing
    np.testing.assert_allclose(table["excess"], table["jsd"] - table["null_mean"])
    assert table["rank"].iloc[0] == 1


# --- permutation test ---------------------------------------------------------------------------

def test_identical_groups_give_p_one():
    rows = [(f"r{i}", "o", t, c, f) for i, (t, c, f) in enumerate([
        ("state", "asserted", "yes"), ("state", "denied", "no"),
        ("private", "asserted", "yes"), ("private", "denied", "no")])]
    final, reports = make_event(rows)
    table = permutation_test(final, make_codebook(), reports, column="outlet_type", group_a="state",
                             n_perm=500)
    assert list(table.columns) == ["variable", "statistic", "p_value", "n_a", "n_b", "n_perm", "note"]
    assert (table["statistic"] == 0).all()
    # every relabelling is at least as extreme as 0: p = (500 + 1) / (500 + 1)
    assert (table["p_value"] == 1.0).all()


def exact_p(final, reports, column, group_a):
    """The exact permutation p-value of the mean statistic, by enumerating all relabellings."""
    ids = reports["report_id"].tolist()
    in_a = set(reports.loc[reports[column] == group_a, "report_id"])
    onehot = {var: np.array([[final[(final.report_id == r) & (final.variable == var)]["value"].iloc[0] == c
                              for c in CODES[var]] for r in ids], dtype=float) for var in ("claim", "fact")}

    def stat(members):
        mask = np.array([r in members for r in ids])
        return np.mean([jensen_shannon(m[mask].sum(0), m[~mask].sum(0)) for m in onehot.values()])

    observed = stat(in_a)
    perms = [stat(set(c)) for c in itertools.combinations(ids, len(in_a))]
    return np.mean([s >= observed - 1e-12 for s in perms])


@pytest.mark.parametrize("size, expected", [(2, 2 / 6), (3, 2 / 20)])
def test_perfectly_separated_groups_match_the_enumerated_distribution(size, expected):
    # group A all "asserted"/"yes", group B all "denied"/"no": the observed mean divergence is 1,
    # reached only by the labelling itself and its mirror image, 2 of C(2 size, size) labellings
    rows = [(f"a{i}", "o", "state", "asserted", "yes") for i in range(size)] + \
           [(f"b{i}", "o", "private", "denied", "no") for i in range(size)]
    final, reports = make_event(rows)
    assert exact_p(final, reports, "outlet_type", "state") == pytest.approx(expected)
    # few distinct relabellings: all are enumerated, and the p-value is exact
    table = permutation_test(final, make_codebook(), reports, column="outlet_type", group_a="state",
                             n_perm=5000, seed=11)
    mean = table.iloc[0]
    assert mean["variable"] == MEAN and mean["statistic"] == 1.0
    assert mean["p_value"] == pytest.approx(expected, abs=1e-12)
    assert mean["n_perm"] == math.comb(2 * size, size)
    # fewer draws than relabellings: drawn at random, close to the exact value
    n_perm = math.comb(2 * size, size) - 1
    if n_perm:
        drawn = permutation_test(final, make_codebook(), reports, column="outlet_type", group_a="state",
                                 n_perm=n_perm, seed=11).iloc[0]
        se = math.sqrt(expected * (1 - expected) / n_perm)
        assert abs(drawn["p_value"] - expected) < 4 * se + 1 / n_perm
        assert drawn["n_perm"] == n_perm


def test_p_value_never_zero_and_uses_phipson_smyth():
    size = 6
    rows = [(f"a{i}", "o", "state", "asserted", "yes") for i in range(size)] + \
           [(f"b{i}", "o", "private", "denied", "no") for i in range(size)]
    final, reports = make_event(rows)
    table = permutation_test(final, make_codebook(), reports, column="outlet_type", group_a="state",
                             n_perm=99, seed=0)
    # 2 of C(12, 6) = 924 labellings are as extreme; with 99 draws b is almost surely 0 or 1
    assert table["p_value"].iloc[0] in (1 / 100, 2 / 100, 3 / 100)
    assert (table["p_value"] > 0).all()


def test_group_b_defaults_to_the_rest_and_note_on_small_groups(event):
    final, reports = event
    rest = permutation_test(final, make_codebook(), reports, column="outlet", group_a="Gamma",
                            n_perm=200)
    explicit = permutation_test(final, make_codebook(), reports, column="outlet", group_a="Gamma",
                                group_b=["Alpha", "Beta"], n_perm=200)
    pd.testing.assert_frame_equal(rest, explicit)
    assert rest.iloc[0][["n_a", "n_b"]].tolist() == [3, 6]
    assert rest["note"].str.contains("84 distinct relabellings").all()  # C(9, 3) = 84
    # reports in neither group (Beta, and a report with no outlet type) are left out
    reports = reports.assign(outlet_type=reports["outlet_type"].where(reports["report_id"] != "r01"))
    two = permutation_test(final, make_codebook(), reports, column="outlet", group_a="Gamma",
                           group_b="Alpha", n_perm=200)
    assert two.iloc[0][["n_a", "n_b"]].tolist() == [3, 3]
    typed = permutation_test(final, make_codebook(), reports, column="outlet_type", group_a="state",
                             n_perm=200)
    assert typed.iloc[0][["n_a", "n_b"]].tolist() == [3, 5]
    final, reports = make_event([("a", "A", "x", "asserted", "yes"), ("b", "B", "x", "denied", "no")])
    table = permutation_test(final, make_codebook(), reports, column="outlet", group_a="A", n_perm=50)
    assert table["note"].str.contains("no test is possible").all()


# --- map ----------------------------------------------------------------------------------------

def distances(pairs):
    table = pd.DataFrame([(a, b, MEAN, d) for (a, b), d in pairs.items()],
                         columns=["a", "b", "variable", "jsd"])
    table.attrs["by"] = "outlet"
    return table


def test_map_reproduces_embeddable_distances():
    # square roots 0.3, 0.4, 0.5: a right triangle, exactly embeddable in the plane
    table = distances({("A", "B"): 0.09, ("A", "C"): 0.16, ("B", "C"): 0.25})
    for method in ("mds", "classical"):
        coords = outlet_map(table, method=method)
        assert list(coords.columns) == ["outlet", "x", "y", "cluster", "n"]
        assert coords["n"].isna().all()                       # the table gives no sizes
        xy = coords.set_index("outlet")[["x", "y"]]
        fitted = {p: np.linalg.norm(xy.loc[p[0]] - xy.loc[p[1]]) for p in [("A", "B"), ("A", "C"), ("B", "C")]}
        assert fitted[("A", "B")] == pytest.approx(0.3, abs=1e-3)
        assert fitted[("B", "C")] == pytest.approx(0.5, abs=1e-3)
        assert coords.attrs["stress"] < 0.01
        assert abs(coords["x"].mean()) < 1e-9


def test_map_finds_two_clusters_and_is_deterministic():
    near, far = 0.01, 0.8
    table = distances({("A", "B"): near, ("C", "D"): near, ("A", "C"): far, ("A", "D"): far,
                       ("B", "C"): far, ("B", "D"): far, ("E", "A"): far, ("E", "B"): far,
                       ("C", "E"): near, ("D", "E"): near})
    coords = outlet_map(table)
    cl = coords.set_index("outlet")["cluster"]
    assert cl["A"] == cl["B"] != cl["C"] == cl["D"] == cl["E"]
    assert sorted(cl.unique()) == [1, 2]
    pd.testing.assert_frame_equal(coords, outlet_map(table.iloc[::-1]))
    assert outlet_map(table, n_clusters=1)["cluster"].eq(1).all()
    assert outlet_map(table, n_clusters=5)["cluster"].nunique() == 5


def test_map_rejects_incomplete_tables():
    with pytest.raises(DataError, match="no mean divergence between"):
        outlet_map(distances({("A", "B"): 0.1, ("A", "C"): 0.2}))


# --- input checks -------------------------------------------------------------------------------

def test_bad_input_is_named(event):
    final, reports = event
    cb = make_codebook()
    with pytest.raises(DataError, match="report zz is not in reports"):
        pairwise_divergence(pd.concat([final, pd.DataFrame([("zz", "claim", "denied")],
                                                           columns=final.columns)]), cb, reports)
    bad = final.copy()
    bad.loc[0, "value"] = "maybe"
    with pytest.raises(DataError, match="'maybe' of variable claim is not one of its codes"):
        pairwise_divergence(bad, cb, reports)
    with pytest.raises(ValueError, match="ratio"):
        pairwise_divergence(final, cb, reports, variables=["toll"])
    with pytest.raises(DataError, match="column 'country' missing"):
        pairwise_divergence(final, cb, reports, by="country")
    with pytest.raises(ValueError, match="no report"):
        permutation_test(final, cb, reports, column="outlet", group_a="Nobody")
