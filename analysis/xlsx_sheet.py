"""Read an XLSX sheet as text cells: the stored result of every formula, and nothing hidden.

The sheet named ``codes`` (or the first) is read with openpyxl's ``data_only`` view. Cells that
show no readable value (error values, formulas without a stored result or in a workbook that asks
to be recalculated), merged cells, hidden rows and columns are problems naming the cell; the
formula cells are found in the sheet's XML, which says what openpyxl's view does not.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np
import pandas as pd

from .cells import Table, check_header, column_letter
from .errors import DataError, Problem

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET
    import zipfile

    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["read_xlsx"]


def _cell_text(value: object) -> str:
    """A cell's value as the text a spreadsheet shows (whole floats without ".0", dates in ISO)."""
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

    def __init__(self, ws: Worksheet, label: str, formulas: dict[tuple[int, int], _Formula]):
        self.ws, self.label, self.formulas = ws, label, formulas
        self.unshown: dict[int, list[int]] = {}  # row -> columns of formulas whose result is missing or stale
        for (r, c), f in formulas.items():
            if f.result != "stored":
                self.unshown.setdefault(r, []).append(c)

    def unshown_beyond(self, row: int, width: int) -> list[str]:
        """Formulas without a usable result right of the header's last column, in column order."""
        return [self.formulas[(row, c)].text for c in sorted(self.unshown.get(row, ())) if c > width]

    def problems(self, row: int, values: Sequence[object], header: list[str] | None) -> list[Problem]:
        """A problem per cell of ``values`` (row ``row`` from column A) that shows no readable value."""
        cols = [c for c in self.unshown.get(row, ()) if c <= len(values)]
        if not cols and _ERROR_VALUES.isdisjoint(values):  # the usual row: one set test in C
            return []
        errors = [j for j, v in enumerate(values, start=1) if type(v) is str and v in _ERROR_VALUES
                  and self.ws.cell(row=row, column=j).data_type == "e"]
        return [self._problem(row, j, values[j - 1], header) for j in sorted(set(cols) | set(errors))]

    def _problem(self, row: int, col: int, value: object, header: list[str] | None) -> Problem:
        where = f"cell {column_letter(col)}{row} of sheet '{self.ws.title}'"
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


def _formula_cells(path: Path, name: str, title: str, *, max_row: int,
                   max_col: int) -> dict[tuple[int, int], _Formula]:
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


def _has_formula(fh: IO[bytes]) -> bool:
    tail = b""
    while chunk := fh.read(1 << 20):
        if _FORMULA_TAG.search(tail + chunk):
            return True
        tail = chunk[-64:]
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_part(zf: zipfile.ZipFile, title: str) -> tuple[str, bool]:
    """The zip entry of worksheet ``title``, and whether the workbook sets ``fullCalcOnLoad``."""
    import posixpath
    import xml.etree.ElementTree as ET

    def resolve(base: str, target: str) -> str:  # a relationship's target, relative to its part
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))

    def relationships(part: str) -> dict[str | None, tuple[str, str]]:
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
        self.cells: dict[tuple[int, int], _Formula] = {}
        self.shared: dict[str | None, tuple[str, str]] = {}  # shared formula id -> (text, cell)

    def add(self, row: int, col: int, cell: ET.Element, f: ET.Element, v: ET.Element | None) -> None:
        """Cell ``(row, col)``: its ``<c>`` element, its ``<f>`` and its ``<v>`` (or None)."""
        from openpyxl.formula.translate import Translator
        from openpyxl.utils.cell import range_boundaries

        here = f"{column_letter(col)}{row}"
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


def _children(cell: ET.Element) -> tuple[ET.Element | None, ET.Element | None]:
    """The ``<f>`` and ``<v>`` children of a cell (None where there is none)."""
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
        row, col = coordinate_to_tuple(cell.get("r"))
        found.add(row, col, cell, f, v)


def _parse_formulas(fh: IO[bytes], found: _Formulas) -> None:
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




# --- the sheet ----------------------------------------------------------------------------------

def read_xlsx(path: Path, name: str, *, max_bytes: int) -> Table:
    """The cells of the workbook's coding sheet as text (see ``sheets.read_table``).

    DataError for the whole file: not a workbook, too large unpacked, no worksheet, an empty or
    unreadable header, merged cells, hidden columns. Rows that cannot be read (a value beyond the
    header, a cell showing no readable value, a hidden row) are the table's problems.
    """
    wb = _open_workbook(path, name, max_bytes)
    ws = wb["codes"] if "codes" in wb.sheetnames else wb.worksheets[0]
    label = name if ws.title == wb.sheetnames[0] else f"{name} (sheet {ws.title})"
    formulas = _formula_cells(path, name, ws.title, max_row=ws.max_row, max_col=ws.max_column)
    cells = _XlsxCells(ws, label, formulas)
    rows_iter = ws.iter_rows(values_only=True)
    header_cells = _header_cells(ws, next(rows_iter, None), cells, label)
    merged = _merged_problems(ws, header_cells, label)
    if merged:
        raise DataError(merged)
    header = check_header(header_cells, label)
    records, rownums, problems, n_refused = _records(rows_iter, header, cells, label)
    hidden_rows, hidden = _hidden_problems(ws, set(rownums), header, label)
    problems += hidden
    whole = [p for p in problems if p.row == 1]
    if whole:
        raise DataError(whole)
    # rows refused while reading, then hidden ones: in row order (each of these names its row)
    problems.sort(key=lambda p: p.row or 0)
    keep = np.array([r not in hidden_rows for r in rownums], dtype=bool)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    rows = np.array(rownums, dtype=np.int64)
    return Table(frame[keep].reset_index(drop=True), rows[keep], label, problems, len(records) + n_refused)


def _open_workbook(path: Path, name: str, max_bytes: int) -> Workbook:
    """The workbook with its formulas' stored results; DataError if it cannot be read."""
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
    return wb


def _header_cells(ws: Worksheet, first: tuple[object, ...] | None, cells: _XlsxCells,
                  label: str) -> list[object]:
    """The cells of the first row up to its last non-empty one; DataError if none can be read."""
    if first is not None:
        bad = cells.problems(1, first, None)
        if bad:
            raise DataError(bad)
    if first is None or all(c is None for c in first):
        raise DataError(Problem(label, "the sheet is empty" if ws.max_row <= 1 else "the header row is empty",
                                row=None if ws.max_row <= 1 else 1,
                                accepted="a header row, then one row per record"))
    header_cells = list(first)
    while header_cells and header_cells[-1] is None:
        header_cells.pop()
    return header_cells


def _merged_problems(ws: Worksheet, header_cells: list[object], label: str) -> list[Problem]:
    """A problem per range of merged cells (a merged cell hides which rows it belongs to)."""
    problems = []
    for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        col = (str(header_cells[rng.min_col - 1]) if rng.min_col == rng.max_col
               and rng.min_col <= len(header_cells) and header_cells[rng.min_col - 1] is not None else None)
        problems.append(Problem(
            label, f"cells {rng.coord} are merged; a merged cell hides which rows it belongs to",
            row=rng.min_row, column=col, accepted="unmerge the cells and write the value in every row"))
    return problems


def _records(rows_iter: Iterator[tuple[object, ...]], header: list[str], cells: _XlsxCells,
             label: str) -> tuple[list[list[str]], list[int], list[Problem], int]:
    """The rows below the header as text: ``(records, their rows, problems, rows refused)``.

    A row with a value beyond the header's last column, or a cell that shows no readable value,
    is refused (and counted once); an entirely empty row is skipped.
    """
    width = len(header)
    records, rownums = [], []
    problems: list[Problem] = []
    n_refused = 0  # rows read but not kept: each has its problems in ``problems``
    for i, values in enumerate(rows_iter, start=2):
        row = list(values)
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
    return records, rownums, problems, n_refused


def _hidden_problems(ws: Worksheet, read: set[int], header: list[str],
                     label: str) -> tuple[set[int], list[Problem]]:
    """The hidden rows among those ``read``, and a problem per hidden row and hidden column."""
    import openpyxl

    width = len(header)
    problems = []
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
            problems.append(Problem(label, f"column {column_letter(j)} is hidden; hidden columns are not read",
                                    row=1, column=header[j - 1], accepted="unhide the column, or delete it"))
    return set(hidden_rows), problems
