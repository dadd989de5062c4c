"""Any valid event folder runs: random folders across the format's space (tests/folders.py), the
failures users met (a missing optional column, a report coded by one coder), and the main job on
four folders unlike the bundled event."""
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from analysis import load_event
from analysis.divergence import pairwise_divergence
from analysis.framing import frame_profile, frame_scores
from analysis.page import choose_grouping, derive_columns, open_page
from analysis.quality import coding_design
from analysis.reliability import consolidate, reliability
from analysis.report import notebook_list, run_report
from folders import Plan, draw_plan, make_folder

from conftest import ROOT

SEEDS = range(40)


@pytest.fixture(scope="module")
def random_folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("random")
    return [(make_folder(base / f"f{s}", draw_plan(s)), base / f"f{s}") for s in SEEDS]


def test_random_folders_load_and_account_for_every_cell(random_folders):
    for plan, folder in random_folders:
        ev = load_event(folder)
        for name, c in ev.counts.items():
            assert c["judgements_used"] + c["blank"] + c["rejected"] == c["cells_read"], (plan, name)
        assert len(ev.reports) == plan.n_reports


def test_consolidation_keeps_every_report_and_single_coded_codes(random_folders):
    for plan, folder in random_folders:
        ev = load_event(folder)
        final = consolidate(ev.codes, ev.codebook)
        coded = sorted(set(ev.codes["report_id"].astype(str)))
        assert len(final) == len(coded) * len(ev.codebook), plan
        design = coding_design(ev.codes).set_index("n_coders")["n_reports"]
        planned = pd.Series([len(c) for c in plan.coders_of.values()]).value_counts()
        planned = planned[planned.index > 0]
        assert design[design.index > 0].sort_index().to_dict() == planned.sort_index().to_dict(), plan
        # every report one coder alone coded keeps that coder's codes (nominal/ordinal always given)
        lone = [r for r, c in plan.coders_of.items() if len(c) == 1]
        words = ev.codebook.loc[ev.codebook["level"].isin(["nominal", "ordinal"]), "variable"]
        kept = final[final["report_id"].astype(str).isin(lone) & final["variable"].astype(str).isin(words)]
        assert kept["value"].notna().all(), plan
        assert set(kept["rule"]) <= {"single_coder", "adjudicated"}, plan
        if plan.design == "machine":
            machine = final[final["rule"] == "machine"]
            assert set(machine["report_id"].astype(str)) == {r for r, c in plan.coders_of.items() if not c}


def test_reliability_says_one_coder_and_keeps_every_variable(random_folders):
    for plan, folder in random_folders:
        ev = load_event(folder)
        table = reliability(ev.codes, ev.codebook, coders=None, exclude=("adjudicated",), n_boot=20)
        assert table["variable"].tolist() == ev.codebook["variable"].tolist()
        if plan.design == "one_coder":
            assert (table["verdict"] == "not measured").all()
        else:
            assert "not measured" not in set(table["verdict"]), plan


def test_page_groups_have_their_true_sizes_and_shares_sum_to_one(random_folders):
    for plan, folder in random_folders:
        page = open_page(folder, n_boot=20)
        if page.group_by is None:
            assert page.missing(groups=True).startswith("Nothing to show here")
            continue
        raw = derive_columns(page.event.reports)[page.group_by].value_counts()
        shown = page.reports[page.group_by].value_counts()
        assert sorted(shown.to_numpy()) == sorted(raw.to_numpy())
        for label, n in shown.items():
            assert label.endswith(f"(n={n})")
        if page.variables("frame_item") and page.final["value"].notna().any():
            scores = frame_scores(page.final, page.codebook)
            prof = frame_profile(scores, page.reports, by=page.group_by, n_boot=0)
            assert (prof["n"] <= prof[page.group_by].map(shown)).all()


def test_missing_optional_column_and_roles_give_sentences(tmp_path):
    plan = make_folder(tmp_path / "bare", Plan(n_reports=6, columns=(), roles=("other",), fmt="csv_long"))
    page = open_page(tmp_path / "bare", n_boot=10)
    assert page.group_by is None
    for role in ("frame_item", "claim", "label", "figure", "fact", "source"):
        assert f"role {role}" in page.missing(roles=[role])
    assert "column outlet_type of reports.csv" in page.missing(columns=["outlet_type"])
    assert "terms.csv" in page.missing(terms=True) or plan.terms


def test_grouping_rule_skips_a_column_where_one_value_holds_most_reports():
    reports = pd.DataFrame({"outlet_type": ["private"] * 48 + ["state"] * 7,
                            "outlet_country": ["FR"] * 20 + ["US"] * 20 + ["EG"] * 15})
    column, reason = choose_grouping(derive_columns(reports))
    assert column == "region" and "region" in reason
    assert choose_grouping(derive_columns(reports.iloc[:3]))[0] is None


def test_outlets_sharing_no_variable_are_left_out_of_the_map(tmp_path):
    from analysis.page import Page
    distances = pd.DataFrame({"a": ["A", "A", "B", "A", "B", "C"], "b": ["B", "C", "C", "D", "D", "D"],
                              "variable": "(mean)", "jsd": [0.1, 0.2, 0.3, np.nan, np.nan, np.nan]})
    kept = Page.mappable(None, distances)
    assert set(kept["a"]) | set(kept["b"]) == {"A", "B", "C"}


# --- the main job on folders unlike the bundled event ------------------------------------------

def _template_without_outlet_type(folder):
    shutil.copytree(ROOT / "data" / "template", folder)
    (folder / "datapackage.json").unlink(missing_ok=True)
    reports = pd.read_csv(folder / "reports.csv", dtype=str, keep_default_na=False)
    reports.drop(columns=["outlet_type"]).to_csv(folder / "reports.csv", index=False)


FOLDERS = {
    "no-outlet-type": _template_without_outlet_type,
    "three-coders": lambda f: make_folder(f, Plan(n_reports=24, n_outlets=8, design="partial_three",
                                                  fmt="xlsx_wide", seed=11)),
    "one-coder": lambda f: make_folder(f, Plan(n_reports=12, n_outlets=4, design="one_coder", columns=(),
                                               seed=12)),
    "ordinal-numeric": lambda f: make_folder(f, Plan(n_reports=15, n_outlets=5, all_ordinal=True, numeric=True,
                                                     fmt="parquet_long", terms=False, seed=13)),
}


@pytest.fixture(scope="module", params=sorted(FOLDERS))
def main_job(request, tmp_path_factory):
    base = tmp_path_factory.mktemp(request.param)
    folder = base / "event"
    FOLDERS[request.param](folder)
    pages = run_report(folder, base / "out", n_boot=30, jobs=2, progress=False)
    return request.param, folder, base / "out", pages


@pytest.mark.slow
def test_main_job_writes_every_page_without_errors(main_job):
    name, folder, out, pages = main_job
    expected = notebook_list(ROOT / "notebooks", "another-event")
    assert (out / "index.html").is_file()
    for nb in expected:
        assert (out / (nb.stem + ".html")).is_file(), (name, nb.name)
        cells = json.loads((out / "notebooks" / nb.name).read_text(encoding="utf-8"))["cells"]
        errors = [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"
                  or o.get("name") == "stderr"]
        assert not errors, (name, nb.name, errors[:1])
    # the case study gets a page saying it was written for another event
    case = (out / "00-case-study-cairo.html").read_text(encoding="utf-8")
    assert "case study written for another event" in case
    assert "written for another event" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_single_coded_report_appears_in_the_report(main_job):
    name, folder, out, pages = main_job
    if name != "three-coders":
        pytest.skip("only the three-coder folder has a lone-coded report")
    ev = load_event(folder)
    final = consolidate(ev.codes, ev.codebook)
    lone = final[final["report_id"] == "r023"]
    assert set(lone["rule"]) == {"single_coder"} and lone["value"].notna().all()
    frames = (out / "03-frames.html").read_text(encoding="utf-8")
    assert "Outlet" in frames
    reports = pairwise_divergence(final, ev.codebook, ev.reports, by="outlet", n_boot=0)
    outlet = ev.reports.set_index("report_id").loc["r023", "outlet"]
    assert outlet in set(reports["a"]) | set(reports["b"])


def test_cli_reliability_states_the_design(tmp_path, capsys):
    from analysis.cli import main

    make_folder(tmp_path / "sub", Plan(n_reports=20, design="subsample", seed=5))
    assert main(["reliability", str(tmp_path / "sub"), "--n-boot", "10"]) == 0
    out = capsys.readouterr().out
    design = coding_design(load_event(tmp_path / "sub").codes).set_index("n_coders")["n_reports"]
    assert out.startswith(f"Of 20 reports, {design[1]} by 1 independent coder, {design[2]} by 2 independent coders.")
    assert f"the {design[1]} single-coded reports carry each variable's measured reliability" in out


def test_lineage_counts_an_agencys_own_story_as_own_reporting():
    reports = pd.DataFrame({"outlet": ["ANSA", "Corriere", "EFE", "Blog"],
                            "outlet_id": ["ansa.it", "corriere.it", "efe.com", "blog.net"],
                            "wire": ["ANSA", "ANSA", "efe", None],
                            "derived_from": [None, None, None, "x-0408"]})
    lineage = derive_columns(reports)["lineage"].tolist()
    assert lineage == ["own reporting", "agency copy", "own reporting", "agency copy"]


def test_region_of_every_bundled_country_is_known():
    # the United Kingdom's ISO2 cell in country_converter is a pattern ("^GB$|^UK$")
    reports = pd.DataFrame({"outlet_country": ["GB", "US", "NA", "EG", "AU", "BR"]})
    assert derive_columns(reports)["region"].tolist() == ["Europe", "Americas", "Africa", "Africa", "Oceania",
                                                          "Americas"]
