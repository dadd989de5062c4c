"""Rules written in the overlap round (Cairo R17; al-Ahli R27, R28) re-applied to the earlier reports.

A reviewer read every earlier report's final code of the variables those rules govern
(/work/rr-EVENT/reapply.csv); each error becomes an adjudication row with ``source`` = rule.
"""
import sys
from pathlib import Path

import pandas as pd

from analysis import load_event

EVENT = sys.argv[1]
DATA = Path("/work/main/data") / {"ahli": "ahli-hospital-2023-10", "cairo": "cairo-talks-2024-04"}[EVENT]
RULES = {"ahli": "R27 and R28", "cairo": "R17"}[EVENT]
review = pd.read_csv(f"/work/rr-{EVENT}/reapply.csv", dtype=str, keep_default_na=False)
errors = review[review["verdict"] == "error"]
codes = load_event(DATA).codes
codes = codes[codes["coder"].isin(["coder_a", "coder_b"])]
rows = []
for r in errors.itertuples(index=False):
    given = codes[(codes["report_id"] == r.report_id) & (codes["variable"] == r.variable)].set_index("coder")
    cell = {c: ("" if c not in given.index else str(given.loc[c, "value"])) for c in ("coder_a", "coder_b")}
    ev = {c: ("" if c not in given.index or pd.isna(given.loc[c, "evidence"]) else str(given.loc[c, "evidence"]))
          for c in ("coder_a", "coder_b")}
    rows.append({"report_id": r.report_id, "variable": r.variable, "coder_a": cell["coder_a"],
                 "coder_a_evidence": ev["coder_a"], "coder_b": cell["coder_b"], "coder_b_evidence": ev["coder_b"],
                 "decision": r.correct_value,
                 "reason": f"Rule {r.reason.split(':')[0]} (written in the overlap round) applied to an earlier "
                           f"report:{r.reason.split(':', 1)[1]}", "source": "rule"})
new = pd.DataFrame(rows)
old = pd.read_csv(DATA / "adjudication.csv", dtype=str, keep_default_na=False)
assert not set(zip(new.report_id, new.variable)) & set(zip(old.report_id, old.variable)), "already decided"
pd.concat([old, new], ignore_index=True).to_csv(DATA / "adjudication.csv", index=False)
adj = pd.read_csv(DATA / "codes" / "adjudicated.csv", dtype=str, keep_default_na=False)
add = pd.DataFrame({"report_id": new.report_id, "coder": "adjudicated", "variable": new.variable,
                    "value": new.decision, "evidence": ""})
pd.concat([adj, add], ignore_index=True).to_csv(DATA / "codes" / "adjudicated.csv", index=False)
print(f"{EVENT}: {len(review)} codes re-checked under {RULES}, {len(errors)} corrected, "
      f"{(review.verdict == 'unreadable').sum()} unreadable")
