"""Tests of analysis.plotting.framing: each chart on a tiny result table typed in here.

Each test checks that the function returns an Axes with a title, labelled axes and the source
line, and that it draws the expected number of artists for the table (counted by hand in the
comments). Row order of the table must not change what is drawn.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from analysis.plotting import framing as pf  # noqa: E402
from analysis.plotting._style import PALETTE  # noqa: E402

nan = np.nan
SOURCE = "Source: coded reports, test-event (n = 5 reports)"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def check_frame(ax, *, title_has=""):
    """An Axes, a title, both axes labelled, the source line on the figure, 8 x 5 inches."""
    assert isinstance(ax, Axes)
    title = ax.get_title(loc="left")
    assert title and title_has in title
    assert ax.get_xlabel() and ax.get_ylabel()
    assert SOURCE in [t.get_text() for t in ax.figure.texts]
    np.testing.assert_allclose(ax.figure.get_size_inches(), [8, 5])


def drawn(ax):
    """What was drawn, to compare two charts."""
    out = []
    for c in ax.collections:
        out.append(np.asarray(c.get_offsets()).round(9).tolist())
    for p in ax.patches:
        out.append((round(p.get_x(), 9), round(p.get_y(), 9), round(p.get_width(), 9)))
    for line in ax.lines:
        out.append((np.asarray(line.get_xdata(), dtype=float).round(9).tolist(),
                    np.asarray(line.get_ydata(), dtype=float).round(9).tolist()))
    out.append([t.get_text() for t in ax.get_yticklabels()])
    out.append([t.get_text() for t in ax.texts])
    return out


# ---------------------------------------------------------------------------------------------
# frame profile
# ---------------------------------------------------------------------------------------------

PROFILE = pd.DataFrame({
    "outlet": ["Daily B", "Daily B", "TV C", "Wire A", "Wire A"],
    "frame": ["conflict", "responsibility", "conflict", "conflict", "responsibility"],
    "score": [0.25, 0.25, 0.5, 1.0, nan],
    "ci_low": [0.0, 0.0, nan, nan, nan], "ci_high": [0.5, 0.5, nan, nan, nan],
    "n": [2, 2, 1, 1, 0], "note": ["", "", "one report: no interval", "one report: no interval", "no report scored"],
})


def test_frame_profile_chart():
    ax = pf.plot_frame_profile(PROFILE, source=SOURCE)
    check_frame(ax, title_has="outlet")
    # 3 groups -> 3 error-bar containers; points: Daily B 2, TV C 1, Wire A 1 (its NaN score is
    # not drawn) = 4
    assert len(ax.containers) == 3
    points = [len(c.lines[0].get_xdata()) for c in ax.containers]
    assert points == [2, 1, 1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["conflict", "responsibility"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Daily B", "TV C", "Wire A"]
    assert ax.get_xlim() == pytest.approx((-0.02, 1.02))
    # the first group takes the first palette colour
    assert matplotlib.colors.to_hex(ax.containers[0].lines[0].get_color()) == PALETTE[0].lower()


def test_frame_profile_chart_missing_group_and_given_ax():
    table = PROFILE.iloc[:3].rename(columns={"outlet": "wire"}).assign(wire=["Wire A", "Wire A", nan])
    fig, ax = plt.subplots(figsize=(8, 5))
    got = pf.plot_frame_profile(table, ax=ax, title="By wire", source=SOURCE)
    assert got is ax
    check_frame(ax, title_has="By wire")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Wire A", pf.MISSING_GROUP]


def test_frame_profile_chart_row_order():
    a = drawn(pf.plot_frame_profile(PROFILE))
    b = drawn(pf.plot_frame_profile(PROFILE.iloc[::-1]))
    assert a == b


# ---------------------------------------------------------------------------------------------
# claim timeline
# ---------------------------------------------------------------------------------------------

# as claim_timeline returns it: codebook order; "blame: hamas" first appeared in a report that
# gave the date 8 April only
TIMELINE = pd.DataFrame({
    "variable": ["progress", "progress", "progress", "blame"],
    "variable_label": ["Progress at the talks"] * 3 + ["Blame for the impasse"],
    "value": ["asserted", "attributed", "denied", "hamas"],
    "value_label": ["Progress asserted", "Progress attributed", "No progress", "Hamas"],
    "first_published": pd.to_datetime(["2024-04-08T09:00Z", "2024-04-08T12:00Z", "2024-04-08T06:00Z",
                                       "2024-04-08T00:00Z"], utc=True),
    "first_time_known": [True, True, True, False],
    "first_report": ["r2", "r3", "r1", "r5"], "first_outlet": ["Daily B", "Daily B", "Wire A", "TV C"],
    "n_reports": [1, 1, 2, 3],
    "outlets_in_order": [("Daily B",), ("Daily B",), ("Wire A", "TV C"), ("TV C", "Daily B")],
})


def day_num(text):
    return float(mdates.date2num(pd.Timestamp(text)))


def test_claim_timeline_chart():
    ax = pf.plot_claim_timeline(TIMELINE, source=SOURCE)
    check_frame(ax, title_has="claim")
    # rows in the table's (codebook) order, labelled with the value labels
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Progress asserted", "Progress attributed", "No progress", "Hamas"]
    assert [t.get_text() for t in ax.texts] == ["Daily B", "Daily B", "Wire A (+1 more)", "TV C (+2 more)"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["Progress at the talks", "Blame for the impasse"]
    assert "date only" in legend[2] and "time not given" in legend[2]
    assert "UTC" in ax.get_xlabel()


def test_claim_timeline_date_only_is_a_day_never_a_time():
    ax = pf.plot_claim_timeline(TIMELINE)
    day = day_num("2024-04-08")
    points = [(float(x), float(y)) for c in ax.collections for x, y in np.asarray(c.get_offsets())]
    # clock times at their instants (rows 0-2); the date-only row 3 at the middle of its day only
    assert sorted(points, key=lambda p: p[1]) == [(day + 9 / 24, 0.0), (day + 12 / 24, 1.0),
                                                 (day + 6 / 24, 2.0), (day + 0.5, 3.0)]
    assert not any(y == 3 and x != day + 0.5 for x, y in points)
    hollow = [c for c in ax.collections if c.get_gid() == "date-only"]
    assert len(hollow) == 1 and np.asarray(hollow[0].get_offsets()).tolist() == [[day + 0.5, 3.0]]
    np.testing.assert_allclose(hollow[0].get_facecolor()[0], [1, 1, 1, 1])  # hollow: white fill
    spans = [ln for ln in ax.lines if ln.get_gid() == "date-only"]
    assert [np.asarray(ln.get_xdata(), dtype=float).tolist() for ln in spans] == [[day, day + 1]]
    assert [np.asarray(ln.get_ydata(), dtype=float).tolist() for ln in spans] == [[3.0, 3.0]]


def test_claim_timeline_date_ticks_do_not_overlap():
    long = TIMELINE.assign(first_published=pd.to_datetime(
        ["2024-04-01T09:00Z", "2024-04-20T12:00Z", "2024-05-06T06:00Z", "2024-04-08T00:00Z"], utc=True))
    for table in (TIMELINE, long):
        ax = pf.plot_claim_timeline(table)
        assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
        ax.figure.canvas.draw()
        boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text() and t.get_visible()]
        assert len(boxes) >= 2
        boxes.sort(key=lambda b: b.x0)
        assert all(a.x1 <= b.x0 for a, b in zip(boxes, boxes[1:]))


def test_claim_timeline_moments_and_plain_tables():
    moments = pd.DataFrame({"time": pd.to_datetime(["2024-04-08T05:00Z", "2024-04-07"], utc=True, format="ISO8601"),
                            "label": ["Al-Qahera reports progress", "talks open"], "time_known": [True, False]})
    ax = pf.plot_claim_timeline(TIMELINE, moments=moments)
    lines = [ln for ln in ax.lines if ln.get_gid() == "moment"]
    at = day_num("2024-04-08T05:00")
    assert [np.asarray(ln.get_xdata(), dtype=float).tolist() for ln in lines] == [[at, at]]
    spans = [p for p in ax.patches if p.get_gid() == "moment"]
    xs = spans[0].get_patch_transform().transform([(0, 0), (1, 0)])[:, 0]
    assert len(spans) == 1 and xs.tolist() == [day_num("2024-04-07"), day_num("2024-04-08")]
    assert "1 talks open" in " ".join(t.get_text() for t in ax.figure.texts)
    with pytest.raises(ValueError, match="label"):
        pf.plot_claim_timeline(TIMELINE, moments=[{"time": "2024-04-08"}])
    # a table without labels or first_time_known: codes as labels, every time taken as known
    plain = TIMELINE.drop(columns=["variable_label", "value_label", "first_time_known"])
    ax = pf.plot_claim_timeline(plain)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["asserted", "attributed", "denied", "hamas"]
    assert not [c for c in ax.collections if c.get_gid() == "date-only"]


# ---------------------------------------------------------------------------------------------
# label shares
# ---------------------------------------------------------------------------------------------

LABELS = pd.DataFrame({
    "variable": "lab_held", "referent": "People held in Gaza",
    "outlet": ["Daily B", "Daily B", "TV C", "TV C", "Wire A"],
    "code": ["hostages", "captives", "prisoners", "none", "hostages"],
    "n": [1, 1, 1, 1, 1], "share": [0.5, 0.5, 0.5, 0.5, 1.0],
})


def test_label_shares_chart():
    ax = pf.plot_label_shares(LABELS, source=SOURCE)
    check_frame(ax, title_has="People held in Gaza")
    # 3 outlets x 4 codes = 12 bar segments (unused codes have width 0)
    assert len(ax.patches) == 12
    widths = np.array([p.get_width() for p in ax.patches]).reshape(4, 3)   # code x outlet
    # codes sorted: captives, hostages, none, prisoners; outlets: Daily B, TV C, Wire A
    np.testing.assert_allclose(widths, [[0.5, 0, 0], [0.5, 0, 1.0], [0, 0.5, 0], [0, 0.5, 0]])
    np.testing.assert_allclose(widths.sum(axis=0), 1.0)
    # each bar names its group and the reports behind it: 1 + 1, 1 + 1, 1
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Daily B (2 reports)", "TV C (2 reports)",
                                                             "Wire A (1 report)"]
    assert "0 to 1" in ax.get_xlabel()


def test_label_shares_chart_needs_a_variable_when_several():
    two = pd.concat([LABELS, LABELS.assign(variable="lab_war", referent="the war")], ignore_index=True)
    with pytest.raises(ValueError, match="choose one with variable"):
        pf.plot_label_shares(two)
    ax = pf.plot_label_shares(two, variable="lab_war", source=SOURCE)
    check_frame(ax, title_has="the war")
    assert len(ax.patches) == 12


def test_label_shares_chart_many_codes_are_hatched():
    codes = [f"c{i}" for i in range(10)]
    table = pd.DataFrame({"variable": "v", "referent": "r", "outlet": "A", "code": codes, "n": 1,
                          "share": 0.1})
    ax = pf.plot_label_shares(table)
    # codes 9 and 10 (sorted: c8, c9) reuse the first colours, hatched
    assert [p.get_hatch() for p in ax.patches][-2:] == ["//", "//"]
    assert all(not p.get_hatch() for p in ax.patches[:8])


def test_label_shares_chart_row_order():
    assert drawn(pf.plot_label_shares(LABELS)) == drawn(pf.plot_label_shares(LABELS.sample(frac=1, random_state=3)))


# ---------------------------------------------------------------------------------------------
# figure deviations
# ---------------------------------------------------------------------------------------------

DEVIATIONS = pd.DataFrame({
    "report_id": ["r1", "r2", "r3", "r5"], "outlet": ["Wire A", "Daily B", "Daily B", "TV C"],
    "variable": "fig_deaths", "figure": "deaths", "cited": [100.0, 90.0, 120.0, 100.0],
    "reference": 100.0, "abs_dev": [0.0, -10.0, 20.0, 0.0], "rel_dev": [0.0, -0.1, 0.2, 0.0],
    "attribution": ["ministry", "hamas_run", nan, "ministry"],
})


def test_figure_deviation_chart():
    ax = pf.plot_figure_deviations(DEVIATIONS, unit="people", source=SOURCE)
    check_frame(ax, title_has="deaths")
    assert ax.get_xlabel() == "Number cited (people)"
    # attributions sorted: hamas_run (1 point), ministry (2), not coded (1, last, grey)
    sizes = [len(c.get_offsets()) for c in ax.collections]
    assert sizes == [1, 2, 1]
    assert matplotlib.colors.to_hex(ax.collections[-1].get_facecolor()[0]) == "#999999"
    # one reference line at 100
    assert len(ax.lines) == 1 and list(ax.lines[0].get_xdata()) == [100.0, 100.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "hamas_run", "ministry", pf.NOT_CODED, "reference: 100"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Daily B", "TV C", "Wire A"]
    # Daily B's two reports are spread over 0 +/- 0.25
    hamas = ax.collections[0].get_offsets()[0]
    assert tuple(hamas) == (90.0, -0.25)


def test_figure_deviation_chart_needs_a_variable_when_several():
    two = pd.concat([DEVIATIONS, DEVIATIONS.assign(variable="fig_held", figure="held", reference=10.0)])
    with pytest.raises(ValueError, match="choose one with variable"):
        pf.plot_figure_deviations(two)
    ax = pf.plot_figure_deviations(two, variable="fig_held")
    assert list(ax.lines[0].get_xdata()) == [10.0, 10.0]


def test_figure_deviation_chart_row_order():
    assert drawn(pf.plot_figure_deviations(DEVIATIONS)) == drawn(pf.plot_figure_deviations(DEVIATIONS.iloc[::-1]))


# ---------------------------------------------------------------------------------------------
# fact matrix
# ---------------------------------------------------------------------------------------------

FACTS = pd.DataFrame({
    "outlet": ["Daily B"] * 3 + ["TV C"] * 3,
    "fact": ["x", "y", "z"] * 2,
    "reported": [0.5, 0.0, nan, 1.0, 0.5, 1.0],
    "n": [2, 2, 0, 2, 2, 2],
})


def test_fact_matrix_chart():
    ax = pf.plot_fact_matrix(FACTS, source=SOURCE)
    check_frame(ax, title_has="outlet")
    # one image, 2 outlets x 3 facts; 5 cell texts (the NaN cell has none)
    assert len(ax.images) == 1
    grid = ax.images[0].get_array()
    assert grid.shape == (2, 3)
    assert grid.mask[0, 2] and not grid.mask[1, 2]
    np.testing.assert_allclose(grid.filled(-1), [[0.5, 0.0, -1], [1.0, 0.5, 1.0]])
    assert [t.get_text() for t in ax.texts] == ["50%", "0%", "100%", "50%", "100%"]
    assert ax.images[0].get_cmap().name == "cividis"
    # the colour bar is the figure's second Axes, labelled with the unit
    assert "0 to 1" in ax.figure.axes[1].get_ylabel()


def test_fact_matrix_chart_row_order():
    a = pf.plot_fact_matrix(FACTS)
    b = pf.plot_fact_matrix(FACTS.iloc[[4, 1, 0, 5, 3, 2]])
    np.testing.assert_array_equal(a.images[0].get_array().filled(-1), b.images[0].get_array().filled(-1))
    assert drawn(a) == drawn(b)


# ---------------------------------------------------------------------------------------------
# source mix
# ---------------------------------------------------------------------------------------------

MIX = pd.DataFrame({
    "outlet_type": ["private"] * 3 + ["state"] * 3 + [nan] * 3,
    "source": ["Hamas", "Israel", "Egypt"] * 3,
    "n": [1, 2, 1, 1, 0, 2, 0, 0, 0],
    "share": [0.25, 0.5, 0.25, 1 / 3, 0.0, 2 / 3, nan, nan, nan],
})


def test_source_mix_chart():
    ax = pf.plot_source_mix(MIX, source=SOURCE)
    check_frame(ax, title_has="outlet type")
    # 3 groups (private, state, missing last) x 3 sources = 9 segments
    assert len(ax.patches) == 9
    # quotes: private 1 + 2 + 1, state 1 + 0 + 2, missing group none
    assert [t.get_text() for t in ax.get_yticklabels()] == ["private (4 quotes)", "state (3 quotes)",
                                                             f"{pf.MISSING_GROUP} (0 quotes)"]
    widths = np.array([p.get_width() for p in ax.patches]).reshape(3, 3)   # source x group
    # sources sorted: Egypt, Hamas, Israel; the group that quotes no one is an empty bar
    np.testing.assert_allclose(widths, [[0.25, 2 / 3, 0], [0.25, 1 / 3, 0], [0.5, 0, 0]])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Egypt", "Hamas", "Israel"]


def test_source_mix_chart_row_order():
    assert drawn(pf.plot_source_mix(MIX)) == drawn(pf.plot_source_mix(MIX.iloc[::-1]))


# ---------------------------------------------------------------------------------------------
# shared behaviour
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("plot, table", [
    (pf.plot_frame_profile, PROFILE), (pf.plot_claim_timeline, TIMELINE), (pf.plot_label_shares, LABELS),
    (pf.plot_figure_deviations, DEVIATIONS), (pf.plot_fact_matrix, FACTS), (pf.plot_source_mix, MIX),
])
def test_empty_table_gives_a_labelled_empty_chart(plot, table):
    ax = plot(table.iloc[:0], source=SOURCE)
    check_frame(ax)
    assert "No data to show" in [t.get_text() for t in ax.texts]


def test_ambiguous_grouping_column():
    with pytest.raises(ValueError, match="pass by="):
        pf.plot_source_mix(MIX.assign(extra=1))
    ax = pf.plot_source_mix(MIX.assign(extra=1), by="outlet_type")
    assert len(ax.patches) == 9


def test_inputs_not_mutated():
    tables = [PROFILE, TIMELINE, LABELS, DEVIATIONS, FACTS, MIX]
    before = [t.copy(deep=True) for t in tables]
    for plot, table in zip([pf.plot_frame_profile, pf.plot_claim_timeline, pf.plot_label_shares,
                            pf.plot_figure_deviations, pf.plot_fact_matrix, pf.plot_source_mix], tables):
        plot(table)
    for a, b in zip(tables, before):
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("plot, table", [
    (pf.plot_frame_profile, PROFILE), (pf.plot_label_shares, LABELS),
    (pf.plot_fact_matrix, FACTS), (pf.plot_source_mix, MIX),
])
def test_duplicate_cells_are_refused(plot, table):
    # a stacked bar or heatmap cell drawn twice would show shares above 1 or hide a value
    with pytest.raises(ValueError, match="more than one row"):
        plot(pd.concat([table, table.head(1)]))


def test_plot_stances_one_dot_per_report():
    import matplotlib.pyplot as plt

    from analysis.plotting.framing import plot_stances

    stances = pd.DataFrame({"report_id": ["a", "b", "c", "d"], "outlet": ["X", "Y", "Z", "W"],
                            "published": pd.to_datetime(["2024-04-07T10:00Z", "2024-04-08T01:00Z",
                                                         "2024-04-08T02:00Z", "2024-04-09T00:00Z"], utc=True),
                            "variable": ["p"] * 3 + ["q"], "value": ["asserted", "denied", "denied", "x"],
                            "outlet_type": ["state", "private", None, "state"]})
    ax = plot_stances(stances, variable="p", color_by="outlet_type", source="Source: test")
    assert sum(len(c.get_offsets()) for c in ax.collections) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["asserted", "denied"]
    assert ax.get_title(loc="left") and ax.get_xlabel() == "Published (UTC)"
    plt.close("all")
