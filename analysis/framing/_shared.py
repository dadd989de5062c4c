"""Steps every framing module shares: checking the inputs, picking codebook rows by role,
turning coded values into ranks or yes/no, and grouping reports.

Internal to :mod:`analysis.framing`; the names are public so that its modules can share them.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..common import is_blank, is_missing
from ..errors import DataError, Problem

FINAL_COLUMNS = ("report_id", "variable", "value")
CODEBOOK_COLUMNS = ("variable", "level", "role", "codes")


# ---------------------------------------------------------------------------------------------
# checking the input
# ---------------------------------------------------------------------------------------------

def check_table(table: object, required: Sequence[str], name: str) -> None:
    """Raise DataError unless ``table`` is a DataFrame with the ``required`` columns."""
    if not isinstance(table, pd.DataFrame):
        raise DataError(Problem(name, f"{name} must be a pandas DataFrame, not {type(table).__name__}",
                                accepted=f"a table with columns {', '.join(required)}"))
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise DataError(Problem(name, f"column(s) {', '.join(missing)} missing", column=missing[0],
                                accepted=f"a table with columns {', '.join(required)}"))


def check_count(x: object, name: str) -> int:
    """``x`` as an int; ValueError unless it is a whole number >= 0."""
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {x!r}")
    return int(x)


def codebook_records(rows: pd.DataFrame) -> list[SimpleNamespace]:
    """Codebook rows as attribute records (``itertuples`` builds a class per call: slow)."""
    return [SimpleNamespace(**r) for r in rows.to_dict("records")]


def role_rows(codebook: pd.DataFrame, role: str, fields: Sequence[str] = ()) -> pd.DataFrame:
    """The codebook rows of one role, in codebook order."""
    check_table(codebook, CODEBOOK_COLUMNS + tuple(fields), "codebook")
    names = codebook["variable"]
    if names.duplicated().any():
        raise DataError(Problem("codebook", f"variable {names[names.duplicated()].iloc[0]} appears twice",
                                column="variable", accepted="each variable once"))
    rows = codebook[codebook["role"] == role].reset_index(drop=True)
    for field in ("fact", "source", "figure"):
        if field in fields and role == field:
            _check_role_keys(rows, role, field)
    return rows


def _check_role_keys(rows: pd.DataFrame, role: str, field: str) -> None:
    """Every row names its fact, source or figure; a fact or source is coded by one variable."""
    keys = rows[field]
    bad = [v for v, k in zip(rows["variable"], keys) if is_blank(k)]
    if bad:
        raise DataError(Problem("codebook", f"variable {bad[0]} of role {role} names no {field}",
                                column=field, accepted=f"the {field} it codes"))
    if field != "figure" and keys.duplicated().any():
        twice = keys[keys.duplicated()].iloc[0]
        who = rows.loc[keys == twice, "variable"].tolist()
        raise DataError(Problem("codebook", f"{field} {twice!r} is coded by two variables "
                                f"({', '.join(who)})", column=field,
                                accepted=f"one variable per {field}"))


def final_rows(final: pd.DataFrame, variables: Iterable[object]) -> dict[str, pd.DataFrame]:
    """Rows of ``final`` per variable (a dict), report_id as str, one row per report and variable."""
    check_table(final, FINAL_COLUMNS, "final")
    keep = ["report_id", "variable", "value"] + (["evidence"] if "evidence" in final.columns else [])
    sub = final.loc[final["variable"].isin(list(variables)), keep]
    sub = sub.assign(report_id=sub["report_id"].astype(str))
    dup = sub.duplicated(["report_id", "variable"])
    if dup.any():
        first = sub[dup].iloc[0]
        raise DataError(Problem("final", f"report {first['report_id']}, variable {first['variable']} "
                                "has more than one row", column="variable",
                                accepted="one row per report and variable (the consolidated codes)"))
    return {str(name): part for name, part in sub.groupby("variable", sort=False, observed=True)}


def report_ids(final: pd.DataFrame) -> list[str]:
    """The distinct report_ids of ``final`` as text, sorted."""
    return sorted(pd.unique(final["report_id"].astype(str)))


def empty_table(columns: Sequence[str], dtypes: Mapping[str, object]) -> pd.DataFrame:
    """A table with no rows: ``columns``, of the ``dtypes`` given (object otherwise)."""
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in columns})


# ---------------------------------------------------------------------------------------------
# groups of reports
# ---------------------------------------------------------------------------------------------

def group_of(reports: pd.DataFrame, by: str, *, reserved: Sequence[str] = ()) -> pd.Series:
    """The group of each report: a Series indexed by report_id (str)."""
    check_table(reports, ("report_id",), "reports")
    if not isinstance(by, str) or by not in reports.columns:
        raise ValueError(f"by={by!r} is not a column of reports; choose one of "
                         f"{', '.join(map(str, reports.columns))}")
    if by in reserved or by.startswith("_"):
        raise ValueError(f"by={by!r} would clash with a column of the result "
                         f"({', '.join(reserved)}); rename that column of reports first")
    ids = reports["report_id"].astype(str)
    if ids.duplicated().any():
        raise DataError(Problem("reports", f"report_id {ids[ids.duplicated()].iloc[0]} appears twice",
                                column="report_id", accepted="each report once"))
    return pd.Series(reports[by].to_numpy(dtype=object), index=pd.Index(ids.to_numpy(), name="report_id"))


def attach_by_report(table: pd.DataFrame, column: pd.Series, name: str,
                     target: str = "_group") -> pd.DataFrame:
    """Add ``column`` (a Series indexed by report_id) to ``table``; every report must be known."""
    ids = table["report_id"]
    unknown = ~ids.isin(column.index)
    if unknown.any():
        missing = sorted(pd.unique(ids[unknown]))
        raise DataError(Problem(name, f"report(s) {', '.join(missing[:5])}"
                                f"{' ...' if len(missing) > 5 else ''} are not in reports",
                                column="report_id", accepted="report_ids of the reports table"))
    # .array keeps the dtype (e.g. datetime64[ns, UTC]); .to_numpy() would give objects
    return table.assign(**{target: column.reindex(ids.to_numpy()).array})


def group_levels(values: pd.Series) -> list[object]:
    """The distinct groups, sorted, missing last (one missing group at most)."""
    present = [v for v in pd.unique(values) if not is_missing(v)]
    try:
        present = sorted(present)
    except TypeError:   # mixed types: sort by their text
        present = sorted(present, key=str)
    return present + ([np.nan] if any(is_missing(v) for v in values) else [])


def group_positions(values: Iterable[object], levels: Sequence[object]) -> np.ndarray:
    """The position of each value in ``levels`` (a missing value: the last, missing, level)."""
    index = {v: i for i, v in enumerate(levels) if not is_missing(v)}
    last = len(levels) - 1
    which, distinct = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    return np.array([last if is_missing(v) else index[v] for v in distinct], dtype=np.int64)[which]


def in_group(series: pd.Series, level: object) -> pd.Series:
    """True where ``series`` holds ``level`` (a missing level: where it is missing)."""
    return series.isna() if is_missing(level) else (series == level)


# ---------------------------------------------------------------------------------------------
# coded values
# ---------------------------------------------------------------------------------------------

def bad_value(row: pd.Series, var: SimpleNamespace, accepted: str) -> DataError:
    """The error for a value of ``final`` that is not one of the variable's codes."""
    return DataError(Problem("final", f"report {row['report_id']}: value {row['value']!r} of "
                             f"{var.level} variable {var.variable} is not one of its codes",
                             column="value", value=row["value"], accepted=accepted))


def code_ranks(sub: pd.DataFrame, var: SimpleNamespace) -> np.ndarray:
    """Rank of each value among the variable's codes (NaN where missing); other values raise."""
    codes = tuple(var.codes) if isinstance(var.codes, (tuple, list)) else ()
    rank: dict[Hashable, int] = {c: i for i, c in enumerate(codes)}
    values = sub["value"].to_numpy(dtype=object)
    out = np.full(len(values), np.nan)
    try:
        # once per distinct value: factorize groups values as the dict does (hash and ==)
        which, distinct = pd.factorize(values, use_na_sentinel=False)
        found = np.array([np.nan if is_missing(u) else rank.get(u, -1) for u in distinct], dtype=float)
        out = found[which] if len(values) else out
        if not (out < 0).any():
            return out
    except TypeError:  # unhashable values: one by one below
        pass
    for i, v in enumerate(values):
        if is_missing(v):
            out[i] = np.nan
            continue
        try:
            out[i] = rank[v]
        except (KeyError, TypeError):
            raise bad_value(sub.iloc[i], var, "one of " + ", ".join(map(repr, codes))) from None
    return out


def is_yes(sub: pd.DataFrame, var: SimpleNamespace) -> np.ndarray:
    """1.0 for the yes code, 0.0 for another code, NaN where missing."""
    if is_blank(var.yes_code) or var.yes_code not in tuple(var.codes):
        raise DataError(Problem("codebook", f"variable {var.variable} (role {var.role}) has no yes code",
                                column="yes_code", value=var.yes_code,
                                accepted="the code that means yes, one of " + ", ".join(map(repr, var.codes))))
    rank = code_ranks(sub, var)
    yes = list(var.codes).index(var.yes_code)
    return np.where(np.isnan(rank), np.nan, (rank == yes).astype(float))


def yes_no_values(final: pd.DataFrame, spec: pd.DataFrame, key: str, group: pd.Series) -> pd.DataFrame:
    """Long yes/no values: ``report_id, <key>, x, _g``, missing values dropped; levels in attrs."""
    rows = final_rows(final, spec["variable"])
    parts = []
    for order, var in enumerate(codebook_records(spec)):
        sub = rows.get(var.variable)
        if sub is None:
            continue
        x = is_yes(sub, var)
        parts.append(pd.DataFrame({"report_id": sub["report_id"].to_numpy(), key: getattr(var, key),
                                   "x": x, "_order": order})[~np.isnan(x)])
    table = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame({"report_id": pd.Series(dtype=object), key: pd.Series(dtype=object),
                                "x": pd.Series(dtype=float), "_order": pd.Series(dtype="int64")}))
    table = attach_by_report(table, group, "final")
    levels = group_levels(table["_group"])
    table["_g"] = group_positions(table["_group"], levels)
    table.attrs["levels"] = levels
    return table


def codes_as_columns(reports: pd.DataFrame, final: pd.DataFrame, variables: Sequence[str]) -> pd.DataFrame:
    """Reports with one extra column per variable holding its final code.

    Lets any code be used like a report column: to group reports (``by=``), to split them for
    keyness or permutation tests.

    Parameters
    ----------
    reports : DataFrame
        ``report_id`` and other report columns. Not modified.
    final : DataFrame
        Consolidated codes: ``report_id, variable, value``.
    variables : list of str

    Returns
    -------
    DataFrame
        ``reports`` plus the columns ``variables`` (missing where a report has no final code).
    """
    wide = final[final["variable"].isin(variables)].pivot(index="report_id", columns="variable", values="value")
    wide = wide.reindex(columns=list(variables))
    clash = [v for v in variables if v in reports.columns]
    if clash:
        raise ValueError(f"reports already have column(s) {clash}")
    out = reports.merge(wide.reset_index(), on="report_id", how="left")
    return out.reset_index(drop=True)
