"""Round 4 of the overlap search (issue 18): outlets with their own reporting in both events.

Appends every page the round-4 finders looked at (/work/overlap2/found-g1.csv, found-n1..3.csv)
to both events' sampling.csv. No page was drawn: the round drew only pages that add an outlet with
its own reporting in both events, and the one outlet found in both (TRT World) has no al-Ahli page
about the explosion (its 18 October live blog mentions it only in the standfirst).
"""
import glob
from pathlib import Path

import pandas as pd

PREFIX = "round 4, a search for outlets with own reporting in both events: "
NOT_DRAWN = ("qualifies under the rules but not drawn: round 4 drew only pages that add an outlet with its own "
             "reporting in both events, and this outlet has none in the other event")
TOPIC = {"trtworld-1018": "not about the explosion: a live blog on aid whose standfirst alone mentions the strike"}
DATA = {"ahli": Path("/work/main/data/ahli-hospital-2023-10"), "cairo": Path("/work/main/data/cairo-talks-2024-04")}

found = pd.concat([pd.read_csv(f) for f in sorted(glob.glob("/work/overlap2/found-[gn]*.csv"))], ignore_index=True)
for event, data in DATA.items():
    rows = found[found["event"] == event].drop_duplicates("url")
    old = pd.read_csv(data / "sampling.csv", dtype=str, keep_default_na=False)
    rows = rows[~rows["url"].isin(old["url"])]
    out = []
    for r in rows.itertuples(index=False):
        rid = r.report_id if isinstance(r.report_id, str) else ""
        yes = str(r.qualifies).lower() == "yes"
        reason = TOPIC.get(rid) or (NOT_DRAWN if yes else str(r.reason))
        out.append({"url": r.url, "outlet": r.outlet, "language": r.language, "date": "",
                    "date_cue": "" if pd.isna(r.date_cue) else r.date_cue, "decision": "excluded",
                    "reason": PREFIX + reason})
    new = pd.DataFrame(out)
    if event == "ahli":
        start = int(pd.to_numeric(old["n"], errors="coerce").max()) + 1
        new.insert(0, "n", [str(start + i) for i in range(len(new))])
    else:
        new.insert(0, "n", [f"round4:{i + 1}" for i in range(len(new))])
        new["report_id"] = ""
    table = pd.concat([old, new[old.columns]], ignore_index=True)
    long = [c for c in table.columns if table[c].str.len().max() > 400]
    assert not long, long
    table.to_csv(data / "sampling.csv", index=False)
    print(event, len(new), "pages added;", len(table), "in sampling.csv")
