"""The sample tables, on fixtures worked by hand; charts never put a date-only report at a time."""
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.plotting.sample import plot_composition, plot_timeline
from analysis.sample import composition, publication_order, publication_timeline, wire_groups

REPORTS = pd.DataFrame({
    "report_id": ["a", "b", "c", "d"],
    "outlet": ["X", "X", "Y", "Z"],
    "published": pd.to_datetime(["2024-04-07T23:30Z", "2024-04-08T01:00Z", "2024-04-08T12:00Z",
                                 "2024-04-09T00:00Z"], utc=True),
    "outlet_country": ["EG", "EG", "IL", None],
    "wire": [None, "Reuters", "Reuters", None],
    "derived_from": [None, "c", "zzz", None],
})
# d gave the date 9 April only (as the loader stores it: 00:00 UTC, time not known)
DATED = REPORTS.assign(published_time_known=[True, True, True, False])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_composition_counts_reports_and_outlets():
    t = composition(REPORTS, by="outlet_country")
    # EG: reports a, b of outlet X -> 2 reports, 1 outlet, share 2/4
    assert t.values.tolist() == [["EG", 2, 1, 0.5], ["(none)", 1, 1, 0.25], ["IL", 1, 1, 0.25]]
    assert t["share"].sum() == 1.0


def test_timeline_by_utc_day():
    t = publication_timeline(REPORTS)
    assert t["n_reports"].tolist() == [1, 2, 1]  # 7 Apr: a; 8 Apr: b, c; 9 Apr: d
    assert t["n_date_only"].tolist() == [0, 0, 0]  # no published_time_known: all times known
    t2 = publication_timeline(REPORTS, by="wire")
    assert t2[t2["group"] == "Reuters"]["n_reports"].sum() == 2
    assert publication_timeline(DATED)["n_date_only"].tolist() == [0, 0, 1]  # d: 9 April, no time


@pytest.mark.parametrize("source, source_known, copy, copy_known, expected", [
    ("2024-04-08T06:00Z", True, "2024-04-08T07:00Z", True, "source first"),
    ("2024-04-08T07:00Z", True, "2024-04-08T06:00Z", True, "source later"),
    ("2024-04-08T07:00Z", True, "2024-04-08T07:00Z", True, "order unknown"),
    ("2024-04-08", False, "2024-04-08", False, "order unknown"),       # same day
    ("2024-04-09", False, "2024-04-08", False, "source later"),        # a later date
    ("2024-04-07", False, "2024-04-08", False, "source first"),
    # 8 April somewhere: from 7 April 10:00 UTC (UTC+14) to 9 April 12:00 UTC (UTC-12)
    ("2024-04-08", False, "2024-04-07T21:22Z", True, "order unknown"),  # 00:22 at UTC+3 on the 8th
    ("2024-04-08", False, "2024-04-07T09:59Z", True, "source later"),
    ("2024-04-08T01:00Z", True, "2024-04-09", False, "source first"),   # 9 April starts 8 April 10:00 UTC
    ("2024-04-08T11:00Z", True, "2024-04-09", False, "order unknown"),
    ("2024-04-09T13:00Z", True, "2024-04-08", False, "source later"),   # after 8 April ends anywhere
])
def test_publication_order_at_the_precision_known(source, source_known, copy, copy_known, expected):
    got = publication_order([pd.Timestamp(source, tz="UTC")], [source_known],
                            [pd.Timestamp(copy, tz="UTC")], [copy_known])
    assert got.tolist() == [expected]


def test_wire_groups_pairs_reprints_with_sources():
    w = wire_groups(REPORTS)
    assert w[["source_report", "source_outlet", "report_id"]].fillna("?").values.tolist() == [
        ["c", "Y", "b"], ["zzz", "?", "c"]]
    # b (01:00) names c (12:00), published after it; zzz is not in the sample
    assert w["order"].tolist() == ["source later", "order unknown"]


def test_input_not_mutated_and_charts_labelled():
    before = REPORTS.copy()
    composition(REPORTS, by="wire")
    publication_timeline(REPORTS, by="outlet")
    pd.testing.assert_frame_equal(REPORTS, before)
    ax = plot_composition(composition(REPORTS, by="outlet"), what="outlet", source="Source: test")
    assert ax.get_title(loc="left") and ax.get_xlabel() == "Reports (count)" and len(ax.patches) == 3
    ax = plot_timeline(publication_timeline(REPORTS, by="wire"))
    # 3 days x 2 groups x (with a time, date only)
    assert ax.get_ylabel() == "Reports (count)" and len(ax.patches) == 12


def test_timeline_bars_are_days_not_times():
    ax = plot_timeline(publication_timeline(DATED, by="wire"))
    bars = [p for p in ax.patches if p.get_height() > 0]
    assert not any(p.get_gid() for p in bars)
    days = mdates.date2num(pd.to_datetime(["2024-04-07", "2024-04-08", "2024-04-09"]))
    # every bar is centred on the middle of its day, and lies within the day
    for p in bars:
        centre = p.get_x() + p.get_width() / 2
        assert centre - np.floor(centre) == pytest.approx(0.5)
        assert np.floor(p.get_x()) == np.floor(p.get_x() + p.get_width())
    hatched = [p for p in bars if p.get_hatch()]
    # the one date-only report (d, 9 April) is the one hatched bar, 1 high
    assert len(hatched) == 1 and hatched[0].get_height() == 1
    assert np.floor(hatched[0].get_x()) == days[2]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("date only" in t for t in legend)
    # ticks at the middle of each day, labelled by the day
    assert [t.get_text() for t in ax.get_xticklabels()] == ["7 Apr", "8 Apr", "9 Apr"]
    np.testing.assert_allclose(ax.get_xticks(), days + 0.5)


def test_timeline_moments():
    moments = [{"time": "2024-04-08T05:00Z", "label": "Al-Qahera reports progress"},
               {"time": "2024-04-07", "label": "talks open"}]
    ax = plot_timeline(publication_timeline(DATED), moments=moments)
    lines = [ln for ln in ax.lines if ln.get_gid() == "moment"]
    at = mdates.date2num(pd.Timestamp("2024-04-08T05:00"))
    assert len(lines) == 1 and np.asarray(lines[0].get_xdata(), dtype=float).tolist() == [at, at]
    # the date-only moment is the whole day: a shaded span from 00:00 to 24:00
    spans = [p for p in ax.patches if p.get_gid() == "moment"]
    day = mdates.date2num(pd.Timestamp("2024-04-07"))
    assert len(spans) == 1
    xs = spans[0].get_patch_transform().transform([(0, 0), (1, 0)])[:, 0]
    assert xs.tolist() == [day, day + 1]
    # numbers at the top in time order, labels under the chart (never over the data)
    assert [t.get_text() for t in ax.texts] == ["1", "2"]
    notes = " ".join(t.get_text() for t in ax.figure.texts)
    assert "1 talks open (07 Apr, time not given); 2 Al-Qahera reports progress (08 Apr 05:00 UTC)" in notes
    frame = pd.DataFrame({"time": pd.to_datetime(["2024-04-08T05:00Z", "2024-04-07"], utc=True, format="ISO8601"),
                          "label": ["Al-Qahera reports progress", "talks open"], "time_known": [True, False]})
    ax2 = plot_timeline(publication_timeline(DATED), moments=frame)
    assert [t.get_position() for t in ax2.texts] == [t.get_position() for t in ax.texts]
