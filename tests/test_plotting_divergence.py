"""Tests of analysis.plotting.divergence: every chart returns a labelled, sourced Axes."""
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from analysis.divergence import MEAN, consensus_distance, outlet_map, pairwise_divergence
from analysis.lexicon import keyness
from analysis.plotting._style import PALETTE, new_axes
from analysis.plotting.divergence import (
    plot_consensus, plot_divergence_heatmap, plot_keyness, plot_outlet_map, plot_wire_edits,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def coded():
    rng = np.random.default_rng(5)
    outlets = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
    rows, reports = [], []
    for i in range(25):
        outlet = outlets[i % 5]
        lean = outlets.index(outlet) < 2
        reports.append((f"r{i:02d}", outlet))
        rows.append((f"r{i:02d}", "claim", rng.choice(["asserted", "denied"], p=[0.8, 0.2] if lean else [0.2, 0.8])))
        rows.append((f"r{i:02d}", "fact", rng.choice(["yes", "no"])))
    final = pd.DataFrame(rows, columns=["report_id", "variable", "value"])
    reports = pd.DataFrame(reports, columns=["report_id", "outlet"])
    codebook = pd.DataFrame({"variable": ["claim", "fact"], "level": ["nominal", "nominal"],
                             "codes": [("asserted", "denied"), ("yes", "no")]})
    return final, codebook, reports


@pytest.fixture(scope="module")
def distances(coded):
    return pairwise_divergence(*coded, n_boot=50)


def figure_text(ax):
    return " ".join(t.get_text() for t in ax.figure.texts)


def top_to_bottom(ax):
    """The y tick labels from the top of the chart down."""
    pairs = zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()))
    return [label for _, label in sorted(pairs, key=lambda p: -p[0])]


def check_common(ax, source="Source: test event (n = 25 reports)"):
    assert ax.get_title(loc="left")
    assert ax.get_xlabel() and ax.get_ylabel()
    assert source in figure_text(ax)


def test_heatmap_in_dendrogram_order(distances):
    ax = plot_divergence_heatmap(distances, source="Source: test event (n = 25 reports)")
    check_common(ax)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert sorted(labels) == ["Alpha", "Beta", "Delta", "Epsilon", "Gamma"]
    # the two outlets that lean the same way sit next to each other
    assert abs(labels.index("Alpha") - labels.index("Beta")) == 1
    again = plot_divergence_heatmap(distances.iloc[::-1])
    assert [t.get_text() for t in again.get_xticklabels()] == labels
    image = ax.get_images()[0]
    assert image.get_clim() == (0.0, 1.0)
    matrix = image.get_array()
    assert np.allclose(matrix, matrix.T) and np.allclose(np.diag(matrix), 0)


def test_outlet_map_uses_cluster_colours(distances):
    coords = outlet_map(distances, n_clusters=2)
    ax = plot_outlet_map(coords, source="Source: test event (n = 25 reports)")
    check_common(ax)
    colours = {to_hex(c) for coll in ax.collections for c in coll.get_facecolors()}
    assert colours == {PALETTE[0].lower(), PALETTE[1].lower()}
    names = sorted(t.get_text() for t in ax.texts)
    assert names == sorted(coords["outlet"])
    assert "Dimension 1" in ax.get_xlabel()


def test_consensus_ranking_with_intervals(coded):
    table = consensus_distance(*coded, n_boot=50)
    ax = plot_consensus(table, source="Source: test event (n = 25 reports)")
    check_common(ax)
    # rank 1 at the top
    assert top_to_bottom(ax) == table.sort_values("rank", kind="stable")["outlet"].tolist()
    assert "bits" in ax.get_xlabel()


def test_keyness_shows_top_terms_each_side():
    terms = pd.DataFrame({"report_id": ["a"] * 4 + ["b"] * 4,
                          "term": ["hostages", "talks", "deal", "truce", "prisoners", "talks", "war", "truce"],
                          "count": [9, 5, 4, 2, 8, 5, 6, 2]})
    reports = pd.DataFrame({"report_id": ["a", "b"], "side": ["west", "east"]})
    keys = keyness(terms, reports, column="side", group_a="west", min_count=1)
    ax = plot_keyness(keys, k=2, source="Source: test event (n = 25 reports)")
    check_common(ax)
    assert top_to_bottom(ax) == ["hostages", "deal", "war", "prisoners"]
    assert "west" in ax.get_title(loc="left") and "z-score" in ax.get_xlabel()


def test_wire_edits_bars_by_outlet():
    edits = pd.DataFrame({
        "outlet": ["Daily", "Daily", "Daily", "Post", "Post"], "role": ["label", "fact", "label", "figure", "claim"],
        "change": ["changed", "dropped", "changed", "added", "differs"],
        "direction": ["reprint changed"] * 4 + ["copies differ (order unknown)"]})
    ax = plot_wire_edits(edits, source="Source: test event (n = 25 reports)")
    check_common(ax)
    assert top_to_bottom(ax) == ["Daily", "Post"]                    # most edits first, ties by name
    texts = [t.get_text() for t in ax.texts]
    assert "2 changed, 0 added, 1 dropped" in texts
    assert "0 changed, 1 added, 0 dropped; 1 differ, direction unknown" in texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:4] == ["label", "claim", "figure", "fact"] and "hatched" in legend[4]
    # per role: a filled and a hatched patch per outlet; Post's claim is hatched, 1 wide
    hatched = [p for p in ax.patches if p.get_hatch() and p.get_width() > 0]
    assert len(hatched) == 1 and hatched[0].get_width() == 1


def test_given_axes_are_used_and_default_source(distances):
    ax = new_axes()
    out = plot_divergence_heatmap(distances, ax=ax)
    assert out is ax
    assert "Source: coded reports" in figure_text(ax)
    assert MEAN in set(distances["variable"])
