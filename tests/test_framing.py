"""Tests of analysis.framing on a small fixture event whose answers are worked out by hand.

The fixture: five reports from three outlets, a codebook with every role, and a consolidated
``final`` table typed in below (as :func:`analysis.reliability.consolidate` would return it, but
built here so that these tests do not depend on that module). Each expected number has its
arithmetic beside it. Independent cross-checks: scipy's entropy and scipy's bootstrap.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import framing as fr
from analysis.codebook import parse_codebook
from analysis.errors import DataError

nan = np.nan
PROPERTY = settings(max_examples=15, deadline=None, derandomize=True, database=None)

# ---------------------------------------------------------------------------------------------
# the fixture event
# ---------------------------------------------------------------------------------------------

YES_NO = {"yes": "Yes", "no": "No"}
CODEBOOK_DOC = {
    "frames": {"conflict": "Conflict", "responsibility": "Responsibility"},
    "variables": [
        {"name": "conf_a", "question": "Disagreement?", "level": "nominal", "values": YES_NO,
         "role": "frame_item", "frame": "conflict"},
        {"name": "conf_b", "question": "Parties agree? (reverse)", "level": "nominal", "values": YES_NO,
         "role": "frame_item", "frame": "conflict", "reverse": True},
        {"name": "resp_level", "question": "How strongly is a government held responsible?",
         "level": "ordinal", "values": {"low": "low", "mid": "middle", "high": "high"},
         "role": "frame_item", "frame": "responsibility"},
        {"name": "resp_sol", "question": "Solution put forward?", "level": "nominal",
         "values": {1: "Yes", 0: "No"}, "role": "frame_item", "frame": "responsibility"},
        {"name": "progress", "question": "Progress at the talks?", "level": "nominal",
         "values": {"asserted": "a", "attributed": "b", "denied": "c", "not_addressed": "d"},
         "role": "claim", "contradicts": [["asserted", "denied"], ["attributed", "denied"]]},
        {"name": "lab_held", "question": "Word for the people held?", "level": "nominal",
         "values": {"hostages": "h", "captives": "c", "prisoners": "p", "none": "n"},
         "role": "label", "referent": "People held in Gaza"},
        {"name": "fig_deaths", "question": "Death toll cited?", "level": "ratio", "role": "figure",
         "figure": "deaths", "attribution": "fig_deaths_src", "unit": "people"},
        {"name": "fig_deaths_src", "question": "Attributed to?", "level": "nominal",
         "values": {"ministry": "m", "hamas_run": "h", "unattributed": "u"}, "role": "other"},
        {"name": "fig_held", "question": "Hostages held cited?", "level": "ratio", "role": "figure",
         "figure": "held"},
        {"name": "fact_x", "question": "x?", "level": "nominal", "values": YES_NO, "role": "fact", "fact": "x"},
        {"name": "fact_y", "question": "y?", "level": "nominal", "values": YES_NO, "role": "fact", "fact": "y"},
        {"name": "fact_z", "question": "z?", "level": "nominal", "values": YES_NO, "role": "fact", "fact": "z"},
        {"name": "src_h", "question": "Quotes Hamas?", "level": "nominal", "values": YES_NO,
         "role": "source", "source": "Hamas"},
        {"name": "src_i", "question": "Quotes Israel?", "level": "nominal", "values": YES_NO,
         "role": "source", "source": "Israel"},
        {"name": "src_e", "question": "Quotes Egypt?", "level": "nominal", "values": YES_NO,
         "role": "source", "source": "Egypt"},
        {"name": "tone", "question": "Tone?", "level": "ordinal", "values": {1: "neg", 2: "neu", 3: "pos"},
         "role": "other"},
    ],
}

# Variables in the column order of CODES below.
VARIABLES = ["conf_a", "conf_b", "resp_level", "resp_sol", "progress", "lab_held", "fig_deaths",
             "fig_deaths_src", "fig_held", "fact_x", "fact_y", "fact_z", "src_h", "src_i", "src_e", "tone"]
CODES = {
    #     conf_a conf_b resp_level resp_sol progress      lab_held     fig_deaths src        fig_held fx     fy     fz     src_h  src_i  src_e  tone
    "r1": ["yes", "no", "high", 1, "denied", "hostages", 100.0, "ministry", 10.0, "yes", "yes", "no", "yes", "yes", "no", 1],
    "r2": ["yes", "yes", "mid", nan, "asserted", "captives", 90.0, "hamas_run", nan, "yes", "no", nan, "no", "yes", "yes", 2],
    "r3": ["no", nan, "low", 0, "attributed", "hostages", 120.0, "unattributed", 10.0, "no", "no", "no", "no", "no", "no", 2],
    "r4": [nan, nan, nan, nan, "denied", "prisoners", nan, nan, 12.0, "yes", "yes", "yes", "yes", "no", "yes", 3],
    "r5": ["no", "no", "mid", 1, "not_addressed", "none", 100.0, "ministry", nan, "yes", "no", "yes", "no", "no", "yes", 3],
}
REPORTS = [
    # report_id, outlet, published, outlet_type, wire
    ("r1", "Wire A", "2024-04-08T06:00Z", "private", nan),
    ("r2", "Daily B", "2024-04-08T09:00Z", "private", "Wire A"),
    ("r3", "Daily B", "2024-04-08T12:00Z", "private", nan),
    ("r4", "TV C", "2024-04-08T09:00Z", "state", nan),   # same time as r2
    ("r5", "TV C", "2024-04-09T08:00Z", "state", nan),
]


def make_codebook():
    book, problems = parse_codebook(CODEBOOK_DOC, facts={"x", "y", "z"}, figures={"deaths", "held"})
    assert not problems, problems
    return book.variables


def make_final(codes=None):
    rows = []
    for report_id, values in (codes or CODES).items():
        for variable, value in zip(VARIABLES, values):
            rows.append({"report_id": report_id, "variable": variable, "value": value,
                         "evidence": nan if _isnan(value) else f"{report_id} {variable}",
                         "rule": "adjudicated" if not _isnan(value) else "not_coded", "n_coders": 2})
    frame = pd.DataFrame(rows)
    frame["value"] = frame["value"].astype(object)
    return frame


def make_reports():
    frame = pd.DataFrame(REPORTS, columns=["report_id", "outlet", "published", "outlet_type", "wire"])
    frame["published"] = pd.to_datetime(frame["published"], utc=True)
    return frame


def make_figures():
    return pd.DataFrame({"id": ["deaths", "held"], "label": ["deaths", "held"], "value": [100.0, 10.0],
                         "unit": ["people", "people"]})


def _isnan(v):
    return isinstance(v, float) and np.isnan(v)


@pytest.fixture
def codebook():
    return make_codebook()


@pytest.fixture
def final():
    return make_final()


@pytest.fixture
def reports():
    return make_reports()


@pytest.fixture
def figures():
    return make_figures()


def ts(text):
    return pd.Timestamp(text, tz="UTC")


# ---------------------------------------------------------------------------------------------
# 1. frames
# ---------------------------------------------------------------------------------------------

def test_frame_scores_by_hand(final, codebook):
    got = fr.frame_scores(final, codebook)
    assert tuple(got.columns) == fr.FRAME_SCORE_COLUMNS
    # conflict: conf_a yes=1; conf_b is reversed, so "no" scores 1 and "yes" 0.
    # responsibility: resp_level low/mid/high = rank/(k-1) = 0, 0.5, 1; resp_sol 1 = yes.
    expected = pd.DataFrame([
        ("r1", "conflict", (1 + 1) / 2, 2), ("r1", "responsibility", (1.0 + 1) / 2, 2),
        ("r2", "conflict", (1 + 0) / 2, 2), ("r2", "responsibility", 0.5 / 1, 1),   # resp_sol NaN
        ("r3", "conflict", 0 / 1, 1),       ("r3", "responsibility", (0 + 0) / 2, 2),  # conf_b NaN
        ("r4", "conflict", nan, 0),         ("r4", "responsibility", nan, 0),          # nothing coded
        ("r5", "conflict", (0 + 1) / 2, 2), ("r5", "responsibility", (0.5 + 1) / 2, 2),
    ], columns=list(fr.FRAME_SCORE_COLUMNS))
    pd.testing.assert_frame_equal(got, expected)


def test_frame_scores_reverse_flips_a_single_item_frame(final, codebook):
    # a frame of conf_b only, coded no, yes, -, -, no for r1..r5.
    # reversed (as in the codebook): 1, 0, NaN, NaN, 1; not reversed: 0, 1, NaN, NaN, 0 = 1 - x
    book = codebook[codebook["variable"] == "conf_b"].reset_index(drop=True)
    a = fr.frame_scores(final, book)
    b = fr.frame_scores(final, book.assign(reverse=~book["reverse"]))
    np.testing.assert_array_equal(a["score"], [1, 0, nan, nan, 1])
    np.testing.assert_array_equal(b["score"], [0, 1, nan, nan, 0])


def test_frame_scores_ignore_other_roles_and_unknown_variables(final, codebook):
    extra = pd.concat([final, pd.DataFrame([{"report_id": "r1", "variable": "not_in_codebook",
                                             "value": "zzz"}])], ignore_index=True)
    pd.testing.assert_frame_equal(fr.frame_scores(extra, codebook), fr.frame_scores(final, codebook))


def test_frame_scores_report_without_frame_rows_gets_nan(codebook):
    final = pd.DataFrame({"report_id": ["a", "b"], "variable": ["conf_a", "tone"], "value": ["yes", 2]})
    got = fr.frame_scores(final, codebook)
    # b has no frame item: NaN with 0 items, not left out
    assert got.loc[got["report_id"] == "b", "n_items"].tolist() == [0, 0]
    assert got.loc[got["report_id"] == "b", "score"].isna().all()


def test_frame_scores_bad_value_names_report_and_variable(final, codebook):
    bad = final.copy()
    bad.loc[(bad["report_id"] == "r2") & (bad["variable"] == "conf_a"), "value"] = "maybe"
    with pytest.raises(DataError, match=r"report r2: value 'maybe' of nominal variable conf_a"):
        fr.frame_scores(bad, codebook)


def test_frame_scores_ordinal_item_with_one_code(codebook):
    book = codebook[codebook["variable"] == "resp_level"].reset_index(drop=True)
    book.at[0, "codes"] = ("high",)
    final = pd.DataFrame({"report_id": ["r1"], "variable": ["resp_level"], "value": ["high"]})
    with pytest.raises(DataError, match="ordinal frame item resp_level has 1 code"):
        fr.frame_scores(final, book)


def test_frame_scores_duplicate_rows_raise(final, codebook):
    with pytest.raises(DataError, match="more than one row"):
        fr.frame_scores(pd.concat([final, final.head(1)]), codebook)


def test_frame_profile_by_hand(final, codebook, reports):
    scores = fr.frame_scores(final, codebook)
    got = fr.frame_profile(scores, reports, by="outlet", n_boot=2000, seed=1)
    assert list(got.columns) == ["outlet", *fr.FRAME_PROFILE_COLUMNS]
    # groups sorted (Daily B, TV C, Wire A), frames sorted (conflict, responsibility)
    assert got[["outlet", "frame"]].values.tolist() == [
        ["Daily B", "conflict"], ["Daily B", "responsibility"], ["TV C", "conflict"],
        ["TV C", "responsibility"], ["Wire A", "conflict"], ["Wire A", "responsibility"]]
    # Daily B: conflict (0.5 + 0) / 2 = 0.25; responsibility (0.5 + 0) / 2 = 0.25
    # TV C: r4 has no score, so only r5: conflict 0.5, responsibility 0.75 (n = 1)
    # Wire A: r1 only: 1.0 and 1.0
    np.testing.assert_allclose(got["score"], [0.25, 0.25, 0.5, 0.75, 1.0, 1.0])
    assert got["n"].tolist() == [2, 2, 1, 1, 1, 1]
    assert got["note"].tolist() == ["", "", fr.ONE_REPORT, fr.ONE_REPORT, fr.ONE_REPORT, fr.ONE_REPORT]
    assert got["ci_low"].iloc[2:].isna().all() and got["ci_high"].iloc[2:].isna().all()
    # Daily B, two scores {0.5, 0}: a resample's mean is 0 (p = 1/4), 0.25 (1/2) or 0.5 (1/4).
    # The 2.5% and 97.5% quantiles of 2000 such means are 0 and 0.5 (each end has ~500 draws).
    assert got["ci_low"].iloc[:2].tolist() == [0.0, 0.0]
    assert got["ci_high"].iloc[:2].tolist() == [0.5, 0.5]


def test_frame_profile_other_grouping_and_missing_group(final, codebook, reports):
    scores = fr.frame_scores(final, codebook)
    got = fr.frame_profile(scores, reports, by="wire", n_boot=0)
    # wire: r2 is "Wire A" copy, the others have no wire -> one NaN group, sorted last
    assert got["wire"].iloc[:2].tolist() == ["Wire A", "Wire A"]
    assert got["wire"].iloc[2:].isna().all()
    # NaN group, conflict: r1 1.0, r3 0.0, r5 0.5 (r4 unscored) -> 1.5 / 3 = 0.5
    assert got["score"].iloc[2] == pytest.approx(0.5)
    assert got["n"].iloc[2] == 3
    assert got["note"].iloc[2] == fr.NO_BOOTSTRAP


def test_frame_profile_no_scored_report(codebook, reports):
    scores = pd.DataFrame({"report_id": ["r4"], "frame": ["conflict"], "score": [nan], "n_items": [0]})
    got = fr.frame_profile(scores, reports)
    assert got["n"].tolist() == [0] and np.isnan(got["score"].iloc[0])
    assert got["note"].tolist() == [fr.NO_REPORT]


def test_frame_profile_seeded_and_independent_of_other_groups(final, codebook, reports):
    scores = fr.frame_scores(final, codebook)
    rng = np.random.default_rng(5)
    many = pd.DataFrame({"report_id": [f"x{i}" for i in range(12)], "frame": "conflict",
                         "score": rng.uniform(size=12)})
    more_reports = pd.concat([reports, pd.DataFrame({"report_id": many["report_id"], "outlet": "Big"})],
                             ignore_index=True)
    a = fr.frame_profile(many, more_reports, n_boot=500, seed=3)
    b = fr.frame_profile(many, more_reports, n_boot=500, seed=3)
    c = fr.frame_profile(many, more_reports, n_boot=500, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert a["ci_low"].iloc[0] != c["ci_low"].iloc[0]
    both = fr.frame_profile(pd.concat([scores, many], ignore_index=True), more_reports, n_boot=500, seed=3)
    pd.testing.assert_frame_equal(both[both["outlet"] == "Big"].reset_index(drop=True), a)


def test_frame_profile_interval_matches_scipy_percentile_bootstrap():
    # independent implementation: scipy.stats.bootstrap, percentile method
    x = np.random.default_rng(11).beta(2, 5, size=40)
    scores = pd.DataFrame({"report_id": [f"r{i}" for i in range(40)], "frame": "f", "score": x})
    reports = pd.DataFrame({"report_id": scores["report_id"], "outlet": "o"})
    got = fr.frame_profile(scores, reports, n_boot=20000, ci=0.9, seed=0)
    ref = scipy.stats.bootstrap((x,), np.mean, n_resamples=20000, confidence_level=0.9,
                                method="percentile", random_state=1).confidence_interval
    # two Monte Carlo runs of 20000: they agree to about 0.003 on a standard error of ~0.03
    assert got["ci_low"].iloc[0] == pytest.approx(ref.low, abs=0.005)
    assert got["ci_high"].iloc[0] == pytest.approx(ref.high, abs=0.005)
    assert got["score"].iloc[0] == pytest.approx(x.mean())


@pytest.mark.parametrize("kwargs, message", [
    ({"by": "nope"}, "not a column of reports"),
    ({"by": "score"}, "clash"),
    ({"ci": 1.0}, "strictly between 0 and 1"),
    ({"n_boot": -1}, "whole number"),
    ({"seed": 1.5}, "whole number"),
])
def test_frame_profile_bad_options(final, codebook, reports, kwargs, message):
    scores = fr.frame_scores(final, codebook)
    with pytest.raises(ValueError, match=message):
        fr.frame_profile(scores, reports.assign(score=1), **kwargs)


def test_frame_profile_unknown_report(final, codebook, reports):
    scores = fr.frame_scores(final, codebook)
    with pytest.raises(DataError, match="r5 are not in reports"):
        fr.frame_profile(scores, reports.iloc[:4])


# ---------------------------------------------------------------------------------------------
# 2. claims
# ---------------------------------------------------------------------------------------------

def test_claim_stances(final, codebook, reports):
    got = fr.claim_stances(final, codebook, reports)
    assert tuple(got.columns) == fr.CLAIM_STANCE_COLUMNS
    # the one claim, in time order; r2 and r4 both at 09:00 -> by report_id
    assert got["report_id"].tolist() == ["r1", "r2", "r4", "r3", "r5"]
    assert got["value"].tolist() == ["denied", "asserted", "denied", "attributed", "not_addressed"]
    assert got["outlet"].tolist() == ["Wire A", "Daily B", "TV C", "Daily B", "TV C"]
    assert got["evidence"].iloc[0] == "r1 progress"
    assert str(got["published"].dtype) == "datetime64[ns, UTC]"


def test_contradictions_by_hand(final, codebook, reports):
    got = fr.contradictions(final, codebook, reports)
    assert tuple(got.columns) == fr.CONTRADICTION_COLUMNS
    # pairs (asserted, denied): r2 x {r1, r4}; (attributed, denied): r3 x {r1, r4}.
    # a = earlier: r1 (06:00) < r2 (09:00); r2 vs r4 both 09:00 -> r2 by id; r1 < r3 (12:00);
    # r4 (09:00) < r3 (12:00). Sorted by a's time then b's time.
    assert got[["report_a", "report_b"]].values.tolist() == [["r1", "r2"], ["r1", "r3"], ["r2", "r4"], ["r4", "r3"]]
    assert got[["value_a", "value_b"]].values.tolist() == [
        ["denied", "asserted"], ["denied", "attributed"], ["asserted", "denied"], ["denied", "attributed"]]
    assert got["outlet_b"].tolist() == ["Daily B", "Daily B", "TV C", "Daily B"]
    assert got["published_a"].tolist() == [ts("2024-04-08 06:00"), ts("2024-04-08 06:00"),
                                           ts("2024-04-08 09:00"), ts("2024-04-08 09:00")]
    assert got["evidence_b"].iloc[0] == "r2 progress"
    assert set(got["variable"]) == {"progress"}


def test_contradictions_pair_listed_twice_counts_once(final, codebook, reports):
    book = codebook.copy()
    i = book.index[book["variable"] == "progress"][0]
    book.at[i, "contradicts"] = (("asserted", "denied"), ("denied", "asserted"), ("attributed", "denied"))
    pd.testing.assert_frame_equal(fr.contradictions(final, book, reports),
                                  fr.contradictions(final, codebook, reports))


def test_contradictions_none(final, codebook, reports):
    book = codebook.copy()
    book.at[book.index[book["variable"] == "progress"][0], "contradicts"] = ()
    got = fr.contradictions(final, book, reports)
    assert got.empty and tuple(got.columns) == fr.CONTRADICTION_COLUMNS


def test_claim_timeline_by_hand(final, codebook, reports):
    got = fr.claim_timeline(final, codebook, reports)
    assert tuple(got.columns) == fr.TIMELINE_COLUMNS
    # claim codes are those in contradicts: asserted, attributed, denied (not_addressed is in no
    # pair). Codebook order: asserted (r2 09:00), attributed (r3 12:00), denied (r1 Wire A 06:00,
    # then r4 TV C 09:00).
    assert got["value"].tolist() == ["asserted", "attributed", "denied"]
    assert got["first_report"].tolist() == ["r2", "r3", "r1"]
    assert got["first_outlet"].tolist() == ["Daily B", "Daily B", "Wire A"]
    assert got["n_reports"].tolist() == [1, 1, 2]
    assert got["outlets_in_order"].tolist() == [("Daily B",), ("Daily B",), ("Wire A", "TV C")]
    assert got["first_published"].tolist() == [ts("2024-04-08 09:00"), ts("2024-04-08 12:00"),
                                               ts("2024-04-08 06:00")]
    assert got["first_time_known"].tolist() == [True, True, True]  # no published_time_known column
    # no value labels given: the codes; the variable label comes from the codebook
    assert got["value_label"].tolist() == ["asserted", "attributed", "denied"]
    assert set(got["variable_label"]) == {codebook.set_index("variable").at["progress", "label"]}


def test_claim_timeline_all_codes_and_labels(final, codebook, reports):
    values = pd.DataFrame({"variable": "progress", "code": ["asserted", "attributed", "denied", "not_addressed"],
                           "label": ["Asserted", "Attributed", "Denied", "Not addressed"]})
    got = fr.claim_timeline(final, codebook, reports, values=values, all_codes=True)
    assert got["value"].tolist() == ["asserted", "attributed", "denied", "not_addressed"]
    assert got["value_label"].tolist() == ["Asserted", "Attributed", "Denied", "Not addressed"]
    # a claim without contradicts pairs keeps every code
    book = codebook.copy()
    book.at[book.index[book["variable"] == "progress"][0], "contradicts"] = ()
    assert fr.claim_timeline(final, book, reports)["value"].tolist() == got["value"].tolist()


def test_claim_timeline_date_only_first(final, codebook, reports):
    # r4 (denied) gave only the date 8 April: it stands for the whole day, so it may have come
    # before r1's 06:00 and is the first report of "denied", with its time unknown
    dated = reports.assign(published=reports["published"].where(reports["report_id"] != "r4",
                                                                ts("2024-04-08 00:00")),
                           published_time_known=reports["report_id"] != "r4")
    got = fr.claim_timeline(final, codebook, dated).set_index("value")
    assert got.loc["denied", ["first_report", "first_time_known"]].tolist() == ["r4", False]
    assert got.loc["denied", "outlets_in_order"] == ("TV C", "Wire A")
    assert got.loc["asserted", "first_time_known"]


def test_claim_timeline_one_variable_and_errors(final, codebook, reports):
    pd.testing.assert_frame_equal(fr.claim_timeline(final, codebook, reports, variable="progress"),
                                  fr.claim_timeline(final, codebook, reports))
    with pytest.raises(ValueError, match="not a claim of the codebook; claims: progress"):
        fr.claim_timeline(final, codebook, reports, variable="lab_held")


def test_claims_outlet_repeats_once_in_order(codebook, reports):
    # r1 (Wire A, 06:00), r2 (Daily B, 09:00), r3 (Daily B, 12:00), r5 (TV C): all "denied"
    final = pd.DataFrame({"report_id": ["r3", "r5", "r2", "r1"], "variable": "progress", "value": "denied"})
    got = fr.claim_timeline(final, codebook, reports)
    assert got["outlets_in_order"].tolist() == [("Wire A", "Daily B", "TV C")]
    assert got["n_reports"].tolist() == [4]


# ---------------------------------------------------------------------------------------------
# 3. labels
# ---------------------------------------------------------------------------------------------

def test_label_shares_by_hand(final, codebook, reports):
    got = fr.label_shares(final, codebook, reports)
    assert list(got.columns) == ["variable", "referent", "outlet", "code", "n", "share"]
    # Daily B: r2 captives, r3 hostages -> 1/2 each (codebook order: hostages, captives);
    # TV C: r4 prisoners, r5 none -> 1/2 each; Wire A: r1 hostages -> 1/1.
    assert got[["outlet", "code", "n"]].values.tolist() == [
        ["Daily B", "hostages", 1], ["Daily B", "captives", 1], ["TV C", "prisoners", 1],
        ["TV C", "none", 1], ["Wire A", "hostages", 1]]
    np.testing.assert_allclose(got["share"], [0.5, 0.5, 0.5, 0.5, 1.0])
    assert set(got["referent"]) == {"People held in Gaza"}


def test_label_shares_other_grouping(final, codebook, reports):
    got = fr.label_shares(final, codebook, reports, by="outlet_type")
    # private r1, r2, r3: hostages 2/3, captives 1/3; state r4, r5: prisoners 1/2, none 1/2
    assert got[["outlet_type", "code", "n"]].values.tolist() == [
        ["private", "hostages", 2], ["private", "captives", 1], ["state", "prisoners", 1], ["state", "none", 1]]
    np.testing.assert_allclose(got["share"], [2 / 3, 1 / 3, 1 / 2, 1 / 2])


def test_label_distribution_by_hand(final, codebook):
    got = fr.label_distribution(final, codebook)
    assert tuple(got.columns) == fr.LABEL_DISTRIBUTION_COLUMNS
    # 5 reports: hostages r1 r3 = 2/5; captives, prisoners, none 1/5 each
    assert got["code"].tolist() == ["hostages", "captives", "prisoners", "none"]
    assert got["n"].tolist() == [2, 1, 1, 1]
    np.testing.assert_allclose(got["share"], [0.4, 0.2, 0.2, 0.2])


def test_label_skips_unresolved(final, codebook, reports):
    final = final.copy()
    final.loc[(final["report_id"] == "r3") & (final["variable"] == "lab_held"), "value"] = nan
    got = fr.label_shares(final, codebook, reports)
    # Daily B now has only r2 (captives): 1/1
    daily = got[got["outlet"] == "Daily B"]
    assert daily["code"].tolist() == ["captives"] and daily["share"].tolist() == [1.0]


# ---------------------------------------------------------------------------------------------
# 4. figures
# ---------------------------------------------------------------------------------------------

def test_figure_deviations_by_hand(final, codebook, figures, reports):
    got = fr.figure_deviations(final, codebook, figures, reports)
    assert tuple(got.columns) == fr.FIGURE_DEVIATION_COLUMNS
    # fig_deaths (reference 100): r1 100 -> 0; r2 90 -> -10, -10/100; r3 120 -> +20, 0.2;
    # r4 cites none (left out); r5 100 -> 0. fig_held (reference 10, no attribution variable):
    # r1 10 -> 0; r3 10 -> 0; r4 12 -> +2, 2/10.
    assert got[["report_id", "variable"]].values.tolist() == [
        ["r1", "fig_deaths"], ["r2", "fig_deaths"], ["r3", "fig_deaths"], ["r5", "fig_deaths"],
        ["r1", "fig_held"], ["r3", "fig_held"], ["r4", "fig_held"]]
    np.testing.assert_allclose(got["cited"], [100, 90, 120, 100, 10, 10, 12])
    np.testing.assert_allclose(got["reference"], [100, 100, 100, 100, 10, 10, 10])
    np.testing.assert_allclose(got["abs_dev"], [0, -10, 20, 0, 0, 0, 2])
    np.testing.assert_allclose(got["rel_dev"], [0, -0.1, 0.2, 0, 0, 0, 0.2])
    assert got["attribution"].iloc[:4].tolist() == ["ministry", "hamas_run", "unattributed", "ministry"]
    assert got["attribution"].iloc[4:].isna().all()
    assert got["outlet"].tolist() == ["Wire A", "Daily B", "Daily B", "TV C", "Wire A", "Daily B", "TV C"]


def test_figure_deviations_carry_dates_and_provenance(final, codebook, figures, reports):
    dated = reports.assign(published_time_known=reports["report_id"] != "r5")
    sourced = figures.assign(source=["Ministry of Health, daily report", None],
                             as_of=[pd.Timestamp("2024-04-09").date(), None])
    got = fr.figure_deviations(final, codebook, sourced, dated).set_index(["variable", "report_id"])
    # r2 was published 2024-04-08T09:00Z (REPORTS); r5 gave a date only
    assert got.loc[("fig_deaths", "r2"), "published"] == pd.Timestamp("2024-04-08T09:00Z")
    assert bool(got.loc[("fig_deaths", "r2"), "published_time_known"])
    assert not bool(got.loc[("fig_deaths", "r5"), "published_time_known"])
    assert got.loc[("fig_deaths", "r1"), "reference_source"] == "Ministry of Health, daily report"
    assert got.loc[("fig_deaths", "r1"), "reference_as_of"] == pd.Timestamp("2024-04-09").date()
    assert got.loc[("fig_held", "r1"), "reference_source"] == ""
    assert got.loc[("fig_held", "r1"), "reference_as_of"] is None
    # fig_deaths is cited by r1, r2, r3 (8 April) and r5 (9 April): three came before the
    # reference's day; fig_held has no as_of
    spread = fr.figure_spread(final, codebook, sourced, dated)
    assert spread["n_before_reference"].tolist() == [3, 0]
    # without the optional columns: no dates, no provenance
    plain = fr.figure_deviations(final, codebook, figures, reports[["report_id", "outlet"]])
    assert plain["published"].isna().all() and plain["published_time_known"].all()
    assert fr.figure_spread(final, codebook, figures, reports)["n_before_reference"].tolist() == [0, 0]


def test_figure_deviation_attribution_not_coded_is_nan(final, codebook, figures, reports):
    final = final[~((final["report_id"] == "r2") & (final["variable"] == "fig_deaths_src"))]
    got = fr.figure_deviations(final, codebook, figures, reports)
    assert pd.isna(got.loc[got["report_id"].eq("r2") & got["variable"].eq("fig_deaths"), "attribution"].iloc[0])


def test_figure_deviation_zero_reference(final, codebook, figures, reports):
    got = fr.figure_deviations(final, codebook, figures.assign(value=[0.0, 10.0]), reports)
    deaths = got[got["variable"] == "fig_deaths"]
    np.testing.assert_allclose(deaths["abs_dev"], [100, 90, 120, 100])
    assert deaths["rel_dev"].isna().all()


def test_figure_deviation_not_a_number(final, codebook, figures, reports):
    bad = final.copy()
    bad.loc[(bad["report_id"] == "r1") & (bad["variable"] == "fig_deaths"), "value"] = "many"
    with pytest.raises(DataError, match="report r1: value 'many' of ratio variable fig_deaths"):
        fr.figure_deviations(bad, codebook, figures, reports)


def test_figure_without_reference(final, codebook, figures, reports):
    with pytest.raises(DataError, match="figure 'held' of variable fig_held has no reference value"):
        fr.figure_deviations(final, codebook, figures.iloc[:1], reports)


def test_figure_spread_by_hand(final, codebook, figures, reports):
    got = fr.figure_spread(final, codebook, figures, reports)
    assert tuple(got.columns) == fr.FIGURE_SPREAD_COLUMNS
    deaths, held = got.iloc[0], got.iloc[1]
    # fig_deaths cited 90, 100, 100, 120 by Wire A, Daily B (2), TV C:
    # median (100 + 100) / 2 = 100; Q1 at position 0.75: 90 + 0.75 * 10 = 97.5;
    # Q3 at position 2.25: 100 + 0.25 * 20 = 105; IQR 7.5. Distinct 3; exact (=100) 2;
    # attributions ministry, hamas_run, unattributed: 3.
    assert (deaths["n"], deaths["n_outlets"], deaths["min"], deaths["median"], deaths["max"]) == (4, 3, 90, 100, 120)
    assert deaths["iqr"] == pytest.approx(7.5)
    assert (deaths["n_distinct"], deaths["n_exact"], deaths["n_attributions"]) == (3, 2, 3)
    # fig_held cited 10, 10, 12: Q1 at 0.5 -> 10, Q3 at 1.5 -> 11, IQR 1; no attribution variable
    assert (held["n"], held["n_outlets"], held["min"], held["median"], held["max"]) == (3, 3, 10, 10, 12)
    assert held["iqr"] == pytest.approx(1.0)
    assert (held["n_distinct"], held["n_exact"], held["n_attributions"]) == (2, 2, 0)
    assert held["reference"] == 10.0


def test_figure_spread_no_number_cited(final, codebook, figures, reports):
    final = final[final["variable"] != "fig_held"]
    held = fr.figure_spread(final, codebook, figures, reports).iloc[1]
    assert held["n"] == 0 and np.isnan(held["median"]) and np.isnan(held["iqr"])


# ---------------------------------------------------------------------------------------------
# 5. facts and sources
# ---------------------------------------------------------------------------------------------

def test_fact_matrix_by_hand(final, codebook, reports):
    got = fr.fact_matrix(final, codebook, reports)
    assert list(got.columns) == ["outlet", "fact", "reported", "n", "n_not_yet"]
    # Daily B (r2, r3): x (1 + 0)/2; y (0 + 0)/2; z only r3 coded: 0/1
    # TV C (r4, r5):    x (1 + 1)/2; y (1 + 0)/2; z (1 + 1)/2
    # Wire A (r1):      x 1; y 1; z 0
    assert got[["outlet", "fact"]].values.tolist() == [
        [o, f] for o in ("Daily B", "TV C", "Wire A") for f in ("x", "y", "z")]
    np.testing.assert_allclose(got["reported"], [0.5, 0.0, 0.0, 1.0, 0.5, 1.0, 1.0, 1.0, 0.0])
    assert got["n"].tolist() == [2, 2, 1, 2, 2, 2, 1, 1, 1]
    assert got["n_not_yet"].tolist() == [0] * 9   # no facts table: every report could mention every fact


def test_completeness_by_hand(final, codebook, reports):
    got = fr.completeness(final, codebook, reports)
    assert list(got.columns) == ["outlet", "completeness", "n_facts", "n", "n_not_yet"]
    # per report: r1 2/3; r2 1/2 (z not coded); r3 0/3; r4 3/3; r5 2/3
    # Daily B (1/2 + 0)/2 = 0.25; TV C (1 + 2/3)/2 = 5/6; Wire A 2/3
    np.testing.assert_allclose(got["completeness"], [0.25, 5 / 6, 2 / 3])
    assert got["outlet"].tolist() == ["Daily B", "TV C", "Wire A"]
    assert got["n_facts"].tolist() == [3, 3, 3] and got["n"].tolist() == [2, 2, 1]


def test_completeness_equals_mean_of_fact_matrix_when_all_coded(final, codebook, reports):
    full = final.copy()
    full.loc[(full["report_id"] == "r2") & (full["variable"] == "fact_z"), "value"] = "no"
    comp = fr.completeness(full, codebook, reports).set_index("outlet")["completeness"]
    mean = fr.fact_matrix(full, codebook, reports).groupby("outlet")["reported"].mean()
    pd.testing.assert_series_equal(comp, mean, check_names=False)


# when each fact became knowable: x always; y at 10:00 UTC on 8 April (a clock time); z on the
# day of 9 April (a date only)
FACT_TIMES = pd.DataFrame({"id": ["x", "y", "z"], "label": ["x", "y", "z"],
                           "as_of": pd.to_datetime([None, "2024-04-08T10:00Z", "2024-04-09"], utc=True,
                                                   format="ISO8601"),
                           "as_of_time_known": [False, True, False]})


def test_fact_matrix_leaves_out_reports_before_a_fact(final, codebook, reports):
    got = fr.fact_matrix(final, codebook, reports, facts=FACT_TIMES)
    # published: r1 8 Apr 06:00, r2 09:00, r3 12:00, r4 09:00, r5 9 Apr 08:00.
    # y (10:00, clock time on both sides): r1, r2, r4 came before -> not yet; r3, r5 possible.
    # z (the day 9 April; reports compared by UTC day): r1-r4 on 8 April -> not yet;
    #   r5 on 9 April, the same day: unknown order, counted as possible.
    # x: as without facts.
    # Daily B (r2, r3): x 1/2; y r3 no -> 0/1 (r2 left out); z r2 not coded, r3 left out -> NaN.
    # TV C (r4, r5):    x 2/2; y r5 no -> 0/1 (r4's "yes" left out too); z r5 yes -> 1/1.
    # Wire A (r1):      x 1/1; y and z left out -> NaN (without facts: y 1, z an omission, 0).
    np.testing.assert_allclose(got["reported"], [0.5, 0.0, nan, 1.0, 0.0, 1.0, 1.0, nan, nan])
    assert got["n"].tolist() == [2, 1, 0, 2, 1, 1, 1, 0, 0]
    assert got["n_not_yet"].tolist() == [0, 1, 1, 0, 1, 1, 0, 1, 1]


def test_fact_matrix_date_only_report_on_the_day_counts_as_possible(final, codebook, reports):
    # r1 gave the date 8 April only: its order against y (10:00 that day) is unknown -> possible
    dated = reports.assign(published=reports["published"].where(reports["report_id"] != "r1",
                                                                pd.Timestamp("2024-04-08", tz="UTC")),
                           published_time_known=reports["report_id"] != "r1")
    got = fr.fact_matrix(final, codebook, dated, facts=FACT_TIMES).set_index(["outlet", "fact"])
    assert (got.loc[("Wire A", "y"), "reported"], got.loc[("Wire A", "y"), "n"]) == (1.0, 1)
    assert got.loc[("Wire A", "y"), "n_not_yet"] == 0
    # the same report on 7 April (date only) came a day before: not yet possible
    earlier = dated.assign(published=dated["published"].where(dated["report_id"] != "r1",
                                                              pd.Timestamp("2024-04-07", tz="UTC")))
    got = fr.fact_matrix(final, codebook, earlier, facts=FACT_TIMES).set_index(["outlet", "fact"])
    assert got.loc[("Wire A", "y"), "n"] == 0 and got.loc[("Wire A", "y"), "n_not_yet"] == 1
    # a fact known to the day only and a report with a clock time that day: possible too
    assert got.loc[("TV C", "z"), "n"] == 1


def test_completeness_leaves_out_facts_not_yet_possible(final, codebook, reports):
    got = fr.completeness(final, codebook, reports, facts=FACT_TIMES)
    # possible facts per report (FACT_TIMES): r1 x yes -> 1/1; r2 x yes (y not yet, z not
    # coded) -> 1/1; r3 x no, y no (z not yet) -> 0/2; r4 x yes (y, z not yet) -> 1/1;
    # r5 x yes, y no, z yes -> 2/3.
    # Daily B (1 + 0)/2 = 0.5; TV C (1 + 2/3)/2 = 5/6; Wire A 1.
    np.testing.assert_allclose(got["completeness"], [0.5, 5 / 6, 1.0])
    assert got["n"].tolist() == [2, 2, 1]
    # reports judged on fewer facts: Daily B r2, r3; TV C r4; Wire A r1
    assert got["n_not_yet"].tolist() == [2, 1, 1]
    assert got["n_facts"].tolist() == [3, 3, 3]


def test_facts_without_as_of_change_nothing(final, codebook, reports):
    open_facts = FACT_TIMES.assign(as_of=pd.NaT, as_of_time_known=False)
    for f in (fr.fact_matrix, fr.completeness):
        pd.testing.assert_frame_equal(f(final, codebook, reports, facts=open_facts), f(final, codebook, reports))


def test_facts_table_checked(final, codebook, reports):
    with pytest.raises(DataError, match="fact 'z' of the codebook has no row in facts"):
        fr.fact_matrix(final, codebook, reports, facts=FACT_TIMES.iloc[:2])
    bad = FACT_TIMES.assign(as_of=["soon", None, None])
    with pytest.raises(DataError, match="as_of 'soon' is not a date or time"):
        fr.completeness(final, codebook, reports, facts=bad)
    # as_of as text: a date alone is a day, a date and time an instant
    text = FACT_TIMES.drop(columns="as_of_time_known").assign(as_of=[None, "2024-04-08T10:00Z", "2024-04-09"])
    pd.testing.assert_frame_equal(fr.fact_matrix(final, codebook, reports, facts=text),
                                  fr.fact_matrix(final, codebook, reports, facts=FACT_TIMES))


def test_source_mix_by_hand(final, codebook, reports):
    got = fr.source_mix(final, codebook, reports)
    assert list(got.columns) == ["outlet", "source", "n", "share"]
    # sources in codebook order Hamas, Israel, Egypt.
    # Daily B: r2 I+E, r3 none -> 0, 1, 1 of 2.  TV C: r4 H+E, r5 E -> 1, 0, 2 of 3.
    # Wire A: r1 H+I -> 1, 1, 0 of 2.
    assert got["n"].tolist() == [0, 1, 1, 1, 0, 2, 1, 1, 0]
    np.testing.assert_allclose(got["share"], [0, 0.5, 0.5, 1 / 3, 0, 2 / 3, 0.5, 0.5, 0])
    assert got["source"].tolist() == ["Hamas", "Israel", "Egypt"] * 3


def test_source_diversity_by_hand_and_against_scipy(final, codebook, reports):
    got = fr.source_diversity(final, codebook, reports)
    assert list(got.columns) == ["outlet", "entropy", "n_sources", "n_reports"]
    # Daily B (1/2, 1/2): 1 bit. TV C (1/3, 2/3): -(1/3 log2 1/3 + 2/3 log2 2/3) = 0.918296 bits.
    # Wire A (1/2, 1/2): 1 bit.
    np.testing.assert_allclose(got["entropy"], [1.0, 0.9182958340544896, 1.0])
    np.testing.assert_allclose(got["entropy"].iloc[1], scipy.stats.entropy([1, 0, 2], base=2))
    assert got["n_sources"].tolist() == [2, 2, 2] and got["n_reports"].tolist() == [2, 2, 1]
    by_type = fr.source_diversity(final, codebook, reports, by="outlet_type")
    # private r1-r3: H 1, I 2, E 1 of 4 -> (1/4, 1/2, 1/4): 0.5 + 0.5 + 0.5 = 1.5 bits
    assert by_type["entropy"].iloc[0] == pytest.approx(1.5)
    assert by_type["entropy"].iloc[0] == pytest.approx(scipy.stats.entropy([1, 2, 1], base=2))


def test_source_group_quoting_no_one(codebook, reports):
    final = pd.DataFrame({"report_id": ["r3"] * 3, "variable": ["src_h", "src_i", "src_e"], "value": "no"})
    mix = fr.source_mix(final, codebook, reports)
    assert mix["n"].tolist() == [0, 0, 0] and mix["share"].isna().all()
    div = fr.source_diversity(final, codebook, reports)
    assert np.isnan(div["entropy"].iloc[0]) and div["n_sources"].iloc[0] == 0 and div["n_reports"].iloc[0] == 1


def test_one_source_only_has_zero_entropy(codebook, reports):
    final = pd.DataFrame({"report_id": ["r1", "r1"], "variable": ["src_h", "src_i"], "value": ["yes", "no"]})
    div = fr.source_diversity(final, codebook, reports)
    assert div["entropy"].tolist() == [0.0]


def test_yes_no_role_without_yes_code(final, codebook, reports):
    book = codebook.copy()
    book.loc[book["variable"] == "src_h", "yes_code"] = None
    with pytest.raises(DataError, match="src_h .role source. has no yes code"):
        fr.source_mix(final, book, reports)


def test_two_variables_for_one_fact(final, codebook, reports):
    book = codebook.copy()
    book.loc[book["variable"] == "fact_y", "fact"] = "x"
    with pytest.raises(DataError, match="fact 'x' is coded by two variables"):
        fr.fact_matrix(final, book, reports)


def test_missing_columns(final, codebook, reports):
    with pytest.raises(DataError, match="column.s. value missing"):
        fr.frame_scores(final.drop(columns="value"), codebook)
    with pytest.raises(DataError, match="column.s. referent missing"):
        fr.label_shares(final, codebook.drop(columns="referent"), reports)
    with pytest.raises(DataError, match="must be a pandas DataFrame"):
        fr.claim_stances(final.to_dict(), codebook, reports)


def test_works_on_the_template_event(template_dir):
    # the loader's tables straight in: one coder's codes stand in for consolidated ones
    from analysis import load_event
    event = load_event(template_dir)
    final = event.codes[event.codes["coder"] == "coder_a"].drop(columns="coder")
    scores = fr.frame_scores(final, event.codebook)
    # ex-1: disagreement yes (1), consensus no, reversed (1): 1.0
    assert scores.loc[scores["report_id"] == "ex-1", "score"].tolist() == [1.0]
    assert len(fr.contradictions(final, event.codebook, event.reports)) == 2
    assert fr.figure_spread(final, event.codebook, event.figures, event.reports)["n"].tolist() == [2]


# ---------------------------------------------------------------------------------------------
# properties (hypothesis): strategies in one place
# ---------------------------------------------------------------------------------------------

def _codes_of(book):
    out = {}
    for var in book.itertuples(index=False):
        out[var.variable] = list(var.codes) if var.codes else [0.0, 5.0, 10.0, 100.0, 120.0]
    return out


CODEBOOK = make_codebook()
ALLOWED = _codes_of(CODEBOOK)
OUTLETS = ["Wire A", "Daily B", "TV C", "Radio D"]


@st.composite
def events(draw):
    """A random small event: final codes (with NaN) and reports, in the fixture's codebook."""
    n = draw(st.integers(min_value=1, max_value=6))
    ids = [f"r{i}" for i in range(n)]
    rows = []
    for rid in ids:
        for variable in VARIABLES:
            value = draw(st.one_of(st.just(nan), st.sampled_from(ALLOWED[variable])))
            rows.append({"report_id": rid, "variable": variable, "value": value,
                         "evidence": f"{rid} {variable}"})
    final = pd.DataFrame(rows)
    final["value"] = final["value"].astype(object)
    hours = draw(st.lists(st.integers(min_value=0, max_value=5), min_size=n, max_size=n))
    reports = pd.DataFrame({
        "report_id": ids,
        "outlet": draw(st.lists(st.sampled_from(OUTLETS), min_size=n, max_size=n)),
        "published": pd.to_datetime("2024-04-08", utc=True) + pd.to_timedelta(hours, unit="h"),
        "wire": draw(st.lists(st.sampled_from(["Wire A", nan]), min_size=n, max_size=n)),
    })
    perm = draw(st.permutations(range(len(final))))
    return final, reports, list(perm)


def _all_results(final, reports):
    figures = make_figures()
    scores = fr.frame_scores(final, CODEBOOK)
    return {
        "scores": scores,
        "profile": fr.frame_profile(scores, reports, n_boot=50, seed=2),
        "stances": fr.claim_stances(final, CODEBOOK, reports),
        "contradictions": fr.contradictions(final, CODEBOOK, reports),
        "timeline": fr.claim_timeline(final, CODEBOOK, reports),
        "labels": fr.label_shares(final, CODEBOOK, reports),
        "labels_wire": fr.label_shares(final, CODEBOOK, reports, by="wire"),
        "distribution": fr.label_distribution(final, CODEBOOK),
        "deviations": fr.figure_deviations(final, CODEBOOK, figures, reports),
        "spread": fr.figure_spread(final, CODEBOOK, figures, reports),
        "facts": fr.fact_matrix(final, CODEBOOK, reports),
        "completeness": fr.completeness(final, CODEBOOK, reports),
        "mix": fr.source_mix(final, CODEBOOK, reports, by="wire"),
        "diversity": fr.source_diversity(final, CODEBOOK, reports),
    }


@PROPERTY
@given(events())
def test_property_ranges_and_sums(event):
    final, reports, _ = event
    out = _all_results(final, reports)
    scores = out["scores"]["score"].dropna()
    assert ((scores >= 0) & (scores <= 1)).all()
    profile = out["profile"]
    for col in ("score", "ci_low", "ci_high"):
        assert ((profile[col].dropna() >= 0) & (profile[col].dropna() <= 1)).all()
    ok = profile["ci_low"].notna()
    assert (profile.loc[ok, "ci_low"] <= profile.loc[ok, "ci_high"] + 1e-12).all()
    for key, group in (("labels", ["variable", "outlet"]), ("labels_wire", ["variable", "wire"]),
                       ("distribution", ["variable"])):
        sums = out[key].groupby(group, dropna=False)["share"].sum()
        np.testing.assert_allclose(sums, 1.0)
    mix = out["mix"].dropna(subset=["share"])
    np.testing.assert_allclose(mix.groupby("wire", dropna=False)["share"].sum(), 1.0)
    facts = out["facts"]["reported"].dropna()
    assert ((facts >= 0) & (facts <= 1)).all()
    comp = out["completeness"]["completeness"]
    assert ((comp >= 0) & (comp <= 1)).all()
    ent = out["diversity"]
    assert (ent["entropy"].dropna() >= 0).all()
    assert (ent["entropy"].dropna() <= np.log2(ent.loc[ent["entropy"].notna(), "n_sources"]) + 1e-9).all()
    # a contradiction's report a is never published after its report b
    c = out["contradictions"]
    assert (c["published_a"] <= c["published_b"]).all()


@pytest.mark.slow  # several seconds: run by the full suite, not the fast tier
@PROPERTY
@given(events())
def test_property_row_order_and_no_mutation(event):
    final, reports, perm = event
    final_before, reports_before = final.copy(deep=True), reports.copy(deep=True)
    book_before = CODEBOOK.copy(deep=True)
    first = _all_results(final, reports)
    pd.testing.assert_frame_equal(final, final_before)
    pd.testing.assert_frame_equal(reports, reports_before)
    pd.testing.assert_frame_equal(CODEBOOK, book_before)
    shuffled = final.iloc[perm].reset_index(drop=True)
    shuffled_reports = reports.iloc[::-1].reset_index(drop=True)
    second = _all_results(shuffled, shuffled_reports)
    for key in first:
        pd.testing.assert_frame_equal(first[key], second[key], obj=key)


@PROPERTY
@given(events(), st.lists(st.sampled_from(["conf_a", "conf_b", "resp_level", "resp_sol"]), max_size=4))
def test_property_reversing_twice_is_identity(event, items):
    final, _, _ = event
    book = CODEBOOK.copy()
    once = book.copy()
    mask = once["variable"].isin(items)
    once.loc[mask, "reverse"] = ~once.loc[mask, "reverse"]
    twice = once.copy()
    twice.loc[mask, "reverse"] = ~twice.loc[mask, "reverse"]
    pd.testing.assert_frame_equal(fr.frame_scores(final, twice), fr.frame_scores(final, book))
    # and reversing every item of a frame turns each score s into 1 - s
    every = book.assign(reverse=~book["reverse"].astype(bool))
    a, b = fr.frame_scores(final, book), fr.frame_scores(final, every)
    np.testing.assert_allclose(a["score"], 1 - b["score"])


def test_codes_as_columns_attaches_final_codes():
    from analysis.framing import codes_as_columns

    reports = pd.DataFrame({"report_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"]})
    final = pd.DataFrame({"report_id": ["a", "b", "a"], "variable": ["v", "v", "w"], "value": ["p", "q", 1.0]})
    out = codes_as_columns(reports, final, ["v", "w"])
    assert out["v"].tolist()[:2] == ["p", "q"] and pd.isna(out["v"].iloc[2])
    assert out["w"].iloc[0] == 1.0 and out["w"].iloc[1:].isna().all()
    assert list(reports.columns) == ["report_id", "outlet"]  # not mutated
