"""Tests of analysis.autocode: a planted label is learned, random labels are not, splits keep
outlets and wire stories together, scikit-learn conventions hold, machine codes enter an Event.

The synthetic events are written as event folders in the format of data/README.md and loaded
with load_event, so the whole path from files to agreement figures is exercised.
"""
from __future__ import annotations

import dataclasses
import doctest

import krippendorff
import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import f1_score, recall_score
from sklearn.utils.estimator_checks import check_estimator

import analysis.coding_data as cd
import analysis.termcoder as tc
import analysis.machine_agreement as ma
from analysis import load_event
from analysis.autocode import (
    CROSS_VAL_COLUMNS,
    EVALUATION_COLUMNS,
    RECALL_COLUMNS,
    TermCoder,
    autocode,
    cross_val_codes,
    evaluate,
    feature_matrix,
    machine_codes,
    per_class_recall,
    report_groups,
    train,
)
from analysis.reliability import reliability

LABELS = ("hostages", "captives", "prisoners")
# the package lexicon (analysis/lexicons/labels.yaml) codes label_captives "none" when no word
# for the captives is found, so the codebook has that code, as the real one has
TONES = ("negative", "neutral", "positive")
CODEBOOK = {
    "variables": [
        {"name": "label_captives", "label": "Word for the captives", "question": "Which word?",
         "level": "nominal", "values": {c: c for c in LABELS + ("none",)}, "role": "label",
         "referent": "people held"},
        {"name": "tone", "label": "Tone", "question": "Tone?", "level": "ordinal",
         "values": {c: c for c in TONES}, "role": "other"},
        {"name": "rare", "label": "Rare", "question": "Rare?", "level": "nominal",
         "values": {"yes": "Yes", "no": "No"}, "role": "other"},
        {"name": "constant", "label": "Constant", "question": "Constant?", "level": "nominal",
         "values": {"yes": "Yes", "no": "No"}, "role": "other"},
        {"name": "scarce", "label": "Scarce", "question": "Scarce?", "level": "nominal",
         "values": {"yes": "Yes", "no": "No"}, "role": "other"},
        {"name": "src_ministry", "label": "Quotes ministry", "question": "Quoted?",
         "level": "nominal", "values": {1: "Yes", 0: "No"}, "role": "source", "source": "Ministry"},
        {"name": "fig_deaths", "label": "Deaths", "question": "Number?", "level": "ratio",
         "role": "other"},
    ]
}


def synthetic_reports(n, rng):
    """n reports from n // 4 outlets; a wire agency with reprints; a derived_from chain."""
    outlets = [f"Outlet {i // 4:02d}" for i in range(n)]
    wire = [""] * n
    derived = [""] * n
    for i in range(0, 12):          # twelve reprints of one agency's copy, in three outlets
        wire[i] = "Agency"
    for i in range(12, 16):         # ... and the agency's own reports
        outlets[i] = "Agency"
    derived[40], derived[60], derived[80] = "r060", "r080", "story-9"   # r040 <- r060 <- r080
    derived[100] = "story-9"
    return pd.DataFrame({
        "report_id": [f"r{i:03d}" for i in range(n)], "outlet": outlets,
        "published": "2024-04-07", "url": [f"https://example.org/{i}" for i in range(n)],
        "wire": wire, "derived_from": derived})


def synthetic_codes(ids, rng):
    """Two coders plus adjudication. label_captives: planted; tone: random; rare: 3 'yes';
    constant: all 'no'; scarce: 8 reports coded; src_ministry: planted (term 'ministry')."""
    n = len(ids)
    truth = {
        "label_captives": rng.choice(LABELS, n),
        "tone": rng.choice(TONES, n),
        "rare": np.where(np.arange(n) < 3, "yes", "no"),
        "constant": np.full(n, "no", dtype=object),
        "scarce": np.where(np.arange(n) % 2 == 0, "yes", "no"),
        "src_ministry": rng.integers(0, 2, n),
    }
    rows = []
    for var, values in truth.items():
        for i, rid in enumerate(ids):
            if var == "scarce" and i >= 8:
                continue
            a = values[i]
            # coder_b disagrees on 10% of the reports; the adjudicator sides with coder_a
            b = values[(i + 1) % n] if rng.random() < 0.1 else a
            rows.append((rid, "coder_a", var, a, ""))
            rows.append((rid, "coder_b", var, b, ""))
            if a != b:
                rows.append((rid, "adjudicated", var, a, ""))
    codes = pd.DataFrame(rows, columns=["report_id", "coder", "variable", "value", "evidence"])
    return codes, truth


def synthetic_terms(ids, truth, rng, *, vocabulary=200, noise=15):
    """Each report: its planted words plus `noise` random words from a shared vocabulary."""
    words = [f"w{j:03d}" for j in range(vocabulary)]
    rows = []
    for i, rid in enumerate(ids):
        counts = {}
        for w in rng.choice(words, noise, replace=False):
            counts[w] = int(rng.choice([1, 1, 1, 2, 3]))
        counts[truth["label_captives"][i]] = int(rng.integers(1, 3))
        if truth["src_ministry"][i] == 1:
            counts["ministry"] = int(rng.integers(1, 3))
        rows.extend((rid, t, c) for t, c in sorted(counts.items()))
    return pd.DataFrame(rows, columns=["report_id", "term", "count"])


def write_event(folder, *, n=120, seed=1):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    reports = synthetic_reports(n, rng)
    codes, truth = synthetic_codes(reports["report_id"].tolist(), rng)
    terms = synthetic_terms(reports["report_id"].tolist(), truth, rng)
    (folder / "event.yaml").write_text(yaml.safe_dump(
        {"id": "synthetic", "title": "Synthetic event", "start": "2024-04-05", "end": "2024-04-11"}))
    (folder / "codebook.yaml").write_text(yaml.safe_dump(CODEBOOK, sort_keys=False))
    reports.to_csv(folder / "reports.csv", index=False)
    codes.to_csv(folder / "codes.csv", index=False)
    terms.to_csv(folder / "terms.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def event(tmp_path_factory):
    return load_event(write_event(tmp_path_factory.mktemp("synthetic") / "event"))


@pytest.fixture(scope="module")
def evaluation(event):
    return evaluate(event, n_boot=500, seed=0)


def row_of(table, variable):
    return table.set_index("variable").loc[variable]


# ---------------------------------------------------------------------------------------------
# learning what is there, and not what is not
# ---------------------------------------------------------------------------------------------

def test_evaluate_shape(evaluation, event):
    assert list(evaluation.columns) == list(EVALUATION_COLUMNS)
    # nominal and ordinal variables, in codebook order; the ratio figure is not machine coded
    assert evaluation["variable"].tolist() == event.variables()[:-1]


def test_planted_label_is_learned(evaluation):
    row = row_of(evaluation, "label_captives")
    assert row["status"] == "learnable"
    assert row["n_reports"] == 120 and row["n_classes"] == 3
    assert row["alpha_machine_human"] > 0.9
    assert row["macro_f1"] > 0.9
    assert row["macro_f1_ci_low"] <= row["macro_f1"] <= row["macro_f1_ci_high"]
    assert row["alpha_ci_low"] <= row["alpha_machine_human"] <= row["alpha_ci_high"]
    # far above the majority-class baseline, whose alpha is at most 0
    assert row["baseline_macro_f1"] < 0.4
    assert row["baseline_alpha"] <= 0.0 + 1e-9
    # the coders agree on about 90% of reports
    assert 0.7 < row["human_alpha"] < 0.95
    # int codes (SPSS style) are learned and given back as the codebook's ints
    assert row_of(evaluation, "src_ministry")["alpha_machine_human"] > 0.8


def test_random_labels_are_not_learned(evaluation):
    row = row_of(evaluation, "tone")
    assert row["status"] == "learnable"
    assert abs(row["alpha_machine_human"]) < 0.3
    assert row["macro_f1"] < 0.45                    # chance is about 1/3


def test_not_learnable_variables_are_reported(evaluation):
    status = evaluation.set_index("variable")["status"]
    assert status["rare"].startswith("not learnable: the second most frequent code 'yes' has 3")
    assert status["constant"] == "not learnable: every coded report has the code 'no'; nothing to tell apart"
    assert status["scarce"].startswith("not learnable: only 8 report(s)")
    unlearnable = evaluation[evaluation["status"] != "learnable"]
    assert unlearnable[["macro_f1", "alpha_machine_human", "baseline_alpha"]].isna().all().all()
    assert (unlearnable["n_splits"] == 0).all()


def test_one_group_only_is_not_learnable(event):
    one_outlet = event.reports.assign(outlet="Only outlet")
    ev = dataclasses.replace(event, reports=one_outlet)
    table = evaluate(ev, variables=["label_captives"], n_boot=0)
    assert table.loc[0, "status"] == ("not learnable: cross-validation is not possible: the 120 "
                                      "reports form one group (shared outlet, wire or derived_from)")


def test_fewer_groups_than_folds_reduces_folds(event):
    three = event.reports.assign(outlet=[f"O{i % 3}" for i in range(len(event.reports))],
                                 wire=np.nan, derived_from=np.nan)
    ev = dataclasses.replace(event, reports=three)
    table = evaluate(ev, variables=["label_captives"], n_boot=0)
    assert table.loc[0, "n_splits"] == 3 and table.loc[0, "n_groups"] == 3
    assert "3 folds instead of 5" in table.loc[0, "note"]


def test_lexicon_beside_the_machine(event, evaluation):
    # the package lexicon reads "prisoners" alone as no word for the captives (it is ambiguous
    # with Palestinian prisoners), so it misses a third of the planted labels
    row = row_of(evaluation, "label_captives")
    assert 0.2 < row["lexicon_alpha"] < row["alpha_machine_human"]
    assert evaluation.loc[evaluation["variable"] != "label_captives", "lexicon_alpha"].isna().all()
    own = {"entries": [{"variable": "label_captives", "absent": "none",
                        "codes": {c: [c] for c in LABELS}}]}
    table = evaluate(event, variables=["label_captives"], n_boot=0, lexicon=own)
    assert table.loc[0, "lexicon_alpha"] == 1.0
    table = evaluate(event, variables=["label_captives"], n_boot=0, lexicon=False)
    assert np.isnan(table.loc[0, "lexicon_alpha"]) and table.loc[0, "note"] == ""


def test_metrics_match_sklearn_and_krippendorff(event, evaluation):
    """Point estimates recomputed from the out-of-fold codes with independent implementations."""
    oof = cross_val_codes(event, variables=["label_captives", "tone"], seed=0)
    for variable, level, codes in (("label_captives", "nominal", LABELS), ("tone", "ordinal", TONES)):
        sub = oof[oof["variable"] == variable]
        present = [c for c in codes if c in set(sub["human"])]
        f1 = f1_score(sub["human"].tolist(), sub["model"].tolist(), labels=present,
                      average="macro", zero_division=0)
        rank = {c: i for i, c in enumerate(codes)}
        data = np.array([[rank[v] for v in sub["human"]], [rank[v] for v in sub["model"]]], float)
        alpha = krippendorff.alpha(reliability_data=data, level_of_measurement=level,
                                   value_domain=list(range(len(codes))))
        row = row_of(evaluation, variable)
        assert row["macro_f1"] == pytest.approx(f1, abs=1e-12)
        assert row["alpha_machine_human"] == pytest.approx(alpha, abs=1e-12)
        base = f1_score(sub["human"].tolist(), sub["baseline"].tolist(), labels=present,
                        average="macro", zero_division=0)
        assert row["baseline_macro_f1"] == pytest.approx(base, abs=1e-12)


def test_per_class_recall(event):
    table = per_class_recall(event, variables=["label_captives", "rare"])
    assert list(table.columns) == list(RECALL_COLUMNS)
    # the unlearnable variable has no rows; every code of the learnable one has
    assert table["variable"].unique().tolist() == ["label_captives"]
    # every code of the codebook, the one no human used with support 0 and no recall
    assert table["code"].tolist() == list(LABELS) + ["none"]
    assert table["support"].iloc[-1] == 0 and np.isnan(table["recall"].iloc[-1])
    oof = cross_val_codes(event, variables=["label_captives"])
    expected = recall_score(oof["human"].tolist(), oof["model"].tolist(), labels=list(LABELS),
                            average=None)
    np.testing.assert_allclose(table["recall"].to_numpy()[:3], expected)
    assert table["support"].sum() == 120


def test_macro_f1_interval_edge():
    rng = np.random.default_rng(0)
    f1, lo, hi = ma.macro_f1_interval(["a", "b", "a"], ["a", "b", "a"], ("a", "b"), 200, rng)
    assert (f1, lo, hi) == (1.0, 1.0, 1.0)


# ---------------------------------------------------------------------------------------------
# grouped cross-validation
# ---------------------------------------------------------------------------------------------

def test_report_groups_follow_outlet_wire_and_derivation(event):
    groups = report_groups(event.reports).set_index("report_id")["group"]
    assert list(report_groups(event.reports).columns) == ["report_id", "group"]
    # reprints of the agency's copy and its own reports: one group across three outlets
    assert groups[[f"r{i:03d}" for i in range(16)]].nunique() == 1
    # a derived_from chain across outlets, and two reports deriving from one wire story id
    assert groups[["r040", "r060", "r080", "r100"]].nunique() == 1
    assert groups["r040"] == groups["r043"]        # r043 is in r040's outlet
    assert groups["r020"] != groups["r040"]


def test_splits_never_separate_an_outlet_or_a_story(event):
    oof = cross_val_codes(event, n_splits=5, seed=3)
    assert list(oof.columns) == list(CROSS_VAL_COLUMNS)
    rep = event.reports.set_index("report_id")
    for variable, sub in oof.groupby("variable"):
        folds = sub.set_index("report_id")["fold"]
        assert folds.nunique() == 5
        # each report is a test report exactly once, so a group on both sides of some split
        # would show up as a group spread over two folds
        for column in ("outlet", "wire"):
            spread = folds.groupby(rep[column].reindex(folds.index)).nunique()
            assert (spread == 1).all(), (variable, column)
        chain = folds[["r040", "r060", "r080", "r100"]]
        assert chain.nunique() == 1
        assert folds[[f"r{i:03d}" for i in range(16)]].nunique() == 1


def test_splits_with_sklearn_directly(event):
    """The same assertion on the splitter's own output, split by split."""
    from sklearn.model_selection import StratifiedGroupKFold

    groups = report_groups(event.reports)
    labels = cd.human_labels(event.codes, event.codebook,
                             cd.chosen_variables(event.codebook, ["label_captives"]))
    g = groups.set_index("report_id")["group"].reindex(labels["report_id"]).to_numpy()
    outlet = event.reports.set_index("report_id")["outlet"].reindex(labels["report_id"]).to_numpy()
    y = labels["value"].to_numpy()
    for train_idx, test_idx in StratifiedGroupKFold(5, shuffle=True, random_state=0).split(y, y, g):
        assert not set(outlet[train_idx]) & set(outlet[test_idx])
        assert not set(g[train_idx]) & set(g[test_idx])


# ---------------------------------------------------------------------------------------------
# scikit-learn conventions
# ---------------------------------------------------------------------------------------------

X_TOY = [{"hostages": 2, "talks": 1}, {"captives": 1, "talks": 2}, {"hostages": 1},
         {"captives": 3}] * 5
Y_TOY = ["hostages", "captives", "hostages", "captives"] * 5


def test_get_params_round_trip_and_clone():
    coder = TermCoder(C=0.5, min_df=2, random_state=7)
    params = coder.get_params()
    assert params == {"C": 0.5, "use_idf": False, "sublinear_tf": True, "min_df": 2,
                      "class_weight": "balanced", "max_iter": 1000, "random_state": 7}
    again = TermCoder().set_params(**params)
    assert again.get_params() == params
    copy = clone(coder)
    assert copy is not coder and copy.get_params() == params
    fitted = TermCoder().fit(X_TOY, Y_TOY)
    assert not hasattr(clone(fitted), "pipeline_")


def test_unfitted_raises_and_fitted_predicts():
    with pytest.raises(NotFittedError):
        TermCoder().predict(X_TOY)
    coder = TermCoder().fit(X_TOY, Y_TOY)
    assert coder.classes_.tolist() == ["captives", "hostages"]
    assert coder.predict([{"hostages": 1}, {"captives": 1}]).tolist() == ["hostages", "captives"]
    proba = coder.predict_proba(X_TOY)
    assert proba.shape == (20, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    assert coder.decision_function(X_TOY).shape == (20,)
    assert coder.score(X_TOY, Y_TOY) == 1.0


def test_inputs_of_every_accepted_form_agree():
    texts = ["The hostages and the talks.", "Captives. Talks, talks.", "hostages", "captives captives captives"] * 5
    coder = TermCoder().fit(texts, Y_TOY)
    from_dicts = TermCoder().fit(X_TOY, Y_TOY)
    wide = pd.DataFrame(X_TOY).fillna(0)
    from_wide = TermCoder().fit(wide, Y_TOY)
    new = [{"hostages": 1, "talks": 1}, {"captives": 2}]
    assert coder.predict(["hostages held", "the captives"]).tolist() == ["hostages", "captives"]
    assert from_dicts.predict(new).tolist() == from_wide.predict(pd.DataFrame(new).fillna(0)).tolist()
    with pytest.raises(ValueError, match="long term-count table"):
        TermCoder().fit(pd.DataFrame({"report_id": ["a"], "term": ["x"], "count": [1]}), ["a"])
    with pytest.raises(ValueError, match="Negative values"):
        TermCoder().fit([{"x": -1}, {"y": 1}], ["a", "b"])
    with pytest.raises(ValueError, match="at least 2 classes"):
        TermCoder().fit(X_TOY, ["a"] * 20)


@pytest.mark.slow  # several seconds: run by the full suite, not the fast tier
def test_sklearn_estimator_checks():
    """scikit-learn's own checks; those that do not apply to a term-count model are listed."""
    expected_failed = {
        # made for counts: each report's weights are log-scaled and scaled to unit length, which
        # keeps the direction of a dense feature vector and drops its magnitude, so Gaussian
        # blobs (what this check fits) are not separated to the accuracy it asks for
        "check_classifiers_train": "term weighting is for counts, not dense blobs",
        # these two feed negative numbers although the estimator's tags say positive_only
        "check_class_weight_classifiers": "negative counts are refused",
        "check_decision_proba_consistency": "negative counts are refused",
    }
    failures = []

    def callback(*, estimator, check_name, exception, status, expected_to_fail, expected_to_fail_reason):
        if status == "failed" and not expected_to_fail:
            failures.append((check_name, repr(exception)[:300]))

    check_estimator(TermCoder(), on_fail=None, on_skip=None, callback=callback,
                    expected_failed_checks=expected_failed)
    assert failures == []


def test_doctests():
    # the examples of TermCoder and feature_matrix, which analysis.autocode re-exports
    results = [doctest.testmod(m, optionflags=doctest.ELLIPSIS) for m in (tc, cd)]
    assert sum(r.failed for r in results) == 0 and sum(r.attempted for r in results) >= 2


def test_feature_matrix(event):
    rows = feature_matrix(event.terms, ["r001", "nope", "r000"])
    assert rows[1] == {}
    sub = event.terms[event.terms["report_id"] == "r000"]
    assert rows[2] == dict(zip(sub["term"], sub["count"]))
    before = event.terms.copy()
    feature_matrix(event.terms, ["r000"])
    pd.testing.assert_frame_equal(event.terms, before)


# ---------------------------------------------------------------------------------------------
# machine codes in an Event, autocoding, determinism
# ---------------------------------------------------------------------------------------------

def test_machine_codes_enter_an_event(event):
    models = train(event, seed=0)
    assert list(models) == ["label_captives", "tone", "src_ministry"]
    codes = machine_codes(models, event.terms, event.reports)
    assert list(codes.columns) == ["report_id", "coder", "variable", "value", "evidence"]
    assert set(codes["coder"]) == {"model:tfidf-logreg"}
    assert len(codes) == 3 * 120
    ints = codes.loc[codes["variable"] == "src_ministry", "value"]
    assert all(type(v) is int for v in ints)
    words = codes["evidence"].dropna().str.split().str.len()
    assert words.max() <= 12
    # the planted word is the evidence for the planted label
    lab = codes[codes["variable"] == "label_captives"]
    assert all(str(v) in str(e).split("; ") for v, e in zip(lab["value"], lab["evidence"]))

    extended = event.with_codes(codes)
    assert "model:tfidf-logreg" in extended.coders
    assert len(extended.codes) == len(event.codes) + len(codes)
    # every analysis can now compare humans with the machine, e.g. reliability
    table = reliability(extended.codes, extended.codebook, coders=["coder_a", "model:tfidf-logreg"],
                        n_boot=0)
    assert table.set_index("variable").loc["label_captives", "alpha"] > 0.8
    with pytest.raises(ValueError, match="already in the event"):
        extended.with_codes(codes)
    # machine codes neither train the machine nor count as a human coder
    pd.testing.assert_frame_equal(evaluate(extended, variables=["label_captives"], n_boot=0),
                                  evaluate(event, variables=["label_captives"], n_boot=0))


def test_one_coder_per_report_is_enough(event):
    """A lone coder's code (consolidate's rule single_coder) is a training label."""
    alone = dataclasses.replace(event, codes=event.codes[event.codes["coder"] == "coder_a"]
                                .reset_index(drop=True))
    oof = cross_val_codes(alone, variables=["label_captives"])
    assert len(oof) == 120 and set(oof["rule"]) == {"single_coder"}
    table = evaluate(alone, variables=["label_captives"], n_boot=0)
    assert table.loc[0, "alpha_machine_human"] > 0.9
    assert np.isnan(table.loc[0, "human_alpha"])      # one coder: no human-human alpha


def test_progress_bar_only_when_asked(event, capsys):
    cross_val_codes(event, variables=["label_captives"])
    assert capsys.readouterr().err == ""
    cross_val_codes(event, variables=["label_captives"], progress=True)
    assert "cross-validating" in capsys.readouterr().err


def test_autocode_codes_only_uncoded_reports(event):
    # drop the human codes of ten reports: these are the ones to code
    uncoded = [f"r{i:03d}" for i in range(110, 120)]
    partial = dataclasses.replace(event, codes=event.codes[~event.codes["report_id"].isin(uncoded)]
                                  .reset_index(drop=True))
    sheet = autocode(partial, partial, seed=0)
    assert sorted(sheet["report_id"].unique()) == uncoded
    assert set(sheet["variable"]) == {"label_captives", "tone", "src_ministry"}
    truth = event.codes[(event.codes["coder"] == "coder_a") & (event.codes["variable"] == "label_captives")]
    truth = truth.set_index("report_id")["value"]
    lab = sheet[sheet["variable"] == "label_captives"].set_index("report_id")["value"]
    assert (lab == truth.reindex(lab.index)).mean() >= 0.9
    partial.with_codes(sheet)          # loads without a clash


def test_autocode_from_text(event):
    """Reports that carry text instead of term counts are coded through the package tokenizer."""
    new = event.reports.iloc[:4].copy()
    new["report_id"] = ["n1", "n2", "n3", "n4"]
    new["text"] = ["Families of the hostages marched.", "The captives were moved.",
                   "Prisoners were exchanged.", ""]
    target = dataclasses.replace(event, reports=new, codes=event.codes.iloc[:0], terms=None)
    sheet = autocode(target, event, variables=["label_captives"])
    got = sheet.set_index("report_id")["value"].to_dict()
    assert got == {"n1": "hostages", "n2": "captives", "n3": "prisoners"}   # n4 has no text


def test_autocode_refuses_what_it_cannot_do(event):
    with pytest.raises(ValueError, match="not learnable"):
        autocode(event, event, variables=["rare"])
    with pytest.raises(ValueError, match="interval or ratio"):
        autocode(event, event, variables=["fig_deaths"])
    with pytest.raises(ValueError, match="not in the codebook"):
        evaluate(event, variables=["nope"])
    other = dataclasses.replace(event, codebook=event.codebook[event.codebook["variable"] != "tone"])
    with pytest.raises(ValueError, match="differ between the two codebooks"):
        autocode(other, event, variables=["tone"])
    with pytest.raises(ValueError, match="mapping"):
        machine_codes(TermCoder().fit(X_TOY, Y_TOY), event.terms, event.reports)


def test_determinism_and_no_mutation(event, evaluation):
    before = {k: getattr(event, k).copy() for k in ("reports", "codes", "terms", "codebook")}
    again = evaluate(event, n_boot=500, seed=0)
    pd.testing.assert_frame_equal(again, evaluation)
    a = autocode(event.with_codes(pd.DataFrame(columns=["report_id", "coder", "variable", "value", "evidence"])),
                 event, seed=0)
    assert a.empty                      # every report has human codes
    first = machine_codes(train(event, seed=0), event.terms, event.reports)
    second = machine_codes(train(event, seed=0), event.terms, event.reports)
    pd.testing.assert_frame_equal(first, second)
    for k, frame in before.items():
        pd.testing.assert_frame_equal(getattr(event, k), frame)


def test_remembered_folds_are_those_of_a_fresh_run(event):
    """Cross-validation reuses its last results only for identical inputs: after a run on the
    event, a run on an event with two codes swapped gives what a run with nothing remembered
    gives, and the event itself gives what it gave."""
    from analysis import crossval

    first = cross_val_codes(event, seed=0)
    swap = {"hostages": "captives", "captives": "hostages"}
    codes = event.codes.copy()
    is_label = codes["variable"] == "label_captives"
    codes.loc[is_label, "value"] = codes.loc[is_label, "value"].map(lambda v: swap.get(v, v))
    swapped = dataclasses.replace(event, codes=codes)
    remembered = cross_val_codes(swapped, seed=0)
    crossval.clear_cache()
    fresh = cross_val_codes(swapped, seed=0)
    pd.testing.assert_frame_equal(remembered, fresh)
    label = fresh[fresh["variable"] == "label_captives"]
    old = first[first["variable"] == "label_captives"]
    assert (label["human"].to_numpy() != old["human"].to_numpy()).any()
    crossval.clear_cache()
    pd.testing.assert_frame_equal(cross_val_codes(event, seed=0), first)


def test_machine_agreement_chart():
    import matplotlib.pyplot as plt

    from analysis.plotting.autocode import plot_machine_agreement

    table = pd.DataFrame({"variable": ["a", "b", "c"], "status": ["learnable", "learnable", "not learnable: few"],
                          "alpha_machine_human": [0.9, 0.2, np.nan], "alpha_ci_low": [0.8, -0.1, np.nan],
                          "alpha_ci_high": [1.0, 0.5, np.nan], "human_alpha": [0.95, 0.8, np.nan],
                          "baseline_alpha": [0.0, -0.2, np.nan], "lexicon_alpha": [np.nan, np.nan, np.nan]})
    ax = plot_machine_agreement(table, source="Source: test")
    assert ax.get_title(loc="left") and "alpha" in ax.get_xlabel()
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == ["a", "b"]  # not-learnable left out
    plt.close("all")
