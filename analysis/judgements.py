"""The judgements of a coding study as arrays: checked, split by variable, encoded as categories.

Reliability and consolidation read the long ``codes`` table and the ``codebook`` table of
docs/data-model.md through these steps: check the codebook and the chosen coders, split the
chosen coders' rows by variable on integer codes (no text per row), and map each variable's
values to the categories of its level, raising :class:`analysis.DataError` for a value the
codebook does not allow.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._columns import by_identity, key_codes, used_sorted
from .codebook import LEVELS
from .common import check_columns
from .errors import DataError, Problem

CODE_COLUMNS = ("report_id", "coder", "variable", "value")
CODEBOOK_COLUMNS = ("variable", "level", "codes")


class Spec(NamedTuple):
    """One codebook variable as the estimators need it."""

    variable: str
    level: str
    codes: tuple


class Rows(NamedTuple):
    """One variable's judgements by the chosen coders, as arrays (no text or object per row).

    ``unit``: the rank of the report_id among the sorted ids of all chosen rows (``ids``);
    ``coder``: the index of the coder's name in ``names``; ``group``: the index in ``distinct``
    of the row's value object (:func:`analysis._columns.by_identity`: the variable's distinct
    objects in order of first appearance; equal values may be different objects); ``pos``: the
    row's position in ``codes`` (for evidence and messages). Arrays may be read-only views.
    """

    unit: np.ndarray
    coder: np.ndarray
    group: np.ndarray
    pos: np.ndarray
    ids: np.ndarray
    names: np.ndarray
    n_units: int
    distinct: np.ndarray


class Encoded(NamedTuple):
    """One variable's rows as categories.

    ``category`` holds, per row, the index into ``domain`` (-1: missing); ``points`` are the
    positions used by the distance (codebook rank for ordinal, the number for interval/ratio).
    """

    rows: Rows
    category: np.ndarray
    domain: list
    points: np.ndarray


# ---------------------------------------------------------------------------------------------
# checking the arguments
# ---------------------------------------------------------------------------------------------

def check_codebook(codebook: pd.DataFrame) -> pd.DataFrame:
    """The codebook's ``variable, level, codes`` columns; DataError for unknown levels or repeats."""
    check_columns(codebook, CODEBOOK_COLUMNS, "codebook")
    problems = []
    for variable, level in zip(codebook["variable"], codebook["level"]):
        if level not in LEVELS:
            problems.append(Problem("codebook", f"variable {variable}: level {level!r} is unknown",
                                    column="level", value=level, accepted=", ".join(LEVELS)))
    names = codebook["variable"]
    if names.duplicated().any():
        problems.append(Problem("codebook", f"variable {names[names.duplicated()].iloc[0]} appears twice",
                                column="variable", accepted="each variable once"))
    if problems:
        raise DataError(problems)
    return codebook[list(CODEBOOK_COLUMNS)].reset_index(drop=True)


def check_whole_number(x: object, name: str) -> int:
    """``x`` as an int; ValueError unless it is a whole number >= 0 (bools refused)."""
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {x!r}")
    return int(x)


def as_names(names: object, what: str) -> list[str]:
    """A coder name or an iterable of them as a list; ValueError for anything else."""
    if isinstance(names, str):
        return [names]
    if not isinstance(names, Iterable):
        raise ValueError(f"{what} must be a list of coder names, not {names!r}")
    listed = list(names)
    if not all(isinstance(n, str) for n in listed):
        raise ValueError(f"{what} must be a list of coder names (str), not {listed!r}")
    return listed


def choose_coders(codes: pd.DataFrame, coders: Sequence[str] | str | None, exclude: Sequence[str] | str, *,
                  minimum: int) -> list[str]:
    """The sorted coder names to compare: ``coders`` (checked against ``codes``) or all but ``exclude``."""
    c_code, c_uniq = key_codes(codes["coder"], True)
    present = sorted(c_uniq[np.bincount(c_code, minlength=len(c_uniq)) > 0])
    dropped = set(as_names(exclude, "exclude"))
    if coders is None:
        return [c for c in present if c not in dropped]
    chosen = sorted(set(as_names(coders, "coders")))
    unknown = [c for c in chosen if c not in present]
    if unknown:
        raise ValueError(f"coder(s) {', '.join(unknown)} not in codes; "
                         f"coders present: {', '.join(present) or 'none'}")
    both = [c for c in chosen if c in dropped]
    if both:
        raise ValueError(f"coder(s) {', '.join(both)} both chosen and excluded; "
                         "pass exclude=() to keep them")
    if len(chosen) < minimum:
        raise ValueError(f"choose at least {minimum} coders, not {chosen}")
    return chosen


# machine coders are named "model:<name>" (analysis.autocode writes them so)
MODEL_PREFIX = "model:"


def human_coders(names: Iterable[object], *, adjudicator: str = "adjudicated") -> list[str]:
    """The human coders among ``names``: all but the adjudicator and machine coders, sorted."""
    return [c for c in sorted(map(str, names)) if c != adjudicator and not c.startswith(MODEL_PREFIX)]


def independent_coders(codes: pd.DataFrame, *, adjudicator: str = "adjudicated") -> list[str]:
    """Names of the human coders: all but the adjudicator and machine coders (``model:...``), sorted."""
    return human_coders(pd.unique(codes["coder"]), adjudicator=adjudicator)


def figure_flags(codebook: pd.DataFrame) -> dict:
    """variable -> True for figure variables (a blank means "no number cited")."""
    if "role" not in codebook.columns:
        return {}
    return dict(zip(codebook["variable"], codebook["role"] == "figure"))


# ---------------------------------------------------------------------------------------------
# reports and coders
# ---------------------------------------------------------------------------------------------

def sorted_ids(codes: pd.DataFrame) -> np.ndarray:
    """The distinct report_ids (as str) of ``codes``, sorted."""
    r_code, r_uniq = key_codes(codes["report_id"], True)
    return used_sorted(r_code, r_uniq)[1]


def coded_by(codes: pd.DataFrame, reports: np.ndarray, chosen: Sequence[str]) -> np.ndarray:
    """(reports, chosen coders) bool: the coder gave the report at least one value."""
    out = np.zeros((len(reports), len(chosen)), dtype=bool)
    if not len(reports) or not chosen:
        return out
    c_code, c_uniq = key_codes(codes["coder"], True)
    r_code, r_uniq = key_codes(codes["report_id"], True)
    col = pd.Index(chosen).get_indexer(c_uniq)[c_code]
    col[pd.isna(codes["value"]).to_numpy()] = -1
    keep = col >= 0
    # each distinct id is looked up once, then its row is spread to the rows of codes
    row_of = np.searchsorted(reports, np.asarray(r_uniq, dtype=object).astype(str))
    out[row_of[r_code[keep]], col[keep]] = True
    return out


# ---------------------------------------------------------------------------------------------
# splitting by variable
# ---------------------------------------------------------------------------------------------

def rows_of(codes: pd.DataFrame, chosen: Sequence[str], spec: pd.DataFrame) -> dict[str, Rows]:
    """The chosen coders' rows of each codebook variable (a dict of :class:`Rows`), missing
    values included.

    Checks that no (report, coder, variable) is coded twice. The key columns are used through
    their category codes (or factorized once), and the split by variable runs on those integers:
    millions of rows, few distinct values; a row's text is looked up only to be shown.
    """
    c_code, c_uniq = key_codes(codes["coder"], True)
    v_code, v_uniq = key_codes(codes["variable"], False)
    r_code, r_uniq = key_codes(codes["report_id"], True)
    wanted = pd.Index(v_uniq).isin(spec["variable"])
    values = codes["value"].to_numpy(dtype=object)
    if pd.Index(c_uniq).isin(chosen).all() and _is_grid(r_code, c_code, v_code, r_uniq, c_uniq, v_uniq):
        return _grid_rows(values, r_uniq, c_uniq, v_uniq, wanted)
    keep = pd.Index(c_uniq).isin(chosen)[c_code] & wanted[v_code]
    everything = bool(keep.all())  # every row chosen: no copies of the columns
    sel = np.arange(len(keep)) if everything else np.flatnonzero(keep)
    r_sel = r_code if everything else r_code[sel]
    # units: the rank of report_id among the sorted distinct ids of the chosen rows
    rank, ids = used_sorted(r_sel, r_uniq)
    unit = rank[r_sel]
    c_sel, v_sel = (c_code, v_code) if everything else (c_code[sel], v_code[sel])
    _check_repeats(unit, c_sel, v_sel, ids, c_uniq, v_uniq)
    # split by variable: a stable sort on the variable's code keeps each variable's rows in order
    nv = max(len(v_uniq), 1)
    by_var = np.argsort(v_sel.astype(np.int32 if nv > 32767 else np.int16), kind="stable")
    bounds = np.cumsum(np.bincount(v_sel, minlength=nv))
    rows, lo = {}, 0
    for j, hi in enumerate(bounds):
        if hi > lo:
            part = by_var[lo:hi]
            pos = sel[part]
            rows[v_uniq[j]] = _rows(unit[part], c_sel[part], values[pos], pos, ids, c_uniq, len(ids))
        lo = hi
    return rows


def _is_grid(r_code: np.ndarray, c_code: np.ndarray, v_code: np.ndarray, r_uniq: np.ndarray,
             c_uniq: np.ndarray, v_uniq: np.ndarray) -> bool:
    """Every (report, coder, variable) once, in the order of their codes, reports sorted.

    This is how ``load_event`` gives a fully coded study: then no key is repeated, and each
    variable's rows are every n_variables-th row, taken as views with no sort and no copy.
    """
    n_r, n_c, n_v = len(r_uniq), len(c_uniq), len(v_uniq)
    if not len(r_code) or len(r_code) != n_r * n_c * n_v:
        return False
    return bool((v_code.reshape(-1, n_v) == np.arange(n_v, dtype=v_code.dtype)).all()
                and (c_code.reshape(n_r, n_c, n_v) == np.arange(n_c, dtype=c_code.dtype)[:, None]).all()
                and (r_code.reshape(n_r, -1) == np.arange(n_r, dtype=r_code.dtype)[:, None]).all()
                and bool((r_uniq[:-1] < r_uniq[1:]).all()))


def _grid_rows(values: np.ndarray, r_uniq: np.ndarray, c_uniq: np.ndarray, v_uniq: np.ndarray,
               wanted: np.ndarray) -> dict[str, Rows]:
    """:func:`rows_of` for rows in the layout of :func:`_is_grid`: strided views per variable."""
    n_r, n_c, n_v = len(r_uniq), len(c_uniq), len(v_uniq)
    unit = np.repeat(np.arange(n_r), n_c)
    coder = np.tile(np.arange(n_c), n_r)
    pos = np.arange(len(values)).reshape(n_r * n_c, n_v)
    for shared in (unit, coder, pos):
        shared.flags.writeable = False
    by_var = values.reshape(n_r * n_c, n_v)
    return {v_uniq[j]: _rows(unit, coder, by_var[:, j], pos[:, j], r_uniq, c_uniq, n_r)
            for j in np.flatnonzero(wanted)}


def _rows(unit: np.ndarray, coder: np.ndarray, values: np.ndarray, pos: np.ndarray, ids: np.ndarray,
          names: np.ndarray, n_units: int) -> Rows:
    """:class:`Rows` with the values grouped by object: a few objects repeated many times."""
    group, first = by_identity(values)
    return Rows(unit, coder, group, pos, ids, names, n_units, values[first])


def _check_repeats(unit: np.ndarray, coder: np.ndarray, variable: np.ndarray, ids: np.ndarray,
                   coders: np.ndarray, variables: np.ndarray) -> None:
    """DataError naming the first (report, coder, variable) that has two rows."""
    nc, nv = max(len(coders), 1), max(len(variables), 1)
    key = unit * nc
    key += coder
    key *= nv
    key += variable
    # sorted by report, coder and variable (as load_event gives them), a repeat is a neighbour
    repeated = not (np.diff(key) > 0).all()
    if repeated and len(ids) * nc * nv <= 4 * len(key) + 1024:  # a count per possible key
        repeated = bool((np.bincount(key, minlength=len(ids) * nc * nv) > 1).any())
    if not repeated:
        return
    dup = pd.Series(key).duplicated().to_numpy()
    if dup.any():
        j = int(np.argmax(dup))
        raise DataError(Problem("codes", f"report {ids[unit[j]]}, coder {coders[coder[j]]}, variable "
                                f"{variables[variable[j]]} is coded more than once",
                                accepted="one row per report, coder and variable"))


def no_rows() -> Rows:
    """The rows of a variable nobody coded."""
    empty = np.zeros(0, dtype=np.int64)
    nothing = np.zeros(0, dtype=object)
    return Rows(empty, empty, empty, empty, nothing, nothing, 0, nothing)


# ---------------------------------------------------------------------------------------------
# encoding values as categories
# ---------------------------------------------------------------------------------------------

def encode(sub: Rows | None, var: Spec) -> Encoded:
    """Map one variable's values to categories, checking them against the codebook."""
    if sub is None:
        sub = no_rows()
    # each distinct value object is looked at once, then spread to its rows through group
    missing = pd.isna(sub.distinct)
    if var.level in ("nominal", "ordinal"):
        return _encode_codes(sub, var, missing)
    return _encode_numbers(sub, var, missing)


def _encode_codes(sub: Rows, var: Spec, missing: np.ndarray) -> Encoded:
    """Nominal and ordinal values as indices into the codebook's codes."""
    local, objects = sub.group, sub.distinct
    domain = list(var.codes) if isinstance(var.codes, (tuple, list)) else []
    if var.level == "nominal" and not domain:
        # a nominal variable without listed codes: its observed values, in order of appearance
        domain = list(dict.fromkeys(objects[~missing]))
    if var.level == "ordinal" and not domain:
        raise DataError(Problem("codebook", f"ordinal variable {var.variable} has no codes",
                                column="codes", accepted="its codes, lowest to highest"))
    rank = {code: i for i, code in enumerate(domain)}
    found = np.full(len(objects), -1, dtype=np.int64)
    for k in np.flatnonzero(~missing):
        # a dict lookup per distinct object (a dict matches values by hash and ==)
        try:
            found[k] = rank.get(objects[k], -1)
        except TypeError:  # unhashable: not a code, named below if it is the first
            pass
    unknown = (~missing & (found < 0))[local]
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise _bad_value(sub, i, var, "is not one of its codes", "one of " + ", ".join(map(repr, domain)))
    return Encoded(sub, found[local], domain, np.arange(len(domain), dtype=np.float64))


def _encode_numbers(sub: Rows, var: Spec, missing: np.ndarray) -> Encoded:
    """Interval and ratio values as indices into their sorted distinct numbers."""
    local, objects = sub.group, sub.distinct
    numbers = pd.to_numeric(pd.Series(objects, dtype=object), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~missing & ~np.isfinite(numbers)
    if var.level == "ratio":
        bad |= ~missing & (numbers < 0)
    if bad[local].any():
        i = int(np.flatnonzero(bad[local])[0])
        accepted = "a number >= 0 (ratio scale)" if var.level == "ratio" else "a finite number"
        raise _bad_value(sub, i, var, "is not a number of this scale", accepted)
    row_missing, row_numbers = missing[local], numbers[local]
    category = np.full(len(local), -1, dtype=np.int64)
    domain, category[~row_missing] = np.unique(row_numbers[~row_missing], return_inverse=True)
    return Encoded(sub, category, list(domain), domain.astype(np.float64))


def _bad_value(sub: Rows, i: int, var: Spec, what: str, accepted: str) -> DataError:
    value = sub.distinct[sub.group[i]]
    return DataError(Problem("codes", f"report {sub.ids[sub.unit[i]]}, coder {sub.names[sub.coder[i]]}: value "
                             f"{value!r} of {var.level} variable {var.variable} {what}",
                             column="value", value=value, accepted=accepted))
