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
    labels = [t.get_text().removesuffix(" (n=5)") for t in ax.get_xticklabels()]
    assert sorted(labels) == ["Alpha", "Beta", "Delta", "Epsilon", "Gamma"]
    # the two outlets that lean the same way sit next to each other
    assert abs(labels.index("Alpha") - labels.index("Beta")) == 1
    again = plot_divergence_heatmap(distances.iloc[::-1])
    assert [t.get_text().removesuffix(" (n=5)") for t in again.get_xticklabels()] == labels
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
    names = sorted(t.get_text() for t in ax.texts if t.get_text() in set(coords["outlet"]))
    assert names == sorted(coords["outlet"])
    assert "Dimension 1" in ax.get_xlabel()
    assert not len(ax.get_xticks()) and not len(ax.get_yticks())     # no meaningless numbers
    assert any("Closer points" in t.get_text() for t in ax.texts)


def test_consensus_ranking_with_intervals(coded):
    table = consensus_distance(*coded, n_boot=50)
    ax = plot_consensus(table, source="Source: test event (n = 25 reports)")
    check_common(ax)
    # rank 1 at the top
    expected = table.sort_values("rank", kind="stable")
    assert top_to_bottom(ax) == [f"{o} (n={n})" for o, n in zip(expected["outlet"], expected["n"])]
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


# --- group sizes on every chart -----------------------------------------------------------------

@pytest.fixture(scope="module")
def uneven():
    """Groups of 1, 2, 4 and 12 reports; "Big" codes differently from the rest."""
    rng = np.random.default_rng(2)
    sizes = {"One": 1, "Two": 2, "Four": 4, "Big": 12, "Mid (n=6)": 6}
    rows, reports = [], []
    for group, n in sizes.items():
        for i in range(n):
            rid = f"{group}-{i}"
            reports.append((rid, group))
            p = [0.9, 0.1] if group == "Big" else [0.2, 0.8]
            rows += [(rid, "claim", rng.choice(["asserted", "denied"], p=p)),
                     (rid, "fact", rng.choice(["yes", "no"]))]
    final = pd.DataFrame(rows, columns=["report_id", "variable", "value"])
    reports = pd.DataFrame(reports, columns=["report_id", "region"])
    codebook = pd.DataFrame({"variable": ["claim", "fact"], "level": ["nominal", "nominal"],
                             "codes": [("asserted", "denied"), ("yes", "no")]})
    return final, codebook, reports


def test_consensus_draws_null_small_groups_hollow_and_p(uneven):
    table = consensus_distance(*uneven, by="region", n_boot=50, n_perm=300)
    ax = plot_consensus(table, source="Source: test event (n = 25 reports)")
    check_common(ax)
    # ranked groups (by excess) first, then small ones by name; every label with its n
    assert top_to_bottom(ax) == ["Big (n=12)", "Mid (n=6)", "Four (n=4)", "One (n=1)", "Two (n=2)"]
    # the null mean of each group is drawn where the table puts it
    nulls = [c for c in ax.collections if c.get_label().startswith("expected")][0]
    shown = dict(zip(nulls.get_offsets()[:, 1], nulls.get_offsets()[:, 0]))
    ticks = dict(zip((t.get_text() for t in ax.get_yticklabels()), ax.get_yticks()))
    for row in table.itertuples():
        label = row.region if "(n=" in row.region else f"{row.region} (n={row.n})"
        assert shown[ticks[label]] == pytest.approx(row.null_mean)
    hollow = [c for c in ax.collections if c.get_label().startswith("fewer than")][0]
    assert len(hollow.get_offsets()) == 3
    assert {to_hex(c) for c in hollow.get_facecolors()} == {"#ffffff"}
    texts = [t.get_text() for t in ax.texts]
    assert sum(t.startswith("p = ") for t in texts) == 5
    assert "size" in ax.get_title(loc="left")
    assert "permutation test" in ax.get_legend().get_title().get_text()


def test_heatmap_labels_carry_n_and_small_groups_are_hatched(uneven):
    distances = pairwise_divergence(*uneven, by="region", n_boot=0, n_perm=200)
    ax = plot_divergence_heatmap(distances, source="Source: test event (n = 25 reports)")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # sizes from the table; a name that already carries its n is not labelled twice
    assert sorted(labels) == ["Big (n=12)", "Four (n=4)", "Mid (n=6)", "One (n=1)", "Two (n=2)"]
    grey = {t.get_text() for t in ax.get_yticklabels() if to_hex(t.get_color()) == "#8c8c8c"}
    assert grey == {"One (n=1)", "Two (n=2)", "Four (n=4)"}
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 2 * 3                                     # a row and a column each
    assert "hatched: fewer than 5 reports" in ax.get_xlabel()


def test_heatmap_stars_significant_pairs(uneven):
    distances = pairwise_divergence(*uneven, by="region", n_boot=0, n_perm=200)
    ax = plot_divergence_heatmap(distances)
    mean = distances[distances["variable"] == MEAN]
    starred = sum(t.get_text().endswith("*") for t in ax.texts)
    assert starred == 2 * int(mean["significant"].sum())            # both halves of the matrix
    assert mean["significant"].any()


def test_outlet_map_colours_by_group_marks_kinds_and_hollows_small(distances):
    coords = outlet_map(distances)
    coords = coords.assign(n=coords["n"].where(coords["outlet"] != "Gamma", 2))
    groups = pd.Series({"Alpha": "state", "Beta": "state", "Gamma": "private", "Delta": "private"},
                       name="Outlet type")
    kinds = {"Alpha": "mostly reprints", "Beta": "own reporting", "Gamma": "own reporting",
             "Delta": "own reporting", "Epsilon": "own reporting"}
    ax = plot_outlet_map(coords, groups=groups, marker_by=kinds, source="Source: test event (n = 25 reports)")
    check_common(ax)
    edge = {}
    for coll in ax.collections:
        for (x, y), colour in zip(coll.get_offsets(), coll.get_edgecolors()):
            edge[(round(x, 9), round(y, 9))] = to_hex(colour)
    by_point = {o: edge[(round(x, 9), round(y, 9))] for o, x, y in zip(coords["outlet"], coords["x"], coords["y"])}
    # sorted group values take the palette in order: private, state; no group is grey
    assert by_point["Gamma"] == by_point["Delta"] == PALETTE[0].lower()
    assert by_point["Alpha"] == by_point["Beta"] == PALETTE[1].lower()
    assert by_point["Epsilon"] == "#bbbbbb"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"private", "state", "no group", "mostly reprints", "own reporting"} <= set(legend)
    assert any(t.startswith("hollow") for t in legend)
    white = [coll for coll in ax.collections if {to_hex(c) for c in coll.get_facecolors()} == {"#ffffff"}]
    assert len(white) == 1 and len(white[0].get_offsets()) == 1        # Gamma alone, n = 2


def crowded_map(n):
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(n, 2)) * 0.05
    table = pd.DataFrame({"outlet": [f"Outlet number {i:02d}" for i in range(n)], "x": xy[:, 0], "y": xy[:, 1],
                          "cluster": 1})
    table.attrs["by"] = "outlet"
    return table


def test_outlet_map_labels_do_not_overlap():
    coords = crowded_map(10)
    ax = plot_outlet_map(coords)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text().startswith("Outlet number")]
    assert len(boxes) == 10
    overlaps = sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert overlaps <= 1                                            # ten labels in a small cloud


def test_outlet_map_labels_only_the_farthest_points():
    coords = crowded_map(30)
    ax = plot_outlet_map(coords, label=5)
    labelled = {t.get_text() for t in ax.texts if t.get_text().startswith("Outlet number")}
    xy = coords[["x", "y"]].to_numpy()
    far = np.hypot(*(xy - xy.mean(axis=0)).T)
    assert labelled == set(coords["outlet"].to_numpy()[np.argsort(-far)[:5]])
    with pytest.raises(ValueError, match="label must be"):
        plot_outlet_map(coords, label=-1)
    with pytest.raises(ValueError, match="groups must be a mapping"):
        plot_outlet_map(coords, groups=["a"])
