"""Outlets across events: planted consistent and reversed outlets are found, positions are the
planted shares, the correlation is scipy's Spearman, intervals match published values, unreliable
variables are named and left out, events without a shared outlet give empty tables with a
sentence, and the main job writes a report per event and the cross-event page."""
import hashlib
import json
import shutil
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from analysis import across
from analysis.errors import DataError
from analysis.page import open_page
from analysis.report import MANIFEST, across_notebooks, notebook_list, run_events, run_report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ACROSS_NB = "10-across-events.ipynb"

# (outlet_id, own reports with item_a "yes", own reports) per event; planted before any code ran:
# steady.com holds 4 of 8 in both events (consistent); flip.com 8 of 8, then 0 of 8 (a reversal);
# o1..o8 have 3 reports each, ranked alike in both events except for a swap of o2 and o3
PLAN = {
    "ev-a": {"steady.com": (4, 8), "flip.com": (8, 8), "o1.com": (0, 3), "o2.com": (1, 3), "o3.com": (2, 3),
             "o4.com": (3, 3), "o5.com": (0, 3), "o6.com": (1, 3), "o7.com": (2, 3), "o8.com": (3, 3),
             "solo-a.com": (1, 2)},
    "ev-b": {"steady.com": (4, 8), "flip.com": (0, 8), "o1.com": (0, 3), "o2.com": (2, 3), "o3.com": (1, 3),
             "o4.com": (3, 3), "o5.com": (1, 3), "o6.com": (1, 3), "o7.com": (3, 3), "o8.com": (3, 3),
             "solo-b.com": (2, 2)},
}
# agency copy: reports that reprint a wire; never counted by default
COPIES = {"ev-a": {}, "ev-b": {"steady.com": 3}}


def _codebook(event: str) -> dict:
    yes_no = {"yes": "Yes", "no": "No"}
    variables = [
        dict(name="item_a", label="Item A", question="Is A there?", level="nominal", values=yes_no,
             role="frame_item", frame="conflict", compare_as="item_a"),
        # the same question under another name in ev-b, matched by the mapping file only
        dict(name="stance" if event == "ev-a" else "claim_way", label="Stance", question="How?", level="nominal",
             values={"relay": "Relays", "own": "Own voice", "none": "Not addressed"}),
        dict(name="noisy", label="Noisy item", question="Is N there?", level="nominal", values=yes_no,
             compare_as="noisy"),
        dict(name="deaths", label="Deaths cited", question="Which number?", level="ratio", compare_as="deaths"),
    ]
    if event == "ev-a":
        variables[1]["compare_as"] = "stance"
    return {"frames": {"conflict": "Conflict"}, "variables": variables}


def write_event(folder: Path, event: str, plan: dict, copies: dict) -> Path:
    """A valid event folder: two coders who agree on everything but the noisy item."""
    (folder / "codes").mkdir(parents=True)
    meta = {"id": event, "title": f"Event {event}", "start": "2024-03-01", "end": "2024-03-10"}
    (folder / "event.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    (folder / "codebook.yaml").write_text(yaml.safe_dump(_codebook(event), sort_keys=False), encoding="utf-8")
    reports, codes = [], []
    stance = "stance" if event == "ev-a" else "claim_way"
    i = 0
    for outlet_id, (k, n) in plan.items():
        for j in range(n + copies.get(outlet_id, 0)):
            rid = f"{event}-{i:03d}"
            own = j < n
            reports.append({"report_id": rid, "outlet": outlet_id.split(".")[0].title(), "outlet_id": outlet_id,
                            "published": "2024-03-02", "url": f"https://{outlet_id}/{rid}",
                            "wire": "" if own else "Reuters"})
            item = "yes" if (own and j < k) or (not own and j % 2) else "no"
            # stance: relay in the first half of the reports, one in four not addressed
            way = "none" if i % 4 == 3 else ("relay" if j < max(1, n // 2) else "own")
            for coder in ("ana", "ben"):
                noisy = "yes" if (i * 7 + (coder == "ben") * 3) % 5 < 2 else "no"
                codes += [(rid, coder, "item_a", item), (rid, coder, stance, way), (rid, coder, "noisy", noisy),
                          (rid, coder, "deaths", "" if i % 3 else "100")]
            i += 1
    pd.DataFrame(reports).to_csv(folder / "reports.csv", index=False)
    pd.DataFrame(codes, columns=["report_id", "coder", "variable", "value"]).assign(evidence="") \
        .to_csv(folder / "codes.csv", index=False)
    (folder / "codes").rmdir()
    return folder


MAPPING = {"concepts": [{"id": "stance", "label": "Relays the claim",
                         "events": {"ev-a": {"variable": "stance", "positive": ["relay"], "exclude": ["none"]},
                                    "ev-b": {"variable": "claim_way", "positive": ["relay"], "exclude": ["none"]}}}]}


@pytest.fixture(scope="module")
def two_events(tmp_path_factory):
    base = tmp_path_factory.mktemp("across") / "events"
    a = write_event(base / "a", "ev-a", PLAN["ev-a"], COPIES["ev-a"])
    b = write_event(base / "b", "ev-b", PLAN["ev-b"], COPIES["ev-b"])
    (base / "compare").mkdir()
    (base / "compare" / "a-b.yaml").write_text(yaml.safe_dump(MAPPING, sort_keys=False), encoding="utf-8")
    return a, b


@pytest.fixture(scope="module")
def opened(two_events):
    return across.open_events(list(two_events), n_boot=200, seed=0)


@pytest.fixture(scope="module")
def positions(opened):
    return across.outlet_positions(opened.pages, opened.concepts)


def _planted(event: str, outlet: str) -> float:
    k, n = PLAN[event][outlet]
    return k / n


def test_concepts_from_compare_as_and_the_mapping_file(opened):
    c = opened.concepts.set_index(["concept", "event"])
    assert c.loc[("stance", "ev-b"), "variable"] == "claim_way"
    assert c.loc[("stance", "ev-a"), "positive"] == ("relay",) and c.loc[("stance", "ev-b"), "exclude"] == ("none",)
    assert c.loc[("item_a", "ev-a"), "positive"] == ("yes",)  # a yes/no variable counts its yes code
    assert c.loc[("item_a", "ev-a"), "used"] and c.loc[("stance", "ev-b"), "used"]
    assert not c.loc[("deaths", "ev-a"), "used"] and "ratio" in c.loc[("deaths", "ev-a"), "reason"]
    assert opened.mapping_files == ("a-b.yaml",)


def test_unreliable_variable_is_left_out_and_named(opened, positions):
    verdicts = {p.event.meta["id"]: p.reliability.set_index("variable").loc["noisy", "verdict"] for p in opened.pages}
    assert set(verdicts.values()) == {"unreliable"}, verdicts  # the plan makes the coders disagree
    noisy = opened.concepts[opened.concepts["concept"] == "noisy"]
    assert not noisy["used"].any() and noisy["reason"].str.contains("unreliable").all()
    assert "noisy" in across.left_out_sentence(opened.concepts)
    assert "noisy" not in set(positions["concept"])


def test_shared_outlets_and_their_lineage(opened):
    shared = across.shared_outlets(opened.pages)
    assert set(shared["outlet_id"]) == {"steady.com", "flip.com"} | {f"o{i}.com" for i in range(1, 9)}
    steady = shared[shared["outlet_id"] == "steady.com"].set_index("event")
    assert steady.loc["ev-b", ["n_reports", "n_own", "n_copy"]].tolist() == [11, 8, 3]
    assert steady.loc["ev-b", "lineage"] == "own reporting and agency copy"
    assert steady.loc["ev-a", "lineage"] == "own reporting"
    assert list(shared["event"].iloc[:2]) == ["ev-a", "ev-b"]


def test_positions_are_the_planted_shares_with_wilson_intervals(positions):
    item = positions[positions["concept"] == "item_a"]
    for row in item.itertuples(index=False):
        k, n = PLAN[row.event][row.outlet_id]
        assert (row.k, row.n) == (k, n), row  # own reporting only: the 3 copies of steady.com left out
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert row.position == pytest.approx(k / n)
        assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-9)


def test_all_lineages_count_agency_copy(opened):
    every = across.outlet_positions(opened.pages, opened.concepts, lineage="all")
    steady = every[(every["concept"] == "item_a") & (every["outlet_id"] == "steady.com")].set_index("event")
    # 4 of 8 own reports, and the copies j = 8, 9, 10 carry "yes" where j is odd: one more yes
    assert (steady.loc["ev-b", "k"], steady.loc["ev-b", "n"]) == (5, 11)
    with pytest.raises(ValueError, match="lineage"):
        across.outlet_positions(opened.pages, opened.concepts, lineage="wire")


def test_excluded_codes_leave_the_share(positions):
    stance = positions[(positions["concept"] == "stance")]
    # o1.com in ev-a: 3 reports; whichever has i % 4 == 3 is "none" and leaves the denominator
    assert (stance["n"] <= stance["n_reports"]).all() and (stance["n"] < stance["n_reports"]).any()


def test_planted_consistent_and_reversed_outlets(positions):
    changes = across.position_changes(positions)
    item = changes[changes["concept"] == "item_a"].set_index("outlet_id")
    assert item.loc["steady.com", "verdict"] == "consistent"
    assert item.loc["steady.com", "difference"] == pytest.approx(0.0)
    flip = item.loc["flip.com"]
    assert flip["verdict"] == "changed" and flip["difference"] == pytest.approx(-1.0)
    assert (flip["event_a"], flip["event_b"]) == ("ev-a", "ev-b")
    assert flip["ci_high"] < 0
    # largest change first
    assert changes.iloc[0]["outlet_id"] == "flip.com" and changes.iloc[0]["concept"] == "item_a"
    assert set(changes["verdict"]) <= {"changed", "consistent", "undefined"}


def test_correlation_equals_scipy_spearman_on_the_planted_positions(positions):
    corr = across.position_correlations(positions, n_boot=300, seed=4)
    row = corr[corr["concept"] == "item_a"].iloc[0]
    outlets = sorted(o for o in PLAN["ev-a"] if o in PLAN["ev-b"])
    x = [_planted("ev-a", o) for o in outlets]
    y = [_planted("ev-b", o) for o in outlets]
    assert row["n_outlets"] == len(outlets) == 10
    assert row["rho"] == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    # the bootstrap interval, recomputed resample by resample with scipy (same seed, same draws)
    rng = np.random.default_rng([4, zlib.crc32(b"item_a"), 0])
    idx = rng.integers(0, len(x), size=(300, len(x)))
    xa, ya = np.array(x), np.array(y)
    rhos = [stats.spearmanr(xa[i], ya[i]).statistic for i in idx if np.ptp(xa[i]) > 0 and np.ptp(ya[i]) > 0]
    assert row["n_boot_defined"] == len(rhos)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(np.quantile(rhos, [0.025, 0.975])), abs=1e-12)
    assert row["ci_low"] <= row["rho"] <= row["ci_high"]


def test_correlation_over_too_few_outlets_is_undefined():
    pos = pd.DataFrame({"concept": "c", "label": "C", "event": ["a", "b", "a", "b"], "outlet_id": ["x", "x", "y", "y"],
                        "position": [0.1, 0.2, 0.5, 0.9]})
    corr = across.position_correlations(pos, n_boot=50)
    assert corr["n_outlets"].tolist() == [2] and corr["rho"].isna().all()
    assert "at least 3 outlets" in corr.attrs["note"]


def test_wilson_and_newcombe_intervals_match_published_values():
    # Newcombe (1998b), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score):
    # 56/70 - 48/80: 0.0524 to 0.3339; 9/10 - 3/10: 0.1705 to 0.8090
    low, high = across.difference_interval([48, 3], [80, 10], [56, 9], [70, 10])
    assert low == pytest.approx([0.0524, 0.1705], abs=5e-5)
    assert high == pytest.approx([0.3339, 0.8090], abs=5e-5)
    # Wilson (1927) against scipy's own implementation, including the ends of the scale
    for k, n in [(0, 1), (1, 1), (81, 263), (0, 20), (15, 148)]:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert across.wilson_interval(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)
    low, high = across.wilson_interval(0, 0)
    assert np.isnan(low) and np.isnan(high)


def test_no_shared_outlet_gives_empty_tables_and_a_sentence(tmp_path):
    a = write_event(tmp_path / "a", "ev-a", {"one.com": (1, 3)}, {})
    b = write_event(tmp_path / "b", "ev-b", {"two.com": (2, 3)}, {})
    opened = across.open_events([a, b], n_boot=50)
    shared = across.shared_outlets(opened.pages)
    positions = across.outlet_positions(opened.pages, opened.concepts)
    tables = {"shared": (shared, across.SHARED_COLUMNS), "positions": (positions, across.POSITION_COLUMNS),
              "correlations": (across.position_correlations(positions), across.CORRELATION_COLUMNS),
              "changes": (across.position_changes(positions), across.CHANGE_COLUMNS)}
    for name, (table, columns) in tables.items():
        assert table.empty and list(table.columns) == columns, name
        assert "No outlet appears in two or more of the events" in table.attrs["note"], name
    sentences = across.findings(opened.pages, opened.concepts, n_boot=50)
    assert len(sentences) == 1 and "No outlet appears" in sentences[0]


def test_events_without_outlet_id_say_what_to_add(tmp_path):
    a = write_event(tmp_path / "a", "ev-a", {"one.com": (1, 3)}, {})
    b = write_event(tmp_path / "b", "ev-b", {"one.com": (2, 3)}, {})
    reports = pd.read_csv(b / "reports.csv").drop(columns="outlet_id")
    reports.to_csv(b / "reports.csv", index=False)
    shared = across.shared_outlets([open_page(a, n_boot=20), open_page(b, n_boot=20)])
    assert shared.empty and "ev-b has no outlet_id" in shared.attrs["note"]


def test_inputs_are_not_changed(opened, positions):
    before = positions.copy()
    across.position_correlations(positions, n_boot=20)
    across.position_changes(positions)
    pd.testing.assert_frame_equal(positions, before)


@pytest.mark.parametrize("entry, message", [
    ({"id": "stance", "events": {"ev-a": {"variable": "stance", "positive": ["relays"]}}},
     "positive code(s) relays are not codes of stance in ev-a; one of relay, own, none"),
    ({"id": "stance", "events": {"ev-b": {"variable": "no_such"}}}, "event ev-b has no variable no_such"),
    ({"id": "noisy", "events": {"ev-a": "item_a"}}, "variable item_a of ev-a carries compare_as item_a"),
])
def test_mapping_mistakes_name_file_line_and_what_is_accepted(two_events, tmp_path, entry, message):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"concepts": [entry]}, sort_keys=False), encoding="utf-8")
    pages = [open_page(d, n_boot=20) for d in two_events]
    with pytest.raises(DataError) as err:
        across.comparable_concepts(pages, mapping=across.read_mappings(path))
    assert "bad.yaml, line 4, column ev-" in str(err.value) and message in str(err.value)


def test_mapping_file_shape_is_checked(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("concepts:\n- id: 3x\n  events: {ev-a: v}\n- id: ok\n  events: [v]\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        across.read_mapping(path)
    text = str(err.value)
    assert "2 problems" in text and "bad.yaml, line 2, column id" in text and "bad.yaml, line 5, column events" in text


def test_the_cross_event_notebook_is_not_run_on_one_event():
    assert ACROSS_NB not in [p.name for p in notebook_list(NOTEBOOKS, "any-event")]
    assert [p.name for p in across_notebooks(NOTEBOOKS)] == [ACROSS_NB]
    meta = json.loads((NOTEBOOKS / ACROSS_NB).read_text(encoding="utf-8"))["metadata"]
    assert meta["analysis"] == {"events": "several"}


def _digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_main_job_on_two_events_writes_both_reports_and_the_cross_event_page(two_events, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("01-sample.ipynb", ACROSS_NB):
        shutil.copy(NOTEBOOKS / name, notebooks / name)
    out = tmp_path / "out"
    first = run_events(list(two_events), out, notebooks_dir=notebooks, n_boot=30, jobs=2, progress=False)
    assert not first.failed, first.failed
    for event in ("ev-a", "ev-b"):
        assert (out / event / "index.html").is_file() and (out / event / "01-sample.html").is_file()
        local = (out / event / "10-across-events.html").read_text(encoding="utf-8")
        assert "needs two or more events" in local and 'href="../10-across-events.html"' in local
    page = (out / "10-across-events.html").read_text(encoding="utf-8")
    assert "flip" in page.lower() and "changed" in page and str(two_events[0]) not in page
    index = (out / "index.html").read_text(encoding="utf-8")
    for href in ("ev-a/index.html", "ev-b/index.html", "10-across-events.html"):
        assert f'href="{href}"' in index
    assert any(f.startswith("figures/10-across-events") for f in _digest(out))
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(listed + [MANIFEST]) == sorted(_digest(out))
    before = _digest(out)
    run_events(list(two_events), out, notebooks_dir=notebooks, n_boot=30, jobs=1, progress=False)
    assert _digest(out) == before, "a rerun wrote different files"

    # one event: the cross-event page says why it was not run; the index does not call it failed
    single = run_report(two_events[0], tmp_path / "one", notebooks_dir=notebooks, n_boot=30, jobs=1,
                        progress=False)
    assert not single.failed and not (tmp_path / "one" / "ev-a").exists()
    text = (tmp_path / "one" / "10-across-events.html").read_text(encoding="utf-8")
    assert "Not run: this page needs two or more events" in text
    index = (tmp_path / "one" / "index.html").read_text(encoding="utf-8")
    assert "not run: needs two or more events" in index and "failed" not in index.split("10-across-events")[1][:300]

    # the same folder, now for both events: the single report's files and folders make way
    run_events(list(two_events), tmp_path / "one", notebooks_dir=notebooks, n_boot=30, jobs=1, progress=False)
    listed = json.loads((tmp_path / "one" / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(listed + [MANIFEST]) == sorted(_digest(tmp_path / "one"))
    assert not (tmp_path / "one" / "outlets").exists()
