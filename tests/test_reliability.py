"""Tests of analysis.reliability: published values, the krippendorff package, properties, edges.

Published numbers are typed in beside their source. Krippendorff (2011) is
"Computing Krippendorff's Alpha-Reliability", Departmental Papers (ASC) 43, University of
Pennsylvania, https://repository.upenn.edu/asc_papers/43.
"""
from __future__ import annotations

import doctest

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.alpha import alpha_of, dense_coincidences
import analysis.reliability as rel
from analysis import alpha_bootstrap
from analysis.alpha_bootstrap import UnitResamples, resample_counts
from analysis.errors import DataError
from analysis.reliability import (
    CONSOLIDATION_COLUMNS,
    DISAGREEMENT_COLUMNS,
    RELIABILITY_COLUMNS,
    consolidate,
    disagreements,
    reliability,
)
from analysis.verdicts import verdict as verdict_of

nan = np.nan
LEVELS = ("nominal", "ordinal", "interval", "ratio")
PROPERTY = settings(max_examples=25, deadline=None, derandomize=True, database=None)


# ---------------------------------------------------------------------------------------------
# building contract-shaped tables
# ---------------------------------------------------------------------------------------------

def long_codes(matrix, *, variable="v", coders=None, units=None, evidence=None):
    """Coder x unit matrix (None/NaN missing) -> long codes table of docs/data-model.md."""
    coders = coders or [f"c{i}" for i in range(len(matrix))]
    units = units or [f"r{j:03d}" for j in range(len(matrix[0]))]
    rows = []
    for coder, values in zip(coders, matrix):
        for unit, value in zip(units, values):
            missing = value is None or (isinstance(value, float) and np.isnan(value))
            ev = evidence(coder, unit) if evidence else f"{coder} on {unit}"
            rows.append({"report_id": unit, "coder": coder, "variable": variable,
                         "value": nan if missing else value, "evidence": ev})
    frame = pd.DataFrame(rows, columns=["report_id", "coder", "variable", "value", "evidence"])
    frame["value"] = frame["value"].astype(object)
    return frame.sort_values(["report_id", "coder", "variable"], kind="stable").reset_index(drop=True)


def book(*variables):
    """Codebook rows from (variable, level, codes) triples."""
    return pd.DataFrame([{"variable": v, "level": lev, "role": "other", "codes": tuple(codes)}
                         for v, lev, codes in variables])


def one_alpha(matrix, level, codes=(), **kwargs):
    kwargs.setdefault("n_boot", 0)
    row = reliability(long_codes(matrix), book(("v", level, codes)), **kwargs).iloc[0]
    return row


def as_float(matrix):
    return np.array([[nan if v is None else float(v) for v in row] for row in matrix])


# ---------------------------------------------------------------------------------------------
# published worked examples
# ---------------------------------------------------------------------------------------------

# Krippendorff (2011), section A: binary data, two observers (Meg, Owen), 10 units, no missing.
MEG = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
OWEN = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]

# Krippendorff (2011), section B: nominal data, two observers (Ben, Gerry), 12 units; codes
# a..e written here as 1..5.
BEN = [1, 1, 2, 2, 4, 3, 3, 3, 5, 4, 4, 1]
GERRY = [2, 1, 2, 2, 2, 3, 3, 3, 5, 4, 4, 4]

# Krippendorff (2011), sections C-E: four observers A-D, 12 units, missing values (None).
FOUR = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_published_binary_two_observers():
    row = one_alpha([MEG, OWEN], "nominal", (0, 1))
    assert row["alpha"] == pytest.approx(0.095, abs=5e-4)  # Krippendorff (2011), A: alpha = .095
    # o01 = 4 disagreeing pairs of n = 20 values; n0 = 14, n1 = 6 (Krippendorff 2011, A)
    assert row["d_observed"] == pytest.approx(8 / 20)
    assert row["d_expected"] == pytest.approx(2 * 14 * 6 / (20 * 19))
    assert (row["n_units"], row["n_pairable"], row["n_values"]) == (10, 10, 20)
    assert row["percent_agreement"] == pytest.approx(0.6)  # 6 of 10 units agree
    assert row["verdict"] == "unreliable"


def test_published_nominal_two_observers():
    row = one_alpha([BEN, GERRY], "nominal", (1, 2, 3, 4, 5))
    assert row["alpha"] == pytest.approx(0.692, abs=5e-4)  # Krippendorff (2011), B: alpha = .692


@pytest.mark.parametrize("level, expected", [
    ("nominal", 0.743),   # Krippendorff (2011), C: alpha_nominal = .743
    ("ordinal", 0.815),   # Krippendorff (2011), E: alpha_ordinal = .815
    ("interval", 0.849),  # Krippendorff (2011), E: alpha_interval = .849
    ("ratio", 0.797),     # Krippendorff (2011), E: alpha_ratio = .797
])
def test_published_four_observers_with_missing_values(level, expected):
    matrix = FOUR if level in ("nominal", "ordinal") else [[None if v is None else float(v) for v in r]
                                                            for r in FOUR]
    codes = (1, 2, 3, 4, 5) if level in ("nominal", "ordinal") else ()
    row = one_alpha(matrix, level, codes)
    assert row["alpha"] == pytest.approx(expected, abs=5e-4)
    # 12 units, unit 12 has one value and is not pairable; n = 40 pairable values (2011, C)
    assert (row["n_units"], row["n_pairable"], row["n_values"], row["n_coders"]) == (12, 11, 40, 4)
    assert row["level"] == level


def test_published_ordinal_example_with_words():
    words = ("very low", "low", "mid", "high", "very high")
    matrix = [[None if v is None else words[v - 1] for v in r] for r in FOUR]
    assert one_alpha(matrix, "ordinal", words)["alpha"] == pytest.approx(0.815, abs=5e-4)  # 2011, E


def test_docstring_example():
    assert doctest.testmod(rel, raise_on_error=False).failed == 0


# ---------------------------------------------------------------------------------------------
# cross-check against the krippendorff package
# ---------------------------------------------------------------------------------------------

def random_matrix(rng, n_coders, n_units, n_values, missing, level):
    if level in ("interval", "ratio"):
        m = rng.choice(np.r_[0.0, rng.gamma(2.0, 10.0, n_values - 1).round(1)], size=(n_coders, n_units))
    else:
        m = rng.integers(0, n_values, size=(n_coders, n_units)).astype(float)
    m[rng.random(m.shape) < missing] = nan
    return m


@pytest.mark.parametrize("level", LEVELS)
def test_matches_krippendorff_package_on_random_data(level):
    rng = np.random.default_rng(20240401)
    checked = 0
    for shape in [(2, 10), (2, 200), (3, 25), (5, 40), (8, 12)]:
        for missing in (0.0, 0.3):
            for n_values in (2, 4, 7):
                m = random_matrix(rng, *shape, n_values, missing, level)
                values = m[~np.isnan(m)]
                pairable = (~np.isnan(m)).sum(axis=0) >= 2
                if pairable.sum() < 2 or len(np.unique(m[:, pairable][~np.isnan(m[:, pairable])])) < 2:
                    continue
                if level in ("nominal", "ordinal"):
                    codes = tuple(range(n_values))
                    matrix = [[None if np.isnan(v) else int(v) for v in r] for r in m]
                    domain = list(range(n_values))
                else:
                    codes, matrix, domain = (), [list(r) for r in m], None
                ours = one_alpha(matrix, level, codes)
                theirs = krippendorff.alpha(reliability_data=m, value_domain=domain, level_of_measurement=level)
                assert ours["alpha"] == pytest.approx(theirs, abs=1e-10), (shape, missing, n_values)
                assert ours["n_values"] == (~np.isnan(m[:, pairable])).sum()
                assert len(values) >= ours["n_values"]
                checked += 1
    assert checked >= 20


def test_matches_krippendorff_package_on_ordinal_words_in_codebook_order():
    # codebook order is not alphabetical order: the rank must come from the codebook
    words = ("never", "rarely", "often", "always")
    rng = np.random.default_rng(7)
    ranks = rng.integers(0, 4, size=(3, 30)).astype(float)
    ranks[1] = np.where(rng.random(30) < 0.7, ranks[0], ranks[1])
    ranks[rng.random(ranks.shape) < 0.1] = nan
    matrix = [[None if np.isnan(v) else words[int(v)] for v in r] for r in ranks]
    ours = one_alpha(matrix, "ordinal", words)["alpha"]
    theirs = krippendorff.alpha(reliability_data=ranks, value_domain=[0, 1, 2, 3], level_of_measurement="ordinal")
    alphabetical = one_alpha(matrix, "ordinal", sorted(words))["alpha"]
    assert ours == pytest.approx(theirs, abs=1e-12)
    assert alphabetical != pytest.approx(ours, abs=1e-6)


@pytest.mark.parametrize("level", LEVELS)
def test_bootstrap_resample_equals_alpha_of_the_resampled_data(level):
    # the vectorised bootstrap must give, for one resample, krippendorff's alpha of the data
    # with each unit repeated as often as it was drawn
    rng = np.random.default_rng(3)
    m = random_matrix(rng, 3, 40, 5, 0.2, level)
    m = m[:, (~np.isnan(m)).sum(axis=0) >= 2]
    counts = np.stack([(m == v).sum(axis=0) for v in np.unique(m[~np.isnan(m)])], axis=1).astype(float)
    points = np.unique(m[~np.isnan(m)]) if level in ("interval", "ratio") else np.arange(counts.shape[1], dtype=float)
    weights = resample_counts(m.shape[1], 5, seed=3).astype(float)
    boot, _, _ = alpha_of(dense_coincidences(counts, level, points), weights)
    for w, ours in zip(weights, boot):
        repeated = np.repeat(m, w.astype(int), axis=1)
        if level in ("nominal", "ordinal"):
            repeated = np.searchsorted(np.unique(m[~np.isnan(m)]), repeated).astype(float)
            repeated[np.isnan(np.repeat(m, w.astype(int), axis=1))] = nan
            domain = list(range(counts.shape[1]))
        else:
            domain = None
        theirs = krippendorff.alpha(reliability_data=repeated, value_domain=domain, level_of_measurement=level)
        assert ours == pytest.approx(theirs, abs=1e-10)


# ---------------------------------------------------------------------------------------------
# properties (hypothesis)
# ---------------------------------------------------------------------------------------------

@st.composite
def coded_study(draw, min_units=3, max_units=25):
    """A level, its codes and a coder x unit matrix with some missing values."""
    level = draw(st.sampled_from(LEVELS))
    n_coders = draw(st.integers(2, 4))
    n_units = draw(st.integers(min_units, max_units))
    if level in ("nominal", "ordinal"):
        codes = tuple(draw(st.lists(st.sampled_from(["no", "yes", "maybe", "n/a", 0, 1, 2, 7]),
                                    min_size=2, max_size=5, unique=True)))
        value = st.sampled_from(codes)
    else:
        codes = ()
        value = st.sampled_from([0.0, 1.0, 2.5, 4.0, 10.0, 100.0])
    cell = st.one_of(value, st.none()) if draw(st.booleans()) else value
    matrix = draw(st.lists(st.lists(cell, min_size=n_units, max_size=n_units),
                           min_size=n_coders, max_size=n_coders))
    return level, codes, matrix


@PROPERTY
@given(level=st.sampled_from(LEVELS), n_units=st.integers(2, 30), n_coders=st.integers(2, 5),
       data=st.data())
def test_alpha_is_one_under_perfect_agreement(level, n_units, n_coders, data):
    pool = ["a", "b", 3, 4] if level in ("nominal", "ordinal") else [0.0, 1.5, 2.0, 40.0]
    truth = data.draw(st.lists(st.sampled_from(pool), min_size=n_units, max_size=n_units)
                      .filter(lambda xs: len(set(xs)) > 1))
    codes = tuple(pool) if level in ("nominal", "ordinal") else ()
    row = one_alpha([truth] * n_coders, level, codes, n_boot=20)
    assert row["alpha"] == 1.0
    assert row["verdict"] == "reliable"
    assert row["ci_low"] == row["ci_high"] == 1.0
    assert row["percent_agreement"] == 1.0


@PROPERTY
@given(study=coded_study(), data=st.data())
def test_alpha_unchanged_by_permuting_units_coders_and_nominal_labels(study, data):
    level, codes, matrix = study
    base = one_alpha(matrix, level, codes)
    unit_order = data.draw(st.permutations(range(len(matrix[0]))))
    coder_order = data.draw(st.permutations(range(len(matrix))))
    shuffled = [[matrix[i][j] for j in unit_order] for i in coder_order]
    renamed_units = [f"u{k:03d}" for k in data.draw(st.permutations(range(len(matrix[0]))))]
    renamed_coders = [f"model:{k}" for k in range(len(matrix))]
    codes2 = long_codes(shuffled, units=renamed_units, coders=renamed_coders)
    moved = reliability(codes2, book(("v", level, codes)), n_boot=0).iloc[0]
    for col in ("alpha", "d_observed", "d_expected", "percent_agreement"):
        assert moved[col] == pytest.approx(base[col], rel=1e-9, abs=1e-12, nan_ok=True)
    assert moved[["n_units", "n_pairable", "n_values", "n_coders"]].tolist() == \
        base[["n_units", "n_pairable", "n_values", "n_coders"]].tolist()
    if level == "nominal":
        relabel = dict(zip(codes, data.draw(st.permutations([f"code{k}" for k in range(len(codes))]))))
        relabelled = [[None if v is None else relabel[v] for v in r] for r in matrix]
        again = one_alpha(relabelled, "nominal", tuple(relabel[c] for c in codes))
        assert again["alpha"] == pytest.approx(base["alpha"], rel=1e-9, abs=1e-12, nan_ok=True)


@PROPERTY
@given(level=st.sampled_from(LEVELS), n_units=st.integers(30, 120), agree=st.floats(0.6, 0.95),
       seed=st.integers(0, 2**31))
def test_bootstrap_interval_contains_the_estimate_on_realistic_data(level, n_units, agree, seed):
    rng = np.random.default_rng(seed)
    if level in ("nominal", "ordinal"):
        codes = ("none", "low", "mid", "high")
        truth = rng.integers(0, 4, n_units)
        coded = [np.where(rng.random(n_units) < agree, truth, rng.integers(0, 4, n_units)) for _ in range(3)]
        matrix = [[codes[v] for v in c] for c in coded]
    else:
        codes = ()
        truth = np.where(rng.random(n_units) < 0.2, 0.0, rng.gamma(2.0, 20.0, n_units).round())
        matrix = [list(np.where(rng.random(n_units) < agree, truth, (truth * rng.uniform(0.5, 1.5, n_units)).round()))
                  for _ in range(3)]
    row = one_alpha(matrix, level, codes, n_boot=300, seed=seed)
    if np.isnan(row["alpha"]):
        return
    assert row["ci_low"] <= row["alpha"] <= row["ci_high"]
    assert row["ci_low"] < row["ci_high"]


@PROPERTY
@given(study=coded_study())
def test_inputs_are_not_mutated(study):
    level, codes, matrix = study
    frame = long_codes(matrix)
    extra = long_codes([[matrix[0][0]] * len(matrix[0])], coders=["adjudicated"])
    frame = pd.concat([frame, extra], ignore_index=True).sample(frac=1, random_state=0)
    codebook = book(("v", level, codes))
    frame_before, book_before = frame.copy(deep=True), codebook.copy(deep=True)
    reliability(frame, codebook, n_boot=10)
    disagreements(frame, codebook)
    consolidate(frame, codebook)
    pd.testing.assert_frame_equal(frame, frame_before)
    pd.testing.assert_frame_equal(codebook, book_before)


# ---------------------------------------------------------------------------------------------
# reliability: edges, options, layout
# ---------------------------------------------------------------------------------------------

def test_output_columns_and_types_are_stable():
    table = reliability(long_codes([MEG, OWEN]), book(("v", "nominal", (0, 1))), n_boot=50)
    assert tuple(table.columns) == RELIABILITY_COLUMNS
    assert isinstance(table.index, pd.RangeIndex)
    for col in ("n_units", "n_pairable", "n_values", "n_coders"):
        assert table[col].dtype == "int64"
    assert table.loc[0, "coders"] == "c0, c1"


def test_one_row_per_codebook_variable_in_codebook_order():
    codes = pd.concat([long_codes([MEG, OWEN], variable="b"), long_codes(FOUR, variable="a"),
                       long_codes([[1.0, 2.0, 3.0]] * 2, variable="z")], ignore_index=True)
    codebook = book(("z", "ratio", ()), ("a", "ordinal", (1, 2, 3, 4, 5)), ("b", "nominal", (0, 1)),
                    ("unused", "nominal", ("x", "y")))
    table = reliability(codes, codebook, n_boot=0)
    assert table["variable"].tolist() == ["z", "a", "b", "unused"]
    assert table["level"].tolist() == ["ratio", "ordinal", "nominal", "nominal"]
    assert table.loc[3, "verdict"] == "unknown" and table.loc[3, "n_units"] == 0
    assert "no unit" in table.loc[3, "note"]
    # a nominal variable may list no codes: its observed values are its categories
    listless = reliability(codes, book(("b", "nominal", ())), n_boot=0)
    assert listless.loc[0, "alpha"] == pytest.approx(table.loc[2, "alpha"], abs=1e-15)


def test_every_coder_gave_the_same_single_value_is_undefined_with_a_note():
    row = one_alpha([["no"] * 8, ["no"] * 8, ["no"] * 7 + [None]], "nominal", ("yes", "no"), n_boot=100)
    assert np.isnan(row["alpha"]) and np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
    assert row["verdict"] == "unknown"
    assert "every pairable value is 'no'" in row["note"]
    assert "expected disagreement is zero" in row["note"]
    assert row["percent_agreement"] == 1.0 and row["d_expected"] == 0.0


def test_fewer_than_two_pairable_units_is_undefined_with_a_note():
    row = one_alpha([["yes", "no", None], ["no", None, "yes"]], "nominal", ("yes", "no"))
    assert (row["n_units"], row["n_pairable"]) == (3, 1)
    assert row["verdict"] == "unknown" and "only 1 unit" in row["note"]


def test_units_with_one_coder_are_counted_but_not_used():
    with_lone = [MEG + [1, None, 0], OWEN + [None, 0, None]]
    row = one_alpha(with_lone, "nominal", (0, 1))
    assert (row["n_units"], row["n_pairable"], row["n_values"]) == (13, 10, 20)
    assert row["alpha"] == pytest.approx(one_alpha([MEG, OWEN], "nominal", (0, 1))["alpha"], abs=1e-15)


def test_ordinal_codes_as_ints_and_words_give_one_answer():
    words = ("none", "some", "many", "all", "more")
    as_words = [[None if v is None else words[v - 1] for v in r] for r in FOUR]
    ints = one_alpha(FOUR, "ordinal", (1, 2, 3, 4, 5))
    named = one_alpha(as_words, "ordinal", words)
    assert ints["alpha"] == pytest.approx(named["alpha"], abs=1e-15)
    # ints whose codebook order is not numeric order are ranked by the codebook
    order = (1, 3, 2, 4, 5)
    theirs = krippendorff.alpha(reliability_data=as_float(FOUR), value_domain=list(order),
                                level_of_measurement="ordinal")
    assert one_alpha(FOUR, "ordinal", order)["alpha"] == pytest.approx(theirs, abs=1e-12)
    assert theirs != pytest.approx(ints["alpha"], abs=1e-6)


def test_ratio_values_with_zeros():
    matrix = [[0.0, 0.0, 3.0, 10.0, 0.0, 5.0, 8.0], [0.0, 1.0, 3.0, 12.0, 0.0, 5.0, 8.0]]
    row = one_alpha(matrix, "ratio")
    theirs = krippendorff.alpha(reliability_data=np.array(matrix), level_of_measurement="ratio")
    assert row["alpha"] == pytest.approx(theirs, abs=1e-12)
    assert one_alpha([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]], "ratio")["alpha"] == 1.0
    # zero against a positive number is the largest ratio distance (1), not a division error
    assert one_alpha([[0.0, 4.0, 0.0, 4.0], [4.0, 4.0, 0.0, 0.0]], "ratio")["d_observed"] == pytest.approx(0.5)


def test_interval_values_are_floats_compared_exactly_for_agreement():
    row = one_alpha([[1.0, 2.0, 3.5, 7.0], [1.0, 2.5, 3.5, 7.0]], "interval")
    assert row["percent_agreement"] == pytest.approx(0.75)
    assert row["alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=[[1.0, 2.0, 3.5, 7.0], [1.0, 2.5, 3.5, 7.0]],
                           level_of_measurement="interval"), abs=1e-12)


def test_percent_agreement_counts_pairs_within_units():
    # unit 1: a,a,b -> 2 of 6 ordered pairs agree; unit 2: a,a -> 2 of 2; total 4 of 8
    row = one_alpha([["a", "a"], ["a", "a"], ["b", None]], "nominal", ("a", "b"))
    assert row["percent_agreement"] == pytest.approx(4 / 8)


def three_coders_and_a_model():
    humans = long_codes([MEG, OWEN, MEG], coders=["ana", "ben", "cy"])
    model = long_codes([OWEN], coders=["model:x"])
    adjudicated = long_codes([MEG], coders=["adjudicated"])
    return pd.concat([humans, model, adjudicated], ignore_index=True), book(("v", "nominal", (0, 1)))


def test_coders_selection_and_exclusion():
    codes, codebook = three_coders_and_a_model()
    default = reliability(codes, codebook, n_boot=0).iloc[0]
    assert default["coders"] == "ana, ben, cy, model:x"  # adjudicated is excluded by default
    pair = reliability(codes, codebook, coders=["model:x", "ana"], n_boot=0).iloc[0]
    assert pair["coders"] == "ana, model:x" and pair["n_coders"] == 2
    assert pair["alpha"] == pytest.approx(0.095, abs=5e-4)  # Meg vs Owen, Krippendorff (2011), A
    agreeing = reliability(codes, codebook, coders=["ana", "cy"], n_boot=0).iloc[0]
    assert agreeing["alpha"] == 1.0
    humans = reliability(codes, codebook, exclude=["adjudicated", "model:x"], n_boot=0).iloc[0]
    assert humans["coders"] == "ana, ben, cy"
    with_adj = reliability(codes, codebook, coders=["adjudicated", "ana"], exclude=(), n_boot=0).iloc[0]
    assert with_adj["alpha"] == 1.0


@pytest.mark.parametrize("kwargs, match", [
    ({"coders": ["ana", "nobody"]}, "nobody"),
    ({"coders": ["ana"]}, "at least 2"),
    ({"coders": ["ana", "adjudicated"]}, "both chosen and excluded"),
    ({"n_boot": -1}, "n_boot"),
    ({"ci": 1.5}, "ci"),
    ({"seed": 1.5}, "seed"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    codes, codebook = three_coders_and_a_model()
    with pytest.raises(ValueError, match=match):
        reliability(codes, codebook, **kwargs)


def test_bad_data_raises_data_error():
    codebook = book(("v", "nominal", ("yes", "no")))
    with pytest.raises(DataError, match="'maybe'"):
        reliability(long_codes([["yes", "maybe"], ["yes", "no"]]), codebook)
    with pytest.raises(DataError, match="number >= 0"):
        reliability(long_codes([[1.0, -2.0], [1.0, 2.0]]), book(("v", "ratio", ())))
    twice = long_codes([["yes", "no"], ["yes", "no"]])
    with pytest.raises(DataError, match="coded more than once"):
        reliability(pd.concat([twice, twice.iloc[:1]], ignore_index=True), codebook)
    with pytest.raises(DataError, match="level"):
        reliability(twice, book(("v", "categorical", ("yes", "no"))))
    with pytest.raises(DataError, match="value"):
        reliability(twice.drop(columns="value"), codebook)


def test_seed_makes_the_interval_reproducible_and_independent_of_other_variables():
    rng = np.random.default_rng(11)
    truth = rng.integers(0, 3, 60)
    noisy = np.where(rng.random(60) < 0.8, truth, rng.integers(0, 3, 60))
    codes = pd.concat([long_codes([list(truth), list(noisy)], variable="a"),
                       long_codes([list(noisy), list(truth)], variable="b")], ignore_index=True)
    both = book(("a", "nominal", (0, 1, 2)), ("b", "ordinal", (0, 1, 2)))
    first = reliability(codes, both, n_boot=200, seed=5)
    again = reliability(codes, both, n_boot=200, seed=5)
    other = reliability(codes, both, n_boot=200, seed=6)
    alone = reliability(codes, both.iloc[[1]], n_boot=200, seed=5)
    pd.testing.assert_frame_equal(first, again)
    assert first.loc[0, "ci_low"] != other.loc[0, "ci_low"]
    assert alone.loc[0, ["ci_low", "ci_high"]].tolist() == first.loc[1, ["ci_low", "ci_high"]].tolist()


def test_resamples_without_variation_are_left_out_and_noted():
    # one 'yes' in 40 units: many resamples miss it and have no alpha
    a = ["no"] * 39 + ["yes"]
    b = ["no"] * 39 + ["yes"]
    row = one_alpha([a, b], "nominal", ("yes", "no"), n_boot=200)
    assert row["alpha"] == 1.0
    assert "bootstrap resamples had a single value" in row["note"]


@pytest.mark.parametrize("alpha, verdict", [
    (0.95, "reliable"), (0.8, "reliable"), (0.8 - 1e-15, "reliable"), (0.7999, "tentative"),
    (0.667, "tentative"), (0.6669, "unreliable"), (-0.2, "unreliable"), (nan, "unknown"),
])
def test_verdict_thresholds(alpha, verdict):
    # Krippendorff (2004), Content Analysis, 2nd ed., p. 241: .800 and .667
    assert verdict_of(alpha) == verdict


def test_no_codes_at_all():
    empty = long_codes([["yes"], ["no"]]).iloc[0:0]
    table = reliability(empty, book(("v", "nominal", ("yes", "no"))))
    assert table.loc[0, ["n_units", "n_pairable", "n_coders"]].tolist() == [0, 0, 0]
    assert table.loc[0, "verdict"] == "not measured"


# ---------------------------------------------------------------------------------------------
# disagreements
# ---------------------------------------------------------------------------------------------

def test_disagreements_lists_each_coders_value_and_evidence_in_meeting_order():
    first = long_codes([["yes", "no", "yes", None], ["yes", "yes", "no", "no"], ["yes", None, "yes", "no"]],
                       variable="q", coders=["cy", "ana", "ben"])
    second = long_codes([[1.0, 2.0], [1.0, 2.5]], variable="fig", coders=["ana", "ben"],
                        units=["r003", "r000"])
    adjudicated = long_codes([["no", "no", "no", "no"]], variable="q", coders=["adjudicated"])
    codes = pd.concat([adjudicated, second, first], ignore_index=True)
    codebook = book(("q", "nominal", ("yes", "no")), ("fig", "ratio", ()))
    table = disagreements(codes, codebook)
    assert tuple(table.columns) == DISAGREEMENT_COLUMNS
    assert isinstance(table.index, pd.RangeIndex)
    assert table[["report_id", "variable", "coder"]].values.tolist() == [
        ["r001", "q", "ana"], ["r001", "q", "ben"], ["r001", "q", "cy"],
        ["r002", "q", "ana"], ["r002", "q", "ben"], ["r002", "q", "cy"],
        ["r000", "fig", "ana"], ["r000", "fig", "ben"],
    ]
    r001 = table[table["report_id"] == "r001"].set_index("coder")
    assert r001.loc["ana", "value"] == "yes" and r001.loc["cy", "value"] == "no"
    assert pd.isna(r001.loc["ben", "value"])  # ben left it missing: shown, not a third value
    assert r001["n_distinct"].tolist() == [2, 2, 2]
    assert r001.loc["ana", "evidence"] == "ana on r001"
    assert table[table["variable"] == "fig"]["value"].tolist() == [2.0, 2.5]


def test_disagreements_respects_coder_choice_and_returns_an_empty_table():
    codes, codebook = three_coders_and_a_model()
    assert disagreements(codes, codebook, coders=["ana", "cy"]).empty
    empty = disagreements(codes, codebook, coders=["ana", "cy"])
    assert tuple(empty.columns) == DISAGREEMENT_COLUMNS
    with_model = disagreements(codes, codebook, coders=["ana", "model:x"])
    assert set(with_model["coder"]) == {"ana", "model:x"}
    assert with_model["report_id"].nunique() == 4  # Meg and Owen differ on 4 units (2011, A)


# ---------------------------------------------------------------------------------------------
# consolidate
# ---------------------------------------------------------------------------------------------

def consolidation_case():
    #            r000   r001   r002   r003   r004   r005   r006   r007
    ana = ["yes", "yes", "yes", "yes", "no", "yes", None, "yes"]
    ben = ["yes", "yes", "no", None, "no", None, None, "no"]
    cy = ["yes", "no", "maybe", None, None, None, None, None]
    adj = [None, None, None, None, "yes", None, None, "maybe"]
    codes = pd.concat([long_codes([ana, ben, cy], coders=["ana", "ben", "cy"], variable="q"),
                       long_codes([adj], coders=["adjudicated"], variable="q",
                                  evidence=lambda c, u: f"ruling on {u}")], ignore_index=True)
    return codes, book(("q", "nominal", ("yes", "no", "maybe")))


def test_consolidate_rules():
    codes, codebook = consolidation_case()
    table = consolidate(codes, codebook)
    assert tuple(table.columns) == CONSOLIDATION_COLUMNS
    by = table.set_index("report_id")
    assert by["rule"].to_dict() == {
        "r000": "unanimous", "r001": "majority", "r002": "tie", "r003": "single_coder",
        "r004": "adjudicated", "r005": "single_coder", "r006": "not_coded", "r007": "adjudicated",
    }
    assert by.loc["r000", "value"] == "yes" and by.loc["r001", "value"] == "yes"
    for unresolved in ("r002", "r006"):
        assert pd.isna(by.loc[unresolved, "value"]) and pd.isna(by.loc[unresolved, "evidence"])
    # a report one coder alone coded keeps that coder's code (design: single-coded reports)
    assert by.loc["r003", "value"] == "yes" and by.loc["r003", "evidence"] == "ana on r003"
    assert by.loc["r005", "value"] == "yes"
    kept_open = consolidate(codes, codebook, single_coder=False).set_index("report_id")
    assert kept_open.loc["r003", "rule"] == "single_coder" and pd.isna(kept_open.loc["r003", "value"])
    # the adjudicator wins over a unanimous pair, and with a value nobody else gave
    assert by.loc["r004", "value"] == "yes" and by.loc["r004", "evidence"] == "ruling on r004"
    assert by.loc["r007", "value"] == "maybe"
    assert by["n_coders"].tolist() == [3, 3, 3, 1, 2, 1, 0, 2]


def test_consolidate_evidence_is_the_first_agreeing_coder_in_sorted_order():
    codes, codebook = consolidation_case()
    by = consolidate(codes, codebook).set_index("report_id")
    assert by.loc["r000", "evidence"] == "ana on r000"
    assert by.loc["r001", "evidence"] == "ana on r001"  # ana and ben agree; cy is the minority
    without_ana = consolidate(codes, codebook, coders=["ben", "cy"]).set_index("report_id")
    assert without_ana.loc["r000", "evidence"] == "ben on r000"
    assert without_ana.loc["r001", "rule"] == "tie"


def test_consolidate_numbers_only_when_equal_and_sorted_by_report_then_codebook_order():
    figures = long_codes([[5.0, 5.0, 0.0], [5.0, 6.0, 0.0], [5.0, 5.0, None]], variable="fig",
                         coders=["a", "b", "c"])
    answers = long_codes([["x", "y", "x"], ["x", "y", "y"]], variable="ans", coders=["a", "b"])
    codebook = book(("fig", "ratio", ()), ("ans", "nominal", ("x", "y")))
    table = consolidate(pd.concat([answers, figures], ignore_index=True), codebook)
    assert table[["report_id", "variable"]].values.tolist() == [
        ["r000", "fig"], ["r000", "ans"], ["r001", "fig"], ["r001", "ans"], ["r002", "fig"], ["r002", "ans"],
    ]
    assert table["rule"].tolist() == ["unanimous", "unanimous", "tie", "unanimous", "unanimous", "tie"]
    assert table.loc[0, "value"] == 5.0 and pd.isna(table.loc[2, "value"])  # 5, 6, 5: no majority of numbers
    assert table.loc[4, "value"] == 0.0


def test_consolidate_adjudicator_with_a_missing_value_does_not_win():
    codes = long_codes([["a", "b"], ["a", "b"], [None, "a"]], coders=["x", "y", "adjudicated"])
    by = consolidate(codes, book(("v", "nominal", ("a", "b")))).set_index("report_id")
    assert by.loc["r000", "rule"] == "unanimous"
    assert by.loc["r001", "rule"] == "adjudicated" and by.loc["r001", "value"] == "a"


def test_consolidate_rejects_the_adjudicator_among_the_coders():
    codes, codebook = consolidation_case()
    with pytest.raises(ValueError, match="adjudicator"):
        consolidate(codes, codebook, coders=["ana", "adjudicated"])


def test_helpers_and_chart():
    import matplotlib.pyplot as plt

    from analysis.plotting.reliability import plot_reliability
    from analysis.reliability import independent_coders, not_reliable, rule_counts

    codes = pd.DataFrame({"report_id": ["a", "a", "a", "b"], "coder": ["c1", "model:x", "adjudicated", "c2"],
                          "variable": ["v"] * 4, "value": ["x"] * 4, "evidence": [np.nan] * 4})
    assert independent_coders(codes) == ["c1", "c2"]
    final = pd.DataFrame({"rule": ["unanimous", "tie", "unanimous", "adjudicated"]})
    assert rule_counts(final).values.tolist() == [["adjudicated", 1, 0.25], ["tie", 1, 0.25], ["unanimous", 2, 0.5]]
    table = pd.DataFrame({"variable": ["p", "q", "r"], "alpha": [0.9, 0.7, np.nan],
                          "ci_low": [0.8, 0.5, np.nan], "ci_high": [1.0, 0.85, np.nan],
                          "verdict": ["reliable", "tentative", "undefined"]})
    assert not_reliable(table) == ["q", "r"]
    ax = plot_reliability(table, source="Source: test")
    assert ax.get_title(loc="left") and "alpha" in ax.get_xlabel()
    by_height = sorted(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()]), reverse=True)
    assert [name for _, name in by_height] == ["p", "q", "r"]  # codebook order, top to bottom
    plt.close("all")


# ---------------------------------------------------------------------------------------------
# the fast paths: categorical keys, any row order, values that are equal but not identical
# ---------------------------------------------------------------------------------------------

def _copies(values):
    """The same values as new objects (equal, not identical): as a user's own table holds them."""
    out = np.empty(len(values), dtype=object)
    out[:] = [v.encode().decode() if isinstance(v, str) else v for v in values]
    assert not any(a is b for a, b in zip(out, values) if isinstance(a, str) and len(a) > 1)
    return out


@PROPERTY
@given(study=coded_study(), data=st.data())
def test_categorical_shuffled_and_copied_input_gives_the_same_tables(study, data):
    level, codes, matrix = study
    plain = long_codes(matrix)
    plain = pd.concat([plain, long_codes(matrix, variable="w")], ignore_index=True)
    cb = book(("v", level, codes), ("w", level, codes))
    order = data.draw(st.permutations(range(len(plain))))
    other = plain.iloc[list(order)].reset_index(drop=True)
    for col in ("report_id", "coder", "variable"):
        other[col] = other[col].astype("category")
    other["value"] = _copies(other["value"].to_numpy(dtype=object))
    for fn, kwargs in ((reliability, {"n_boot": 30}), (disagreements, {}), (consolidate, {})):
        a, b = fn(plain, cb, **kwargs), fn(other, cb, **kwargs)
        for t in (a, b):
            for col in ("report_id", "variable", "coder"):
                if col in t.columns:
                    t[col] = t[col].astype(object)
        pd.testing.assert_frame_equal(a, b)


def test_a_repeated_judgement_is_found_in_any_order_and_dtype():
    codes = long_codes([[1, 2, 1], [1, 2, 2]])
    twice = pd.concat([codes, codes.iloc[[4]]], ignore_index=True).iloc[[6, 0, 1, 2, 3, 4, 5]]
    for table in (twice, twice.astype({"report_id": "category", "coder": "category"})):
        with pytest.raises(DataError, match="coded more than once"):
            reliability(table, book(("v", "nominal", (1, 2))), n_boot=0)


def test_resamples_drawn_in_blocks_are_those_drawn_at_once(monkeypatch):
    # the documented draw order: resample b is the b-th call integers(0, n, size=n, uint32) on
    # default_rng([seed, n]); float blocks, the cache and a longer run give the same resamples
    whole = resample_counts(1000, 50, seed=7)
    rng = np.random.default_rng([7, 1000])
    draws = [rng.integers(0, 1000, size=1000, dtype=np.uint32) for _ in range(50)]
    np.testing.assert_array_equal(whole, np.stack([np.bincount(d, minlength=1000) for d in draws]))
    np.testing.assert_array_equal(resample_counts(1000, 80, seed=7)[:50], whole)
    monkeypatch.setattr(alpha_bootstrap, "BLOCK_ELEMENTS", 7000)  # blocks of 7 resamples
    shared = UnitResamples(50, 7)
    for n_units in (1000, 3, 1000):  # drawn, drawn, then from the cache
        blocks = [b.copy() for b in shared.blocks(n_units)]
        assert all(b.dtype == np.float64 for b in blocks)
        np.testing.assert_array_equal(np.vstack(blocks), resample_counts(n_units, 50, seed=7))
    assert len(blocks) == 8


def test_variables_with_the_same_number_of_pairable_units_share_their_resamples():
    # two variables over the same 60 reports: the same unit counts, so a variable whose codes
    # are the other's with labels swapped has the very same interval
    rng = np.random.default_rng(2)
    truth = rng.integers(0, 2, 60)
    noisy = np.where(rng.random(60) < 0.8, truth, 1 - truth)
    codes = pd.concat([long_codes([list(truth), list(noisy)], variable="a"),
                       long_codes([list(1 - truth), list(1 - noisy)], variable="b")], ignore_index=True)
    table = reliability(codes, book(("a", "nominal", (0, 1)), ("b", "nominal", (0, 1))), n_boot=100, seed=3)
    assert table.loc[0, ["alpha", "ci_low", "ci_high"]].tolist() == table.loc[1, ["alpha", "ci_low", "ci_high"]].tolist()


def test_consolidate_machines_fill_only_reports_no_coder_coded():
    #            r000  r001  r002  r003
    ana = ["a", "a", None, None]
    m1 = ["b", "b", "a", "a"]
    m2 = [None, None, "a", "b"]
    codes = long_codes([ana, m1, m2], coders=["ana", "model:one", "model:two"], variable="v")
    by = consolidate(codes, book(("v", "nominal", ("a", "b")))).set_index("report_id")
    assert by["rule"].to_dict() == {"r000": "single_coder", "r001": "single_coder",
                                    "r002": "machine", "r003": "tie"}
    assert by.loc["r000", "value"] == "a" and by.loc["r002", "value"] == "a"
    assert by.loc["r002", "evidence"] == "model:one on r002"
    assert pd.isna(by.loc["r003", "value"])   # two machines disagree: unresolved
    assert by["n_coders"].tolist() == [1, 1, 0, 0]  # machines are not independent coders
    no_machines = consolidate(codes, book(("v", "nominal", ("a", "b"))), machines=False).set_index("report_id")
    assert no_machines.loc["r002", "rule"] == "not_coded"


def test_consolidate_figures_count_a_blank_as_no_number():
    # r000: 5 vs blank (a disagreement); r001: blank vs blank; r002: only ana coded the report
    codes = pd.DataFrame({
        "report_id": ["r000", "r000", "r000", "r001", "r001", "r002"],
        "coder": ["ana", "ana", "ben", "ana", "ben", "ana"],
        "variable": ["fig", "q", "q", "q", "q", "fig"],
        "value": [5.0, "a", "a", "a", "a", 7.0], "evidence": [np.nan] * 6})
    codebook = book(("fig", "ratio", ()), ("q", "nominal", ("a", "b"))).assign(role=["figure", "claim"])
    table = consolidate(codes, codebook)
    fig = table[table["variable"] == "fig"].set_index("report_id")
    assert fig["rule"].to_dict() == {"r000": "tie", "r001": "unanimous", "r002": "single_coder"}
    assert pd.isna(fig.loc["r000", "value"]) and pd.isna(fig.loc["r001", "value"])
    assert fig.loc["r002", "value"] == 7.0


@pytest.mark.parametrize("alpha, ci_low, verdict", [
    (0.85, 0.70, "reliable"), (0.85, 0.667, "reliable"), (0.85, 0.65, "tentative"),
    (0.90, 0.546, "tentative"), (0.70, 0.50, "tentative"), (0.60, 0.40, "unreliable"),
])
def test_interval_aware_verdict(alpha, ci_low, verdict):
    # Krippendorff (2004), ch. 12: rely on a variable only if alpha is unlikely to fall below the
    # minimum; "reliable" needs alpha >= .800 and the interval's lower end >= .667
    assert verdict_of(alpha, ci_low) == verdict


def test_a_high_alpha_with_a_wide_interval_is_not_reliable():
    # 20 units, one disagreement among few "yes": alpha is high, the interval wide
    a = ["no"] * 14 + ["yes"] * 6
    b = ["no"] * 14 + ["yes"] * 5 + ["no"]
    row = one_alpha([a, b], "nominal", ("yes", "no"), n_boot=500)
    assert row["alpha"] >= 0.8 and row["ci_low"] < 0.667
    assert row["verdict"] == "tentative" and "interval reaches down to" in row["note"]


def test_one_code_holding_almost_all_values_is_unknown():
    # 54 of 55 units "no" for both coders: alpha is 1, but there is no variation to judge
    a = ["no"] * 54 + ["yes"]
    row = one_alpha([a, list(a)], "nominal", ("yes", "no"), n_boot=100)
    assert row["alpha"] == 1.0
    assert row["verdict"] == "unknown" and "Too little variation" in row["note"]
    # 10 of 55 "yes": enough variation, reliable
    a = ["no"] * 45 + ["yes"] * 10
    assert one_alpha([a, list(a)], "nominal", ("yes", "no"), n_boot=100)["verdict"] == "reliable"


def test_one_coder_is_not_measured_and_every_variable_is_kept():
    codes = long_codes([["a", "b", "a"]], coders=["solo"])
    table = reliability(codes, book(("v", "nominal", ("a", "b")), ("w", "nominal", ("a", "b"))), n_boot=10)
    assert table["verdict"].tolist() == ["not measured", "not measured"]
    assert table["note"].str.contains("one coder").all()


def test_figure_reliability_counts_a_blank_against_a_number():
    # both coders code 30 reports; ana cites the number in 10, ben in 8 of the same 10
    reports = [f"r{i:02d}" for i in range(30)]
    rows = []
    for i, r in enumerate(reports):
        for coder in ("ana", "ben"):
            rows.append((r, coder, "q", "a"))
            if i < 10 and not (coder == "ben" and i >= 8):
                rows.append((r, coder, "fig", float(100 + i)))
    codes = pd.DataFrame(rows, columns=["report_id", "coder", "variable", "value"])
    codebook = book(("fig", "ratio", ()), ("q", "nominal", ("a", "b"))).assign(role=["figure", "other"])
    row = reliability(codes, codebook, n_boot=200).set_index("variable").loc["fig"]
    assert row["alpha"] == 1.0 and row["n_pairable"] == 8   # the number, where both cite one
    # "cited" (yes/no) on 30 reports: 10 yes/8 yes; independent computation with krippendorff
    import krippendorff
    ana = [1] * 10 + [0] * 20
    ben = [1] * 8 + [0] * 22
    expected = krippendorff.alpha(reliability_data=[ana, ben], level_of_measurement="nominal")
    assert row["alpha_cited"] == pytest.approx(expected, abs=1e-12)
    assert row["verdict"] == verdict_of(expected, row["ci_low_cited"])  # the worse of the two
    assert np.isnan(reliability(codes, codebook, n_boot=0).set_index("variable").loc["q", "alpha_cited"])


def test_an_ordinal_variable_without_pairable_units_is_undefined():
    # one coder per report: no pairable unit, for every level
    codes = long_codes([[1, None, 2], [None, 3, None]])
    for level in LEVELS:
        row = reliability(codes, book(("v", level, (1, 2, 3) if level in ("nominal", "ordinal") else ())),
                          n_boot=0).iloc[0]
        assert row["n_pairable"] == 0 and np.isnan(row["alpha"]) and row["verdict"] == "not measured"
