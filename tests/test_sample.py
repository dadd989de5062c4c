"""The sample tables, on a fixture worked by hand."""
import matplotlib.pyplot as plt
import pandas as pd

from analysis.plotting.sample import plot_composition, plot_timeline
from analysis.sample import composition, publication_timeline, wire_groups

REPORTS = pd.DataFrame({
    "report_id": ["a", "b", "c", "d"],
    "outlet": ["X", "X", "Y", "Z"],
    "published": pd.to_datetime(["2024-04-07T23:30Z", "2024-04-08T01:00Z", "2024-04-08T12:00Z",
                                 "2024-04-09T00:00Z"], utc=True),
    "outlet_country": ["EG", "EG", "IL", None],
    "wire": [None, "Reuters", "Reuters", None],
    "derived_from": [None, "c", "zzz", None],
})


def test_composition_counts_reports_and_outlets():
    t = composition(REPORTS, by="outlet_country")
    # EG: reports a, b of outlet X -> 2 reports, 1 outlet, share 2/4
    assert t.values.tolist() == [["EG", 2, 1, 0.5], ["(none)", 1, 1, 0.25], ["IL", 1, 1, 0.25]]
    assert t["share"].sum() == 1.0


def test_timeline_by_utc_day():
    t = publication_timeline(REPORTS)
    assert t["n_reports"].tolist() == [1, 2, 1]  # 7 Apr: a; 8 Apr: b, c; 9 Apr: d
    t2 = publication_timeline(REPORTS, by="wire")
    assert t2[t2["group"] == "Reuters"]["n_reports"].sum() == 2


def test_wire_groups_pairs_reprints_with_sources():
    w = wire_groups(REPORTS)
    assert w[["source_report", "source_outlet", "report_id"]].fillna("?").values.tolist() == [
        ["c", "Y", "b"], ["zzz", "?", "c"]]


def test_input_not_mutated_and_charts_labelled():
    before = REPORTS.copy()
    composition(REPORTS, by="wire")
    publication_timeline(REPORTS, by="outlet")
    pd.testing.assert_frame_equal(REPORTS, before)
    ax = plot_composition(composition(REPORTS, by="outlet"), what="outlet", source="Source: test")
    assert ax.get_title(loc="left") and ax.get_xlabel() == "Reports (count)" and len(ax.patches) == 3
    ax = plot_timeline(publication_timeline(REPORTS, by="wire"))
    assert ax.get_ylabel() == "Reports (count)" and len(ax.patches) == 6  # 3 days x 2 groups
    plt.close("all")
