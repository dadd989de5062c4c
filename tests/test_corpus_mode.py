"""Corpus mode (analysis.corpus): whole-corpus tables equal the in-memory functions on the full
event; the sample is deterministic, of the stated size and drawn by its documented rule."""
from __future__ import annotations

import dataclasses
import hashlib

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("duckdb")

from analysis import engines  # noqa: E402
from analysis.corpus import open_corpus, sample_event  # noqa: E402
from analysis.divergence import pairwise_divergence  # noqa: E402
from analysis.events import load_event  # noqa: E402
from analysis.framing import frame_profile, frame_scores, label_shares  # noqa: E402
from analysis.page import open_page  # noqa: E402
from analysis.reliability import consolidate, reliability  # noqa: E402
from analysis.synthetic import make_event_folder  # noqa: E402

N_REPORTS = 2000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A synthetic event: coder_a renamed model:x codes every report, coder_b and coder_c a tenth."""
    root = tmp_path_factory.mktemp("corpus")
    event = load_event(make_event_folder(root / "event", n_reports=N_REPORTS, n_variables=20, n_coders=3, seed=2))
    codes = event.codes.astype({"report_id": str, "coder": str, "variable": str, "evidence": str})
    double = set(sorted(codes["report_id"].unique())[::10])
    keep = (codes["coder"] == "coder_a") | codes["report_id"].isin(double)
    codes = codes[keep].copy()
    codes.loc[codes["coder"] == "coder_a", "coder"] = "model:x"
    event = dataclasses.replace(event, codes=codes.reset_index(drop=True))
    path = engines.write_parquet_dataset(event, root / "dataset", partition_by=("outlet_type",))
    return event, path


def _machine_final(event):
    mine = event.codes[event.codes["coder"] == "model:x"]
    return consolidate(mine, event.codebook, coders=["model:x"])


@pytest.mark.parametrize("engine", ["duckdb", "dask", "pandas"])
def test_page_counts_the_whole_corpus(corpus, engine):
    event, path = corpus
    page = open_page(path, engine=engine, n_boot=0, sample_size=300)
    assert page.corpus.n_reports == N_REPORTS and page.corpus.coder == "model:x"
    assert page.corpus.human_coders == ("coder_b", "coder_c")
    # reliability: the human coders on the double-coded tenth, as reliability() gives it
    expected = reliability(event.codes, event.codebook, coders=["coder_b", "coder_c"], exclude=(), n_boot=0)
    got = page.reliability.set_index("variable").loc[expected["variable"]]
    np.testing.assert_array_equal(got["n_pairable"].to_numpy(), expected["n_pairable"].to_numpy())
    assert (got["n_pairable"] == N_REPORTS // 10).all()
    np.testing.assert_allclose(got["alpha"].to_numpy(), expected["alpha"].to_numpy(), rtol=1e-9, atol=1e-12)
    # divergence between the groups of the whole corpus, on the machine coder's codes
    final = _machine_final(event)
    reports = event.reports.assign(outlet_type=event.reports["outlet_type"].astype(object))
    mem = pairwise_divergence(final, page.codebook, reports, by="outlet_type", n_boot=0, n_perm=0)
    eng = page.divergence(by=page.group_by, n_boot=0, seed=0)
    assert page.group_by == "outlet_type"
    sizes = event.reports["outlet_type"].value_counts()
    assert sorted(set(eng["a"]) | set(eng["b"])) == sorted(f"{k} (n={v})" for k, v in sizes.items())
    key = ["variable", "n_a", "n_b"]
    merged = mem.sort_values(["a", "b", "variable"]).reset_index(drop=True)
    ours = eng.sort_values(["a", "b", "variable"]).reset_index(drop=True)
    np.testing.assert_array_equal(ours[key].to_numpy(), merged[key].to_numpy())
    np.testing.assert_allclose(ours["jsd"].to_numpy(float), merged["jsd"].to_numpy(float), rtol=1e-9, atol=1e-12)


def test_frames_and_labels_equal_in_memory(corpus):
    event, path = corpus
    page = open_page(path, engine="duckdb", n_boot=0, include_unreliable=True, sample_size=300)
    final = _machine_final(event)
    reports = event.reports.assign(outlet_type=event.reports["outlet_type"].astype(object))
    # the machine coder codes every item of every report: the item-mean rule equals frame_profile
    mem = frame_profile(frame_scores(final, page.codebook), reports, by="outlet_type", n_boot=0)
    eng = page.frame_profile(None, page.reports, by="outlet_type", n_boot=0, seed=0)
    eng["outlet_type"] = eng["outlet_type"].str.replace(r" \(n=\d+\)$", "", regex=True)
    both = mem.merge(eng, on=["outlet_type", "frame"], suffixes=("_mem", "_eng"))
    assert len(both) == len(mem) == len(eng)
    np.testing.assert_allclose(both["score_eng"], both["score_mem"], rtol=1e-9)
    np.testing.assert_array_equal(both["n_eng"], both["n_mem"])
    mem_l = label_shares(final, page.codebook, reports, by="outlet_type")
    eng_l = page.label_shares(by="outlet_type")
    eng_l["outlet_type"] = eng_l["outlet_type"].str.replace(r" \(n=\d+\)$", "", regex=True)
    key = ["variable", "outlet_type", "code"]
    both = mem_l.astype({"code": str}).merge(eng_l.astype({"code": str}), on=key, suffixes=("_mem", "_eng"))
    assert len(both) == len(mem_l) == len(eng_l)
    np.testing.assert_array_equal(both["n_eng"], both["n_mem"])
    np.testing.assert_allclose(both["share_eng"], both["share_mem"], rtol=1e-9)


def test_sample_is_deterministic_and_of_the_stated_size(corpus):
    event, path = corpus
    ids = sorted(event.reports["report_id"].astype(str))
    # the documented rule, computed here independently: smallest md5 of "seed:report_id"
    expected = sorted(ids, key=lambda r: (hashlib.md5(f"7:{r}".encode()).hexdigest(), r))[:250]
    draws = [open_corpus(path, engine=e, sample_size=250, seed=7).sample_ids for e in ("duckdb", "pandas", "duckdb")]
    assert all(list(d) == expected for d in draws)
    assert list(open_corpus(path, engine="duckdb", sample_size=10 * N_REPORTS).sample_ids) != expected
    assert len(open_corpus(path, engine="duckdb", sample_size=10 * N_REPORTS).sample_ids) == N_REPORTS


def test_sample_event_decodes_the_codes(corpus):
    event, path = corpus
    c = open_corpus(path, engine="duckdb", sample_size=100, seed=0)
    sample = sample_event(c)
    assert sorted(sample.reports["report_id"]) == sorted(map(str, c.sample_ids))
    mem = event.codes[event.codes["report_id"].isin(set(map(str, c.sample_ids)))]
    got = sample.codes.astype({"report_id": str, "coder": str, "variable": str})
    merged = mem.merge(got, on=["report_id", "coder", "variable"], suffixes=("_mem", "_got"))
    assert len(merged) == len(mem) == len(got)
    same = [a == b or (pd.isna(a) and pd.isna(b)) or float(a) == float(b)
            for a, b in zip(merged["value_mem"], merged["value_got"])]
    assert all(same)


def test_pandas_refused_for_a_large_corpus(corpus, monkeypatch):
    import analysis.corpus as corpus_module

    _, path = corpus
    monkeypatch.setattr(corpus_module, "PANDAS_MAX_ROWS", 10)
    with pytest.raises(ValueError, match="use engine 'duckdb'"):
        open_corpus(path, engine="pandas")


def test_coder_must_be_named_without_one_machine_coder(corpus, tmp_path):
    from analysis.errors import DataError

    event, _ = corpus
    codes = event.codes[event.codes["coder"] != "model:x"]
    path = engines.write_parquet_dataset(dataclasses.replace(event, codes=codes.reset_index(drop=True)),
                                         tmp_path / "humans")
    with pytest.raises(DataError, match="name one with the parameter coder"):
        open_corpus(path, engine="duckdb")
    assert open_corpus(path, engine="duckdb", coder="coder_b").coder == "coder_b"


def _run(path, out, engine, notebooks_dir=None):
    from analysis.report import run_report

    report = run_report(path, out, seed=0, n_boot=50, engine=engine, sample_size=300, progress=False, jobs=2,
                        notebooks_dir=notebooks_dir)
    assert not report.failed, [(p.notebook, p.error) for p in report.failed]
    assert (out / "index.html").is_file()
    assert all(p.path.is_file() for p in report.pages)
    text = (out / "index.html").read_text(encoding="utf-8")
    assert f"{N_REPORTS:,} reports" in text and "sample of 300" in (out / "04-claims.html").read_text(encoding="utf-8")
    return report


@pytest.mark.slow
def test_main_job_on_a_corpus_with_duckdb(corpus, tmp_path):
    _run(corpus[1], tmp_path / "out", "duckdb")


def test_one_human_coder_is_compared_with_the_machine_on_the_double_coded_subsample(corpus, tmp_path):
    event, _ = corpus
    codes = event.codes[event.codes["coder"] != "coder_c"].reset_index(drop=True)
    path = engines.write_parquet_dataset(dataclasses.replace(event, codes=codes), tmp_path / "one-human")
    page = open_page(path, engine="duckdb", n_boot=0, sample_size=100)
    assert page.corpus.compared == ("coder_b", "model:x")
    assert "the machine coder model:x with the human coder coder_b" in page.corpus.about()
    expected = reliability(codes, event.codebook, coders=["coder_b", "model:x"], exclude=(), n_boot=0)
    got = page.reliability.set_index("variable").loc[expected["variable"]]
    np.testing.assert_array_equal(got["n_pairable"].to_numpy(), expected["n_pairable"].to_numpy())
    np.testing.assert_allclose(got["alpha"].to_numpy(float), expected["alpha"].to_numpy(float), rtol=1e-9, atol=1e-12)
    assert (got["verdict"] != "not measured").all()
