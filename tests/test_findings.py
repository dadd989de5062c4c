"""Findings in words: the numbers in the sentences are the numbers in the folder."""
import numpy as np
import pandas as pd
import yaml

from analysis import findings
from analysis.page import open_page


def _folder(tmp_path, claims, *, groups, seed=0):
    """An event whose claim codes per report are given; two coders agree on every code."""
    folder = tmp_path / "ev"
    (folder / "codes").mkdir(parents=True)
    yaml.safe_dump({"id": "known", "title": "Known counts", "start": "2024-01-01", "end": "2024-01-09"},
                   (folder / "event.yaml").open("w"))
    yaml.safe_dump({"variables": [
        {"name": "progress", "label": "Progress at the talks", "question": "?", "level": "nominal", "role": "claim",
         "values": {"yes": "Progress asserted", "no": "Progress denied", "na": "Not addressed"},
         "contradicts": [["yes", "no"]]},
        {"name": "word", "label": "Word for the captives", "question": "?", "level": "nominal", "role": "label",
         "values": {"hostages": "hostages", "prisoners": "prisoners", "none": "not named"}}]},
        (folder / "codebook.yaml").open("w"), sort_keys=False)
    n = len(claims)
    ids = [f"r{i:02d}" for i in range(n)]
    pd.DataFrame({"report_id": ids, "outlet": [f"O{i}" for i in range(n)],
                  "published": ["2024-01-02"] * (n - 2) + ["2024-01-03T10:00Z"] * 2,
                  "url": [f"https://example.org/{i}" for i in ids], "outlet_type": groups,
                  "language": "en", "outlet_country": "FR"}).to_csv(folder / "reports.csv", index=False)
    words = np.where(np.arange(n) % 3 == 0, "prisoners", "hostages")
    for coder in ("ana", "ben"):
        rows = [(r, coder, "progress", c, "") for r, c in zip(ids, claims)]
        rows += [(r, coder, "word", w, "") for r, w in zip(ids, words)]
        pd.DataFrame(rows, columns=["report_id", "coder", "variable", "value", "evidence"]).to_csv(
            folder / "codes" / f"{coder}.csv", index=False)
    return folder


def test_claim_sentence_counts_each_account(tmp_path):
    claims = ["yes"] * 7 + ["no"] * 5 + ["na"] * 8
    page = open_page(_folder(tmp_path, claims, groups=["a"] * 10 + ["b"] * 10), n_boot=50)
    (sentence,) = findings.claims(page)
    assert sentence.startswith("Progress at the talks: of 20 reports, 7 'Progress asserted', 5 'Progress denied', "
                               "8 'Not addressed'")
    sample = findings.sample(page)[0]
    assert sample.startswith("20 reports from 20 outlets in 1 countries and 1 languages")
    assert "18 of them give a date but no time" in sample
    (label,) = findings.labels(page)
    assert "in 20 reports: 13 'hostages', 7 'prisoners'" in label


def test_no_difference_sentence_without_a_difference(tmp_path):
    rng = np.random.default_rng(4)
    claims = list(rng.choice(["yes", "no", "na"], size=40))
    page = open_page(_folder(tmp_path, claims, groups=["a"] * 20 + ["b"] * 20), n_boot=20, group_by="outlet_type")
    (sentence,) = findings.divergence(page, n_perm=999)
    assert "do not differ from the rest" in sentence
    assert not any(" differ from the rest" in s and "do not differ" not in s
                   for s in findings.key_findings(page, n_perm=999))


def test_a_planted_difference_is_found(tmp_path):
    claims = ["yes"] * 18 + ["no"] * 2 + ["no"] * 18 + ["yes"] * 2
    page = open_page(_folder(tmp_path, claims, groups=["a"] * 20 + ["b"] * 20), n_boot=20, group_by="outlet_type")
    (sentence,) = findings.divergence(page, n_perm=999)
    assert "differ from the rest by more than chance" in sentence and "20 against 20 reports" in sentence
