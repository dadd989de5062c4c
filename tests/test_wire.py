"""Tests of analysis.wire: what reprints changed against their source."""
import numpy as np
import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.wire import wire_edit_summary, wire_edits

COLUMNS = ["report_id", "outlet", "source_report", "source_outlet", "variable", "role",
           "source_value", "value", "change", "source_evidence", "evidence"]


@pytest.fixture
def codebook():
    return pd.DataFrame({
        "variable": ["frame_conflict", "progress", "label_captives", "toll", "toll_source",
                     "fact_burns", "src_hamas"],
        "level": ["nominal", "nominal", "nominal", "ratio", "nominal", "nominal", "nominal"],
        "role": ["frame_item", "claim", "label", "figure", "other", "fact", "source"],
        "codes": [("yes", "no"), ("asserted", "denied"), ("hostages", "prisoners", "none"), (),
                  ("ministry", "unattributed"), ("yes", "no"), (1, 0)],
        "yes_code": ["yes", None, None, None, None, "yes", 1],
    })


def final_table(values, rules=None):
    """values: {report_id: {variable: value}} -> a consolidated table."""
    rows = []
    for rid, per in values.items():
        for var, value in per.items():
            rule = (rules or {}).get((rid, var), "unanimous")
            rows.append((rid, var, value, f"ev {rid} {var}" if not pd.isna(value) else np.nan, rule, 2))
    return pd.DataFrame(rows, columns=["report_id", "variable", "value", "evidence", "rule", "n_coders"])


@pytest.fixture
def event():
    wire = {"frame_conflict": "yes", "progress": "denied", "label_captives": "hostages", "toll": 33175.0,
            "toll_source": "ministry", "fact_burns": "yes", "src_hamas": 0}
    reprint = {**wire, "frame_conflict": "no", "label_captives": "prisoners", "toll": 33000.0,
               "toll_source": "unattributed", "fact_burns": "no", "src_hamas": 1}
    faithful = dict(wire)
    no_toll = {**wire, "toll": np.nan, "label_captives": np.nan}
    final = final_table({"w1": wire, "d1": reprint, "d2": faithful, "d3": no_toll,
                         "d4": {**wire, "label_captives": "none"}, "e1": reprint})
    reports = pd.DataFrame({
        "report_id": ["w1", "d1", "d2", "d3", "d4", "e1"],
        "outlet": ["Wire", "Daily", "Herald", "Post", "Times", "External"],
        "derived_from": [np.nan, "w1", "w1", "w1", "w1", "AFP-2024-0408"],
    })
    return final, reports


def test_reprint_that_turns_hostages_into_prisoners(event, codebook):
    final, reports = event
    edits = wire_edits(final, codebook, reports)
    assert list(edits.columns) == COLUMNS
    d1 = edits[edits["report_id"] == "d1"].set_index("variable")
    # frame items and "other" variables are not compared by default; identical claims give no row
    assert d1.index.tolist() == ["label_captives", "toll", "fact_burns", "src_hamas"]
    assert d1.loc["label_captives", ["source_value", "value", "change"]].tolist() == \
        ["hostages", "prisoners", "changed"]
    assert d1.loc["label_captives", ["source_outlet", "outlet", "source_report"]].tolist() == \
        ["Wire", "Daily", "w1"]
    assert d1.loc["label_captives", "evidence"] == "ev d1 label_captives"
    assert d1.loc["toll", ["source_value", "value", "change"]].tolist() == [33175.0, 33000.0, "changed"]
    assert d1.loc["fact_burns", "change"] == "dropped"               # yes -> no: the fact is cut
    assert d1.loc["src_hamas", "change"] == "added"                  # 0 -> 1: a source is added
    assert d1["role"].tolist() == ["label", "figure", "fact", "source"]


def test_only_differences_and_missing_values(event, codebook):
    final, reports = event
    edits = wire_edits(final, codebook, reports)
    assert "d2" not in set(edits["report_id"])                       # a faithful reprint: no row
    assert "e1" not in set(edits["report_id"])                       # its source is not in the event
    d3 = edits[edits["report_id"] == "d3"]
    # a figure no longer cited is dropped; a label not coded is not compared
    assert d3[["variable", "change"]].values.tolist() == [["toll", "dropped"]]
    d4 = edits[edits["report_id"] == "d4"]
    assert d4[["variable", "source_value", "value", "change"]].values.tolist() == \
        [["label_captives", "hostages", "none", "changed"]]


def test_unresolved_codes_are_not_compared(codebook):
    final = final_table({"w": {"label_captives": "hostages", "toll": 10.0},
                         "r": {"label_captives": np.nan, "toll": np.nan}},
                        rules={("r", "label_captives"): "tie", ("r", "toll"): "single_coder"})
    reports = pd.DataFrame({"report_id": ["w", "r"], "outlet": ["W", "R"], "derived_from": [np.nan, "w"]})
    assert wire_edits(final, codebook, reports).empty
    # without the rule column, a missing figure means "not cited"
    plain = final.drop(columns="rule")
    assert wire_edits(plain, codebook, reports)[["variable", "change"]].values.tolist() == [["toll", "dropped"]]


def test_roles_option_and_other_variables(event, codebook):
    final, reports = event
    edits = wire_edits(final, codebook, reports, roles=["other", "frame_item"])
    d1 = edits[edits["report_id"] == "d1"]
    assert d1[["variable", "change"]].values.tolist() == [["frame_conflict", "dropped"],
                                                          ["toll_source", "changed"]]


def test_summary_counts_by_outlet_and_role(event, codebook):
    final, reports = event
    summary = wire_edit_summary(wire_edits(final, codebook, reports))
    assert list(summary.columns) == ["outlet", "role", "n_changed", "n_added", "n_dropped"]
    assert summary.values.tolist() == [
        ["Daily", "label", 1, 0, 0], ["Daily", "figure", 1, 0, 0], ["Daily", "fact", 0, 0, 1],
        ["Daily", "source", 0, 1, 0], ["Post", "figure", 0, 0, 1], ["Times", "label", 1, 0, 0]]
    empty = wire_edit_summary(wire_edits(final, codebook, reports.assign(derived_from=np.nan)))
    assert empty.empty and list(empty.columns) == list(summary.columns)


def test_pure_and_order_free(event, codebook):
    final, reports = event
    before = (final.copy(), reports.copy(), codebook.copy())
    edits = wire_edits(final, codebook, reports)
    for got, was in zip((final, reports, codebook), before):
        pd.testing.assert_frame_equal(got, was)
    shuffled = wire_edits(final.sample(frac=1, random_state=2), codebook, reports.iloc[::-1])
    pd.testing.assert_frame_equal(edits, shuffled)


def test_bad_input_is_named(event, codebook):
    final, reports = event
    with pytest.raises(DataError, match="derived_from"):
        wire_edits(final, codebook, reports.drop(columns="derived_from"))
    with pytest.raises(DataError, match="more than one row"):
        wire_edits(pd.concat([final, final.iloc[:1]]), codebook, reports)
    with pytest.raises(DataError, match="change 'moved' is unknown"):
        wire_edit_summary(pd.DataFrame({"outlet": ["a"], "role": ["label"], "change": ["moved"]}))
