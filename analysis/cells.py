"""Cells of a sheet as text: the Table every reader returns, and the checks every format shares.

Every reader (:mod:`analysis.csv_sheet`, :mod:`analysis.xlsx_sheet`, :mod:`analysis.parquet_sheet`)
returns the cells as strings (``""`` for an empty cell) with the row number a spreadsheet user
sees (the header is row 1). The checks here apply to all formats alike: the header, cells holding
U+0000, cells too long to be codes or evidence, and rows that are entirely empty.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Union

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._columns import factorize
from .errors import DataError, Problem

__all__ = ["TABLE_SUFFIXES", "MAX_FILE_BYTES", "MAX_CELL_CHARS", "Table", "map_distinct",
           "cell_lengths", "check_header", "column_letter", "refuse_nul", "finish_table"]

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
MAX_FILE_BYTES = 4 * 1024**3
MAX_CELL_CHARS = 10_000


@dataclass
class Table:
    """Cells of one sheet as text.

    Attributes
    ----------
    frame : DataFrame
        One column per header cell, all values ``str``.
    rows : ndarray of int
        The spreadsheet row of each frame row (header = 1).
    file : str
        The file's name relative to the event folder.
    problems : list of Problem
        Rows that could not be read, with the reason: one problem per row, or per cell for cells
        that show no readable value (XLSX errors, formulas without a stored result).
    n_read : int
        Rows read: the rows of ``frame`` plus the rows in ``problems``. Entirely empty rows (blank
        lines, rows of empty cells) are skipped and not counted, in every format.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    file: str
    problems: list[Problem] = field(default_factory=list)
    n_read: int = 0
    # characters per cell, when known
    lengths: dict[str, np.ndarray] | None = field(default=None, repr=False)
    # cells holding U+0000 per column, when known
    nul: dict[str, np.ndarray] | None = field(default=None, repr=False)

    @property
    def n_refused(self) -> int:
        """Rows read but not kept: the rows named in ``problems``, each once."""
        rows = [p.row for p in self.problems]
        return len({r for r in rows if r is not None}) + sum(r is None for r in rows)


def map_distinct(values: np.ndarray | None, fn: Callable[[object], object], *,
                 dtype: npt.DTypeLike = object,
                 factorized: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """``fn`` of every cell of ``values`` (1-d object array), computed once per distinct value.

    A column of millions of cells holds few distinct codes, ids and names: factorizing first and
    calling ``fn`` on the distinct values costs a hash per cell instead of a Python call per cell.
    NaN is passed to ``fn`` like any other value. ``factorized``: the ``(codes, uniques)`` of
    ``pd.factorize(values, use_na_sentinel=False)``, when the caller has them already (``values``
    may then be None).
    """
    if factorized is None:
        if values is None:
            raise ValueError("map_distinct needs values or their factorization")
        try:
            factorized = factorize(values)
        except TypeError:  # unhashable cells (lists in a Parquet column): one call per cell
            out = np.empty(len(values), dtype=dtype)
            out[:] = [fn(u) for u in values]
            return out
    codes, uniques = factorized
    mapped = np.empty(len(uniques), dtype=dtype)
    mapped[:] = [fn(u) for u in uniques]
    return mapped[codes]


def cell_lengths(values: np.ndarray) -> np.ndarray:
    """Characters of each text cell (0 for anything else), once per distinct value."""
    return map_distinct(values, lambda u: len(u) if isinstance(u, str) else 0, dtype=np.int64)


# --- the header ---------------------------------------------------------------------------------

def check_header(header: Sequence[object], name: str) -> list[str]:
    """The header's names as text; DataError for blank, padded or repeated names (row 1)."""
    problems = []
    seen: dict[str, str] = {}
    for i, h in enumerate(header, start=1):
        col = column_letter(i)
        if h is None or str(h).strip() == "":
            problems.append(Problem(name, f"column {col} of the header is blank", row=1,
                                    accepted="give every column a name, or delete the column"))
            continue
        h = str(h)
        if h != h.strip():
            problems.append(Problem(name, f"header '{h}' has leading or trailing spaces", row=1,
                                    column=h, value=h, accepted=f"write it as '{h.strip()}'"))
        if h in seen:
            problems.append(Problem(name, f"header '{h}' appears twice (columns {seen[h]} and {col})",
                                    row=1, column=h, accepted="each column name once"))
        seen.setdefault(h, col)
    if problems:
        raise DataError(problems)
    return [str(h) for h in header]


def column_letter(i: int) -> str:
    """The spreadsheet letters of column ``i`` (1 -> A, 27 -> AA)."""
    letters = ""
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


# --- cells holding U+0000 -----------------------------------------------------------------------

def _nul_positions(col: pd.Series) -> np.ndarray:
    """Cells holding U+0000, found without hashing (pandas' hash tables end a text at U+0000)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories.to_numpy(dtype=object)
        bad = np.array([isinstance(u, str) and "\x00" in u for u in cats], dtype=bool)
        return np.flatnonzero(bad[col.cat.codes.to_numpy()]) if bad.any() else np.zeros(0, dtype=np.int64)
    return np.flatnonzero([isinstance(u, str) and "\x00" in u for u in col.to_numpy(dtype=object)])


def refuse_nul(table: Table, positions: dict[str, np.ndarray] | None = None) -> None:
    """A cell with the character U+0000 (NUL) is refused: text never holds it, and pandas would
    take "a\x00b" for "a" when it groups values. ``positions``: the cells, when already known."""
    problems = []
    for col in table.frame.columns:
        where = positions[col] if positions is not None else _nul_positions(table.frame[col])
        for i in where[:5]:
            problems.append(Problem(
                table.file, "a cell holds the character U+0000 (NUL), which text never contains: "
                "the file is damaged or not a text table", row=int(table.rows[i]), column=col,
                accepted="text without NUL characters (save the sheet again from the spreadsheet program)"))
    if problems:
        raise DataError(problems)


# --- categorical text columns -------------------------------------------------------------------

def _is_text_categorical(col: pd.Series) -> bool:
    return isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories.dtype == object


def _as_categorical(col: pd.Series) -> pd.Series:
    """A text column as a Categorical whose categories are the distinct texts, unsorted."""
    if isinstance(col.dtype, pd.CategoricalDtype):  # categories of another type (pyarrow strings)
        return col.cat.rename_categories(col.cat.categories.astype(object))
    codes, uniques = factorize(col.to_numpy(dtype=object))
    return pd.Series(pd.Categorical.from_codes(codes, pd.Index(uniques, dtype=object)), name=col.name)


# --- characters per cell: empty rows and overlong cells -----------------------------------------

class _CatLengths:
    """Characters per cell of a categorical column, kept per category (no array per cell)."""

    def __init__(self, codes: np.ndarray, per: np.ndarray):
        self.codes, self.per = codes, per

    def where(self, test: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """``test`` (a function of lengths) for every cell, computed once per category."""
        return test(self.per)[self.codes] if len(self.per) else np.zeros(len(self.codes), dtype=bool)

    def __getitem__(self, i: int) -> int:
        return int(self.per[self.codes[i]])

    def subset(self, keep: np.ndarray) -> _CatLengths:
        return _CatLengths(self.codes[keep], self.per)


# characters per cell of one column: an array, or per category of a categorical column
_Lengths = Union[np.ndarray, _CatLengths]


def _lengths(col: pd.Series) -> _Lengths:
    if isinstance(col.dtype, pd.CategoricalDtype):
        # categories are distinct already: no factorize (whose hashing ends a text at U+0000)
        per = np.array([len(u) if isinstance(u, str) else 0 for u in col.cat.categories], dtype=np.int64)
        return _CatLengths(col.cat.codes.to_numpy(), per)
    return cell_lengths(col.to_numpy(dtype=object))


def _where(lengths: _Lengths, test: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    return lengths.where(test) if isinstance(lengths, _CatLengths) else test(lengths)


def _drop_empty_rows(table: Table, lengths: dict[str, _Lengths]) -> tuple[Table, dict[str, _Lengths]]:
    f = table.frame
    empty = np.ones(len(f), dtype=bool)
    for col in f.columns:
        empty &= _where(lengths[col], lambda n: n == 0)
    if not empty.any():
        return table, lengths
    keep = ~empty
    return (Table(f[keep].reset_index(drop=True), table.rows[keep], table.file, table.problems,
                  table.n_read - int(empty.sum())),
            {c: v.subset(keep) if isinstance(v, _CatLengths) else v[keep] for c, v in lengths.items()})


def _check_cell_lengths(table: Table, lengths: dict[str, _Lengths]) -> None:
    problems = []
    for col in table.frame.columns:
        over = np.flatnonzero(_where(lengths[col], lambda n: n > MAX_CELL_CHARS))
        for i in over[:5]:
            problems.append(Problem(
                table.file, f"a cell of {int(lengths[col][i]):,} characters; coding sheets hold "
                "codes and short evidence, not text", row=int(table.rows[i]), column=col,
                accepted=f"at most {MAX_CELL_CHARS:,} characters per cell (article text is never stored)"))
    if problems:
        raise DataError(problems)


def finish_table(table: Table, *, categorical: bool) -> Table:
    """The checks after any reader: NUL cells, overlong cells; empty rows dropped.

    With ``categorical`` every column becomes a Categorical of text (see ``read_table``).
    """
    refuse_nul(table, table.nul)
    if categorical and not all(_is_text_categorical(table.frame[c]) for c in table.frame.columns):
        table.frame = pd.DataFrame({c: table.frame[c] if _is_text_categorical(table.frame[c])
                                    else _as_categorical(table.frame[c]) for c in table.frame.columns})
    lengths: dict[str, _Lengths] = ({**table.lengths} if table.lengths
                                    else {col: _lengths(table.frame[col]) for col in table.frame.columns})
    table, lengths = _drop_empty_rows(table, lengths)
    _check_cell_lengths(table, lengths)
    return table
