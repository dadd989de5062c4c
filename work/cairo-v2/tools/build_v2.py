"""Assemble data/cairo-talks-2024-04 (v2) from the v2 work files and the coders' sheets.

Run from the repository root:  python work/cairo-v2/tools/build_v2.py CODING_DIR [ADJUDICATION_CSV]

Inputs (work/cairo-v2/): reports-v2.csv and new-reports-3.csv (candidates that passed the date
rule at sampling), cues-v1-reports.csv (the date rule re-applied to the v1 reports kept),
sampling-v2.csv and sampling-v3.csv (pages considered in v2), the v1 sampling.csv (pages
considered in v1), codebook.yaml and event.yaml (v2). CODING_DIR holds coder_<a|b>-<k>/codes.csv.
A report enters the v2 folder only if its date is established under date-rule.md and both
coders could read its stored page; every other candidate gets its reason in sampling.csv.
"""
from __future__ import annotations

import glob
import shutil
import sys
from pathlib import Path

import pandas as pd

from analysis.text import evidence_words

WORK = Path("work/cairo-v2")
DATA = Path("data/cairo-talks-2024-04")
COLUMNS = ["report_id", "outlet", "outlet_id", "published", "url", "headline", "outlet_country", "language",
           "outlet_type", "wire", "derived_from"]
SAMPLING = ["n", "url", "outlet", "language", "date", "date_cue", "decision", "reason", "report_id"]
NOT_READ = "stored page not returned by the store's search when coding (both coders, up to 8 queries)"


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


TRIMMED: list[str] = []


def trim(evidence: str) -> str:
    """Evidence over the limit (a coder counted a digit as no character) loses its first characters."""
    out = evidence
    while evidence_words(out) > 12:
        out = out[1:]
    if out != evidence:
        TRIMMED.append(evidence)
    return out


def coded_reports(coding: Path) -> tuple[pd.DataFrame, dict]:
    """Every coder's judgements, one file per coder instance; which reports each coder read."""
    frames = {}
    for f in sorted(glob.glob(str(coding / "coder_*" / "codes.csv"))):
        name = Path(f).parent.name
        d = read(Path(f))
        d["value"] = d["value"].str.strip()
        num = pd.to_numeric(d["value"], errors="coerce")
        whole = num.notna() & (num == num.round())
        d.loc[whole, "value"] = num[whole].astype("int64").astype(str)
        frames[name] = d[["report_id", "coder", "variable", "value", "evidence"]].assign(
            evidence=d["evidence"].map(trim))
    read_by = {}
    for name, d in frames.items():
        read_by.setdefault(d["coder"].iloc[0], set()).update(d["report_id"])
    return frames, read_by


def main(coding: Path, adjudication: Path | None) -> None:
    cand = pd.concat([read(WORK / f) for f in ("reports-v2.csv", "new-reports-3.csv", "new-reports-4.csv")],
                     ignore_index=True)
    cues = read(WORK / "cues-v1-reports.csv").set_index("report_id")
    frames, read_by = coded_reports(coding)
    both = set.intersection(*read_by.values())
    out_reason = {}
    for rid in cand["report_id"]:
        if rid in cues.index and cues.loc[rid, "established"] != "yes":
            cue = cues.loc[rid, "date_cue"]
            out_reason[rid] = ("stored page not found when the date rule was re-applied" if cue == "page_not_found"
                               else "no publication-date cue under date-rule.md: the page shows only the store's "
                               "date stamp (R1.4)" if cue == "store_stamp_only"
                               else f"no publication-date cue under date-rule.md ({cue})")
        elif rid not in both:
            out_reason[rid] = NOT_READ
    keep = cand[~cand["report_id"].isin(out_reason)].copy()
    # lineage: a link to a report that left the sample names the wire story instead
    left = set(out_reason)
    story = {"bol-0405": "reuters:2024-04-05-burns-cairo", "koreaherald-0407": "reuters:2024-04-07-six-months"}
    for rid in left & set(keep["derived_from"]):
        keep.loc[keep["derived_from"] == rid, "derived_from"] = story.get(rid, f"story-of:{rid}")
    keep = keep.sort_values(["published", "report_id"]).reset_index(drop=True)
    keep[COLUMNS].to_csv(DATA / "reports.csv", index=False)

    # sampling: every page considered in v1 and v2, with the v2 decision
    v1 = read(Path("work/cairo-v2/sampling-v1.csv") if (WORK / "sampling-v1.csv").exists() else DATA / "sampling.csv")
    v2 = pd.concat([read(WORK / f) for f in ("sampling-v2.csv", "sampling-v3.csv", "sampling-v4.csv")],
                   ignore_index=True)
    v2_urls = set(v2["url"])
    rows = []
    by_url = {u: r for r, u in zip(cand["report_id"], cand["url"])}
    redecided = {n.split("lead", 1)[1].strip() for n in v2["n"] if n.startswith("v1:lead")}
    for r in v1.itertuples(index=False):
        if r.url in v2_urls or str(r.lead) in redecided:
            continue
        rid = r.report_id or by_url.get(r.url, "")
        row = {"n": f"v1:lead {r.lead}", "url": r.url, "outlet": r.outlet, "language": "", "date": "",
               "date_cue": "", "decision": r.decision, "reason": f"v1: {r.reason}", "report_id": ""}
        if r.decision == "included":
            c = cues.loc[rid] if rid in cues.index else None
            row["date"] = c["date"] if c is not None else ""
            row["date_cue"] = c["date_cue"] if c is not None else ""
            if rid in out_reason:
                row["decision"], row["reason"] = "excluded", out_reason[rid]
            else:
                row["reason"], row["report_id"] = "in window under date-rule.md, on topic, distinct article", rid
        rows.append(row)
    for r in v2.itertuples(index=False):
        rid = by_url.get(r.url, "")
        row = {"n": r.n, "url": r.url, "outlet": r.outlet, "language": r.language, "date": r.date,
               "date_cue": r.date_cue, "decision": r.decision, "reason": r.reason, "report_id": ""}
        if r.decision == "included":
            if rid in out_reason:
                row["decision"], row["reason"] = "excluded", out_reason[rid]
            else:
                row["report_id"] = rid
        rows.append(row)
    sampling = pd.DataFrame(rows, columns=SAMPLING)
    assert set(sampling.loc[sampling["decision"] == "included", "report_id"]) == set(keep["report_id"])
    sampling.to_csv(DATA / "sampling.csv", index=False)

    # codes: one file per coder instance, only the reports in the sample
    codes = DATA / "codes"
    shutil.rmtree(codes, ignore_errors=True)
    codes.mkdir()
    for name, d in frames.items():
        d[d["report_id"].isin(keep["report_id"])].to_csv(codes / f"{name}.csv", index=False)
    if adjudication is not None:
        adj = read(adjudication)
        adj = adj[adj["report_id"].isin(keep["report_id"])]
        adj.to_csv(DATA / "adjudication.csv", index=False)
        adj.rename(columns={"decision": "value", "decision_evidence": "evidence"}).assign(coder="adjudicated")[
            ["report_id", "coder", "variable", "value", "evidence"]].to_csv(codes / "adjudicated.csv", index=False)
    for f in ("codebook.yaml", "event.yaml"):
        shutil.copy(WORK / f, DATA / f)
    terms = read(DATA / "terms.csv")
    terms[terms["report_id"].isin(keep["report_id"])].to_csv(DATA / "terms.csv", index=False)
    print(f"{len(keep)} reports, {keep['outlet_id'].nunique()} outlets, "
          f"{keep['outlet_country'].replace('', pd.NA).nunique()} countries, "
          f"{keep['language'].nunique()} languages: {keep['language'].value_counts().to_dict()}")
    print(f"{len(TRIMMED)} evidence snippets trimmed to the limit")
    print(f"{len(out_reason)} candidates left out:", dict(sorted(out_reason.items())))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
