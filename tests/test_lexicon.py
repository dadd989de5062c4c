"""Tests of analysis.lexicon: the label lexicon and lexicon coding (keyness: tests/test_keyness.py)."""
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest

from analysis._yaml import read_yaml
from analysis.codebook import parse_codebook
from analysis.errors import DataError
from analysis.lexicon import lexicon_agreement, lexicon_code, read_lexicon
from analysis.text import term_counts

CAIRO = Path(__file__).resolve().parents[1] / "data" / "cairo-talks-2024-04"
LABELS = ["label_captives", "label_captives_main", "label_palestinian_prisoners", "label_palestinian_prisoners_main",
          "label_war", "label_war_main", "label_hamas", "label_hamas_main", "label_alqahera"]


@pytest.fixture(scope="module")
def cairo():
    doc = read_yaml(CAIRO / "codebook.yaml", "codebook.yaml")
    event = read_yaml(CAIRO / "event.yaml", "event.yaml")
    codebook, problems = parse_codebook(doc, facts={f["id"] for f in event["facts"]},
                                        figures={f["id"] for f in event["figures"]})
    assert not problems
    return codebook.variables


def terms_table(per_report):
    return pd.DataFrame([(r, t, c) for r, d in per_report.items() for t, c in d.items()],
                        columns=["report_id", "term", "count"])


def coded(table):
    return {(r, v): x for r, v, x in zip(table["report_id"], table["variable"], table["value"])}


# --- the package lexicon ------------------------------------------------------------------------

def test_package_lexicon_covers_every_cairo_label_with_its_codes(cairo):
    lexicon = read_lexicon()
    labels = cairo[cairo["role"] == "label"]
    assert sorted(labels["variable"]) == sorted(LABELS)
    by_var = {v: e for e in lexicon["entries"] for v in ([e["variable"]] if isinstance(e.get("variable"), str)
                                                            else e.get("variable") or [])}
    for var, codes, referent in zip(labels["variable"], labels["codes"], labels["referent"]):
        entry = by_var[var]
        assert entry["referent"] == referent                        # mapped by referent as well
        assert set(entry["codes"]) <= set(codes), var                  # no code silently dropped
        for key in ("absent", "unmarked"):
            if key in entry:
                assert entry[key] in codes
    # the reported change of the Cairo event is in the lexicon
    captives = by_var["label_captives"]["codes"]
    assert "hostages" in captives["hostages"] and "prisoners of war" in captives["prisoners_of_war"]


# --- coding from term counts --------------------------------------------------------------------

def test_lexicon_code_from_terms(cairo):
    terms = terms_table({
        # hostages 2 + hostage 1 = 3 against prisoners of war 1; the "war" of "prisoners of war"
        # is not a name for the war (2 - 1 = 1 left); "militants" describes Hamas
        "t1": {"hostages": 2, "hostage": 1, "prisoners": 1, "prisoners of": 1, "of war": 1, "war": 2,
               "hamas": 3, "militants": 1},
        # prisoners of war 3: captives are "prisoners of war"; the 5 "prisoners" less 3 leave 2 for the
        # Palestinians; every "war" is inside "prisoners of war"; Hamas named only
        "t2": {"prisoners": 5, "prisoners of": 3, "of war": 3, "war": 3, "hamas": 1,
               "al-qahera": 1, "state media": 1},
        # ties go to the code first in the codebook: war before conflict, prisoners before detainees
        "t3": {"conflict": 1, "war": 1, "detainees": 1, "prisoners": 1, "al qahera": 1},
    })
    table = lexicon_code(terms, None, cairo)
    assert list(table.columns) == ["report_id", "coder", "variable", "value", "evidence"]
    assert (table["coder"] == "lexicon").all()
    assert table["variable"].tolist()[:len(LABELS)] == LABELS                   # codebook order
    got = coded(table)
    assert got[("t1", "label_captives")] == "hostages"
    assert got[("t1", "label_palestinian_prisoners")] == "none"
    assert got[("t1", "label_war")] == "war"
    assert got[("t1", "label_hamas")] == "militant"
    assert got[("t1", "label_alqahera")] == "not_mentioned"
    assert got[("t2", "label_captives")] == "prisoners_of_war"
    assert got[("t2", "label_palestinian_prisoners")] == "prisoners"
    assert got[("t2", "label_war")] == "none"
    assert got[("t2", "label_hamas")] == "plain"
    assert got[("t2", "label_alqahera")] == "state_run"
    assert got[("t3", "label_war")] == "war"
    assert got[("t3", "label_palestinian_prisoners")] == "prisoners"
    assert got[("t3", "label_hamas")] == "none"
    assert got[("t3", "label_alqahera")] == "plain"
    ev = table.set_index(["report_id", "variable"])["evidence"]
    assert ev[("t1", "label_captives")] == "hostages (2); hostage (1)"
    assert ev[("t2", "label_captives")] == "prisoners of war (3)"
    # row order does not matter, and the input is not modified
    before = terms.copy()
    pd.testing.assert_frame_equal(table, lexicon_code(terms.iloc[::-1], None, cairo))
    pd.testing.assert_frame_equal(terms, before)


# --- coding from texts --------------------------------------------------------------------------

def test_lexicon_code_from_texts(cairo):
    texts = pd.DataFrame({"report_id": ["x1", "x2", "x3", "x4"], "text": [
        # the first word used decides
        "The hostages, whom Hamas calls prisoners of war, remain in Gaza. The war goes on.",
        # quoted speech is not the report's own voice
        'Hamas said "the prisoners of war will stay". Israel wants its hostages back.',
        # the longest match wins across variables; no match spans a sentence end
        "Israeli prisoners of war were discussed. Al-Qahera cited the state. Media elsewhere did not.",
        # a descriptor beats a bare mention, even a later one
        "Hamas said no. The militant group rejected the offer of Egypt's state-run Al-Qahera.",
    ]})
    got = coded(lexicon_code(texts, None, cairo))
    assert got[("x1", "label_captives")] == "hostages"
    assert got[("x1", "label_war")] == "war"                          # "war" of "prisoners of war" skipped
    assert got[("x2", "label_captives")] == "hostages"
    assert got[("x3", "label_captives")] == "prisoners_of_war"
    assert got[("x3", "label_war")] == "none"
    assert got[("x3", "label_alqahera")] == "plain"
    assert got[("x4", "label_hamas")] == "militant"
    assert got[("x4", "label_alqahera")] == "state_run"
    # texts and their term counts agree where order and quotes do not matter
    from_terms = coded(lexicon_code(term_counts(texts.iloc[[0, 3]]), None, cairo))
    for key, value in from_terms.items():
        if key[1] != "label_captives":
            assert got[key] == value, key


# --- user lexicons ------------------------------------------------------------------------------

def template_codebook():
    return pd.DataFrame({"variable": ["label_victims", "claim"], "level": ["nominal", "nominal"],
                         "role": ["label", "claim"],
                         "codes": [("civilians", "people", "militants", "none"), ("a", "b")],
                         "referent": ["People killed in the strike", None]})


def test_user_lexicon_by_referent(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("entries:\n"
                    "  - referent: people  killed in the STRIKE\n"
                    "    codes:\n"
                    "      civilians: [civilians]\n"
                    "      people: [people, persons]\n"
                    "      bystanders: [bystanders]\n", encoding="utf-8")
    texts = pd.DataFrame({"report_id": ["a", "b", "c"], "text": [
        "Twelve people died, all civilians.", "Bystanders were hurt.", "Nothing else."]})
    table = lexicon_code(texts, path, template_codebook())
    assert table["variable"].unique().tolist() == ["label_victims"]    # only label variables
    # bystanders is no code of the codebook: never given; nothing else matched -> "none"
    assert table["value"].tolist() == ["people", "none", "none"]
    # the package lexicon's generic entry matches the template's referent too
    assert lexicon_code(texts, None, template_codebook())["value"].tolist() == ["people", "none", "none"]


@pytest.mark.parametrize("text, message", [
    ("entries:\n  - referent: x\n    codes: {a: [b]}\n    codes: {a: [c]}\n", "appears twice"),
    ("entries: !!python/object:os.system [ls]\n", "unsupported YAML"),
    ("entries:\n  - referent: People killed in the strike\n    absent: nobody\n    codes: {people: [people]}\n",
     "absent code 'nobody' is not a code of label_victims"),
    ("entries:\n  - codes: {people: [people]}\n", "names neither a referent nor a variable"),
    ("entries:\n  - referent: x\n    codes: {people: ['...']}\n", "is not a word or phrase"),
])
def test_bad_lexicons_are_named(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message) as info:
        lexicon_code(pd.DataFrame({"report_id": ["a"], "text": ["people"]}), path, template_codebook())
    assert "bad.yaml" in str(info.value)


# --- agreement with humans ----------------------------------------------------------------------

def test_lexicon_agreement_matches_krippendorff(cairo):
    ids = [f"r{i}" for i in range(8)]
    machine = ["hostages", "hostages", "prisoners", "captives", "hostages", "none", "prisoners", "hostages"]
    human = ["hostages", "captives", "prisoners", "captives", "hostages", "none", np.nan, "abductees"]
    lex = pd.DataFrame({"report_id": ids, "coder": "lexicon", "variable": "label_captives",
                        "value": machine, "evidence": np.nan})
    final = pd.DataFrame({"report_id": ids, "variable": "label_captives", "value": human,
                          "evidence": np.nan, "rule": "unanimous", "n_coders": 2})
    table = lexicon_agreement(lex, final, cairo, n_boot=200)
    assert table.columns[:3].tolist() == ["variable", "alpha", "ci_low"]
    row = table.iloc[0]
    codes = {c: i for i, c in enumerate(cairo.set_index("variable").loc["label_captives", "codes"])}
    data = np.array([[codes[v] for v in machine],
                     [codes[v] if isinstance(v, str) else np.nan for v in human]], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert row["alpha"] == pytest.approx(expected, abs=1e-12)
    assert row["n_pairable"] == 7
    assert row["ci_low"] <= row["alpha"] <= row["ci_high"]


def test_lexicon_covering_no_label_variable_codes_nothing():
    from analysis.synthetic import synthetic_codebook
    from analysis.codebook import parse_codebook

    doc = synthetic_codebook(n_variables=10)
    facts = {v["fact"] for v in doc["variables"] if v["role"] == "fact"}
    figures = {v["figure"] for v in doc["variables"] if v["role"] == "figure"}
    cb, problems = parse_codebook(doc, facts=facts, figures=figures)
    assert not problems
    terms = pd.DataFrame({"report_id": ["a"], "term": ["hostages"], "count": [2]})
    out = lexicon_code(terms, None, cb.variables)
    assert len(out) == 0 and list(out.columns) == ["report_id", "coder", "variable", "value", "evidence"]
