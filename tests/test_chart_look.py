"""One look across charts: a code's colour, grey for "nothing said", reliability flags, dates as
days, whole-number counts, titles and legends that fit, text kept as text in SVG.

Every table is typed in here; expected colours are read from the palette by hand (the i-th code
that is not neutral takes PALETTE[i]), never from the function under test.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from analysis.plotting import framing as pf  # noqa: E402
from analysis.plotting import save  # noqa: E402
from analysis.plotting._style import GREYS, PALETTE, code_colour, is_neutral  # noqa: E402
from analysis.plotting.reliability import plot_reliability  # noqa: E402
from analysis.plotting.sample import plot_composition, plot_timeline  # noqa: E402

nan = np.nan
SOURCE = "Source: coded reports, test-event (n = 5 reports)"

# Event.values of a small codebook: a claim and a label variable
VALUES = pd.DataFrame([
    ("progress", "asserted", "Progress asserted", 0), ("progress", "attributed", "Progress attributed", 1),
    ("progress", "denied", "No progress", 2), ("progress", "not_addressed", "Not addressed", 3),
    ("lab_held", "hostages", "hostages", 0), ("lab_held", "captives", "captives", 1),
    ("lab_held", "prisoners", "prisoners", 2), ("lab_held", "none", "not referred to in own voice", 3),
], columns=["variable", "code", "label", "rank"])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def face(patch):
    return to_hex(patch.get_facecolor())


def segments(ax, legend_text):
    """The bar patches of one legend entry (barh adds one container per key)."""
    for container in ax.containers:
        if container.get_label() == legend_text:
            return list(container.patches)
    raise AssertionError(f"no bars for {legend_text!r}")


# ---------------------------------------------------------------------------------------------
# one colour per code
# ---------------------------------------------------------------------------------------------

def test_neutral_codes_rule():
    assert is_neutral("none") and is_neutral("not_addressed") and is_neutral("absent")
    assert is_neutral("plain", "not mentioned") and is_neutral("x", "None")
    # "no ..." is a stance, not an absence of one; "other" is a word like the others
    assert not is_neutral("no_progress", "No progress") and not is_neutral("denied", "No progress")
    assert not is_neutral("other", "another word") and not is_neutral("hostages")


def test_code_colour_follows_codebook_order_and_greys():
    # progress: asserted, attributed, denied take the first three palette colours; not_addressed grey
    assert [code_colour(VALUES, "progress", c) for c in ("asserted", "attributed", "denied", "not_addressed")] \
        == [PALETTE[0], PALETTE[1], PALETTE[2], GREYS[0]]
    # a table with its rows shuffled gives the same colours (codebook rank decides)
    shuffled = VALUES.sample(frac=1, random_state=1)
    assert code_colour(shuffled, "progress", "denied") == PALETTE[2]


LABELS_A = pd.DataFrame({"variable": "lab_held", "referent": "People held", "outlet": ["A", "A", "B"],
                         "code": ["captives", "none", "captives"], "n": [1, 1, 2], "share": [0.5, 0.5, 1.0]})
LABELS_B = pd.DataFrame({"variable": "lab_held", "referent": "People held", "outlet_type": ["state", "state"],
                         "code": ["hostages", "captives"], "n": [1, 1], "share": [0.5, 0.5]})


def test_one_code_one_colour_across_two_charts():
    # captives is the second code of lab_held: PALETTE[1], whichever other codes a chart shows
    a = pf.plot_label_shares(LABELS_A, values=VALUES)
    b = pf.plot_label_shares(LABELS_B, values=VALUES)
    assert {face(p) for p in segments(a, "captives")} == {PALETTE[1].lower()}
    assert {face(p) for p in segments(b, "captives")} == {PALETTE[1].lower()}
    # "none" (label "not referred to ...") is grey
    assert {face(p) for p in segments(a, "not referred to in own voice")} == {GREYS[0].lower()}
    # codebook order, labels in the legend
    assert [t.get_text() for t in b.get_legend().get_texts()] == ["hostages", "captives"]


STANCES = pd.DataFrame({
    "report_id": ["r1", "r2", "r3", "r4"], "outlet": ["A", "B", "C", "D"],
    "published": pd.to_datetime(["2024-04-08T09:00Z", "2024-04-08T00:00Z", "2024-04-09T15:30Z",
                                 "2024-04-09T00:00Z"], utc=True),
    "published_time_known": [True, False, True, False],
    "variable": "progress", "value": ["denied", "denied", "asserted", "not_addressed"],
    "outlet_type": ["state", "private", "private", "state"],
})
TIMELINE = pd.DataFrame({
    "variable": ["progress", "progress"], "variable_label": "Progress", "value": ["asserted", "denied"],
    "value_label": ["Progress asserted", "No progress"],
    "first_published": pd.to_datetime(["2024-04-09T15:30Z", "2024-04-08T09:00Z"], utc=True),
    "first_time_known": [True, True], "first_report": ["r3", "r1"], "first_outlet": ["C", "A"],
    "n_reports": [1, 2], "outlets_in_order": [("C",), ("A", "B")],
})


def point_colours(ax):
    """(x, y) -> face or edge colour (hex) of every scatter point."""
    out = {}
    for c in ax.collections:
        offsets = np.asarray(c.get_offsets())
        faces = c.get_facecolor()
        edges = c.get_edgecolor()
        for i, (x, y) in enumerate(offsets):
            fc = faces[i % len(faces)]
            hollow = np.allclose(fc[:3], 1.0)
            out[(round(float(x), 6), round(float(y), 6))] = to_hex((edges if hollow else faces)[i % len(edges if hollow else faces)])
    return out


def test_stance_colours_equal_in_stances_and_claim_timeline():
    stances = pf.plot_stances(STANCES, variable="progress", values=VALUES)
    timeline = pf.plot_claim_timeline(TIMELINE, values=VALUES)
    s, t = point_colours(stances), point_colours(timeline)
    # rows of plot_stances in codebook order: asserted 0, denied 1, not_addressed 2
    asserted_s = [c for (x, y), c in s.items() if round(y) == 0]
    denied_s = [c for (x, y), c in s.items() if round(y) == 1]
    grey_s = [c for (x, y), c in s.items() if round(y) == 2]
    asserted_t = [c for (x, y), c in t.items() if y == 0]
    denied_t = [c for (x, y), c in t.items() if y == 1]
    assert set(asserted_s) == set(asserted_t) == {PALETTE[0].lower()}
    assert set(denied_s) == set(denied_t) == {PALETTE[2].lower()}
    assert set(grey_s) == {GREYS[0].lower()}
    assert [x.get_text() for x in stances.get_yticklabels()] == ["Progress asserted", "No progress", "Not addressed"]


# ---------------------------------------------------------------------------------------------
# dates as days
# ---------------------------------------------------------------------------------------------

def test_stances_date_only_report_is_a_day_never_a_time():
    ax = pf.plot_stances(STANCES, variable="progress", color_by="outlet_type")
    day8, day9 = (float(mdates.date2num(pd.Timestamp(d))) for d in ("2024-04-08", "2024-04-09"))
    hollow = [c for c in ax.collections if c.get_gid() == "date-only"]
    xs = sorted(float(x) for c in hollow for x, _ in np.asarray(c.get_offsets()))
    # r2 (8 April) and r4 (9 April) gave dates only: the middle of each day, not midnight
    assert xs == [day8 + 0.5, day9 + 0.5]
    spans = sorted(np.asarray(ln.get_xdata(), dtype=float).tolist() for ln in ax.lines if ln.get_gid() == "date-only")
    assert spans == [[day8, day8 + 1], [day9, day9 + 1]]
    # the reports with a clock time at their instants; no mark at a midnight
    filled = sorted(float(x) for c in ax.collections if c.get_gid() != "date-only"
                    for x, _ in np.asarray(c.get_offsets()))
    assert filled == pytest.approx([day8 + 9 / 24, day9 + 15.5 / 24])
    every = [float(x) for c in ax.collections for x, _ in np.asarray(c.get_offsets())]
    assert day8 not in every and day9 not in every
    assert any("date only" in t.get_text() for t in ax.get_legend().get_texts())


# ---------------------------------------------------------------------------------------------
# reliability flags
# ---------------------------------------------------------------------------------------------

def note_lines(ax):
    return [t.get_text() for t in ax.figure.texts]


def test_flagged_variable_is_pale_and_named():
    plain = pf.plot_label_shares(LABELS_A, values=VALUES, source=SOURCE)
    flagged = pf.plot_label_shares(LABELS_A, values=VALUES, flags={"lab_held": "tentative"}, source=SOURCE)
    p, f = segments(plain, "captives")[0], segments(flagged, "captives")[0]
    assert face(p) == PALETTE[1].lower() and face(f) != face(p) and f.get_hatch()
    # paler: every channel nearer to white
    assert all(a >= b for a, b in zip(f.get_facecolor()[:3], p.get_facecolor()[:3]))
    lines = note_lines(flagged)
    assert any("lab_held" in t and "tentative" in t for t in lines)
    assert lines[-1] == SOURCE or SOURCE in lines
    # the note sits above the source line
    by_text = {t.get_text(): t.get_position()[1] for t in flagged.figure.texts}
    note = next(t for t in by_text if "lab_held" in t)
    assert by_text[note] > by_text[SOURCE]
    # no note without flags, or with empty flags
    assert not any("lab_held" in t for t in note_lines(pf.plot_label_shares(LABELS_A, flags={"lab_held": ""})))


def test_bad_flag_is_refused():
    with pytest.raises(ValueError, match="not one of"):
        pf.plot_label_shares(LABELS_A, flags={"lab_held": "shaky"})


def test_flags_on_stances_profile_matrix_mix_and_deviations():
    ax = pf.plot_stances(STANCES, variable="progress", flags={"progress": "unreliable"})
    assert all(c.get_alpha() is not None and c.get_alpha() < 0.5 for c in ax.collections)
    assert any("progress" in t and "unreliable" in t for t in note_lines(ax))
    profile = pd.DataFrame({"outlet": ["A", "A"], "frame": ["conflict", "economic"], "score": [0.5, 0.2],
                            "ci_low": [0.4, 0.1], "ci_high": [0.6, 0.3], "n": [3, 3], "note": ""})
    ax = pf.plot_frame_profile(profile, flags={"economic": "reliability unknown"})
    alphas = sorted((c.lines[0].get_alpha() or 1.0) for c in ax.containers)
    assert alphas[0] < 0.5 and alphas[1] == 1.0
    assert any("economic (reliability unknown)" in t for t in note_lines(ax))
    matrix = pd.DataFrame({"outlet": ["A", "A"], "fact": ["x", "y"], "reported": [0.5, 1.0], "n": [2, 2]})
    ax = pf.plot_fact_matrix(matrix, flags={"y": "tentative"})
    hatched = [p for p in ax.patches if p.get_gid() == "flagged"]
    assert len(hatched) == 1 and hatched[0].get_x() == pytest.approx(0.5)   # over column 1 (fact y)
    mix = pd.DataFrame({"outlet": ["A", "A"], "source": ["Hamas", "Israel"], "n": [1, 1], "share": [0.5, 0.5]})
    ax = pf.plot_source_mix(mix, flags={"Israel": "unreliable"})
    assert not segments(ax, "Hamas")[0].get_hatch() and segments(ax, "Israel")[0].get_hatch()


def test_role_flags():
    codebook = pd.DataFrame({"variable": ["c1", "c2", "e1", "s1", "f1"],
                             "role": ["frame_item", "frame_item", "frame_item", "source", "fact"],
                             "frame": ["conflict", "conflict", "economic", None, None],
                             "source": [None, None, None, "Hamas", None], "fact": [None, None, None, None, "x"]})
    flags = {"c1": "tentative", "c2": "unreliable", "e1": "", "s1": "reliability unknown", "f1": "tentative"}
    # conflict's score is the mean of c1 and c2: it takes the more doubtful flag
    assert pf.role_flags(codebook, flags, role="frame_item") == {"conflict": "unreliable"}
    assert pf.role_flags(codebook, flags, role="source") == {"Hamas": "reliability unknown"}
    assert pf.role_flags(codebook, flags, role="fact") == {"x": "tentative"}
    with pytest.raises(ValueError, match="role must be one of"):
        pf.role_flags(codebook, flags, role="claim")


# ---------------------------------------------------------------------------------------------
# figures with provenance; facts not yet known
# ---------------------------------------------------------------------------------------------

DEVIATIONS = pd.DataFrame({
    "report_id": ["r1", "r2"], "outlet": ["A", "B"], "variable": "fig_deaths", "figure": "deaths",
    "cited": [100.0, 102.0], "reference": 101.0, "abs_dev": [-1.0, 1.0], "rel_dev": [-0.01, 0.01],
    "attribution": ["ministry", nan],
    "published": pd.to_datetime(["2024-04-07T22:00Z", "2024-04-09T00:00Z"], utc=True),
    "published_time_known": [True, False],
    "reference_source": "Health ministry daily report", "reference_as_of": pd.Timestamp("2024-04-08").date(),
})


def test_figure_reference_names_its_source_and_date_and_points_their_day():
    ax = pf.plot_figure_deviations(DEVIATIONS, unit="people", source=SOURCE)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "reference: 101\nas of 8 Apr 2024" in legend
    assert any("Health ministry daily report" in t and "8 Apr 2024" in t for t in note_lines(ax))
    days = sorted(t.get_text() for t in ax.texts if t.get_gid() == "published")
    assert days == ["7 Apr", "9 Apr"]
    # numbers of people: whole-number ticks
    assert isinstance(ax.xaxis.get_major_locator(), MaxNLocator)
    ax.figure.canvas.draw()
    ticks = ax.get_xticks()
    assert np.allclose(ticks, np.round(ticks))


def test_fact_matrix_marks_cells_with_reports_not_yet_possible():
    matrix = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "fact": ["x", "y", "x", "y"],
                           "reported": [0.5, nan, 1.0, 0.0], "n": [2, 0, 1, 1], "n_not_yet": [1, 2, 0, 0]})
    ax = pf.plot_fact_matrix(matrix, source=SOURCE)
    assert [t.get_text() for t in ax.texts] == ["50%*", "not yet", "100%", "0%"]
    assert any("before the fact was known" in t for t in note_lines(ax))


# ---------------------------------------------------------------------------------------------
# counts, titles, legends, SVG
# ---------------------------------------------------------------------------------------------

def whole(ticks):
    return np.allclose(ticks, np.round(ticks))


def test_counts_have_whole_number_ticks():
    comp = pd.DataFrame({"value": ["a", "b"], "n_reports": [2, 1], "n_outlets": [1, 1], "share": [2 / 3, 1 / 3]})
    ax = plot_composition(comp, what="outlet")
    ax.figure.canvas.draw()
    assert whole(ax.get_xticks())
    timeline = pd.DataFrame({"date": pd.to_datetime(["2024-04-08", "2024-04-09"]), "group": "all",
                             "n_reports": [1, 3], "n_date_only": [0, 1]})
    ax = plot_timeline(timeline)
    ax.figure.canvas.draw()
    assert whole(ax.get_yticks())
    # without the integer locator matplotlib would put ticks at 0.5 on so small a count axis
    fig, bare = plt.subplots()
    bare.bar([0, 1], [1, 3])
    fig.canvas.draw()
    assert not whole(bare.get_yticks())


def inside(inner, outer, tol=1.0):
    return (inner.x0 >= outer.x0 - tol and inner.x1 <= outer.x1 + tol
            and inner.y0 >= outer.y0 - tol and inner.y1 <= outer.y1 + tol)


def overlaps(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_long_titles_wrap_and_fit():
    title = "Words for Israelis and foreigners held in Gaza after the attack of 7 October, by outlet type"
    ax = pf.plot_label_shares(LABELS_A.rename(columns={"outlet": "outlet_type"}), title=title,
                              source=SOURCE)
    assert "\n" in ax.get_title(loc="left")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert inside(ax.title.get_window_extent(renderer), fig.bbox)


@pytest.mark.parametrize("draw", [
    lambda: pf.plot_label_shares(LABELS_A, values=VALUES),
    lambda: pf.plot_stances(STANCES, variable="progress", color_by="outlet_type"),
    lambda: pf.plot_source_mix(pd.DataFrame({"outlet": ["A", "A"], "source": ["H", "I"], "n": [1, 1],
                                             "share": [0.5, 0.5]})),
    lambda: plot_timeline(pd.DataFrame({"date": pd.to_datetime(["2024-04-08", "2024-04-08"]),
                                        "group": ["a", "b"], "n_reports": [3, 2], "n_date_only": [0, 0]})),
    lambda: plot_reliability(pd.DataFrame({"variable": ["v1", "v2"], "alpha": [0.9, 0.5], "ci_low": [0.8, 0.3],
                                           "ci_high": [1.0, 0.7], "verdict": ["reliable", "unreliable"]})),
])
def test_legends_do_not_cover_the_plot(draw):
    ax = draw()
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert not overlaps(legend, ax.get_window_extent(renderer))
    assert inside(legend, fig.bbox)


def test_svg_keeps_text_as_text_and_leaves_settings_alone(tmp_path):
    before = matplotlib.rcParams["svg.fonttype"]
    ax = pf.plot_label_shares(LABELS_A, values=VALUES, flags={"lab_held": "tentative"}, source=SOURCE)
    save(ax, "labels", tmp_path)
    svg = (tmp_path / "labels.svg").read_text()
    assert "<text" in svg and "Source: coded reports, test-event" in svg
    assert matplotlib.rcParams["svg.fonttype"] == before
    # the same chart drawn again writes the same bytes
    again = pf.plot_label_shares(LABELS_A, values=VALUES, flags={"lab_held": "tentative"}, source=SOURCE)
    save(again, "again", tmp_path)
    assert (tmp_path / "again.svg").read_bytes() == svg.encode()
