"""Round 3: merge the two coders' files of one event; write disagreements.csv and review_sample.csv.

usage: merge.py EVENT (ahli | cairo) -> /work/oa-EVENT/ (adjudicator) and /work/or-EVENT/ (reviewer)
"""
import shutil
import sys
from pathlib import Path

import pandas as pd
import yaml

event = sys.argv[1]
folder = {"ahli": "ahli-hospital-2023-10", "cairo": "cairo-talks-2024-04"}[event]
main = Path("/work/main/data") / folder
cb = yaml.safe_load((main / "codebook.yaml").read_text())
variables = cb["variables"] if isinstance(cb, dict) else cb
meta = {}
for v in variables:
    values = v.get("values") or {}
    meta[v["name"]] = (v.get("role", "other"), v.get("question", v.get("label", "")),
                       {str(k): (x.get("label") if isinstance(x, dict) else x) for k, x in values.items()}
                       if isinstance(values, dict) else {})
frames = []
for c in ("a", "b"):
    d = pd.read_csv(f"/work/oc-{event}-{c}/codes.csv", dtype=str, keep_default_na=False)
    frames.append(d)
codes = pd.concat(frames, ignore_index=True)
codes["value"] = codes["value"].str.strip()
num = pd.to_numeric(codes["value"], errors="coerce")
whole = num.notna() & (num == num.round())
codes.loc[whole, "value"] = num[whole].astype("int64").astype(str)
assert not codes.duplicated(["report_id", "coder", "variable"]).any()
unknown = set(codes.variable) - set(meta)
assert not unknown, unknown
reports = pd.read_csv(f"/work/oc-{event}-a/reports.csv")
expected = len(reports) * len(meta)
for c, d in codes.groupby("coder"):
    print(c, len(d), "judgements of", expected, "expected;", d.report_id.nunique(), "reports")
wide = codes.pivot_table(index=["report_id", "variable"], columns="coder", values="value", aggfunc="first")
ev = codes.pivot_table(index=["report_id", "variable"], columns="coder", values="evidence", aggfunc="first")
wide = wide.reindex(columns=["coder_a", "coder_b"])
ev = ev.reindex(columns=["coder_a", "coder_b"])
both = wide.notna().all(axis=1)
dis = wide[both & (wide["coder_a"].fillna("") != wide["coder_b"].fillna(""))]
agree = wide[both & (wide["coder_a"].fillna("") == wide["coder_b"].fillna(""))]
out = dis.join(ev, rsuffix="_evidence").reset_index()
out["role"] = out.variable.map(lambda v: meta[v][0])
out["question"] = out.variable.map(lambda v: meta[v][1])
out = out[["report_id", "variable", "role", "question", "coder_a", "coder_a_evidence", "coder_b", "coder_b_evidence"]]
url = reports.set_index("report_id")["url"]
rs = agree.reset_index()[["report_id", "variable", "coder_a"]].rename(columns={"coder_a": "value"})
rs["url"] = rs.report_id.map(url)
rs["role"] = rs.variable.map(lambda v: meta[v][0])
rs["question"] = rs.variable.map(lambda v: meta[v][1])
rs["value_label"] = [meta[v][2].get(x, "") if x else "(no number cited)" for v, x in zip(rs.variable, rs.value)]
rs = rs[["report_id", "url", "variable", "role", "question", "value", "value_label"]]
order = {v: i for i, v in enumerate(meta)}
rs = rs.sort_values(["report_id", "variable"], key=lambda s: s.map(order) if s.name == "variable" else s)
for kind, table, name in (("oa", out, "disagreements.csv"), ("or", rs, "review_sample.csv")):
    d = Path(f"/work/{kind}-{event}")
    (d / "texts").mkdir(parents=True, exist_ok=True)
    for f in (main / "codebook.yaml", main / "event.yaml"):
        shutil.copy(f, d)
    shutil.copy(main / "adjudication-rules.md", d / "rules.md")
    shutil.copy(f"/work/oc-{event}-a/reports.csv", d)
    for f in Path(f"/work/oc-{event}-a/texts").glob("*.txt"):
        shutil.copy(f, d / "texts")
    table.to_csv(d / name, index=False)
codes.to_csv(f"/work/overlap2/build/codes-{event}.csv", index=False)
print(f"{len(wide)} pairs, {len(dis)} disagreements ({len(dis) / max(len(wide), 1):.1%}), {len(agree)} agreed")
