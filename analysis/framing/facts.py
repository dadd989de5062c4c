"""Facts and omissions: which of the event's facts each group of reports mentioned, and how
complete each group's reports were, leaving out reports published before a fact was known."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..common import is_missing
from ..errors import DataError, Problem
from ._shared import check_table, group_of, role_rows, yes_no_values

FACT_MATRIX_COLUMNS = ("fact", "reported", "n", "n_not_yet")
COMPLETENESS_COLUMNS = ("completeness", "n_facts", "n", "n_not_yet")


def fact_matrix(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *, by: str = "outlet",
                facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which facts each group of reports mentioned (and so, which it left out).

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value``.
    codebook : DataFrame
        ``variable, level, role, codes, yes_code, fact``; facts are the yes/no rows of role
        ``fact``, each naming a fact id of event.yaml.
    reports : DataFrame
        ``report_id`` and the column named by ``by``; with ``facts``, also ``published`` (UTC)
        and, optionally, ``published_time_known``.
    by : str, default "outlet"
    facts : DataFrame, optional
        ``id, as_of`` and, optionally, ``as_of_time_known`` (``Event.facts``): when each fact
        became knowable. A report published before it is *not yet possible* for that fact and
        is left out of that fact's cell (see Notes). Default: every report could mention every
        fact.

    Returns
    -------
    DataFrame
        ``<by>, fact, reported, n, n_not_yet``: one row for every group and every fact (a full
        matrix, so an omission shows as ``reported = 0``), sorted by group (missing last), then
        fact in codebook order. ``reported`` is the share of the group's ``n`` reports coded on
        the fact (and published once it was knowable) that mention it, NaN when ``n = 0``;
        ``n_not_yet`` counts the group's reports coded on the fact that were left out because
        they were published before its ``as_of`` (0 without ``facts``).

    Notes
    -----
    :math:`\\mathrm{reported}_{gf} = \\frac{1}{n_{gf}}\\sum_{r} m_{rf}` over the :math:`n_{gf}`
    reports of group *g* coded on fact *f* and published at or after its ``as_of``, with
    :math:`m_{rf} = 1` if report *r* mentions the fact (its ``yes_code``) and 0 otherwise. An
    unresolved code is not counted as an omission.

    *Not yet possible* is decided at the precision both times are known. When the report and
    the fact both have a clock time, the report is not yet possible if it was published
    strictly before ``as_of``. When either gives a date only, the two UTC days are compared: an
    earlier day is not yet possible, a later day is possible, and the same day is of unknown
    order and counted as possible (the report is held to the fact), so that a missing time of
    day never hides an omission. A report with no ``published`` time, and a fact with no
    ``as_of``, are always possible. A report before ``as_of`` that was nonetheless coded as
    mentioning the fact is left out too (the ``as_of`` or the code is worth checking).
    """
    spec = role_rows(codebook, "fact", ("yes_code", "fact"))
    group = group_of(reports, by, reserved=FACT_MATRIX_COLUMNS)
    mentions, early = _split_not_yet(yes_no_values(final, spec, "fact", group), spec, reports, facts)
    keys = list(spec["fact"])
    out = _group_key_matrix(mentions, keys, by, "fact", "reported")
    counts = early.groupby(["_g", "_order"], observed=True).size()
    grid = pd.MultiIndex.from_product([range(len(mentions.attrs["levels"])), range(len(keys))])
    out["n_not_yet"] = counts.reindex(grid).fillna(0).to_numpy().astype("int64")
    return out[[by, *FACT_MATRIX_COLUMNS]]


def completeness(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *, by: str = "outlet",
                 facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """How many of the event's facts a group's reports mention, on average.

    Parameters
    ----------
    final, codebook, reports, by, facts
        As for :func:`fact_matrix`.

    Returns
    -------
    DataFrame
        ``<by>, completeness, n_facts, n, n_not_yet``, one row per group, sorted (missing
        last). ``completeness`` in [0, 1] is the mean over the group's ``n`` reports (those
        coded on at least one fact they could mention) of the share of those facts each report
        mentions; ``n_facts`` is the number of facts in the codebook; ``n_not_yet`` counts the
        group's reports published before the ``as_of`` of at least one fact they were coded on
        (each is judged on fewer facts; one that could mention none is left out of ``n``).

    Notes
    -----
    Report *r* coded on the facts :math:`F_r` that it could mention (published at or after
    their ``as_of``; the rule of :func:`fact_matrix`) has completeness
    :math:`c_r = \\frac{1}{|F_r|}\\sum_{f \\in F_r} m_{rf}` (:math:`m = 1` if mentioned, else 0);
    a group's completeness is :math:`\\bar c = \\frac{1}{n}\\sum_r c_r`. When every report is
    coded on every fact and could mention all of them, this equals the mean of the group's
    ``reported`` column in :func:`fact_matrix`. A group whose every report came before the
    facts it was coded on has no row.
    """
    spec = role_rows(codebook, "fact", ("yes_code", "fact"))
    group = group_of(reports, by, reserved=COMPLETENESS_COLUMNS)
    mentions, early = _split_not_yet(yes_no_values(final, spec, "fact", group), spec, reports, facts)
    per_report = mentions.groupby(["_g", "report_id"], sort=True, observed=True)["x"].mean().reset_index()
    agg = per_report.groupby("_g", sort=True, observed=True)["x"].agg(["mean", "size"])
    n_early = early.groupby("_g", observed=True)["report_id"].nunique()
    levels = mentions.attrs["levels"]
    out = pd.DataFrame({by: [levels[g] for g in agg.index], "completeness": agg["mean"].to_numpy(float),
                        "n_facts": len(spec), "n": agg["size"].to_numpy(),
                        "n_not_yet": n_early.reindex(agg.index).fillna(0).to_numpy()})
    for col in ("n_facts", "n", "n_not_yet"):
        out[col] = out[col].astype("int64")
    return out[[by, *COMPLETENESS_COLUMNS]]


def _group_key_matrix(table: pd.DataFrame, keys: Sequence[object], by: str, key: str,
                      value: str) -> pd.DataFrame:
    """Mean and count of x for every group and key (a full matrix)."""
    levels = table.attrs["levels"]
    agg = table.groupby(["_g", "_order"], observed=True)["x"].agg(["mean", "size"])
    grid = pd.MultiIndex.from_product([range(len(levels)), range(len(keys))], names=["_g", "_order"])
    agg = agg.reindex(grid)
    return pd.DataFrame({by: [levels[g] for g in grid.get_level_values(0)],
                         key: [keys[k] for k in grid.get_level_values(1)],
                         value: agg["mean"].to_numpy(dtype=float),
                         "n": agg["size"].fillna(0).to_numpy().astype("int64")})


def _split_not_yet(mentions: pd.DataFrame, spec: pd.DataFrame, reports: pd.DataFrame,
                   facts: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``mentions`` (of :func:`analysis.framing._shared.yes_no_values`) split into the rows a
    report could and could not yet mention, by the facts' ``as_of`` (rule in the Notes of
    :func:`fact_matrix`)."""
    if facts is None:
        return mentions, mentions.iloc[:0]
    check_table(facts, ("id", "as_of"), "facts")
    check_table(reports, ("report_id", "published"), "reports")
    fact_time, fact_known = _fact_times(facts, spec)
    published, report_known = _times(reports, "published", "published_time_known", "reports")
    rid = reports["report_id"].astype(str).to_numpy()
    ids = mentions["report_id"].to_numpy()
    keys = mentions["fact"].astype(str).to_numpy()
    pub = pd.DatetimeIndex(pd.Series(published.to_numpy(), index=rid).reindex(ids).to_numpy(), tz="UTC")
    due = pd.DatetimeIndex([fact_time[k] for k in keys], tz="UTC") if len(keys) else pd.DatetimeIndex([], tz="UTC")
    exact = pd.Series(report_known, index=rid).reindex(ids).to_numpy(dtype=bool) & \
        np.array([fact_known[k] for k in keys], dtype=bool)
    # a clock time on both sides: the instants; else the UTC days, and the same day counts as possible
    before = np.where(exact, np.asarray(pub < due), np.asarray(pub.floor("D") < due.floor("D")))
    early = before & ~pub.isna() & ~due.isna()
    possible, not_yet = mentions[~early].copy(), mentions[early].copy()
    possible.attrs, not_yet.attrs = dict(mentions.attrs), dict(mentions.attrs)
    return possible, not_yet


def _fact_times(facts: pd.DataFrame, spec: pd.DataFrame) -> tuple[dict[str, object], dict[str, bool]]:
    """``{fact id: as_of (UTC)}`` and ``{fact id: whether as_of has a clock time}``; every fact
    of the codebook (``spec``) must have a row."""
    ids = facts["id"].astype(str).to_numpy()
    missing = [f for f in spec["fact"] if str(f) not in set(ids)]
    if missing:
        raise DataError(Problem("facts", f"fact {missing[0]!r} of the codebook has no row in facts",
                                column="id", value=missing[0], accepted="every fact id of the codebook"))
    as_of, as_of_known = _times(facts, "as_of", "as_of_time_known", "facts")
    return dict(zip(ids, as_of)), dict(zip(ids, as_of_known))


def _times(table: pd.DataFrame, column: str, known_column: str, name: str) -> tuple[pd.Series, np.ndarray]:
    """UTC times of ``table[column]`` (NaT where missing) and whether each had a clock time.

    Without ``known_column`` a time written as text of a date alone (10 characters) is a day;
    any other time counts as known.
    """
    raw = pd.Series(table[column].to_numpy(dtype=object), dtype=object)
    times = pd.to_datetime(raw, utc=True, format="ISO8601", errors="coerce")
    bad = times.isna() & ~raw.map(is_missing)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(Problem(name, f"{column} {raw.iloc[i]!r} is not a date or time", column=column,
                                value=raw.iloc[i], accepted="a UTC time or an ISO 8601 date or date and time"))
    if known_column in table.columns:
        known = np.array([True if is_missing(k) else bool(k) for k in table[known_column]], dtype=bool)
    else:
        known = np.array([not (isinstance(v, str) and len(v.strip()) <= 10) for v in raw], dtype=bool)
    return times, known
