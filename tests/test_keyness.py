"""Tests of analysis.keyness: log-odds with a Dirichlet prior (Monroe et al. 2008), stop words,
one language, reprints counted once, Benjamini-Hochberg control, and its chart."""
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_hex
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.events import load_event
from analysis.keyness import _bh, stop_words
from analysis.lexicon import keyness
from analysis.plotting import plot_keyness
from analysis.plotting._style import PALETTE

FAST = settings(max_examples=25, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
CAIRO = Path(__file__).resolve().parents[1] / "data" / "cairo-talks-2024-04"


def terms_table(per_report):
    return pd.DataFrame([(r, t, c) for r, d in per_report.items() for t, c in d.items()],
                        columns=["report_id", "term", "count"])


def bh_by_hand(p):
    """Benjamini & Hochberg (1995) step-up adjusted p-values, written out independently."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p)
    adjusted = np.empty(m)
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        adjusted[i] = running
    return adjusted


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- the statistic: Monroe, Colaresi & Quinn (2008) ----------------------------------------------

@pytest.fixture
def small():
    # group A (state): hostages 4, talks 6 (n_a = 10); group B (private): hostages 1,
    # prisoners 3, talks 6 (n_b = 10); pooled: hostages 5, prisoners 3, talks 12 (20 words)
    terms = terms_table({"s1": {"hostages": 3, "talks": 2}, "s2": {"hostages": 1, "talks": 4},
                         "p1": {"hostages": 1, "prisoners": 3, "talks": 6}})
    reports = pd.DataFrame({"report_id": ["s1", "s2", "p1"], "outlet_type": ["state", "state", "private"],
                            "language": ["en", "en", "en"]})
    return terms, reports


def test_keyness_worked_example_default_prior(small):
    terms, reports = small
    table = keyness(terms, reports, column="outlet_type", group_a="state", min_count=1).set_index("term")
    assert list(table.reset_index().columns) == ["term", "count_a", "count_b", "delta", "variance", "z",
                                                 "p", "q", "significant", "rank"]
    # Monroe, Colaresi & Quinn (2008), eq. 16, 20, 22, with the default informative prior:
    # alpha0 = 20 (the pooled corpus), alpha_w = pooled count: hostages 5, prisoners 3, talks 12.
    # hostages: delta = log((4+5)/(10+20-4-5)) - log((1+5)/(10+20-1-5))
    #                 = log(9/21) - log(6/24) = -0.847298 + 1.386294 = 0.538997
    #           var   = 1/(4+5) + 1/(1+5) = 0.111111 + 0.166667 = 0.277778
    #           z     = 0.538997 / sqrt(0.277778) = 0.538997 / 0.527046 = 1.022674
    assert table.loc["hostages", "delta"] == pytest.approx(0.538997, abs=1e-6)
    assert table.loc["hostages", "variance"] == pytest.approx(0.277778, abs=1e-6)
    assert table.loc["hostages", "z"] == pytest.approx(1.022674, abs=1e-6)
    # prisoners: delta = log((0+3)/(10+20-0-3)) - log((3+3)/(10+20-3-3)) = log(3/27) - log(6/24)
    #                  = log(4/9) = -0.810930; var = 1/3 + 1/6 = 0.5; z = -0.810930/0.707107 = -1.146829
    assert table.loc["prisoners", "delta"] == pytest.approx(-0.810930, abs=1e-6)
    assert table.loc["prisoners", "variance"] == pytest.approx(0.5)
    assert table.loc["prisoners", "z"] == pytest.approx(-1.146829, abs=1e-6)
    assert table.loc["talks", "delta"] == pytest.approx(0.0, abs=1e-12)
    assert table["rank"].to_dict() == {"hostages": 1, "talks": 2, "prisoners": 3}
    assert table.loc["hostages", ["count_a", "count_b"]].tolist() == [4, 1]
    # two-sided normal p: 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2)
    assert table.loc["hostages", "p"] == pytest.approx(math.erfc(1.022674 / math.sqrt(2)), abs=1e-6)


def test_keyness_worked_example_smaller_prior(small):
    terms, reports = small
    table = keyness(terms, reports, column="outlet_type", group_a="state", alpha0=10,
                    min_count=1).set_index("term")
    # alpha0 = 10: alpha_w = 10 * pooled share: hostages 2.5, prisoners 1.5, talks 6
    # hostages: delta = log(6.5/13.5) - log(3.5/16.5) = 0.819710; var = 1/6.5 + 1/3.5 = 0.439560
    assert table.loc["hostages", "delta"] == pytest.approx(0.819710, abs=1e-6)
    assert table.loc["hostages", "variance"] == pytest.approx(0.439560, abs=1e-6)
    assert table.loc["hostages", "z"] == pytest.approx(1.236377, abs=1e-6)


def test_keyness_uniform_prior(small):
    terms, reports = small
    table = keyness(terms, reports, column="outlet_type", group_a="state", prior="uniform",
                    min_count=1).set_index("term")
    expected = math.log(4.01 / 6.02) - math.log(1.01 / 9.02)        # alpha_w = 0.01, alpha0 = 0.03
    assert table.loc["hostages", "delta"] == pytest.approx(expected, abs=1e-12)
    assert table.loc["hostages", "variance"] == pytest.approx(1 / 4.01 + 1 / 1.01)


def test_keyness_bigrams_are_a_separate_vocabulary(small):
    terms, reports = small
    plain = keyness(terms, reports, column="outlet_type", group_a="state", min_count=1)
    more = pd.concat([terms, terms_table({"s1": {"freed hostages": 2}, "p1": {"jailed prisoners": 3}})])
    both = keyness(more, reports, column="outlet_type", group_a="state", min_count=1)
    uni = both[~both["term"].str.contains(" ")].set_index("term")
    pd.testing.assert_series_equal(uni["z"], plain.set_index("term")["z"].loc[uni.index])
    assert {"freed hostages", "jailed prisoners"} <= set(both["term"])


def test_keyness_min_count_and_groups(small):
    terms, reports = small
    table = keyness(terms, reports, column="outlet_type", group_a="state", min_count=6)
    assert set(table["term"]) == {"talks"}                           # hostages 5, prisoners 3
    assert table.attrs["group_a"] == "state" and table.attrs["group_b"] == "rest"
    with pytest.raises(ValueError, match="no report"):
        keyness(terms, reports, column="outlet_type", group_a="tabloid")
    with pytest.raises(ValueError, match="fdr"):
        keyness(terms, reports, column="outlet_type", group_a="state", fdr=1.5)


@FAST
@given(st.lists(st.tuples(st.sampled_from(["r1", "r2", "r3", "r4"]),
                          st.sampled_from(["war", "truce", "hostages", "talks", "gaza"]),
                          st.integers(1, 9)), min_size=6, max_size=25))
def test_keyness_antisymmetric_and_order_free(rows):
    terms = pd.DataFrame(rows, columns=["report_id", "term", "count"]).groupby(
        ["report_id", "term"], as_index=False)["count"].sum()
    reports = pd.DataFrame({"report_id": ["r1", "r2", "r3", "r4"], "g": ["a", "a", "b", "b"]})
    sides = set(terms.loc[terms["report_id"].isin(["r1", "r2"]), "term"]), \
        set(terms.loc[terms["report_id"].isin(["r3", "r4"]), "term"])
    if not sides[0] or not sides[1]:
        return
    if terms["term"].nunique() < 2:
        with pytest.raises(ValueError, match="two distinct terms"):
            keyness(terms, reports, column="g", group_a="a")
        return
    before = terms.copy()
    ab = keyness(terms, reports, column="g", group_a="a", min_count=1).set_index("term")
    ba = keyness(terms, reports, column="g", group_a="b", min_count=1).set_index("term")
    pd.testing.assert_frame_equal(terms, before)
    np.testing.assert_allclose(ab["delta"], -ba.loc[ab.index, "delta"], atol=1e-12)
    np.testing.assert_allclose(ab["z"], -ba.loc[ab.index, "z"], atol=1e-12)
    np.testing.assert_allclose(ab["q"], ba.loc[ab.index, "q"], atol=1e-12)
    assert (ab["variance"] > 0).all() and np.isfinite(ab["z"]).all()
    shuffled = keyness(terms.sample(frac=1, random_state=1), reports, column="g", group_a="a", min_count=1)
    pd.testing.assert_frame_equal(ab.reset_index(), shuffled)


# --- multiple comparisons: Benjamini & Hochberg (1995) -------------------------------------------

def test_bh_on_the_papers_example():
    # Benjamini & Hochberg (1995), section 4: 15 p-values of a trial; at q* = 0.05 the
    # step-up procedure rejects the four smallest (a Bonferroni-type procedure only three)
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
         0.4262, 0.5719, 0.6528, 0.7590, 1.0000]
    q = _bh(p)
    assert (q <= 0.05).sum() == 4 and (q[:4] <= 0.05).all()
    # by hand: q_(i) = min over j >= i of p_(j) * 15 / j
    expected = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0638571, 0.0638571, 0.0645, 0.0765,
                0.486, 0.5811818, 0.714875, 0.7532308, 0.8132143, 1.0]
    np.testing.assert_allclose(q, expected, atol=1e-6)
    np.testing.assert_allclose(_bh(p[::-1]), expected[::-1], atol=1e-6)


def test_keyness_significance_is_bh_over_all_terms():
    rng = np.random.default_rng(3)
    words = ["hostages", "captives", "prisoners", "detainees", "truce", "ceasefire", "cairo", "doha",
             "delegation", "mediators", "occupation", "offensive", "rafah", "strip", "famine", "aid"]
    rows = []
    for i in range(16):
        tilt = np.where(np.arange(len(words)) < 4, 4.0 if i < 8 else 0.5, 1.0)
        counts = rng.poisson(3 * tilt)
        rows += [(f"r{i}", w, int(c)) for w, c in zip(words, counts) if c > 0]
        rows.append((f"r{i}", "hostages released", int(rng.integers(1, 4))))
    terms = pd.DataFrame(rows, columns=["report_id", "term", "count"])
    reports = pd.DataFrame({"report_id": [f"r{i}" for i in range(16)], "g": ["a"] * 8 + ["b"] * 8,
                            "language": "en"})
    table = keyness(terms, reports, column="g", group_a="a", alpha0=20)
    expected_p = [math.erfc(abs(z) / math.sqrt(2)) for z in table["z"]]
    np.testing.assert_allclose(table["p"], expected_p, rtol=1e-9)
    np.testing.assert_allclose(table["q"], bh_by_hand(expected_p), rtol=1e-9)
    assert table["significant"].tolist() == (bh_by_hand(expected_p) <= 0.05).tolist()
    assert table["significant"].any() and not table["significant"].all()
    strict = keyness(terms, reports, column="g", group_a="a", alpha0=20, fdr=0.001)
    assert strict["significant"].sum() <= table["significant"].sum()


# --- stop words and languages -------------------------------------------------------------------

def test_no_stop_word_in_the_output():
    terms = terms_table({
        "a1": {"the": 40, "of": 12, "said": 9, "hostages": 6, "the hostages": 5, "hostages of": 2,
               "ceasefire talks": 3, "ceasefire": 4, "talks": 5, "33": 4, "april 8": 2, "u.s.": 3,
               "rafah offensive": 2},
        "b1": {"the": 30, "and": 20, "is": 8, "prisoners": 7, "of the": 6, "said hamas": 3,
               "ceasefire talks": 1, "ceasefire": 2, "talks": 6, "2024": 3, "u.s.": 1,
               "rafah offensive": 1},
    })
    reports = pd.DataFrame({"report_id": ["a1", "b1"], "g": ["x", "y"], "language": ["en", "en"]})
    table = keyness(terms, reports, column="g", group_a="x", min_count=1)
    stops = stop_words("en")
    for term in table["term"]:
        assert not set(term.split(" ")) & stops, term
        assert all(any(c.isalpha() for c in w) for w in term.split(" ")), term   # no bare numbers
    assert set(table["term"]) == {"hostages", "ceasefire talks", "rafah offensive", "ceasefire", "talks",
                                  "prisoners", "u.s."}
    # a narrower list of one's own: "said" then stays
    mine = keyness(terms, reports, column="g", group_a="x", min_count=1, stopwords=["the", "of", "and", "is"])
    assert "said" in set(mine["term"]) and "said hamas" in set(mine["term"])


def test_one_language_compared_and_the_rest_named():
    terms = terms_table({"e1": {"hostages": 5, "talks": 3}, "e2": {"prisoners": 4, "talks": 3},
                         "e3": {"truce": 2, "talks": 4}, "i1": {"yang": 9, "pada": 7, "sandera": 3},
                         "s1": {"las": 8, "rehenes": 2}, "m1": {"hostages": 2, "truce": 1}})
    reports = pd.DataFrame({"report_id": ["e1", "e2", "e3", "i1", "s1", "m1"],
                            "g": ["a", "b", "b", "a", "b", "a"],
                            "language": ["en", "en", "EN", "id", "es", None]})
    table = keyness(terms, reports, column="g", group_a="a", min_count=1)
    assert table.attrs["language"] == "en"
    assert not {"yang", "pada", "sandera", "las", "rehenes"} & set(table["term"])
    assert table.attrs["left_out"] == ("i1", "s1")
    notes = " | ".join(table.attrs["notes"])
    assert "i1 (id)" in notes and "s1 (es)" in notes and "m1" in notes
    assert (table.attrs["n_reports_a"], table.attrs["n_reports_b"]) == (2, 2)     # e1 + m1; e2 + e3
    with pytest.raises(ValueError, match="no report in id"):
        keyness(terms, reports, column="g", group_a="a", language="id")
    with pytest.raises(ValueError, match="without spaces"):
        keyness(terms, reports, column="g", group_a="a", language="zh")


# --- reprints -----------------------------------------------------------------------------------

def test_a_reprinted_story_counts_once():
    story = {"planted": 5, "talks": 10, "cairo": 4}
    own = {"e1": {"talks": 8, "doha": 3}, "b1": {"talks": 9, "truce": 4}, "b2": {"talks": 7, "rafah": 5},
           "b3": {"talks": 6, "famine": 2}}
    copies = {f"c{i}": dict(story) for i in range(1, 8)}
    reports = pd.DataFrame({
        "report_id": ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "e1", "b1", "b2", "b3"],
        "g": ["a"] * 8 + ["b"] * 3,
        "language": "en",
        # c2 reprints c1, c3 reprints c2 (transitive); c4-c7 name the same wire story as c1
        "derived_from": [None, "c1", "c2", "wire-9", "wire-9", "wire-9", "c1", None, None, None, None],
    })
    reports.loc[0, "derived_from"] = "wire-9"
    reprinted = keyness(terms_table({**copies, **own}), reports, column="g", group_a="a", min_count=1)
    once = keyness(terms_table({"c1": story, **own}), reports[~reports["report_id"].isin(
        ["c2", "c3", "c4", "c5", "c6", "c7"])], column="g", group_a="a", min_count=1)
    # seven identical copies have the mean counts of one copy: the table is that of one copy
    pd.testing.assert_frame_equal(reprinted, once, check_exact=False, rtol=1e-12)
    assert reprinted.set_index("term").loc["planted", "count_a"] == 5
    assert (reprinted.attrs["n_reports_a"], reprinted.attrs["n_stories_a"]) == (8, 2)
    assert (reprinted.attrs["n_reports_b"], reprinted.attrs["n_stories_b"]) == (3, 3)
    assert any("7 reports of story wire-9 counted once" in n for n in reprinted.attrs["notes"])
    # without the links the planted word would count 35 times
    unlinked = keyness(terms_table({**copies, **own}), reports.drop(columns="derived_from"),
                       column="g", group_a="a", min_count=1)
    assert unlinked.set_index("term").loc["planted", "count_a"] == 35


def test_differing_copies_count_as_their_mean():
    terms = terms_table({"c1": {"planted": 6, "talks": 2}, "c2": {"planted": 2, "talks": 4},
                         "b1": {"talks": 5, "truce": 3}})
    reports = pd.DataFrame({"report_id": ["c1", "c2", "b1"], "g": ["a", "a", "b"], "language": "en",
                            "derived_from": [None, "c1", None]})
    table = keyness(terms, reports, column="g", group_a="a", min_count=1).set_index("term")
    assert table.loc["planted", "count_a"] == 4 and table.loc["talks", "count_a"] == 3


# --- the bundled event: acceptance ----------------------------------------------------------------

# closed-class words typed in for this check, independent of stopwordsiso: function words of the
# languages of the bundled event's other reports (Indonesian, Spanish, Portuguese, French)
FOREIGN_FUNCTION_WORDS = {
    "yang", "pada", "oleh", "dan", "di", "ke", "dari", "untuk", "dengan", "ini", "itu", "dalam",
    "el", "la", "los", "las", "de", "del", "en", "que", "por", "para", "con", "una", "un", "se",
    "y", "o", "a", "da", "do", "dos", "das", "em", "no", "na", "um", "uma", "e", "le", "les",
    "des", "du", "et", "au", "aux", "une", "est", "sur",
}


@pytest.fixture(scope="module")
def cairo_keys():
    event = load_event(CAIRO)
    return keyness(event.terms, event.reports, column="outlet_type", group_a="private"), event


def test_cairo_private_vs_rest_has_no_function_word(cairo_keys):
    keys, event = cairo_keys
    words = {w for t in keys.loc[keys["significant"], "term"] for w in t.split(" ")}
    assert not words & ENGLISH_STOP_WORDS                        # scikit-learn's list (Glasgow)
    assert not words & FOREIGN_FUNCTION_WORDS
    # stronger: no such word anywhere in the table, and no fragment of "U.S."
    every = {w for t in keys["term"] for w in t.split(" ")}
    assert not every & FOREIGN_FUNCTION_WORDS
    assert not every & {"the", "is", "for", "had", "of", "and", "u", "s"}
    assert keys.attrs["language"] == "en"
    # reports in other languages, and reports without term counts, are left out and named
    other = set(event.reports.loc[event.reports["language"] != "en", "report_id"])
    no_terms = set(event.reports["report_id"]) - set(event.terms["report_id"].astype(str))
    assert set(keys.attrs["left_out"]) == other | no_terms
    # Reuters' progress and no-progress stories, each reprinted by six private English-language
    # outlets in the bundled sample (reports.csv: wire and derived_from), each count once
    assert keys.attrs["n_stories_a"] < keys.attrs["n_reports_a"]
    for story in ("reuters:2024-04-08-progress", "lbcgroup-0408b"):
        assert any(f"6 reports of story {story} counted once" in n for n in keys.attrs["notes"]), story


# --- the chart ----------------------------------------------------------------------------------

def test_plot_colours_only_significant_terms_and_names_n():
    terms = terms_table({"a1": {"hostages": 30, "talks": 10, "truce": 6}, "a2": {"hostages": 25, "talks": 9},
                         "b1": {"prisoners": 28, "talks": 11, "truce": 5}, "b2": {"prisoners": 20, "talks": 8}})
    reports = pd.DataFrame({"report_id": ["a1", "a2", "b1", "b2"], "g": ["west", "west", "east", "east"],
                            "language": "en", "derived_from": [None, "a1", None, None]})
    keys = keyness(terms, reports, column="g", group_a="west", alpha0=10, min_count=1)
    significant = dict(zip(keys["term"], keys["significant"]))
    assert significant["hostages"] and significant["prisoners"] and not significant["talks"]
    ax = plot_keyness(keys, k=5, title="Words that set the reports of the western outlets apart from "
                                       "those of the eastern outlets in the coverage of the talks")
    colours = {t.get_text(): to_hex(b.get_facecolor()) for t, b in
               zip(ax.get_yticklabels(), sorted(ax.patches, key=lambda p: -p.get_y()))}
    assert colours["hostages"] == PALETTE[0].lower() and colours["prisoners"] == PALETTE[1].lower()
    assert colours["talks"] == colours["truce"] not in {PALETTE[0].lower(), PALETTE[1].lower()}
    legend = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    assert "n = 2 reports, 1 distinct stories" in legend[0] and "n = 2 reports, 2 distinct" in legend[1]
    assert "\n" in ax.get_title(loc="left")                      # wrapped, not clipped
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    title_box = ax.title.get_window_extent(renderer)
    assert title_box.x1 <= fig.bbox.x1
    legend_box = ax.get_legend().get_window_extent(renderer)
    for bar in ax.patches:
        assert not legend_box.overlaps(bar.get_window_extent(renderer))
