"""Rows of reports.csv for the reports found by round 3 of the overlap search (found-*.csv)."""
import glob
import pandas as pd

KEEP = {"ahli": ["thenational-1018", "apa-1018", "rtlbe-1018", "arabnewspk-1018", "opovo-1017", "infobae-1017",
                 "newsmax-1018", "thehindu-1018", "axios-1018", "cgtn-1018", "tbsnews-1018", "lbci-1018", "upi-1017"],
        "cairo": ["breitbart-0408", "kompas-0409", "br24-0408", "presstv-0409", "aljazeera-0408", "townhall-0406"]}
WIRE = {"kompas-0409": "AFP"}
LANG = {"apa-1018": "ru"}
# a time printed without a zone is dropped (date only), never given an assumed zone
DATE_ONLY = {"br24-0408", "townhall-0406"}
found = pd.concat([pd.read_csv(x) for x in sorted(glob.glob("/work/overlap2/found-f[a-e].csv"))])
found = found[found.qualifies.astype(str).str.lower() == "yes"].drop_duplicates("report_id").set_index("report_id")
ahli = pd.read_csv("/work/main/data/ahli-hospital-2023-10/reports.csv")
cairo = pd.read_csv("/work/main/data/cairo-talks-2024-04/reports.csv")
other = {"ahli": cairo, "cairo": ahli}


def cut(h):
    if not isinstance(h, str):
        return h
    words = h.split()
    return h if len(words) <= 12 else " ".join(words[:11]) + " […]"


for event, ids in KEEP.items():
    rows = []
    for rid in ids:
        f = found.loc[rid]
        o = other[event].loc[other[event].outlet_id == f.outlet_id].iloc[0]
        rows.append({"report_id": rid, "outlet": o.outlet, "outlet_id": f.outlet_id, "published": f.published[:10] if rid in DATE_ONLY else f.published,
                     "url": f.url, "headline": cut(f.headline), "outlet_country": o.outlet_country,
                     "language": LANG.get(rid, f.language), "outlet_type": o.outlet_type,
                     "wire": WIRE.get(rid), "derived_from": None})
    out = pd.DataFrame(rows)
    out.to_csv(f"/work/overlap2/build/new-{event}.csv", index=False)
    print(out.drop(columns=["url"]).to_string())
