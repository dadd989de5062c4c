"""Tests of analysis.wire: where reprints differ from their source, and in which direction."""
import numpy as np
import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.wire import wire_edit_summary, wire_edits

COLUMNS = ["report_id", "outlet", "source_report", "source_outlet", "variable", "role", "meaning",
           "direction", "source_value", "value", "change", "source_evidence", "evidence"]
REPRINT = "reprint changed"
UNKNOWN = "copies differ (order unknown)"
LATER = "copies differ (link points to a later report)"


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
        "attribution": [None, None, None, "toll_source", None, None, None],
    })


def final_table(values, rules=None):
    """values: {report_id: {variable: value}} -> a consolidated table."""
    rows = []
    for rid, per in values.items():
        for var, value in per.items():
            rule = (rules or {}).get((rid, var), "unanimous")
            rows.append((rid, var, value, f"ev {rid} {var}" if not pd.isna(value) else np.nan, rule, 2))
    return pd.DataFrame(rows, columns=["report_id", "variable", "value", "evidence", "rule", "n_coders"])


def reports_table(rows):
    """rows: (report_id, outlet, published as written, derived_from)."""
    frame = pd.DataFrame(rows, columns=["report_id", "outlet", "written", "derived_from"])
    return pd.DataFrame({
        "report_id": frame["report_id"], "outlet": frame["outlet"],
        "published": pd.to_datetime(frame["written"], utc=True, format="ISO8601"),
        "published_time_known": frame["written"].str.len() > 10,
        "derived_from": frame["derived_from"]})


WIRE = {"frame_conflict": "yes", "progress": "denied", "label_captives": "hostages", "toll": 33175.0,
        "toll_source": "ministry", "fact_burns": "yes", "src_hamas": 0}
CHANGED = {**WIRE, "frame_conflict": "no", "label_captives": "prisoners", "toll": 33000.0,
           "toll_source": "unattributed", "fact_burns": "no", "src_hamas": 1}


@pytest.fixture
def event():
    # the wire story w1 at 06:00 on 8 April; every reprint is published after it
    no_toll = {**WIRE, "toll": np.nan, "label_captives": np.nan}
    final = final_table({"w1": WIRE, "d1": CHANGED, "d2": dict(WIRE), "d3": no_toll,
                         "d4": {**WIRE, "label_captives": "none"}, "e1": CHANGED})
    reports = reports_table([
        ("w1", "Wire", "2024-04-08T06:00Z", np.nan), ("d1", "Daily", "2024-04-08T09:00+02:00", "w1"),
        ("d2", "Herald", "2024-04-09", "w1"), ("d3", "Post", "2024-04-08T10:00Z", "w1"),
        ("d4", "Times", "2024-04-08T07:00Z", "w1"), ("e1", "External", "2024-04-08", "AFP-2024-0408")])
    return final, reports


def test_reprint_that_turns_hostages_into_prisoners(event, codebook):
    final, reports = event
    edits = wire_edits(final, codebook, reports)
    assert list(edits.columns) == COLUMNS
    d1 = edits[edits["report_id"] == "d1"].set_index("variable")
    # frame items and "other" variables are not compared by default; identical claims give no
    # row; toll_source is the toll's attribution and is compared as such
    assert d1.index.tolist() == ["label_captives", "toll", "toll_source", "fact_burns", "src_hamas"]
    assert d1["role"].tolist() == ["label", "figure", "attribution", "fact", "source"]
    assert d1["meaning"].tolist() == [True, False, True, False, False]
    assert set(d1["direction"]) == {REPRINT}   # 07:00 UTC, after the wire's 06:00
    assert d1.loc["label_captives", ["source_value", "value", "change"]].tolist() == \
        ["hostages", "prisoners", "changed"]
    assert d1.loc["label_captives", ["source_outlet", "outlet", "source_report"]].tolist() == \
        ["Wire", "Daily", "w1"]
    assert d1.loc["label_captives", ["source_evidence", "evidence"]].tolist() == \
        ["ev w1 label_captives", "ev d1 label_captives"]
    assert d1.loc["toll", ["source_value", "value", "change"]].tolist() == [33175.0, 33000.0, "changed"]
    assert d1.loc["toll_source", ["source_value", "value", "change"]].tolist() == \
        ["ministry", "unattributed", "changed"]
    assert d1.loc["fact_burns", "change"] == "dropped"               # yes -> no: the fact is cut
    assert d1.loc["src_hamas", "change"] == "added"                  # 0 -> 1: a source is added


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


def test_link_to_a_later_report_has_no_direction(codebook):
    # d1 (8 April, 09:00 UTC) names w1 as its source, but w1 came out on 9 April at 06:00
    final = final_table({"w1": WIRE, "d1": CHANGED})
    reports = reports_table([("w1", "Wire", "2024-04-09T06:00Z", np.nan),
                             ("d1", "Daily", "2024-04-08T09:00Z", "w1")])
    edits = wire_edits(final, codebook, reports)
    assert len(edits) == 5 and set(edits["direction"]) == {LATER}
    assert set(edits["change"]) == {"differs"}                       # never added / dropped
    assert edits.set_index("variable").loc["fact_burns", ["source_value", "value"]].tolist() == ["yes", "no"]


def test_same_day_without_time_is_order_unknown(codebook):
    # the source gave 8 April without a time; the copy 8 April 23:00 at UTC+3: same local day.
    # A copy dated 9 April against a source at 01:00 UTC on 8 April is after it in every zone.
    final = final_table({"w1": WIRE, "d1": CHANGED, "w2": WIRE, "d2": CHANGED})
    reports = reports_table([("w1", "Wire", "2024-04-08", np.nan), ("d1", "Daily", "2024-04-08T23:00+03:00", "w1"),
                             ("w2", "Wire", "2024-04-08T01:00Z", np.nan), ("d2", "Post", "2024-04-09", "w2")])
    edits = wire_edits(final, codebook, reports)
    assert set(edits.loc[edits["report_id"] == "d1", "direction"]) == {UNKNOWN}
    assert set(edits.loc[edits["report_id"] == "d1", "change"]) == {"differs"}
    assert set(edits.loc[edits["report_id"] == "d2", "direction"]) == {REPRINT}
    assert set(edits.loc[edits["report_id"] == "d2", "change"]) == {"changed", "added", "dropped"}


def test_unresolved_codes_are_not_compared(codebook):
    final = final_table({"w": {"label_captives": "hostages", "toll": 10.0},
                         "r": {"label_captives": np.nan, "toll": np.nan}},
                        rules={("r", "label_captives"): "tie", ("r", "toll"): "single_coder"})
    reports = reports_table([("w", "W", "2024-04-08T06:00Z", np.nan), ("r", "R", "2024-04-08T07:00Z", "w")])
    assert wire_edits(final, codebook, reports).empty
    # without the rule column, a missing figure means "not cited"
    plain = final.drop(columns="rule")
    assert wire_edits(plain, codebook, reports)[["variable", "change"]].values.tolist() == [["toll", "dropped"]]


def test_roles_option_and_other_variables(event, codebook):
    final, reports = event
    edits = wire_edits(final, codebook, reports, roles=["frame_item"])
    d1 = edits[edits["report_id"] == "d1"]
    assert d1[["variable", "change"]].values.tolist() == [["frame_conflict", "dropped"]]
    # without a figure naming it, toll_source is an "other" variable
    plain = codebook.assign(attribution=None)
    edits = wire_edits(final, plain, reports, roles=["other"])
    assert edits.loc[edits["report_id"] == "d1", ["variable", "role", "meaning"]].values.tolist() == \
        [["toll_source", "other", False]]


def test_summary_puts_meaning_first_with_both_evidence(event, codebook):
    final, reports = event
    summary = wire_edit_summary(wire_edits(final, codebook, reports))
    assert list(summary.columns) == ["meaning", "role", "variable", "outlet", "source_outlet", "direction",
                                     "change", "source_value", "value", "source_evidence", "evidence",
                                     "report_id", "source_report"]
    # by hand: labels (d1, d4), attribution (d1), then figure (d1, d3), fact (d1), source (d1)
    assert summary[["role", "report_id"]].values.tolist() == [
        ["label", "d1"], ["label", "d4"], ["attribution", "d1"], ["figure", "d1"], ["figure", "d3"],
        ["fact", "d1"], ["source", "d1"]]
    assert summary["meaning"].tolist() == [True, True, True, False, False, False, False]
    assert summary.loc[2, ["source_evidence", "evidence"]].tolist() == ["ev w1 toll_source", "ev d1 toll_source"]
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
    pd.testing.assert_frame_equal(wire_edit_summary(edits), wire_edit_summary(edits.iloc[::-1]))


def test_bad_input_is_named(event, codebook):
    final, reports = event
    with pytest.raises(DataError, match="derived_from"):
        wire_edits(final, codebook, reports.drop(columns="derived_from"))
    with pytest.raises(DataError, match="published"):
        wire_edits(final, codebook, reports.drop(columns="published"))
    with pytest.raises(DataError, match="more than one row"):
        wire_edits(pd.concat([final, final.iloc[:1]]), codebook, reports)
    edits = wire_edits(final, codebook, reports)
    with pytest.raises(DataError, match="change 'moved' is unknown"):
        wire_edit_summary(edits.assign(change="moved"))
    with pytest.raises(DataError, match="direction 'sideways' is unknown"):
        wire_edit_summary(edits.assign(direction="sideways"))
