"""Long tables on a page (issue 20): a page shows a documented sample of a table longer than
``max_rows`` (or its first rows when the table is ranked), and the main job writes the full table
to ``downloads/`` and lists it; a table of ``max_rows`` rows or fewer is shown as before."""
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis.page as page_module
from analysis.downloads import table_name
from analysis.page import open_page
from analysis.synthetic import make_event_folder

ROOT = Path(__file__).resolve().parents[1]
N_REPORTS = 300


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_event_folder(tmp_path_factory.mktemp("long") / "event", n_reports=N_REPORTS, n_variables=12,
                             n_outlets=80, terms=False)


@pytest.fixture(scope="module")
def page(folder):
    return open_page(folder, n_boot=20, seed=0)


@pytest.fixture
def said(monkeypatch):
    """The sentences a page shows, in order."""
    out: list[str] = []
    monkeypatch.setattr(page_module, "_say", out.append)
    return out


def _table(page) -> pd.DataFrame:
    """One row per report: id, outlet, publication time, a number with many digits, a formula-like cell."""
    reports = page.event.reports
    rng = np.random.default_rng(42)
    return pd.DataFrame({"report_id": reports["report_id"].astype(str).to_numpy(),
                         "outlet": reports["outlet"].to_numpy(),
                         "published": reports["published"].to_numpy(),
                         "published_time_known": reports["published_time_known"].to_numpy(),
                         "score": rng.random(len(reports)),
                         "note": ["=1+1" if i == 0 else f"note {i}" for i in range(len(reports))]})


def _with_figures(page, figures_dir):
    """The same page state, its figures folder set as the main job sets it."""
    from dataclasses import replace

    return replace(page, figures_dir=figures_dir)


def test_a_long_table_shows_a_seeded_sample_in_the_tables_order(folder, page, said):
    frame = _table(page)
    shown = page.table(frame, max_rows=50)
    # the documented draw: numpy Generator seeded with the page's seed, 50 positions without
    # replacement, kept in the table's order
    rows = np.sort(np.random.default_rng(0).choice(N_REPORTS, size=50, replace=False))
    assert len(shown) == 50
    assert shown.index.tolist() == frame["report_id"].iloc[rows].tolist()
    assert page.table(frame, max_rows=50).equals(shown)  # the same rows at every call
    other = open_page(folder, n_boot=20, seed=1)
    assert other.table(frame, max_rows=50).index.tolist() != shown.index.tolist()
    assert said[0] == f"Showing 50 of {N_REPORTS} rows (a random sample, seed 0)."
    assert said[-1] == f"Showing 50 of {N_REPORTS} rows (a random sample, seed 1)."


def test_the_sentence_links_a_download_holding_every_row(page, said, tmp_path):
    frame = _table(page)
    before = frame.copy()
    figures = tmp_path / "figures"
    shown = _with_figures(page, figures).table(frame, max_rows=50, name="all-reports")
    assert len(shown) == 50
    assert said == [(f"Showing 50 of {N_REPORTS} rows (a random sample, seed 0); the full table: "
                     "[downloads/all-reports.csv](downloads/all-reports.csv).")]
    written = pd.read_csv(tmp_path / "downloads" / "all-reports.csv", dtype={"report_id": str, "note": str},
                          float_precision="round_trip")
    assert written["report_id"].tolist() == frame["report_id"].tolist()
    assert np.array_equal(written["score"].to_numpy(), frame["score"].to_numpy())  # not rounded
    known = frame["published_time_known"].to_numpy(dtype=bool)
    expected = np.where(known, frame["published"].dt.strftime("%Y-%m-%dT%H:%MZ"),
                        frame["published"].dt.strftime("%Y-%m-%d"))
    assert written["published"].tolist() == expected.tolist()
    assert "published_time_known" not in written  # folded into the precision of published
    assert written["note"].iloc[0] == "'=1+1"  # formula-neutralised
    assert not figures.exists()  # a table writes its download, never into the figures folder
    pd.testing.assert_frame_equal(frame, before)


def test_a_ranked_table_shows_its_first_rows(page, said, tmp_path):
    frame = _table(page).sort_values("score", ascending=False)
    shown = _with_figures(page, tmp_path / "figures").table(frame, max_rows=20, ranked="highest score first",
                                                             name="ranked")
    assert shown.index.tolist() == frame["report_id"].iloc[:20].tolist()
    assert said == [(f"Showing the first 20 of {N_REPORTS} rows (highest score first); the full table: "
                     "[downloads/ranked.csv](downloads/ranked.csv).")]
    written = pd.read_csv(tmp_path / "downloads" / "ranked.csv", dtype={"report_id": str})
    assert written["report_id"].tolist() == frame["report_id"].tolist()


@pytest.mark.parametrize("n", [1, 49, 50])
def test_a_table_at_or_under_max_rows_is_shown_whole_without_a_sentence_or_file(page, said, tmp_path, n):
    frame = _table(page).iloc[:n]
    shown = _with_figures(page, tmp_path / "figures").table(frame, max_rows=50, name="short")
    assert shown.index.tolist() == frame["report_id"].tolist()
    assert shown["score"].tolist() == [f"{x:,.3f}" for x in frame["score"]]
    assert said == []
    assert not (tmp_path / "downloads").exists()


def test_max_rows_none_shows_every_row(page, said, tmp_path):
    frame = _table(page)
    shown = _with_figures(page, tmp_path / "figures").table(frame, max_rows=None, name="whole")
    assert shown.index.tolist() == frame["report_id"].tolist()
    assert said == []
    assert not (tmp_path / "downloads").exists()


def test_a_table_without_a_name_is_named_by_its_position_and_columns(page, said, tmp_path):
    fresh = _with_figures(page, tmp_path / "figures")  # a new page state: no table shown yet
    frame = _table(page)
    fresh.table(frame.iloc[:3])  # first table on the page, short: no file
    fresh.table(frame, max_rows=50)
    name = table_name(None, position=2, columns=list(frame.columns))
    assert re.fullmatch(r"table-2-[0-9a-f]{6}", name)
    assert (tmp_path / "downloads" / f"{name}.csv").is_file()
    assert said[-1].endswith(f"[downloads/{name}.csv](downloads/{name}.csv).")


@pytest.mark.parametrize("bad", ["", "../up", "codes-long", "a b", "x.csv"])
def test_a_bad_table_name_is_refused(page, bad):
    with pytest.raises(ValueError, match="letters, digits"):
        page.table(_table(page), max_rows=10, name=bad)


def test_max_rows_must_be_positive(page):
    with pytest.raises(ValueError, match="max_rows"):
        page.table(_table(page), max_rows=0)


def test_job_files_name_every_file_the_job_writes_to_downloads(page):
    from analysis.downloads import JOB_FILES, download_files

    assert sorted(download_files(page)) == sorted(JOB_FILES)


@pytest.mark.slow
def test_main_job_writes_and_lists_the_full_tables(tmp_path):
    from analysis.framing import completeness, contradictions
    from analysis.report import run_report

    folder = make_event_folder(tmp_path / "event", n_reports=400, n_variables=12, n_outlets=60, terms=False)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("04-claims.ipynb", "06-figures-omissions.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, notebooks / name)
    out = tmp_path / "out"
    report = run_report(folder, out, notebooks_dir=notebooks, n_boot=20, jobs=2, progress=False)
    assert not report.failed, [p.error for p in report.failed]

    ref = open_page(folder, n_boot=20)
    n_pairs = len(contradictions(ref.final, ref.codebook, ref.reports))
    n_outlets = len(completeness(ref.final, ref.codebook, ref.reports, by="outlet", facts=ref.event.facts))
    assert n_pairs > 20 and n_outlets > 50  # the folder is large enough for both tables to be cut
    pairs = pd.read_csv(out / "downloads" / "04-contradicting-pairs.csv")
    assert len(pairs) == n_pairs
    assert len(pd.read_csv(out / "downloads" / "06-completeness.csv")) == n_outlets

    listed = json.loads((out / ".report-manifest.json").read_text(encoding="utf-8"))["files"]
    index = (out / "index.html").read_text(encoding="utf-8")
    downloads = index[index.index('id="downloads"'):index.index('id="charts"')]
    for name, page_name in (("04-contradicting-pairs.csv", "04-claims.html"),
                            ("06-completeness.csv", "06-figures-omissions.html")):
        assert f"downloads/{name}" in listed
        assert f'href="downloads/{name}"' in downloads
        assert page_name in downloads
        assert f'href="downloads/{name}"' in (out / page_name).read_text(encoding="utf-8")
    assert f"Showing the first 20 of {n_pairs:,} rows" in (out / "04-claims.html").read_text(encoding="utf-8")
