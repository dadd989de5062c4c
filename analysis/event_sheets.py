"""Coding sheets of an event folder: find them, and turn each (long or wide) into long rows.

A long sheet has one judgement per row (``report_id, coder, variable, value[, evidence]``); a
wide sheet one row per report and coder, with a column per variable and ``<variable>__evidence``
columns. Both become the same long rows, each keeping the file, row and column it came from, so
that :mod:`analysis.event_codes` can name the cell of every problem. Text stays categorical.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from .cells import TABLE_SUFFIXES, Table
from .errors import Problem

__all__ = ["CODE_COLUMNS", "EVIDENCE_SUFFIX", "LongRows", "code_files", "is_long", "sheet_to_long",
           "concat_long", "empty_long", "closest"]

CODE_COLUMNS = ["report_id", "coder", "variable", "value", "evidence"]
EVIDENCE_SUFFIX = "__evidence"
_FORMS = ("long form: report_id, coder, variable, value[, evidence]; "
          "wide form: report_id, coder, then one column per variable")

# Long rows: a dict of equally long columns. report_id, coder, variable, value, evidence,
# _vcol (the sheet column of the value) and _file are Categoricals; _row the spreadsheet rows.
LongRows = dict[str, pd.Categorical | np.ndarray]


def code_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """The coding sheets; anything else in codes/ is a problem, since it would not be read."""
    single = [folder / f"codes{s}" for s in TABLE_SUFFIXES if (folder / f"codes{s}").is_file()]
    sub = folder / "codes"
    many = []
    if sub.is_dir():
        for p in sorted(sub.iterdir()):
            if p.name.startswith((".", "~$")):  # hidden files, Office lock files
                continue
            if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES:
                many.append(p)
            else:
                what = "a folder" if p.is_dir() else f"a '{p.suffix or p.name}' file"
                problems.append(Problem(f"codes/{p.name}", f"{what} in codes/ is not read",
                                        accepted="coding sheets as .csv, .xlsx or .parquet directly in codes/ "
                                        "(save other spreadsheets as .xlsx or CSV UTF-8)"))
    return single + many


def is_long(columns: Iterable[str]) -> bool:
    """Whether a sheet with these columns is in long form (one judgement per row)."""
    columns = list(columns)
    return "variable" in columns and "value" in columns


def sheet_to_long(table: Table, codebook: pd.DataFrame, problems: list[Problem]) -> LongRows | None:
    """Turn one sheet (long or wide) into long rows with their (file, row, column) origin.

    Problems with the sheet's columns go to ``problems``, and then None is returned.
    """
    f, name = table.frame, table.file
    cols = list(f.columns)
    for c in ("report_id", "coder"):
        if c not in cols:
            problems.append(Problem(name, f"missing column {c}", row=1, accepted=_FORMS))
            return None
    if is_long(cols):
        return _long_sheet(table, problems)
    return _wide_sheet(table, set(codebook["variable"]), problems)


def _long_sheet(table: Table, problems: list[Problem]) -> LongRows | None:
    f, name = table.frame, table.file
    cols = list(f.columns)
    extra = [c for c in cols if c not in CODE_COLUMNS]
    for c in extra:
        problems.append(Problem(name, f"column '{c}' is not read in a long sheet", row=1, column=c,
                                accepted="report_id, coder, variable, value, evidence"))
    if extra:
        return None
    n = len(f)
    return {
        "report_id": f["report_id"].array, "coder": f["coder"].array, "variable": f["variable"].array,
        "value": f["value"].array, "evidence": f["evidence"].array if "evidence" in cols else _constant("", n),
        "_row": _row_numbers(table.rows), "_vcol": _constant("value", n),
    }


def _wide_sheet(table: Table, known: set[str], problems: list[Problem]) -> LongRows | None:
    f, name = table.frame, table.file
    bad = []
    var_cols, ev_cols = [], {}
    for c in f.columns:
        if c in ("report_id", "coder"):
            continue
        if c.endswith(EVIDENCE_SUFFIX) and c[: -len(EVIDENCE_SUFFIX)] in known:
            ev_cols[c[: -len(EVIDENCE_SUFFIX)]] = c
        elif c in known:
            var_cols.append(c)
        else:
            bad.append(c)
    for c in bad:
        sugg = closest(c.removesuffix(EVIDENCE_SUFFIX), known)
        problems.append(Problem(name, f"column '{c}' is not a variable of the codebook", row=1, column=c, value=c,
                                accepted=(f"did you mean '{sugg}'? " if sugg else "") +
                                "columns are report_id, coder, a codebook variable, or <variable>__evidence"))
    if bad:
        return None
    if not var_cols and not ev_cols:
        problems.append(Problem(name, "the sheet has no variable columns", row=1, accepted=_FORMS))
        return None
    # one block of rows per variable, in column order; text columns stay categorical
    order = var_cols + [v for v in ev_cols if v not in var_cols]
    n, k = len(f), len(order)
    blank = _constant("", n)

    def tiled(col: pd.Series) -> pd.Categorical:
        return pd.Categorical.from_codes(np.tile(col.cat.codes.to_numpy(), k), col.cat.categories)

    variable = pd.Categorical.from_codes(np.repeat(np.arange(k), n), pd.Index(order, dtype=object))
    return {
        "report_id": tiled(f["report_id"]), "coder": tiled(f["coder"]), "variable": variable,
        "value": union_categoricals([f[v] if v in f.columns else blank for v in order]),
        "evidence": union_categoricals([f[ev_cols[v]] if v in ev_cols else blank for v in order]),
        "_row": np.tile(_row_numbers(table.rows), k), "_vcol": variable,
    }


def _row_numbers(rows: np.ndarray) -> np.ndarray:
    """Spreadsheet row numbers in 32 bits when they fit: a long table has tens of millions."""
    return rows.astype(np.int32) if len(rows) and rows.max() < 2**31 else rows


def _constant(text: str, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), pd.Index([text], dtype=object))


def concat_long(parts: Sequence[LongRows], files: Sequence[str]) -> LongRows:
    """The long rows of several sheets as one table (a dict of columns); text stays categorical."""
    if not parts:
        return empty_long()
    # sorted key categories make a code its text's rank, which the sort of the judgements uses
    out: LongRows = {c: union_categoricals([p[c] for p in parts],
                                           sort_categories=c in ("report_id", "coder", "variable"))
                     for c in ("report_id", "coder", "variable", "value", "evidence", "_vcol")}
    out["_row"] = np.concatenate([p["_row"] for p in parts])
    sizes = [len(p["_row"]) for p in parts]
    small = np.int16 if len(parts) < 2**15 else np.int32
    out["_file"] = pd.Categorical.from_codes(np.repeat(np.arange(len(parts), dtype=small), sizes),
                                             pd.Index(files, dtype=object))
    return out


def empty_long() -> LongRows:
    """Long rows of no sheet at all."""
    empty = pd.Categorical([], categories=pd.Index([], dtype=object))
    long: LongRows = {c: empty for c in ("report_id", "coder", "variable", "value", "evidence", "_vcol", "_file")}
    long["_row"] = np.zeros(0, dtype=np.int64)
    return long


def closest(word: str, options: Iterable[object]) -> str | None:
    """The option most like ``word`` (for a "did you mean" hint), or None if none is close."""
    hit = difflib.get_close_matches(word, sorted(map(str, options)), n=1, cutoff=0.75)
    return hit[0] if hit else None
