"""Term counts of an event folder (``terms.csv``): checked against the reports, sorted.

Each check runs once per distinct text (the columns are categorical), then per row by code.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ._columns import Cells, compact, key_codes
from .cells import Table, map_distinct
from .errors import DataError, Problem

__all__ = ["TERM_COLUMNS", "parse_terms"]

TERM_COLUMNS = ["report_id", "term", "count"]


def parse_terms(table: Table, report_ids: set[str], problems: list[Problem],
                reports_file: str = "reports.csv") -> pd.DataFrame:
    """Check term counts (row problems go to ``problems``); raise DataError for wrong columns."""
    f, name = table.frame, table.file
    missing = [c for c in TERM_COLUMNS if c not in f.columns]
    if missing or len(f.columns) != 3:
        raise DataError(Problem(name, f"columns are {list(f.columns)}", row=1,
                                accepted="exactly report_id, term, count"))
    problems.extend(table.problems)
    rows = table.rows

    def report(mask: np.ndarray, message_fn: Callable[[int], str], column: str,
               value_fn: Callable[[int], object], accepted: str) -> None:
        idx = np.flatnonzero(mask)
        for i in idx[:50]:
            problems.append(Problem(name, message_fn(i), row=int(rows[i]), column=column, value=value_fn(i),
                                    accepted=accepted))
        if len(idx) > 50:
            problems.append(Problem(name, f"... {len(idx) - 50} more rows with the same kind of problem"))

    # each check runs once per distinct text (the columns are categorical), then per row by code
    rid_f, term_f, count_f = (key_codes(f[c], False) for c in ("report_id", "term", "count"))
    rid, term, raw_count = (Cells(*x) for x in (rid_f, term_f, count_f))
    per = pd.to_numeric(pd.Series(count_f[1], dtype=object), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad_per = ~(np.isfinite(per) & (per >= 0) & (per < 2.0**53) & (per == np.round(per)))
    badc = bad_per[count_f[0]] if len(per) else np.zeros(len(f), dtype=bool)
    report(badc, lambda i: f"count {raw_count[i]!r} is not a whole number >= 0", "count",
           lambda i: raw_count[i], "0, 1, 2, ...")
    unknown = ~pd.Index(rid_f[1]).isin(list(report_ids))[rid_f[0]]
    report(unknown, lambda i: f"report_id '{rid[i]}' is not in {reports_file}", "report_id",
           lambda i: rid[i], f"a report_id of {reports_file}")
    emptyterm = map_distinct(None, lambda u: str(u).strip() == "", dtype=bool, factorized=term_f)
    report(emptyterm, lambda i: "term is empty", "term", lambda i: None, "a word")
    key = rid_f[0].astype(np.int64) * max(len(term_f[1]), 1) + term_f[0]
    dup = pd.Series(key).duplicated().to_numpy()
    report(dup, lambda i: f"term '{term[i]}' of report {rid[i]} is counted twice",
           "term", lambda i: term[i], "one row per report and term")
    ok = np.flatnonzero(~(badc | unknown | emptyterm | dup))
    # sorted by report_id, then term: categories sorted, so codes are ranks
    rid_c, term_c = compact(*rid_f, ok), compact(*term_f, ok)
    order = np.argsort(rid_c.codes.astype(np.int64) * max(len(term_c.categories), 1) + term_c.codes,
                       kind="stable")
    counts = per[count_f[0][ok]].astype(np.int64) if len(ok) else np.zeros(0, dtype=np.int64)
    return pd.DataFrame({"report_id": rid_c[order], "term": term_c[order], "count": counts[order]})
