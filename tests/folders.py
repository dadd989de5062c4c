"""Random valid event folders like users' folders, for tests (not the benchmark generator).

Each draw picks a coding design (all double-coded; a double-coded subsample; one coder; three or
more coders with partial overlap; with adjudicated codes; with a machine coder), which optional
report columns and codebook roles exist, levels of measurement, word or numeric (SPSS-style)
codes, the sheet format (CSV or Parquet long, CSV or XLSX wide), whether term counts exist, and
a size from 2 to 500 reports. :func:`make_folder` writes it and returns what was planted, so that
tests can check the package against the plan rather than against its own output.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

DESIGNS = ("all_double", "subsample", "one_coder", "partial_three", "adjudicated", "machine")
OPTIONAL = ("headline", "outlet_country", "language", "outlet_type", "wire", "derived_from")
ROLES = ("frame_item", "claim", "label", "source", "fact", "figure", "other")
FORMATS = ("csv_long", "csv_wide", "xlsx_wide", "parquet_long")
COUNTRIES = ["EG", "IL", "QA", "US", "GB", "FR", "IN", "BR", "ZA", "JP", "DE", "TR"]


@dataclass
class Plan:
    """What a folder holds, as drawn."""

    n_reports: int = 20
    n_outlets: int = 5
    design: str = "all_double"
    columns: tuple = OPTIONAL
    roles: tuple = ROLES
    numeric: bool = False
    all_ordinal: bool = False
    fmt: str = "csv_long"
    terms: bool = True
    seed: int = 0
    coders_of: dict = field(default_factory=dict)   # report_id -> independent coders


def draw_plan(seed: int, *, n_reports: int | None = None) -> Plan:
    """A random plan spanning the space the format allows."""
    rng = np.random.default_rng(seed)
    n = int(n_reports or rng.choice([2, 3, 8, 20, 60, 150, 500], p=[.1, .1, .2, .25, .2, .1, .05]))
    columns = tuple(c for c in OPTIONAL if rng.random() < 0.6)
    roles = tuple(r for r in ROLES if rng.random() < 0.6) or ("other",)
    return Plan(n_reports=n, n_outlets=int(rng.integers(1, max(2, min(n, 12)) + 1)),
                design=str(rng.choice(DESIGNS)), columns=columns, roles=roles,
                numeric=bool(rng.random() < 0.4), all_ordinal=bool(rng.random() < 0.1),
                fmt=str(rng.choice(FORMATS)), terms=bool(rng.random() < 0.5), seed=seed)


def _variables(plan: Plan) -> list:
    yes_no = {1: "Yes", 0: "No"} if plan.numeric else {"yes": "Yes", "no": "No"}
    if plan.all_ordinal:
        scale = {1: "low", 2: "middle", 3: "high"}
        return [dict(name=f"ord_{i}", label=f"Ordinal {i}", question=f"How strong is aspect {i}?",
                     level="ordinal", values=scale) for i in range(4)]
    out = []
    for role in plan.roles:
        if role == "frame_item":
            out += [dict(name=f"item_{i}", label=f"Item {i}", question="Is it there?", level="nominal",
                         values=yes_no, role="frame_item", frame="conflict") for i in range(2)]
        elif role == "claim":
            vals = {1: "asserted", 2: "denied", 3: "not addressed"} if plan.numeric else \
                {"asserted": "Asserted", "denied": "Denied", "not_addressed": "Not addressed"}
            keys = list(vals)
            out.append(dict(name="claim_progress", label="Progress", question="Progress?", level="nominal",
                            values=vals, role="claim", contradicts=[[keys[0], keys[1]]]))
        elif role == "label":
            vals = {1: "militants", 2: "fighters", 3: "not named"} if plan.numeric else \
                {"militants": "militants", "fighters": "fighters", "none": "not named"}
            out.append(dict(name="label_group", label="Word for the group", question="Which word?",
                            level="nominal", values=vals, role="label", referent="the group"))
        elif role == "source":
            out.append(dict(name="src_ministry", label="Ministry quoted", question="Quoted?", level="nominal",
                            values=yes_no, role="source", source="ministry"))
        elif role == "fact":
            out.append(dict(name="fact_talks", label="Talks mentioned", question="Mentioned?", level="nominal",
                            values=yes_no, role="fact", fact="talks"))
        elif role == "figure":
            out.append(dict(name="fig_deaths", label="Deaths cited", question="Which number?", level="ratio",
                            role="figure", figure="deaths", unit="people"))
        else:
            out.append(dict(name="tone", label="Tone", question="Tone?", level="ordinal",
                            values={1: "negative", 2: "neutral", 3: "positive"} if plan.numeric
                            else {"neg": "negative", "neu": "neutral", "pos": "positive"}))
            out.append(dict(name="score", label="Score", question="Score?", level="interval"))
    return out


def _coders(plan: Plan, ids: list, rng) -> dict:
    """report_id -> the independent coders who code it."""
    n = len(ids)
    if plan.design == "one_coder":
        return {r: ["ana"] for r in ids}
    if plan.design == "subsample":
        double = set(rng.choice(ids, size=max(2, n // 5) if n >= 2 else n, replace=False))
        return {r: ["ana", "ben"] if r in double else [str(rng.choice(["ana", "ben"]))] for r in ids}
    if plan.design == "partial_three":
        out = {r: ["ana", "ben"] + (["cy"] if i % 2 == 0 else []) for i, r in enumerate(ids)}
        out[ids[-1]] = ["ben"]  # one report coded by one coder only
        return out
    return {r: ["ana", "ben"] for r in ids}


def make_folder(folder, plan: Plan) -> Plan:
    """Write a valid event folder for ``plan``; returns the plan with ``coders_of`` filled."""
    rng = np.random.default_rng(plan.seed)
    folder = Path(folder)
    (folder / "codes").mkdir(parents=True)
    variables = _variables(plan)
    event = {"id": f"random-{plan.seed}", "title": f"Random event {plan.seed}",
             "start": "2024-03-01", "end": "2024-03-10",
             "facts": [{"id": "talks", "label": "Talks were held"}],
             "figures": [{"id": "deaths", "label": "Deaths", "value": 100, "unit": "people",
                          "as_of": "2024-03-02", "source": "A ministry"}]}
    (folder / "event.yaml").write_text(yaml.safe_dump(event, sort_keys=False), encoding="utf-8")
    cb = {"variables": variables}
    if any(v.get("role") == "frame_item" for v in variables):
        cb = {"frames": {"conflict": "Conflict"}, **cb}
    (folder / "codebook.yaml").write_text(yaml.safe_dump(cb, sort_keys=False, allow_unicode=True),
                                          encoding="utf-8")
    ids = [f"r{i:03d}" for i in range(plan.n_reports)]
    outlet = rng.integers(0, plan.n_outlets, plan.n_reports)
    day = rng.integers(1, 10, plan.n_reports)
    reports = pd.DataFrame({
        "report_id": ids, "outlet": [f"Outlet {o}" for o in outlet],
        "published": [f"2024-03-{d:02d}" if i % 3 else f"2024-03-{d:02d}T{i % 24:02d}:15Z"
                      for i, d in enumerate(day)],
        "url": [f"https://example.org/{r}" for r in ids]})
    extra = {"headline": [f"Headline of {r}" for r in ids],
             "outlet_country": [COUNTRIES[o % len(COUNTRIES)] for o in outlet],
             "language": ["en" if o % 4 else "fr" for o in outlet],
             "outlet_type": [("state", "private", "public")[o % 3] for o in outlet],
             "wire": ["Reuters" if i % 4 == 1 else "" for i in range(plan.n_reports)],
             "derived_from": [ids[i - 1] if i % 4 == 1 else "" for i in range(plan.n_reports)]}
    for col in plan.columns:
        reports[col] = extra[col]
    reports.to_csv(folder / "reports.csv", index=False)

    plan.coders_of = _coders(plan, ids, rng)
    rows = []
    for r, o in zip(ids, outlet):
        truth = {}
        for v in variables:
            if v["level"] in ("interval", "ratio"):
                truth[v["name"]] = float(100 + 10 * o) if (v.get("role") != "figure" or o % 2 == 0) else None
            else:
                codes = list(v["values"])
                truth[v["name"]] = codes[(o + len(v["name"])) % len(codes)]
        coders = list(plan.coders_of[r])
        if plan.design == "adjudicated":
            coders.append("adjudicated")
        for c in coders:
            for v in variables:
                value = truth[v["name"]]
                if v["level"] not in ("interval", "ratio") and rng.random() < 0.1:
                    value = list(v["values"])[int(rng.integers(0, len(v["values"])))]
                rows.append((r, c, v["name"], value, ""))
    if plan.design == "machine":
        extra_ids = ids[: max(1, len(ids) // 4)]
        for r in extra_ids:  # the machine codes a quarter; the humans leave those reports
            plan.coders_of[r] = []
        rows = [row for row in rows if row[0] not in set(extra_ids)]
        for r in extra_ids:
            for v in variables:
                if v["level"] not in ("interval", "ratio"):
                    rows.append((r, "model:tfidf", v["name"], list(v["values"])[0], ""))
    codes = pd.DataFrame(rows, columns=["report_id", "coder", "variable", "value", "evidence"])
    _write_codes(folder, codes, plan.fmt, [v["name"] for v in variables])
    if plan.terms:
        rows = [(r, w, int(rng.integers(1, 5))) for i, r in enumerate(ids)
                for w in ("talks", "ceasefire", "militants" if i % 2 else "fighters")]
        terms = pd.DataFrame(rows, columns=["report_id", "term", "count"])
        terms.to_csv(folder / "terms.csv", index=False)
    return plan


def _write_codes(folder: Path, codes: pd.DataFrame, fmt: str, names: list) -> None:
    codes = codes.copy()
    codes["value"] = codes["value"].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                                        else (repr(v) if isinstance(v, float) else str(v)))
    codes["value"] = codes["value"].str.replace(r"\.0$", "", regex=True)
    for coder, sheet in codes.groupby("coder", sort=True):
        stem = folder / "codes" / coder.replace(":", "-")
        if fmt in ("csv_long", "parquet_long"):
            if fmt == "csv_long":
                sheet.to_csv(stem.with_suffix(".csv"), index=False)
            else:
                sheet.astype(str).to_parquet(stem.with_suffix(".parquet"), index=False)
            continue
        wide = sheet.pivot(index=["report_id", "coder"], columns="variable", values="value")
        wide = wide.reindex(columns=[n for n in names if n in wide.columns]).reset_index().fillna("")
        if fmt == "csv_wide":
            wide.to_csv(stem.with_suffix(".csv"), index=False)
        else:
            wide.to_excel(stem.with_suffix(".xlsx"), index=False, sheet_name="codes")
