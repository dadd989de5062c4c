"""Tests of the size-corrected divergences of analysis.divergence: null means, p- and q-values.

The null model relabels reports at random with the group sizes kept. The checks: a planted
group-size artefact (groups of one report and a group of 48 drawn from one distribution) must
not be ranked or called significant; a planted difference must be; exact enumeration must equal
scipy.stats.permutation_test, which computes the same exact p-value independently.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import false_discovery_control
from scipy.stats import permutation_test as scipy_permutation_test

from analysis.divergence import (
    MEAN, MIN_GROUP, consensus_distance, pairwise_divergence, permutation_test,
)

FAST = settings(max_examples=20, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
CODES = {"claim": ("asserted", "denied", "none"), "fact": ("yes", "no")}
CODEBOOK = pd.DataFrame({"variable": ["claim", "fact"], "level": ["nominal", "nominal"],
                         "codes": [CODES["claim"], CODES["fact"]]})


def event(sizes, shares, seed):
    """Reports of groups of the given sizes, codes drawn from each group's code shares."""
    rng = np.random.default_rng(seed)
    rows, reports = [], []
    for group, n in sizes.items():
        claim_p, fact_p = shares[group] if isinstance(shares, dict) else shares
        for i in range(n):
            rid = f"{group}-{i:02d}"
            reports.append((rid, group))
            rows.append((rid, "claim", rng.choice(CODES["claim"], p=claim_p)))
            rows.append((rid, "fact", rng.choice(CODES["fact"], p=fact_p)))
    return (pd.DataFrame(rows, columns=["report_id", "variable", "value"]),
            pd.DataFrame(reports, columns=["report_id", "outlet"]))


SAME = ((0.5, 0.3, 0.2), (0.6, 0.4))
ARTEFACT = {"One-a": 1, "One-b": 1, "One-c": 1, "One-d": 1, "Two": 2, "Four": 4, "Large": 48}


# --- the planted group-size artefact ------------------------------------------------------------

def test_size_artefact_is_neither_ranked_nor_significant():
    final, reports = event(ARTEFACT, SAME, seed=3)
    table = consensus_distance(final, CODEBOOK, reports, n_boot=0, n_perm=500, seed=1)
    by = table.set_index("outlet")
    # the artefact is there in the raw divergence: every small group lies farther out than 48
    # reports drawn from the same distribution
    assert (by.loc[by.index != "Large", "jsd"] > by.loc["Large", "jsd"]).all()
    # ... and it is what the null model expects of groups of these sizes
    assert (by.loc[by.index != "Large", "null_mean"] > by.loc["Large", "null_mean"]).all()
    assert not table["significant"].any()
    small = by["n"] < MIN_GROUP
    assert by.loc[small, "small"].all() and not by.loc[~small, "small"].any()
    assert by.loc[small, "rank"].isna().all()
    assert by.loc["Large", "rank"] == 1
    # ranked groups first, then the unranked ones by name
    assert table["outlet"].tolist() == ["Large", "Four", "One-a", "One-b", "One-c", "One-d", "Two"]


def test_no_group_is_significant_in_most_samples_of_one_distribution():
    # under the global null, Benjamini-Hochberg bounds the chance of any discovery by the FDR
    # (0.05): over 20 samples about one would have any; allow 3
    any_found = 0
    for seed in range(20):
        final, reports = event(ARTEFACT, SAME, seed=100 + seed)
        table = consensus_distance(final, CODEBOOK, reports, n_boot=0, n_perm=200, seed=seed)
        any_found += bool(table["significant"].any())
    assert any_found <= 3


def test_excess_is_centred_on_zero_for_single_reports():
    # a single report's expected divergence from the rest is the null mean itself: averaged over
    # the single-report groups of many samples, the excess is close to 0 while jsd is not
    excess, jsd = [], []
    for seed in range(15):
        final, reports = event(ARTEFACT, SAME, seed=200 + seed)
        table = consensus_distance(final, CODEBOOK, reports, n_boot=0, n_perm=100, seed=seed)
        singles = table[table["n"] == 1]
        excess += singles["excess"].tolist()
        jsd += singles["jsd"].tolist()
    assert abs(np.mean(excess)) < 0.05
    assert np.mean(jsd) > 0.2


# --- a planted real difference ------------------------------------------------------------------

def test_real_difference_between_two_groups_of_ten_is_significant():
    shares = {"Left": ((0.8, 0.1, 0.1), (0.9, 0.1)), "Right": ((0.1, 0.8, 0.1), (0.1, 0.9)),
              "Other": SAME}
    final, reports = event({"Left": 10, "Right": 10, "Other": 12}, shares, seed=4)
    pairs = pairwise_divergence(final, CODEBOOK, reports, n_boot=0, n_perm=999, seed=2)
    row = pairs[(pairs["a"] == "Left") & (pairs["b"] == "Right") & (pairs["variable"] == MEAN)].iloc[0]
    assert row["significant"] and row["q_value"] <= 0.05
    assert row["excess"] > 0.3
    assert not row["small"]
    # C(20, 10) = 184756 relabellings > 999: drawn; hardly any reaches the observed divergence
    # (its mirror image, Left and Right swapped, does)
    assert 1 / 1000 <= row["p_value"] <= 0.01


# --- exact enumeration against scipy ------------------------------------------------------------

TINY = [("a1", "A", "asserted", "yes"), ("a2", "A", "asserted", "no"), ("a3", "A", "denied", "yes"),
        ("b1", "B", "denied", "no"), ("b2", "B", "none", "no"), ("b3", "B", "denied", np.nan),
        ("b4", "B", "asserted", "no")]


def tiny():
    final = pd.DataFrame([(r, "claim", c) for r, _, c, _ in TINY] + [(r, "fact", f) for r, _, _, f in TINY],
                         columns=["report_id", "variable", "value"])
    reports = pd.DataFrame([(r, g) for r, g, _, _ in TINY], columns=["report_id", "outlet"])
    return final, reports


def scipy_reference(variable):
    """scipy's exact permutation test (and null mean) of A against B, statistic by scipy's distance."""
    onehot = {var: np.array([[row[2 if var == "claim" else 3] == c for c in CODES[var]] for row in TINY],
                            dtype=float) for var in CODES}

    def divergence(var, x, y):
        p, q = onehot[var][x.astype(int)].sum(0), onehot[var][y.astype(int)].sum(0)
        return jensenshannon(p, q, base=2) ** 2 if p.sum() and q.sum() else np.nan

    def statistic(x, y):
        values = [divergence(v, x, y) for v in (CODES if variable == MEAN else [variable])]
        return np.nanmean(values)

    idx = np.arange(len(TINY), dtype=float)
    res = scipy_permutation_test((idx[:3], idx[3:]), statistic, permutation_type="independent",
                                 vectorized=False, n_resamples=10_000, alternative="greater")
    return res.pvalue, np.mean(res.null_distribution), len(res.null_distribution)


@pytest.mark.parametrize("variable", [MEAN, "claim", "fact"])
def test_exact_enumeration_equals_scipy_permutation_test(variable):
    final, reports = tiny()
    p, null_mean, n = scipy_reference(variable)
    assert n == 35                                                   # C(7, 3), every relabelling
    ours = permutation_test(final, CODEBOOK, reports, column="outlet", group_a="A", n_perm=35)
    row = ours.set_index("variable").loc[variable]
    assert row["p_value"] == pytest.approx(p, abs=1e-12)
    pairs = pairwise_divergence(final, CODEBOOK, reports, n_boot=0, n_perm=35).set_index("variable")
    assert pairs.loc[variable, "p_value"] == pytest.approx(p, abs=1e-12)
    # b3 has no fact, but every relabelling leaves a fact on both sides: all 35 count
    assert pairs.loc[variable, "null_mean"] == pytest.approx(null_mean, abs=1e-12)


def test_exact_null_mean_by_hand():
    # one report of group S against three others: C(4, 1) = 4 relabellings, each report alone
    final = pd.DataFrame([("s", "claim", "asserted"), ("t", "claim", "denied"), ("u", "claim", "denied"),
                          ("v", "claim", "denied")], columns=["report_id", "variable", "value"])
    reports = pd.DataFrame({"report_id": list("stuv"), "outlet": ["S", "T", "T", "T"]})
    table = consensus_distance(final, CODEBOOK, reports, n_boot=0, n_perm=10, min_group=1)
    row = table.set_index("outlet").loc["S"]
    alone_s = jensenshannon([1, 0, 0], [0, 3, 0], base=2) ** 2       # 1: no code in common
    alone_t = jensenshannon([0, 1, 0], [1, 2, 0], base=2) ** 2
    assert row["jsd"] == pytest.approx(alone_s)
    assert row["null_mean"] == pytest.approx((alone_s + 3 * alone_t) / 4)
    assert row["p_value"] == pytest.approx(1 / 4)                     # only s itself reaches 1


def test_consensus_p_is_that_of_the_group_against_the_rest():
    final, reports = event({"One": 1, "Two": 2, "Many": 9}, SAME, seed=8)
    table = consensus_distance(final, CODEBOOK, reports, n_boot=0, n_perm=100, seed=0).set_index("outlet")
    for group, n in (("One", 12), ("Two", 66)):                     # C(12, 1), C(12, 2): enumerated
        test = permutation_test(final, CODEBOOK, reports, column="outlet", group_a=group, n_perm=100)
        assert table.loc[group, "p_value"] == pytest.approx(test["p_value"].iloc[0], abs=1e-12)
        assert test["n_perm"].iloc[0] == n


def test_single_reports_against_each_other_have_p_one():
    final, reports = event({"A": 1, "B": 1, "C": 1}, SAME, seed=0)
    pairs = pairwise_divergence(final, CODEBOOK, reports, n_boot=0, n_perm=50)
    assert (pairs["p_value"].dropna() == 1.0).all()
    np.testing.assert_allclose(pairs["null_mean"], pairs["jsd"])
    assert (pairs["excess"].abs() < 1e-12).all() and pairs["small"].all()


# --- multiple comparisons -----------------------------------------------------------------------

def test_q_values_are_benjamini_hochberg_within_each_variable():
    shares = {"A": ((0.8, 0.1, 0.1), (0.9, 0.1)), "B": ((0.1, 0.8, 0.1), (0.5, 0.5)), "C": SAME, "D": SAME}
    final, reports = event({"A": 8, "B": 8, "C": 8, "D": 8}, shares, seed=1)
    pairs = pairwise_divergence(final, CODEBOOK, reports, n_boot=0, n_perm=300, fdr=0.1)
    for _, part in pairs.groupby("variable"):
        np.testing.assert_allclose(part["q_value"], false_discovery_control(part["p_value"], method="bh"))
        assert (part["significant"] == (part["q_value"] <= 0.1)).all()


# --- properties ---------------------------------------------------------------------------------

@FAST
@given(st.data())
def test_p_values_bounded_outputs_deterministic_inputs_untouched(data):
    n = data.draw(st.integers(4, 10))
    groups = data.draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=n, max_size=n))
    claims = data.draw(st.lists(st.sampled_from([*CODES["claim"], None]), min_size=n, max_size=n))
    facts = data.draw(st.lists(st.sampled_from([*CODES["fact"], None]), min_size=n, max_size=n))
    if len(set(groups)) < 2:
        return
    final = pd.DataFrame([(f"r{i}", "claim", c if c else np.nan) for i, c in enumerate(claims)]
                         + [(f"r{i}", "fact", f if f else np.nan) for i, f in enumerate(facts)],
                         columns=["report_id", "variable", "value"])
    reports = pd.DataFrame({"report_id": [f"r{i}" for i in range(n)], "outlet": groups})
    before = (final.copy(), reports.copy(), CODEBOOK.copy())
    for fn in (pairwise_divergence, consensus_distance):
        one = fn(final, CODEBOOK, reports, n_boot=10, n_perm=30, seed=4)
        p = one["p_value"].dropna()
        assert ((p > 0) & (p <= 1)).all()
        q = one["q_value"].dropna()
        assert ((q >= p.loc[q.index] - 1e-12) & (q <= 1)).all()
        assert one["p_value"].isna().equals(one["q_value"].isna())
        # nothing to test where the divergence itself is undefined
        assert (one["jsd"].isna() <= one["p_value"].isna()).all()
        pd.testing.assert_frame_equal(one, fn(final.iloc[::-1], CODEBOOK, reports.iloc[::-1], n_boot=10,
                                              n_perm=30, seed=4))
    pd.testing.assert_frame_equal(final, before[0])
    pd.testing.assert_frame_equal(reports, before[1])
    pd.testing.assert_frame_equal(CODEBOOK, before[2])


def test_consensus_sorted_and_seeded():
    final, reports = event({"A": 6, "B": 7, "C": 9, "D": 2}, SAME, seed=5)
    one = consensus_distance(final, CODEBOOK, reports, n_boot=20, n_perm=200, seed=1)
    pd.testing.assert_frame_equal(one, consensus_distance(final, CODEBOOK, reports, n_boot=20, n_perm=200,
                                                          seed=1))
    other = consensus_distance(final, CODEBOOK, reports, n_boot=20, n_perm=200, seed=2)
    assert not np.allclose(one["null_mean"], other.set_index("outlet").loc[one["outlet"], "null_mean"])
    ranked = one[one["rank"].notna()]
    assert ranked["rank"].is_monotonic_increasing and ranked["excess"].is_monotonic_decreasing
    assert one["rank"].isna().tolist() == [False, False, False, True]   # D (2 reports) last
    assert one.attrs["min_group"] == MIN_GROUP and one.attrs["n_perm"] == 200


def test_pair_null_does_not_depend_on_other_groups():
    final, reports = event({"A": 6, "B": 7, "C": 9}, SAME, seed=6)
    full = pairwise_divergence(final, CODEBOOK, reports, n_boot=0, n_perm=100, seed=3)
    keep = reports[reports["outlet"] != "C"]
    part = pairwise_divergence(final[final["report_id"].isin(keep["report_id"])], CODEBOOK, keep,
                               n_boot=0, n_perm=100, seed=3)
    cols = ["jsd", "null_mean", "p_value"]
    pair = full[(full["a"] == "A") & (full["b"] == "B")].reset_index(drop=True)
    pd.testing.assert_frame_equal(pair[cols], part[cols])


def test_no_null_and_bad_options():
    final, reports = event({"A": 3, "B": 3}, SAME, seed=0)
    none = pairwise_divergence(final, CODEBOOK, reports, n_boot=0, n_perm=0)
    assert none[["null_mean", "excess", "p_value", "q_value"]].isna().all().all()
    assert not none["significant"].any()
    with pytest.raises(ValueError, match="n_perm must be at least 1"):
        consensus_distance(final, CODEBOOK, reports, n_perm=0)
    with pytest.raises(ValueError, match="fdr"):
        pairwise_divergence(final, CODEBOOK, reports, fdr=1.5)
    with pytest.raises(ValueError, match="min_group"):
        consensus_distance(final, CODEBOOK, reports, min_group=-1)


def test_comb_at_most_equals_math_comb_up_to_the_limit_and_stops_beyond():
    import math

    from analysis.permutation import comb_at_most

    for n in range(0, 40):
        for k in range(0, n + 1):
            for limit in (1, 10, 200, 10_000):
                want = math.comb(n, k)
                assert comb_at_most(n, k, limit) == (want if want <= limit else None)
    # a million reports: answered at once, never building the full binomial coefficient
    assert comb_at_most(1_000_000, 500_000, 1000) is None
    assert comb_at_most(1_000_000, 1_000_000, 1000) == 1
