"""The sample: which outlets, countries, types and wire copy an event's reports come from, and when.

Time as it was: ``reports.published`` is a UTC timestamp, and ``published_time_known`` (when the
column is present) says whether the report gave a clock time. A report that gave only a date is
stored at 00:00 UTC of that date, but it stands for a whole day in the outlet's own time zone; the
functions here never read a time of day into it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

COUNT_COLUMNS = ["value", "n_reports", "n_outlets", "share"]
TIMELINE_COLUMNS = ["date", "group", "n_reports", "n_date_only"]
WIRE_COLUMNS = ["source_report", "source_outlet", "wire", "report_id", "outlet", "published",
                "source_published", "order"]
# the order of a report and the report named in its derived_from
SOURCE_FIRST, ORDER_UNKNOWN, SOURCE_LATER = "source first", "order unknown", "source later"
ORDERS = (SOURCE_FIRST, ORDER_UNKNOWN, SOURCE_LATER)
# a date without a time is a day somewhere between UTC-12 and UTC+14
_DAY_STARTS_BEFORE_UTC = pd.Timedelta(hours=14)
_DAY_ENDS_AFTER_UTC = pd.Timedelta(hours=36)


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


def time_known(reports: pd.DataFrame) -> np.ndarray:
    """``published_time_known`` as a boolean array; every time counts as known without the column."""
    if "published_time_known" not in reports.columns:
        return np.ones(len(reports), dtype=bool)
    return np.array([True if pd.isna(k) else bool(k) for k in reports["published_time_known"]], dtype=bool)


def publication_timeline(reports: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Reports per publication day, optionally split by a report column.

    Parameters
    ----------
    reports : DataFrame
        ``report_id, published`` and, optionally, ``published_time_known`` and the column ``by``.
    by : str, optional
        A report column; missing values form the group "(none)".

    Returns
    -------
    DataFrame
        ``date`` (datetime64, midnight, tz-naive), ``group``, ``n_reports``, ``n_date_only`` (of
        those reports, how many gave a date without a time), sorted by date and group.

    Notes
    -----
    A report with a clock time counts on its UTC day; a report that gave only a date counts on
    that date (the outlet's own day, whose time zone is not known).
    """
    day = pd.to_datetime(reports["published"], utc=True).dt.tz_localize(None).dt.normalize()
    group = "all" if by is None else reports[by].astype(object).where(reports[by].notna(), "(none)").astype(str)
    frame = pd.DataFrame({"date": day, "group": group, "_d": ~time_known(reports)})
    g = frame.groupby(["date", "group"], observed=True)["_d"]
    out = pd.DataFrame({"n_reports": g.size(), "n_date_only": g.sum().astype(np.int64)}).reset_index()
    return out.sort_values(["date", "group"], kind="stable").reset_index(drop=True)[TIMELINE_COLUMNS]


def publication_order(source_time: ArrayLike, source_known: ArrayLike, time: ArrayLike,
                      known: ArrayLike) -> np.ndarray:
    """Whether each source was published before its copy, at the precision the dates allow.

    Parameters
    ----------
    source_time, time : array-like of UTC timestamps
        ``published`` of the source and of the copy (a date-only report at 00:00 UTC of its date).
    source_known, known : array-like of bool
        ``published_time_known`` of each.

    Returns
    -------
    ndarray of str
        "source first", "source later" or "order unknown" (also when a time is missing).

    Notes
    -----
    Two clock times are compared as instants (equal instants: order unknown). Two dates are
    compared as days: the same day is "order unknown". A date against a clock time: the date is a
    day in an unknown time zone (UTC-12 to UTC+14), so it spans from 14 hours before to 36 hours
    after 00:00 UTC of that date; the order is known only when the clock time lies outside that
    span. A report dated the same local day as the other is therefore never "later".
    """
    s = pd.DatetimeIndex(pd.to_datetime(pd.Series(source_time, dtype=object), utc=True, format="ISO8601"))
    c = pd.DatetimeIndex(pd.to_datetime(pd.Series(time, dtype=object), utc=True, format="ISO8601"))
    sk, ck = np.asarray(source_known, dtype=bool), np.asarray(known, dtype=bool)
    before, after = _DAY_STARTS_BEFORE_UTC.value, _DAY_ENDS_AFTER_UTC.value
    si, ci = s.asi8, c.asi8  # nanoseconds; NaT is handled by ``missing``
    # earliest and latest instant each publication can stand for
    s_lo, s_hi = np.where(sk, si, si - before), np.where(sk, si, si + after)
    c_lo, c_hi = np.where(ck, ci, ci - before), np.where(ck, ci, ci + after)
    first = np.where(sk == ck, si < ci, s_hi < c_lo)
    later = np.where(sk == ck, si > ci, s_lo > c_hi)
    missing = s.isna() | c.isna()
    out = np.full(len(s), ORDER_UNKNOWN, dtype=object)
    out[first & ~missing] = SOURCE_FIRST
    out[later & ~missing] = SOURCE_LATER
    return out


def wire_groups(reports: pd.DataFrame) -> pd.DataFrame:
    """Each report derived from another report of the sample, beside its source.

    Parameters
    ----------
    reports : DataFrame
        ``report_id, outlet, published, derived_from`` and, optionally, ``wire`` and
        ``published_time_known``.

    Returns
    -------
    DataFrame
        ``source_report, source_outlet, wire, report_id, outlet, published, source_published,
        order``, sorted by source then publication time. ``order`` is "source first", "order
        unknown" or "source later" (see :func:`publication_order`): whether the link agrees with
        the dates. Reports whose ``derived_from`` names no report of the sample are listed with
        ``source_outlet`` and ``source_published`` missing and ``order`` "order unknown".
    """
    if "derived_from" not in reports.columns:
        return pd.DataFrame(columns=WIRE_COLUMNS)
    has = reports["derived_from"].notna().to_numpy()
    d = reports[has]
    by_id = reports.assign(_known=time_known(reports)).drop_duplicates("report_id").set_index("report_id")
    src = d["derived_from"]
    known = time_known(reports)[has]
    source_known = src.map(by_id["_known"]).to_numpy(dtype=object)
    source_known = np.array([True if pd.isna(k) else bool(k) for k in source_known], dtype=bool)
    source_published = src.map(by_id["published"])
    out = pd.DataFrame({
        "source_report": src.to_numpy(),
        "source_outlet": src.map(by_id["outlet"]).to_numpy(),
        "wire": d["wire"].to_numpy() if "wire" in d.columns else np.nan,
        "report_id": d["report_id"].to_numpy(), "outlet": d["outlet"].to_numpy(),
        "published": d["published"].to_numpy(),
        "source_published": source_published.to_numpy(),
        "order": publication_order(source_published.to_numpy(), source_known, d["published"].to_numpy(), known),
    })
    return out.sort_values(["source_report", "published", "report_id"], kind="stable").reset_index(drop=True)
