"""Spreadsheets in and out: read CSV, XLSX and Parquet tables as text, write safe sheets.

Every reader returns the cells as strings (``""`` for an empty cell) with the row number a
spreadsheet user sees (the header is row 1), so that every later message can point at a cell.
Rows that cannot be read (too short, too long) are returned as problems, never dropped silently.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import stat
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._columns import factorize
from .errors import DataError, Problem

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
MAX_FILE_BYTES = 4 * 1024**3
MAX_CELL_CHARS = 10_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
    problems: list = field(default_factory=list)
    n_read: int = 0
    lengths: dict | None = field(default=None, repr=False)  # characters per cell, when known
    nul: dict | None = field(default=None, repr=False)  # cells holding U+0000 per column, when known

    @property
    def n_refused(self) -> int:
        """Rows read but not kept: the rows named in ``problems``, each once."""
        rows = [p.row for p in self.problems]
        return len({r for r in rows if r is not None}) + sum(r is None for r in rows)


def read_table(path: Path, name: str, *, max_bytes: int = MAX_FILE_BYTES,
               categorical: bool = False) -> Table:
    """Read a CSV, XLSX or Parquet file as text cells.

    Parameters
    ----------
    path : Path
        The file.
    name : str
        How messages name the file (relative to the event folder).
    max_bytes : int
        Larger files are refused before they are read.
    categorical : bool
        Return every column as a pandas Categorical of text (the same cells, each distinct text
        stored once): for coding sheets of millions of rows with few distinct codes, ids and
        names. A CSV file is then dictionary-encoded by pyarrow as it is read.

    Returns
    -------
    Table

    Raises
    ------
    DataError
        When the file as a whole cannot be read (missing, empty, wrong encoding or delimiter,
        bad header, too large).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(Problem(name, "file not found"))
    size = path.stat().st_size
    if size > max_bytes:
        raise DataError(Problem(
            name, f"the file has {size:,} bytes, more than the {max_bytes:,} bytes accepted",
            accepted="split it, or store large tables as Parquet"))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path, name, categorical)
    elif suffix == ".xlsx":
        table = _read_xlsx(path, name, max_bytes)
    elif suffix == ".parquet":
        table = _read_parquet(path, name, categorical)
    else:
        raise DataError(Problem(name, f"'{suffix}' files are not read",
                                accepted="tables are .csv, .xlsx or .parquet"))
    _refuse_nul(table, table.nul)
    if categorical and not all(_is_text_categorical(table.frame[c]) for c in table.frame.columns):
        table.frame = pd.DataFrame({c: table.frame[c] if _is_text_categorical(table.frame[c])
                                    else _as_categorical(table.frame[c]) for c in table.frame.columns})
    lengths = table.lengths or {col: _lengths(table.frame[col]) for col in table.frame.columns}
    table, lengths = _drop_empty_rows(table, lengths)
    _check_cell_lengths(table, lengths)
    return table


def map_distinct(values: np.ndarray, fn, *, dtype=object, factorized=None) -> np.ndarray:
    """``fn`` of every cell of ``values`` (1-d object array), computed once per distinct value.

    A column of millions of cells holds few distinct codes, ids and names: factorizing first and
    calling ``fn`` on the distinct values costs a hash per cell instead of a Python call per cell.
    NaN is passed to ``fn`` like any other value. ``factorized``: the ``(codes, uniques)`` of
    ``pd.factorize(values, use_na_sentinel=False)``, when the caller has them already.
    """
    try:
        codes, uniques = factorized or factorize(values)
    except TypeError:  # unhashable cells (lists in a Parquet column): one call per cell
        out = np.empty(len(values), dtype=dtype)
        out[:] = [fn(u) for u in values]
        return out
    mapped = np.empty(len(uniques), dtype=dtype)
    mapped[:] = [fn(u) for u in uniques]
    return mapped[codes]


def _nul_positions(col: pd.Series) -> np.ndarray:
    """Cells holding U+0000, found without hashing (pandas' hash tables end a text at U+0000)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories.to_numpy(dtype=object)
        bad = np.array([isinstance(u, str) and "\x00" in u for u in cats], dtype=bool)
        return np.flatnonzero(bad[col.cat.codes.to_numpy()]) if bad.any() else np.zeros(0, dtype=np.int64)
    return np.flatnonzero([isinstance(u, str) and "\x00" in u for u in col.to_numpy(dtype=object)])


def _refuse_nul(table: Table, positions: dict | None = None) -> None:
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


def _is_text_categorical(col: pd.Series) -> bool:
    return isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories.dtype == object


def _as_categorical(col: pd.Series) -> pd.Series:
    """A text column as a Categorical whose categories are the distinct texts, unsorted."""
    if isinstance(col.dtype, pd.CategoricalDtype):  # categories of another type (pyarrow strings)
        return col.cat.rename_categories(col.cat.categories.astype(object))
    codes, uniques = factorize(col.to_numpy(dtype=object))
    return pd.Series(pd.Categorical.from_codes(codes, pd.Index(uniques, dtype=object)), name=col.name)


class _CatLengths:
    """Characters per cell of a categorical column, kept per category (no array per cell)."""

    def __init__(self, codes: np.ndarray, per: np.ndarray):
        self.codes, self.per = codes, per

    def where(self, test) -> np.ndarray:
        """``test`` (a function of lengths) for every cell, computed once per category."""
        return test(self.per)[self.codes] if len(self.per) else np.zeros(len(self.codes), dtype=bool)

    def __getitem__(self, i):
        return int(self.per[self.codes[i]])

    def subset(self, keep: np.ndarray) -> "_CatLengths":
        return _CatLengths(self.codes[keep], self.per)


def _lengths(col: pd.Series):
    if isinstance(col.dtype, pd.CategoricalDtype):
        # categories are distinct already: no factorize (whose hashing ends a text at U+0000)
        per = np.array([len(u) if isinstance(u, str) else 0 for u in col.cat.categories], dtype=np.int64)
        return _CatLengths(col.cat.codes.to_numpy(), per)
    return cell_lengths(col.to_numpy(dtype=object))


def _where(lengths, test) -> np.ndarray:
    return lengths.where(test) if isinstance(lengths, _CatLengths) else test(lengths)


def cell_lengths(values: np.ndarray) -> np.ndarray:
    """Characters of each text cell (0 for anything else), once per distinct value."""
    return map_distinct(values, lambda u: len(u) if isinstance(u, str) else 0, dtype=np.int64)


def _drop_empty_rows(table: Table, lengths: dict):
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


def _check_header(header: list, name: str) -> list:
    problems = []
    seen = {}
    for i, h in enumerate(header, start=1):
        col = _column_letter(i)
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


def _column_letter(i: int) -> str:
    letters = ""
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff")
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


def _decode(raw: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is allowed), or a DataError naming the first bad line."""
    if raw.startswith(_UTF16_32_BOMS):
        raise DataError(Problem(
            name, "the file is UTF-16 (Excel's 'Unicode Text'), not UTF-8", row=1,
            accepted="save the file as 'CSV UTF-8 (Comma delimited)' (Excel) or re-encode it to UTF-8"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start: exc.start + 1]
        guess = ""
        try:
            raw.decode("cp1252")
            guess = " (it looks like Latin-1 / Windows-1252, an older Excel export)"
        except UnicodeDecodeError:
            pass
        raise DataError(Problem(
            name, f"byte {bad!r} at line {line} is not UTF-8{guess}", row=line,
            accepted="save the file as 'CSV UTF-8' (Excel) or re-encode it to UTF-8")) from None


def _read_csv(path: Path, name: str, categorical: bool = False) -> Table:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    raw = path.read_bytes()
    text = _decode(raw, name)  # checks the whole file is UTF-8; only its header is kept as text
    skipped = 3 if raw.startswith(b"\xef\xbb\xbf") else 0  # bytes before text (a byte-order mark)
    if text.startswith("\ufeff"):
        text = text[1:]
        skipped += 3
    if not text or text.isspace():  # as text.strip() == "", without copying the file
        raise DataError(Problem(name, "the file is empty",
                                accepted="a header row, then one row per record"))
    # Lines may end in \r\n, \n or \r (old Mac), even mixed in one file: split the header off at
    # the first of any of them, and keep every later line so row numbers stay those a user sees.
    split = _NEWLINE_RE.search(text)
    first_line = text if split is None else text[: split.start()]
    # where the body starts in the file's bytes (UTF-8 decodes one to one)
    body_start = len(raw) if split is None else skipped + len(text[: split.end()].encode("utf-8"))
    del text  # a file of a million rows is a gigabyte of text: keep the bytes only
    if not first_line.strip():
        raise DataError(Problem(name, "the header row is empty", row=1,
                                accepted="the header in the first row (delete the empty rows above it)"))
    try:
        header = next(csv.reader([first_line]))
    except csv.Error as exc:
        raise DataError(Problem(name, f"the header cannot be read ({exc})", row=1,
                                accepted="comma-separated column names")) from None
    if len(header) == 1:
        for sep, what in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if sep in first_line:
                raise DataError(Problem(
                    name, f"the header is one column separated by {what}: '{first_line[:80]}'",
                    row=1, accepted="comma-separated values (in Excel: Save As 'CSV UTF-8 (Comma delimited)')"))
    header = _check_header(header, name)
    # Python's csv would be simpler, but pyarrow keeps reading 8 million rows near pandas' speed.
    bad = []

    def on_invalid(row):
        bad.append(row)
        return "skip"

    if _ONLY_NEWLINES.fullmatch(raw, body_start) is not None:  # no rows, or only empty ones
        frame = pd.DataFrame({h: pd.Series([], dtype=object) for h in header})
        return Table(frame, np.zeros(0, dtype=np.int64), name, [], 0)
    # pyarrow drops a byte-order mark at the start of its input: give it one to drop, so that a
    # first row whose cell starts with U+FEFF keeps it (otherwise the file's bytes are not copied)
    if raw.startswith(b"\xef\xbb\xbf", body_start):
        data = memoryview(b"\xef\xbb\xbf" + raw[body_start:])
    else:
        data = memoryview(raw)[body_start:]
    # dictionary-encoded text: each distinct cell is converted to Python once, not once per row
    kind = pa.dictionary(pa.int32(), pa.string()) if categorical else pa.string()

    def parse(threads: bool):
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)),
            # large blocks: few chunks, so few dictionaries to unify afterwards
            read_options=pacsv.ReadOptions(column_names=header, use_threads=threads,
                                           block_size=1 << 28),
            # empty lines are kept (as rows of empty cells, dropped later) so that pyarrow's row
            # numbers and ours count them as a spreadsheet does
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                              invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={h: kind for h in header}, strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )

    try:
        try:
            tbl = parse(threads=True)
        except (pa.ArrowInvalid, ValueError):
            tbl = None
        if tbl is None or bad:
            # only a serial read numbers the rows that cannot be read, and names the first
            # problem whatever the threads did: read again, in order
            bad.clear()
            tbl = parse(threads=False)
    except (pa.ArrowInvalid, ValueError) as exc:
        raise DataError(Problem(name, f"the file cannot be parsed as CSV ({exc})",
                                accepted="comma-separated values with a header row")) from None
    import pyarrow.compute as pc
    if categorical:
        tbl = tbl.unify_dictionaries()
        frame = tbl.to_pandas()
        lengths = nul = None  # counted on the categories, by read_table
    else:
        # characters per cell, counted by pyarrow on its own strings (no Python object per cell)
        lengths = {h: pc.utf8_length(tbl.column(h)).to_numpy(zero_copy_only=False) for h in header}
        nul = {h: np.flatnonzero(pc.match_substring(tbl.column(h), "\x00").to_numpy(zero_copy_only=False))
               for h in header}
        frame = tbl.to_pandas()  # equal strings become one Python object (deduplicate_objects)
        for h in header:
            if frame[h].dtype != object:
                frame[h] = frame[h].astype(object)
    del tbl
    bad_lines = np.array(sorted(r.number + 1 for r in bad if r.number is not None), dtype=np.int64)
    n_total = len(frame) + len(bad)
    # the row numbers not taken by bad lines (a mask: np.setdiff1d would sort millions of rows)
    rows = np.arange(2, n_total + 2, dtype=np.int64)
    if len(bad):
        keep = np.ones(n_total, dtype=bool)
        inside = bad_lines[(bad_lines >= 2) & (bad_lines < n_total + 2)]
        keep[inside - 2] = False
        rows = rows[keep][: len(frame)]
    _check_closed_quotes(frame, rows, bad, data, name)
    problems = []
    for r in bad:
        kind = "shorter" if r.actual_columns < r.expected_columns else "longer"
        problems.append(Problem(
            name, f"the row has {r.actual_columns} cells, {kind} than the header's "
            f"{r.expected_columns}: '{r.text[:80]}'",
            row=None if r.number is None else r.number + 1,
            accepted=f"{r.expected_columns} comma-separated cells per row; quote cells that "
            "contain commas"))
    return Table(frame, rows, name, problems, n_total, lengths, nul)


_ONLY_NEWLINES = re.compile(rb"[\r\n]*")


def _check_closed_quotes(frame: pd.DataFrame, rows: np.ndarray, bad: list, data: memoryview, name: str) -> None:
    """Refuse a file whose last record opens a quote that is never closed.

    Such a quote swallows every later line into one cell, so those rows would vanish without a
    trace. Only the last record can do this (its cell runs to the end of the file), so a quick
    test looks at it alone: a line break in its last cell, and the file ending in that cell's
    text after a quote. Only when that holds (rare) is the whole file scanned to be sure.
    """
    last_good = int(rows[-1]) if len(rows) else 0
    last_bad = max((r for r in bad if r.number is not None), key=lambda r: r.number, default=None)
    if last_bad is not None and last_bad.number + 1 > last_good:
        text, row = last_bad.text, last_bad.number + 1
        suspect = ("\n" in text or "\r" in text) and '"' in text
    elif len(frame):
        cell, row = frame.iloc[-1, -1], last_good
        tail = ('"' + cell.replace('"', '""')).encode("utf-8")
        suspect = ("\n" in cell or "\r" in cell) and bytes(data[-len(tail):]) == tail
    else:
        return
    if suspect and _ends_inside_quotes(bytes(data).decode("utf-8").removeprefix("\ufeff")):
        raise DataError(Problem(
            name, "a quote (\") opened in this row is never closed, so every line after it would be "
            "read as one cell", row=row,
            accepted="close the quote; inside a quoted cell write a quote as two (\"\")"))


def _ends_inside_quotes(body: str) -> bool:
    """Whether the CSV text ends inside a quoted cell (Python's csv reads quotes as pyarrow does).

    A sentinel row is appended: it stays a row of its own unless an open quote swallows it.
    """
    sentinel = "\ue000end\ue001"
    last = None
    for last in csv.reader(io.StringIO(body + "\n" + sentinel, newline="")):
        pass
    return last is not None and last != [sentinel]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# every error value a cell can show (Excel's, LibreOffice's); openpyxl reads them as their text
_ERROR_VALUES = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
    "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!"})
_NO_RESULT = ("open and save the file in a spreadsheet program (so it stores the formula's result), "
              "or paste values")
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?f[\s/>]")


@dataclass(frozen=True)
class _Formula:
    text: str    # "=C6*2"; "" when the file does not say (a data table)
    result: str  # "stored", "missing" (none stored) or "stale" (the workbook asks to be recalculated)


class _XlsxCells:
    """The cells of a worksheet that show nothing that can be read: errors, formulas without a result.

    openpyxl's ``data_only`` view gives a formula's stored result, or None when there is none: an
    empty cell to the reader. ``formulas`` (from :func:`_formula_cells`) says which cells are
    formulas; an error is found by its text and confirmed by openpyxl's cell type, so that a text
    cell reading "#N/A" stays text.
    """

    def __init__(self, ws, label: str, formulas: dict):
        self.ws, self.label, self.formulas = ws, label, formulas
        self.unshown = {}  # row -> columns of formulas whose result is missing or stale
        for (r, c), f in formulas.items():
            if f.result != "stored":
                self.unshown.setdefault(r, []).append(c)

    def unshown_beyond(self, row: int, width: int) -> list:
        """Formulas without a usable result right of the header's last column, in column order."""
        return [self.formulas[(row, c)].text for c in sorted(self.unshown.get(row, ())) if c > width]

    def problems(self, row: int, values, header: list | None) -> list:
        """A problem per cell of ``values`` (row ``row`` from column A) that shows no readable value."""
        cols = [c for c in self.unshown.get(row, ()) if c <= len(values)]
        if not cols and _ERROR_VALUES.isdisjoint(values):  # the usual row: one set test in C
            return []
        errors = [j for j, v in enumerate(values, start=1) if type(v) is str and v in _ERROR_VALUES
                  and self.ws.cell(row=row, column=j).data_type == "e"]
        return [self._problem(row, j, values[j - 1], header) for j in sorted(set(cols) | set(errors))]

    def _problem(self, row: int, col: int, value, header: list | None) -> Problem:
        where = f"cell {_column_letter(col)}{row} of sheet '{self.ws.title}'"
        column = header[col - 1] if header is not None else None
        f = self.formulas.get((row, col))
        shown = f"the formula {f.text}" if f is not None and f.text else "a formula"
        if f is not None and f.result == "missing":
            return Problem(self.label, f"{where} holds {shown}, but the file stores no result for it, so "
                           "what the cell shows is unknown", row=row, column=column, value=f.text,
                           accepted=_NO_RESULT)
        if f is not None and f.result == "stale":
            return Problem(self.label, f"{where} holds {shown}, and the workbook was saved by a program "
                           "that does not calculate (it asks to be recalculated when opened), so the "
                           "result stored for it cannot be trusted", row=row, column=column,
                           value=f.text, accepted=_NO_RESULT)
        return Problem(self.label, f"{where} shows the error {value}" + (f" ({shown})" if f else ""),
                       row=row, column=column, value=value,
                       accepted="correct the cell, or the formula behind it, so that it shows a value; "
                       "or clear it")


def _formula_cells(path: Path, name: str, title: str, *, max_row: int, max_col: int) -> dict:
    """The formula cells of worksheet ``title``: ``{(row, column): _Formula}``.

    Read from the sheet's XML, which says what openpyxl's ``data_only`` view does not: that a cell
    is a formula, and whether a result is stored (an empty ``<v/>`` is none, except for a text
    result). A search of the bytes finds the formulas, so a sheet without any costs one more pass
    of decompression and one with a few costs little more. A workbook whose ``calcPr`` sets
    ``fullCalcOnLoad`` was written by a program that leaves calculation to the next one to open
    it (openpyxl stores no result, XlsxWriter a 0 whatever the formula): its results are "stale".
    """
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            part, full_calc = _sheet_part(zf, title)
            with zf.open(part) as fh:
                if not _has_formula(fh):
                    return {}
            data = zf.read(part)
        found = _Formulas(full_calc, max_row, max_col)
        try:
            _search_formulas(data, found)
        except (_Unusual, ET.ParseError):  # cells without an address, prefixed attributes
            found = _Formulas(full_calc, max_row, max_col)
            _parse_formulas(io.BytesIO(data), found)
        return found.cells
    except (KeyError, ValueError, ET.ParseError, zipfile.BadZipFile, OSError) as exc:
        # openpyxl read the workbook, so this is rare; reading on would take formulas for blanks
        raise DataError(Problem(
            name, f"the formulas of sheet '{title}' cannot be read ({type(exc).__name__})",
            accepted="an .xlsx file saved by Excel, LibreOffice or openpyxl")) from None


def _has_formula(fh) -> bool:
    tail = b""
    while chunk := fh.read(1 << 20):
        if _FORMULA_TAG.search(tail + chunk):
            return True
        tail = chunk[-64:]
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_part(zf, title: str) -> tuple[str, bool]:
    """The zip entry of worksheet ``title``, and whether the workbook sets ``fullCalcOnLoad``."""
    import posixpath
    import xml.etree.ElementTree as ET

    def resolve(base: str, target: str) -> str:  # a relationship's target, relative to its part
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))

    def relationships(part: str) -> dict:
        folder, file = posixpath.split(part)
        try:
            root = ET.fromstring(zf.read(posixpath.join(folder, "_rels", file + ".rels")))
        except KeyError:
            return {}
        return {r.get("Id"): (r.get("Type", ""), r.get("Target", "")) for r in root}

    book = next((resolve("", t) for kind, t in relationships("").values()
                 if kind.endswith("/officeDocument")), "xl/workbook.xml")
    rels = relationships(book)
    part, full_calc = None, False
    for el in ET.fromstring(zf.read(book)).iter():
        if _local(el.tag) == "sheet" and el.get("name") == title:
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            part = resolve(book, rels[rid][1])
        elif _local(el.tag) == "calcPr":
            full_calc = el.get("fullCalcOnLoad") in ("1", "true")
    if part is None:
        raise KeyError(title)
    return part, full_calc


class _Unusual(Exception):
    """A sheet's XML that the quick search does not read (a cell without its address)."""


class _Formulas:
    """The formula cells found so far, as :func:`_formula_cells` returns them."""

    def __init__(self, full_calc: bool, max_row: int, max_col: int):
        self.full_calc, self.max_row, self.max_col = full_calc, max_row, max_col
        self.cells, self.shared = {}, {}

    def add(self, row: int, col: int, cell, f, v) -> None:
        """Cell ``(row, col)``: its ``<c>`` element, its ``<f>`` and its ``<v>`` (or None)."""
        from openpyxl.formula.translate import Translator
        from openpyxl.utils.cell import range_boundaries

        here = f"{_column_letter(col)}{row}"
        text = "=" + f.text if f.text else ""
        if f.get("t") == "shared":  # the first cell holds the text; the others share it, moved
            si = f.get("si")
            if text:
                self.shared[si] = (text, here)
            elif si in self.shared:
                try:
                    text = Translator(*self.shared[si]).translate_formula(here)
                except Exception:  # openpyxl's tokenizer raises for what it cannot parse
                    text = ""
        stored = v is not None and (bool(v.text) or cell.get("t") == "str")
        result = "stale" if stored and self.full_calc else "stored" if stored else "missing"
        self.cells[(row, col)] = _Formula(text, result)
        if f.get("t") == "array" and f.get("ref") and result == "missing":
            # the other cells of an array formula hold no formula of their own, and no result
            c1, r1, c2, r2 = range_boundaries(f.get("ref"))
            for rr in range(r1, min(r2, self.max_row) + 1):
                for cc in range(c1, min(c2, self.max_col) + 1):
                    self.cells.setdefault((rr, cc), _Formula(text, result))


def _children(cell):
    f = v = None
    for child in cell:
        kind = _local(child.tag)
        if kind == "f":
            f = child
        elif kind == "v":
            v = child
    return f, v


_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sheetData[\s/>]")
_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?sheetData\s*>")
_TAG_PREFIX = re.compile(rb"<(/?)[A-Za-z_][\w.\-]*:")


def _search_formulas(data: bytes, found: _Formulas) -> None:
    """Find the formula cells by searching the bytes for ``<f``: each is read alone, with its cell.

    A formula is the first child of its cell (``<c r="E6"><f>...``), so the cell starts at the
    last ``<c`` before it. Raises _Unusual for a cell without an address (its place would need
    every cell before it counted).
    """
    import xml.etree.ElementTree as ET

    from openpyxl.utils.cell import coordinate_to_tuple

    start = _SHEET_DATA.search(data)
    if start is None:
        return
    end = _SHEET_DATA_END.search(data, start.end())
    stop = end.start() if end else len(data)
    pos = start.end()
    while (m := _FORMULA_TAG.search(data, pos, stop)) is not None:
        prefix = m.group(0)[1:-2]  # "x:" in <x:f>, else empty
        begin = data.rfind(b"<" + prefix + b"c", start.end(), m.start())
        close = data.find(b"</" + prefix + b"c>", m.end(), stop)
        if begin < 0 or close < 0:
            raise _Unusual
        pos = close + len(prefix) + 4
        cell = ET.fromstring(_TAG_PREFIX.sub(rb"<\1", data[begin:pos]))
        if cell.get("r") is None:
            raise _Unusual
        f, v = _children(cell)
        if f is None:
            raise _Unusual
        found.add(*coordinate_to_tuple(cell.get("r")), cell, f, v)


def _parse_formulas(fh, found: _Formulas) -> None:
    """Find the formula cells by reading every cell (slower; for sheets the search cannot read)."""
    import xml.etree.ElementTree as ET

    from openpyxl.utils.cell import coordinate_to_tuple

    row = col = 0
    for event, el in ET.iterparse(fh, events=("start", "end")):
        name = _local(el.tag)
        if event == "start":
            if name == "row":  # a row or cell without "r" follows the one before, as openpyxl reads it
                row, col = int(el.get("r") or row + 1), 0
            continue
        if name == "row":
            el.clear()
        if name != "c":
            continue
        ref = el.get("r")
        row, col = coordinate_to_tuple(ref) if ref else (row, col + 1)
        f, v = _children(el)
        if f is not None:
            found.add(row, col, el, f, v)
        el.clear()


def _read_xlsx(path: Path, name: str, max_bytes: int) -> Table:
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataError(Problem(name, f"not a readable XLSX workbook ({type(exc).__name__})",
                                accepted="an .xlsx file saved by Excel, LibreOffice or openpyxl")) from None
    if unpacked > max_bytes:  # a zip bomb, or a workbook far larger than a coding sheet
        raise DataError(Problem(
            name, f"the workbook unpacks to {unpacked:,} bytes, more than the {max_bytes:,} bytes accepted",
            accepted="split it, or store large tables as Parquet"))
    try:
        # data_only: a formula cell holds the result the spreadsheet program stored (None if none)
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types (zip, XML, key, value) for a damaged file
        raise DataError(Problem(name, f"not a readable XLSX workbook ({type(exc).__name__})",
                                accepted="an .xlsx file saved by Excel, LibreOffice or openpyxl")) from None
    if not wb.worksheets:
        raise DataError(Problem(name, "the workbook has no worksheet",
                                accepted="a worksheet named 'codes' (or as the first sheet)"))
    ws = wb["codes"] if "codes" in wb.sheetnames else wb.worksheets[0]
    label = name if ws.title == wb.sheetnames[0] else f"{name} (sheet {ws.title})"
    formulas = _formula_cells(path, name, ws.title, max_row=ws.max_row, max_col=ws.max_column)
    cells = _XlsxCells(ws, label, formulas)
    rows_iter = ws.iter_rows(values_only=True)
    header_cells = next(rows_iter, None)
    if header_cells is not None:
        bad = cells.problems(1, header_cells, None)
        if bad:
            raise DataError(bad)
    if header_cells is None or all(c is None for c in header_cells):
        raise DataError(Problem(label, "the sheet is empty" if ws.max_row <= 1 else "the header row is empty",
                                row=None if ws.max_row <= 1 else 1,
                                accepted="a header row, then one row per record"))
    header_cells = list(header_cells)
    while header_cells and header_cells[-1] is None:
        header_cells.pop()
    problems = []
    for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        col = (str(header_cells[rng.min_col - 1]) if rng.min_col == rng.max_col
               and rng.min_col <= len(header_cells) and header_cells[rng.min_col - 1] is not None else None)
        problems.append(Problem(
            label, f"cells {rng.coord} are merged; a merged cell hides which rows it belongs to",
            row=rng.min_row, column=col, accepted="unmerge the cells and write the value in every row"))
    if problems:
        raise DataError(problems)
    header = _check_header(header_cells, label)
    width = len(header)
    records, rownums = [], []
    n_refused = 0  # rows read but not kept: each has its problems in ``problems``
    for i, row in enumerate(rows_iter, start=2):
        row = list(row)
        extra = ([c for c in row[width:] if c is not None and str(c).strip() != ""]
                 or cells.unshown_beyond(i, width))
        if extra:
            problems.append(Problem(label, f"the row has a value beyond the last header column: "
                                    f"'{_cell_text(extra[0])[:80]}'", row=i,
                                    accepted="a header for every column with data"))
            n_refused += 1
            continue
        bad = cells.problems(i, row[:width], header)
        if bad:
            problems.extend(bad)
            n_refused += 1
            continue
        if all(c is None for c in row[:width]):
            continue
        records.append([_cell_text(c) for c in (row + [None] * width)[:width]])
        rownums.append(i)
    read = set(rownums)
    hidden_rows = sorted(r for r, d in ws.row_dimensions.items() if d.hidden and r in read)
    hidden_cols = sorted((openpyxl.utils.column_index_from_string(k), k)
                         for k, d in ws.column_dimensions.items() if d.hidden)
    for r in hidden_rows:
        problems.append(Problem(label, "the row is hidden; hidden rows are not read", row=r,
                                accepted="unhide the row, or delete it if it is not meant to count"))
    for idx, c in hidden_cols:
        # openpyxl keeps one dimension for a span of columns (min..max) under its first letter
        last = max(idx, ws.column_dimensions[c].max or idx)
        for j in range(idx, min(last, width) + 1):
            problems.append(Problem(label, f"column {_column_letter(j)} is hidden; hidden columns are not read",
                                    row=1, column=header[j - 1], accepted="unhide the column, or delete it"))
    whole = [p for p in problems if p.row == 1]
    if whole:
        raise DataError(whole)
    problems.sort(key=lambda p: p.row)  # rows refused while reading, then hidden ones: in row order
    hidden = set(hidden_rows)
    keep = np.array([r not in hidden for r in rownums], dtype=bool)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    rows = np.array(rownums, dtype=np.int64)
    return Table(frame[keep].reset_index(drop=True), rows[keep], label, problems, len(records) + n_refused)


def _read_parquet(path: Path, name: str, categorical: bool = False) -> Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        tbl = pq.read_table(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise DataError(Problem(name, f"not a readable Parquet file ({type(exc).__name__})",
                                accepted="a Parquet file written by pandas or pyarrow")) from None
    meta = tbl.schema.pandas_metadata or {}
    simple = (not any(isinstance(c, str) for c in meta.get("index_columns", []))
              and all(c.get("name") == c.get("field_name") for c in meta.get("columns", []))
              and all(_plain_arrow_type(f.type) for f in tbl.schema))
    if not simple:  # index columns, non-text names, lists, structs: as pandas reads them
        frame = _parquet_frame(path, name)
        return _parquet_as_text(frame, name)
    header = _check_header(list(tbl.column_names), name)
    out = {}
    for h in header:
        col = tbl.column(h)
        if not pa.types.is_dictionary(col.type):
            col = col.dictionary_encode()
        col = col.unify_dictionaries() if col.num_chunks > 1 else col
        # each distinct value is turned to text once, by the rules of the pandas path
        dictionary = col.chunk(0).dictionary if col.num_chunks else pa.array([], col.type.value_type)
        texts = _parquet_as_text(pd.DataFrame({h: dictionary.to_pandas()}), name).frame[h]
        codes = (np.concatenate([c.indices.to_numpy(zero_copy_only=False).astype(np.int64)
                                 if c.null_count == 0 else
                                 c.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
                                 for c in col.chunks]) if col.num_chunks else np.zeros(0, dtype=np.int64))
        uniques = np.append(texts.to_numpy(dtype=object), "")  # a null is an empty cell
        if any("\x00" in u for u in uniques):
            codes[codes < 0] = len(uniques) - 1
            whole = pd.Series(pd.Categorical.from_codes(codes, pd.RangeIndex(len(uniques))))
            nul = np.array(["\x00" in u for u in uniques], dtype=bool)
            rows = np.arange(2, len(codes) + 2, dtype=np.int64)
            _refuse_nul(Table(pd.DataFrame({h: whole}), rows, name),
                        {h: np.flatnonzero(nul[codes])})
        codes[codes < 0] = len(uniques) - 1
        which, distinct = pd.factorize(uniques, use_na_sentinel=False)  # 12 and 12.0 are one "12"
        cat = pd.Categorical.from_codes(which[codes], pd.Index(distinct, dtype=object))
        out[h] = pd.Series(cat) if categorical else pd.Series(np.asarray(cat, dtype=object), dtype=object)
    frame = pd.DataFrame(out, columns=header)
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return Table(frame, rows, name, [], len(frame))


def _plain_arrow_type(t) -> bool:
    import pyarrow as pa
    if pa.types.is_dictionary(t):
        t = t.value_type
    return (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_integer(t)
            or pa.types.is_floating(t) or pa.types.is_boolean(t))


def _parquet_frame(path: Path, name: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise DataError(Problem(name, f"not a readable Parquet file ({type(exc).__name__})",
                                accepted="a Parquet file written by pandas or pyarrow")) from None


def _parquet_as_text(frame: pd.DataFrame, name: str) -> Table:
    """The cells of a frame read from Parquet as text, as XLSX cells are read."""
    header = _check_header(list(frame.columns), name)
    out = {}
    for h in header:
        col = frame[h]
        if pd.api.types.is_float_dtype(col):
            # as XLSX cells read: 12.0 -> "12", 0.5 -> "0.5", NaN -> "" (inf stays "inf")
            vals = col.to_numpy(dtype=float)
            text = col.astype(str).to_numpy(dtype=object)
            whole = np.isfinite(vals) & (np.abs(vals) < 2.0**63)
            whole[whole] = vals[whole] == np.floor(vals[whole])
            text[whole] = vals[whole].astype(np.int64).astype(str).astype(object)
            text[np.isnan(vals)] = ""
            out[h] = pd.Series(text, dtype=object)
        else:
            # as str(cell), "" for a missing cell; once per distinct value (millions of cells)
            out[h] = pd.Series(map_distinct(col.to_numpy(dtype=object),
                                            lambda u: "" if pd.api.types.is_scalar(u) and pd.isna(u)
                                            else str(u)), dtype=object)
    frame = pd.DataFrame(out)
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return Table(frame, rows, name, [], len(frame))


def _check_cell_lengths(table: Table, lengths: dict) -> None:
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


_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value):
    """Make a cell safe to open in a spreadsheet: prefix formula-like text with a quote.

    Notes
    -----
    Cells starting with ``= + - @`` (or tab, carriage return) are run as formulas by Excel and
    LibreOffice (OWASP, "CSV Injection"). Plain numbers are left alone: ``-3`` and ``+1.5e3`` stay
    numbers; ``-inf``, ``-1_000`` or ``-2+3`` are text that a spreadsheet would try to compute.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def _neutralise_column(col: pd.Series) -> pd.Series:
    if isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype(object)
    if not (pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col)):
        return col  # numbers, booleans and dates are written as such, never as formulas
    def flag(result: pd.Series) -> np.ndarray:  # True where the test holds; False for non-text
        return result.astype("boolean").fillna(False).to_numpy(dtype=bool)

    try:
        risky = flag(col.str.startswith(FORMULA_PREFIXES)) & ~flag(col.str.fullmatch(_NUMBER_RE.pattern))
    except AttributeError:  # pandas refuses .str on a column that holds no text at all
        return col
    if not risky.any():
        return col
    out = col.copy()
    out[risky] = "'" + col[risky].astype(str)
    return out


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers are neutralised for spreadsheets.

    Text columns (object, string or categorical) are neutralised as :func:`neutralise` does, a
    whole column at a time; other columns are left as they are. ``frame`` is not changed.
    """
    out = frame.copy()
    for j in range(out.shape[1]):
        out.isetitem(j, _neutralise_column(out.iloc[:, j]))
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _new_temp_file(path: Path) -> tuple:
    """``(fd, name)`` of a new file beside ``path``, created exclusively with mode 0o666 (the kernel
    applies the umask, unlike ``mkstemp``'s 0o600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename, never half-written.

    The temporary file sits in the same folder (a rename across file systems is not atomic), is
    flushed to disk before the rename, and is removed if anything fails, even an interrupt. The
    file gets the permissions a new file gets (or those of the file it replaces), not the
    owner-only ones of a temporary file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None  # created 0o666 less the umask, as any new file; the umask is never set to read it
    fd, tmp = _new_temp_file(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as UTF-8 CSV, neutralising formula-like cells, atomically."""
    text = safe_frame(frame).to_csv(index=False, lineterminator="\n")
    atomic_write_bytes(Path(path), text.encode("utf-8"))


def write_blank_sheet(reports: pd.DataFrame, codebook: pd.DataFrame, *, coder: str, path) -> None:
    """Write a blank wide coding sheet (XLSX) whose cells only take the codebook's codes.

    One row per report; per variable a value column with a drop-down of its codes (numbers
    validated as numbers) and an ``<variable>__evidence`` column; each header carries the
    variable's question as a comment. The loader reads the sheet back as a wide coding sheet.

    Parameters
    ----------
    reports : DataFrame
        ``report_id`` (and ``outlet``, ``headline`` shown in a side sheet).
    codebook : DataFrame
        The event's codebook table.
    coder : str
        The coder's name, written in every row.
    path : str or Path
        The .xlsx file to write.
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if not coder or coder != coder.strip():
        raise DataError(Problem("(sheet)", f"coder name {coder!r} is empty or has spaces around it",
                                accepted="a name such as coder_a"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "codes"
    lists = wb.create_sheet("lists")
    lists.sheet_state = "hidden"
    info = wb.create_sheet("reports")
    header = ["report_id", "coder"]
    for v in codebook["variable"]:
        header += [v, v + EVIDENCE_SUFFIX_SHEET]
    ws.append(header)
    ids = reports["report_id"].tolist()
    for rid in ids:
        ws.append([rid, coder] + [None] * (len(header) - 2))
    _text_cells(ws)
    n = len(ids)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for j, h in enumerate(header, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font = bold
        ws.column_dimensions[get_column_letter(j)].width = max(12, min(40, len(h) + 2))
    for k, row in enumerate(codebook.itertuples(index=False)):
        col = 3 + 2 * k
        letter = get_column_letter(col)
        cell = ws.cell(row=1, column=col)
        cell.fill = fill
        codes = list(row.codes)
        note = row.question
        if codes:
            note += "\nCodes: " + ", ".join(map(str, codes))
        cell.comment = Comment(note, "codebook", width=360, height=160)
        if n == 0:
            continue
        rng = f"{letter}2:{letter}{n + 1}"
        if codes:
            lcol = get_column_letter(k + 1)
            lists.cell(row=1, column=k + 1, value=row.variable)
            for i, c in enumerate(codes, start=2):
                _text_cells([[lists.cell(row=i, column=k + 1, value=c)]])
            dv = DataValidation(type="list", formula1=f"=lists!${lcol}$2:${lcol}${len(codes) + 1}",
                                allow_blank=True, showErrorMessage=True, errorTitle="Not a code",
                                error=f"Choose one of the codes of {row.variable}")
        else:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual" if row.level == "ratio" else "between",
                                formula1="0" if row.level == "ratio" else "-1E+300",
                                formula2=None if row.level == "ratio" else "1E+300",
                                allow_blank=True, showErrorMessage=True, errorTitle="Not a number",
                                error=f"{row.variable} takes a number" + (" >= 0" if row.level == "ratio" else ""))
        ws.add_data_validation(dv)
        dv.add(rng)
    ws.freeze_panes = "C2"
    info.append(["report_id", "outlet", "published", "headline", "url"])
    for r in reports.itertuples(index=False):
        pub = getattr(r, "published", "")
        pub = pub.isoformat() if hasattr(pub, "isoformat") else ("" if pd.isna(pub) else str(pub))
        info.append([neutralise(_plain(getattr(r, c, ""))) if c != "published" else pub
                     for c in ("report_id", "outlet", "published", "headline", "url")])
    _text_cells(info)
    wb.properties.creator = "analysis"
    wb.properties.created = dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(Path(path), reproducible_xlsx(buf.getvalue()))


_FIXED_STAMP = "2000-01-01T00:00:00Z"


def reproducible_xlsx(data: bytes) -> bytes:
    """The same workbook with its clock readings fixed, so that equal sheets give equal bytes.

    openpyxl stamps the save time into ``docProps/core.xml`` (``dcterms:modified``) and into every
    zip entry; both are set to 2000-01-01 here.
    """
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + _FIXED_STAMP.encode() + rb"\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, body)
    return out.getvalue()


EVIDENCE_SUFFIX_SHEET = "__evidence"


def _text_cells(rows) -> None:
    """Keep text that starts with '=' text: openpyxl would otherwise store it as a formula.

    In the codes sheet the report_id and coder must read back as they are (a quote prefix would
    change them), and a text cell is never computed, so the type is set instead of a prefix.
    """
    for row in rows:
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def _plain(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)
