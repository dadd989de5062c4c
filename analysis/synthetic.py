"""Synthetic event folders, for tests and benchmarks of any size.

The generator writes a folder in the documented format with a codebook of every level and role,
reports from several outlets whose true codes differ by outlet, coders who agree with the truth at a
chosen rate, and term counts in which each label code is planted. Everything is drawn from one
seeded generator, vectorised, so a million reports take seconds.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

COUNTRIES = ["EG", "IL", "QA", "US", "GB", "TR", "IN", "FR", "ZA", "JP", "BR", "RU"]
TYPES = ["state", "private", "public"]
LABEL_WORDS = ["alpha", "bravo", "charlie", "delta"]


def synthetic_codebook(*, n_variables: int = 40, numeric_codes: bool = True) -> dict:
    """A codebook with variables of every level and role (about ``n_variables`` of them).

    Roles cycle through frame items (two frames), claims, labels, sources, facts, figures, an ordinal
    tone and an interval score. With ``numeric_codes`` yes/no codes are 1/0 (SPSS style) and claim
    and label codes are numbers 1..k; otherwise words.
    """
    yn = {1: "Yes", 0: "No"} if numeric_codes else {"yes": "Yes", "no": "No"}
    kinds = ["frame_item", "frame_item", "claim", "label", "source", "fact", "figure", "ordinal",
             "frame_item", "interval"]
    variables: list[dict[str, object]] = []
    for i in range(n_variables):
        kind = kinds[i % len(kinds)]
        name = f"v{i:03d}_{kind.split('_')[0]}"
        q = f"Synthetic question {i} ({kind})?"
        if kind == "frame_item":
            variables.append(dict(name=name, label=f"Item {i}", question=q, level="nominal", values=yn,
                                  role="frame_item", frame="f1" if i % 3 else "f2",
                                  **({"reverse": True} if i % 7 == 0 else {})))
        elif kind == "claim":
            vals = {1: "claims A", 2: "claims not A", 3: "silent"} if numeric_codes else \
                {"a": "claims A", "not_a": "claims not A", "silent": "silent"}
            keys = list(vals)
            variables.append(dict(name=name, label=f"Claim {i}", question=q, level="nominal", values=vals,
                                  role="claim", contradicts=[[keys[0], keys[1]]]))
        elif kind == "label":
            vals = {k + 1: w for k, w in enumerate(LABEL_WORDS)} if numeric_codes else {w: w for w in LABEL_WORDS}
            variables.append(dict(name=name, label=f"Label {i}", question=q, level="nominal", values=vals,
                                  role="label", referent=f"referent {i}"))
        elif kind == "source":
            variables.append(dict(name=name, label=f"Source {i}", question=q, level="nominal", values=yn,
                                  role="source", source=f"source {i}"))
        elif kind == "fact":
            variables.append(dict(name=name, label=f"Fact {i}", question=q, level="nominal", values=yn,
                                  role="fact", fact=f"fact{i}"))
        elif kind == "figure":
            variables.append(dict(name=name, label=f"Figure {i}", question=q, level="ratio",
                                  role="figure", figure=f"fig{i}", unit="people"))
        elif kind == "ordinal":
            vals = {1: "very negative", 2: "negative", 3: "neutral", 4: "positive", 5: "very positive"} \
                if numeric_codes else {"vneg": "very negative", "neg": "negative", "neu": "neutral",
                                       "pos": "positive", "vpos": "very positive"}
            variables.append(dict(name=name, label=f"Tone {i}", question=q, level="ordinal", values=vals,
                                  role="other"))
        else:
            variables.append(dict(name=name, label=f"Score {i}", question=q, level="interval", role="other"))
    return {"frames": {"f1": "Frame one", "f2": "Frame two"}, "variables": variables}


def make_event_folder(path: str | Path, *, n_reports: int = 200, n_variables: int = 40, n_coders: int = 2,
                      agreement: float = 0.9, n_outlets: int = 20, terms: bool = True,
                      numeric_codes: bool = True, fmt: str = "csv", wide: bool = False,
                      seed: int = 0) -> Path:
    """Write a synthetic event folder.

    Parameters
    ----------
    path : str or Path
        Folder to create (must not hold another event).
    n_reports, n_variables, n_coders, n_outlets : int
    agreement : float
        Probability that a coder's value equals the true value (else a random code).
    terms : bool
        Write terms.csv with planted label words.
    numeric_codes : bool
        SPSS-style numeric codes instead of words.
    fmt : {"csv", "xlsx", "parquet"}
        Format of the coding sheets (one per coder, under codes/) and of terms.
    wide : bool
        Wide sheets (one column per variable) instead of long ones.
    seed : int

    Returns
    -------
    Path
    """
    rng = np.random.default_rng(seed)
    folder = Path(path)
    (folder / "codes").mkdir(parents=True, exist_ok=True)
    cb = synthetic_codebook(n_variables=n_variables, numeric_codes=numeric_codes)
    (folder / "event.yaml").write_text(yaml.safe_dump(_event_meta(cb, n_reports), sort_keys=False), encoding="utf-8")
    (folder / "codebook.yaml").write_text(yaml.safe_dump(cb, sort_keys=False), encoding="utf-8")

    ids = np.char.add("r", np.char.zfill(np.arange(n_reports).astype(str), 7))
    outlet_idx = rng.integers(0, n_outlets, n_reports)
    _reports(rng, ids, outlet_idx, n_outlets=n_outlets).to_csv(folder / "reports.csv", index=False)
    truth = _truth(rng, cb["variables"], outlet_idx, n_outlets=n_outlets)
    for c in range(n_coders):
        coder = f"coder_{chr(97 + c)}"
        sheet = _coder_sheet(rng, coder, ids, cb["variables"], truth, agreement=agreement)
        if not wide:
            sheet = sheet.melt(id_vars=["report_id", "coder"], var_name="variable", value_name="value")
            sheet["evidence"] = ""
        _write(sheet, folder / "codes" / coder, fmt)
    if terms:
        labels = [v for v in cb["variables"] if v["role"] == "label"]
        _write(_terms(rng, ids, labels, truth), folder / "terms", "parquet" if fmt == "parquet" else "csv")
    return folder


# the true codes of a variable: (its codes, the index of each report's code) for nominal and
# ordinal variables, (None, each report's number) for numbers
_Truth = dict[str, tuple["np.ndarray | None", np.ndarray]]


def _event_meta(cb: dict, n_reports: int) -> dict[str, object]:
    """event.yaml: id, title, window, description, and a fact or figure per fact or figure variable."""
    facts = [{"id": v["fact"], "label": f"Fact of {v['name']}"} for v in cb["variables"] if v["role"] == "fact"]
    figures = [{"id": v["figure"], "label": f"Figure of {v['name']}", "value": 1000, "unit": "people",
                "as_of": "2024-01-03", "source": "synthetic"} for v in cb["variables"] if v["role"] == "figure"]
    return {"id": f"synthetic-{n_reports}", "title": f"Synthetic event ({n_reports} reports)",
            "start": "2024-01-01", "end": "2024-01-07", "description": "Generated by analysis.synthetic.",
            "facts": facts, "figures": figures}


def _reports(rng: np.random.Generator, ids: np.ndarray, outlet_idx: np.ndarray, *, n_outlets: int) -> pd.DataFrame:
    """reports.csv: each report's outlet, a time in the event's week, address, headline, country, type."""
    n_reports = len(ids)
    outlets = np.array([f"Outlet {k:03d}" for k in range(n_outlets)])
    minutes = rng.integers(0, 7 * 24 * 60, n_reports)
    published = (pd.Timestamp("2024-01-01") + pd.to_timedelta(minutes, unit="min")).strftime("%Y-%m-%dT%H:%MZ")
    return pd.DataFrame({
        "report_id": ids, "outlet": outlets[outlet_idx], "published": published,
        "url": np.char.add("https://example.org/r/", ids), "headline": np.char.add("Synthetic report ", ids),
        "outlet_country": np.array(COUNTRIES)[outlet_idx % len(COUNTRIES)],
        "language": "en", "outlet_type": np.array(TYPES)[outlet_idx % len(TYPES)],
        "wire": "", "derived_from": "",
    })


def _truth(rng: np.random.Generator, variables: list[dict], outlet_idx: np.ndarray, *, n_outlets: int) -> _Truth:
    """Each variable's true codes, drawn from distributions that differ by outlet."""
    n_reports = len(outlet_idx)
    truth: _Truth = {}
    for v in variables:
        if v["level"] in ("nominal", "ordinal"):
            codes = np.array([str(c) for c in v["values"]], dtype=object)
            # outlet-specific distributions, so that outlets really diverge
            weights = rng.dirichlet(np.ones(len(codes)) * 0.7, size=n_outlets)
            cum = weights.cumsum(axis=1)[outlet_idx]
            pick = (rng.random(n_reports)[:, None] > cum).sum(axis=1).clip(max=len(codes) - 1)
            truth[v["name"]] = (codes, pick)
        else:
            base = rng.normal(1000, 150, n_outlets)[outlet_idx]
            truth[v["name"]] = (None, np.round(base + rng.normal(0, 50, n_reports)).clip(min=0))
    return truth


def _coder_sheet(rng: np.random.Generator, coder: str, ids: np.ndarray, variables: list[dict], truth: _Truth, *,
                 agreement: float) -> pd.DataFrame:
    """One coder's wide sheet: the true code with probability ``agreement``, else a random one."""
    n_reports = len(ids)
    cols = {"report_id": ids, "coder": np.full(n_reports, coder, dtype=object)}
    for v in variables:
        codes, t = truth[v["name"]]
        keep = rng.random(n_reports) < agreement
        if codes is not None:
            noise = rng.integers(0, len(codes), n_reports)
            cols[v["name"]] = codes[np.where(keep, t, noise)]
        else:
            vals = np.where(keep, t, np.round(t * rng.uniform(0.8, 1.2, n_reports)))
            cols[v["name"]] = vals.astype(np.int64).astype(str)
    return pd.DataFrame(cols)


def _terms(rng: np.random.Generator, ids: np.ndarray, labels: list[dict], truth: _Truth) -> pd.DataFrame:
    """Term counts: random words, and each label variable's true label planted twice in its report."""
    n_reports = len(ids)
    vocab = np.array([f"word{k}" for k in range(200)])
    n_noise = 8
    noise_terms = vocab[rng.integers(0, len(vocab), (n_reports, n_noise))]
    noise_counts = rng.integers(1, 4, (n_reports, n_noise))
    term_rows = [pd.DataFrame({"report_id": np.repeat(ids, n_noise), "term": noise_terms.ravel(),
                               "count": noise_counts.ravel()})]
    for v in labels:
        _, t = truth[v["name"]]
        words = np.array(list(v["values"].values()))[t]
        term_rows.append(pd.DataFrame({"report_id": ids, "term": words, "count": 2}))
    return pd.concat(term_rows, ignore_index=True).groupby(["report_id", "term"], as_index=False,
                                                           observed=True)["count"].sum()


def _write(frame: pd.DataFrame, stem: Path, fmt: str) -> None:
    if fmt == "csv":
        frame.to_csv(stem.with_suffix(".csv"), index=False)
    elif fmt == "xlsx":
        frame.to_excel(stem.with_suffix(".xlsx"), index=False, sheet_name="codes")
    elif fmt == "parquet":
        frame.astype(str).to_parquet(stem.with_suffix(".parquet"), index=False)
    else:
        raise ValueError(f"fmt must be csv, xlsx or parquet, not {fmt!r}")
