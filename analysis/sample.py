"""The sample: which outlets, countries, types and wire copy an event's reports come from, and when."""
from __future__ import annotations

import numpy as np
import pandas as pd

COUNT_COLUMNS = ["value", "n_reports", "n_outlets", "share"]
TIMELINE_COLUMNS = ["date", "group", "n_reports"]
WIRE_COLUMNS = ["source_report", "source_outlet", "wire", "report_id", "outlet", "published"]


def composition(reports: pd.DataFrame, *, by: str = "outlet_country") -> pd.DataFrame:
    """Reports and outlets per value of a report column.

    Parameters
    ----------
    reports : DataFrame
        ``report_id, outlet`` and the column ``by``.
    by : str
        Any report column (outlet_country, outlet_type, language, wire, ...). Missing values form
        the group "(none)".

    Returns
    -------
    DataFrame
        ``value, n_reports, n_outlets, share`` (share of reports), most reports first, ties by value.
    """
    if by not in reports.columns:
        raise KeyError(f"reports have no column {by!r}; columns are {', '.join(map(str, reports.columns))}")
    key = reports[by].astype(object).where(reports[by].notna(), "(none)").astype(str)
    g = reports.assign(_v=key).groupby("_v", observed=True)
    out = pd.DataFrame({"n_reports": g.size(), "n_outlets": g["outlet"].nunique()}).reset_index()
    out = out.rename(columns={"_v": "value"})
    out["share"] = out["n_reports"] / max(len(reports), 1)
    return out.sort_values(["n_reports", "value"], ascending=[False, True], kind="stable").reset_index(drop=True)[COUNT_COLUMNS]


def publication_timeline(reports: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Reports per publication day (UTC), optionally split by a report column.

    Returns
    -------
    DataFrame
        ``date`` (datetime64, midnight UTC, tz-naive), ``group``, ``n_reports``, sorted.
    """
    day = pd.to_datetime(reports["published"], utc=True).dt.tz_localize(None).dt.normalize()
    group = "all" if by is None else reports[by].astype(object).where(reports[by].notna(), "(none)").astype(str)
    frame = pd.DataFrame({"date": day, "group": group})
    out = frame.groupby(["date", "group"], observed=True).size().rename("n_reports").reset_index()
    return out.sort_values(["date", "group"], kind="stable").reset_index(drop=True)[TIMELINE_COLUMNS]


def wire_groups(reports: pd.DataFrame) -> pd.DataFrame:
    """Each report derived from another report of the sample, beside its source.

    Returns
    -------
    DataFrame
        ``source_report, source_outlet, wire, report_id, outlet, published``, sorted by source then
        publication time. Reports whose ``derived_from`` names no report of the sample are listed
        with ``source_outlet`` missing.
    """
    if "derived_from" not in reports.columns:
        return pd.DataFrame(columns=WIRE_COLUMNS)
    d = reports[reports["derived_from"].notna()]
    outlets = reports.set_index("report_id")["outlet"]
    out = pd.DataFrame({
        "source_report": d["derived_from"].to_numpy(),
        "source_outlet": d["derived_from"].map(outlets).to_numpy(),
        "wire": d["wire"].to_numpy() if "wire" in d.columns else np.nan,
        "report_id": d["report_id"].to_numpy(), "outlet": d["outlet"].to_numpy(),
        "published": d["published"].to_numpy(),
    })
    return out.sort_values(["source_report", "published", "report_id"], kind="stable").reset_index(drop=True)
