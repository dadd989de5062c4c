"""The reports table of an event folder (``reports.csv``): checked row by row, typed, sorted.

``published`` becomes a UTC timestamp; ``published_time_known`` records whether the cell held a
clock time (a date alone is kept as 00:00 UTC of that date). Rows with a problem are named in the
problems; a repeated report_id is a problem of the later row, which is left out.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from .cells import Table
from .errors import DataError, Problem
from .event_yaml import ISO_RE
from .sample import SOURCE_LATER, wire_groups

__all__ = ["REPORT_REQUIRED", "REPORT_OPTIONAL", "TIME_KNOWN", "parse_reports"]

REPORT_REQUIRED = ["report_id", "outlet", "published", "url"]
REPORT_OPTIONAL = ["headline", "outlet_id", "outlet_country", "language", "outlet_type", "wire", "derived_from"]
TIME_KNOWN = "published_time_known"


def parse_reports(table: Table, meta: dict[str, object] | None, problems: list[Problem],
                  warnings: list[Problem] | None = None) -> pd.DataFrame:
    """Check reports row by row (problems go to ``problems``); raise DataError for missing columns.

    A repeated report_id is a problem of the later row, which is left out of the result, so that
    a lenient load still holds one row per report. ``published_time_known`` records whether the
    cell held a clock time; a date alone is kept as 00:00 UTC of that date. A report derived from
    one published later is a warning (``warnings``), not a problem: the link or a date is wrong,
    but which one only the coder can tell.
    """
    f, name, rows = table.frame, table.file, table.rows
    missing = [c for c in REPORT_REQUIRED if c not in f.columns]
    if missing:
        raise DataError(Problem(name, f"missing column(s) {', '.join(missing)}", row=1,
                                accepted="report_id, outlet, published, url; optional " + ", ".join(REPORT_OPTIONAL)))
    if TIME_KNOWN in f.columns:
        raise DataError(Problem(name, f"column {TIME_KNOWN} is set by the loader", row=1, column=TIME_KNOWN,
                                accepted="a published date or date and time; rename or drop the column"))
    problems.extend(table.problems)
    dup = _id_problems(f, rows, name, problems)
    _outlet_url_problems(f, rows, name, problems)
    pub = f["published"].str.strip()
    ok, parsed = _published(pub, rows, name, problems)
    start, end = (meta or {}).get("start"), (meta or {}).get("end")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and start <= end:
        _window_problems(pub, ok & parsed.notna().to_numpy(), start, end, rows, name, problems)
    out = _reports_frame(f, parsed, pub, rows, name, problems)
    out = out[~dup]
    if warnings is not None:
        warnings.extend(_lineage_warnings(out, pub[~dup], rows[~dup], name))
    return out.sort_values("report_id", kind="stable").reset_index(drop=True)


def _id_problems(f: pd.DataFrame, rows: np.ndarray, name: str, problems: list[Problem]) -> np.ndarray:
    """Empty ids, ids with spaces around them, ids used again. Returns the rows of repeated ids."""
    rid = f["report_id"]
    for i in np.flatnonzero((rid.str.strip() == "").to_numpy()):
        problems.append(Problem(name, "report_id is empty", row=int(rows[i]), column="report_id",
                                accepted="a unique id for every report"))
    for i in np.flatnonzero((rid != rid.str.strip()).to_numpy()):
        problems.append(Problem(name, f"report_id '{rid.iloc[i]}' has leading or trailing spaces", row=int(rows[i]),
                                column="report_id", value=rid.iloc[i], accepted=f"'{rid.iloc[i].strip()}'"))
    dup = (rid.duplicated(keep="first") & (rid != "")).to_numpy()
    first_row = pd.Series(rows, index=f.index).groupby(rid.to_numpy(), sort=False, observed=True).transform("first").to_numpy()
    for i in np.flatnonzero(dup):
        first = int(first_row[i])
        problems.append(Problem(name, f"report_id '{rid.iloc[i]}' is used again (first at row {first})",
                                row=int(rows[i]), column="report_id", value=rid.iloc[i], accepted="each report_id once"))
    return dup


def _outlet_url_problems(f: pd.DataFrame, rows: np.ndarray, name: str, problems: list[Problem]) -> None:
    for i in np.flatnonzero((f["outlet"].str.strip() == "").to_numpy()):
        problems.append(Problem(name, "outlet is empty", row=int(rows[i]), column="outlet",
                                accepted="the outlet's name"))
    url = f["url"]
    for i in np.flatnonzero(~url.str.match(r"^https?://\S+$").to_numpy()):
        problems.append(Problem(name, f"url {url.iloc[i]!r} is not a web address", row=int(rows[i]), column="url",
                                value=url.iloc[i], accepted="an address starting with http:// or https://"))


def _published(pub: pd.Series, rows: np.ndarray, name: str,
               problems: list[Problem]) -> tuple[np.ndarray, pd.Series]:
    """Publication times in UTC (NaT where unreadable), and which cells are ISO 8601 text."""
    ok = pub.str.match(ISO_RE.pattern).to_numpy()
    parsed = pd.Series(pd.NaT, index=pub.index, dtype="datetime64[ns, UTC]")
    if ok.any():
        parsed[ok] = pd.to_datetime(pub[ok], format="ISO8601", utc=True, errors="coerce")
    for i in np.flatnonzero(~ok | parsed.isna().to_numpy()):
        v = pub.iloc[i]
        hint = "an ISO 8601 date (2024-04-08) or date and time (2024-04-08T14:42+05:30)"
        msg = f"published {v!r} is not a date"
        if re.fullmatch(r"\d{5}(\.\d+)?", v):
            day = dt.date(1899, 12, 30) + dt.timedelta(days=int(float(v)))
            msg = f"published {v!r} looks like an Excel serial date ({day.isoformat()})"
            hint = ("format the cells as dates, or as ISO 8601 text (YYYY-MM-DD)" if name.endswith(".xlsx")
                    else "format the column as text in ISO 8601 (YYYY-MM-DD) before saving")
        problems.append(Problem(name, msg, row=int(rows[i]), column="published", value=v, accepted=hint))
    return ok, parsed


def _window_problems(pub: pd.Series, read: np.ndarray, start_day: dt.date, end_day: dt.date,
                     rows: np.ndarray, name: str, problems: list[Problem]) -> None:
    """Reports published (on their own local day) outside the event's window."""
    local_day = pub.str.slice(0, 10)
    start, end = start_day.isoformat(), end_day.isoformat()
    outside = read & ((local_day < start) | (local_day > end)).to_numpy()
    for i in np.flatnonzero(outside):
        problems.append(Problem(name, f"published {pub.iloc[i]} is outside the event's window {start} to {end}",
                                row=int(rows[i]), column="published", value=pub.iloc[i],
                                accepted="a date inside start..end of event.yaml (or widen the window)"))


def _reports_frame(f: pd.DataFrame, parsed: pd.Series, pub: pd.Series, rows: np.ndarray, name: str,
                   problems: list[Problem]) -> pd.DataFrame:
    """The reports typed: known columns first, "" as missing, ``published`` in UTC with
    ``published_time_known`` after it; a report derived from itself is a problem."""
    out = f.copy()
    for c in REPORT_OPTIONAL:
        if c not in out.columns:
            out[c] = ""
    out["published"] = parsed
    if "derived_from" in out.columns:
        self_ref = (out["derived_from"] == out["report_id"]) & (out["derived_from"] != "")
        for i in np.flatnonzero(self_ref.to_numpy()):
            problems.append(Problem(name, "derived_from names the report itself", row=int(rows[i]),
                                    column="derived_from", value=out["derived_from"].iloc[i],
                                    accepted="the report_id of another report, or a wire story id"))
    order = REPORT_REQUIRED + REPORT_OPTIONAL + [c for c in out.columns if c not in REPORT_REQUIRED + REPORT_OPTIONAL]
    out = out[order].copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].where(out[c] != "", np.nan)
    out["published"] = parsed
    out.insert(out.columns.get_loc("published") + 1, TIME_KNOWN,
               ((pub.str.len() > 10) & parsed.notna()).to_numpy())
    return out


def _lineage_warnings(reports: pd.DataFrame, written: pd.Series, rows: np.ndarray, name: str) -> list[Problem]:
    """A warning for each report whose derived_from names a report published after it."""
    links = wire_groups(reports)
    later = links[links["order"] == SOURCE_LATER]
    cell = dict(zip(reports["report_id"], written))
    row = dict(zip(reports["report_id"], rows))
    out = [Problem(name, f"report {r.report_id} (published {cell[r.report_id]}) is derived from "
                   f"{r.source_report}, which was published later ({cell[r.source_report]})",
                   row=int(row[r.report_id]), column="derived_from", value=r.source_report)
           for r in later.itertuples(index=False)]
    return sorted(out, key=lambda p: p.row or 0)
