"""Spreadsheets in and out: read CSV, XLSX and Parquet tables as text, write safe sheets.

Every reader returns the cells as strings (``""`` for an empty cell) with the row number a
spreadsheet user sees (the header is row 1), so that every later message can point at a cell.
Rows that cannot be read (too short, too long) are returned as problems, never dropped silently.
The readers live in :mod:`analysis.csv_sheet`, :mod:`analysis.xlsx_sheet` and
:mod:`analysis.parquet_sheet`, the checks they share in :mod:`analysis.cells`; this module holds
:func:`read_table`, which picks the reader, and the writers.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import stat
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .cells import MAX_CELL_CHARS, MAX_FILE_BYTES, TABLE_SUFFIXES, Table, cell_lengths, finish_table, map_distinct
from .csv_sheet import read_csv
from .errors import DataError, Problem
from .parquet_sheet import read_parquet
from .xlsx_sheet import read_xlsx

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["TABLE_SUFFIXES", "MAX_FILE_BYTES", "MAX_CELL_CHARS", "FORMULA_PREFIXES", "Table",
           "read_table", "map_distinct", "cell_lengths", "neutralise", "safe_frame",
           "atomic_write_bytes", "write_csv", "write_blank_sheet", "reproducible_xlsx"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
        table = read_csv(path, name, categorical=categorical)
    elif suffix == ".xlsx":
        table = read_xlsx(path, name, max_bytes=max_bytes)
    elif suffix == ".parquet":
        table = read_parquet(path, name, categorical=categorical)
    else:
        raise DataError(Problem(name, f"'{suffix}' files are not read",
                                accepted="tables are .csv, .xlsx or .parquet"))
    return finish_table(table, categorical=categorical)


_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: object) -> object:
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


def write_blank_sheet(reports: pd.DataFrame, codebook: pd.DataFrame, *, coder: str,
                      path: str | Path) -> None:
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

    if not coder or coder != coder.strip():
        raise DataError(Problem("(sheet)", f"coder name {coder!r} is empty or has spaces around it",
                                accepted="a name such as coder_a"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "codes"
    lists = wb.create_sheet("lists")
    lists.sheet_state = "hidden"
    info = wb.create_sheet("reports")
    _codes_sheet(ws, lists, reports["report_id"].tolist(), codebook, coder)
    _reports_sheet(info, reports)
    wb.properties.creator = "analysis"
    wb.properties.created = dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(Path(path), reproducible_xlsx(buf.getvalue()))


def _codes_sheet(ws: Worksheet, lists: Worksheet, ids: list[object], codebook: pd.DataFrame,
                 coder: str) -> None:
    """The sheet to fill in: a row per report, value and evidence columns per variable.

    Each value column's header carries the question (and codes) as a comment, and its cells a
    validation: a drop-down of the codes (listed in the hidden sheet ``lists``), or a number.
    """
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    header = ["report_id", "coder"]
    for v in codebook["variable"]:
        header += [v, v + EVIDENCE_SUFFIX_SHEET]
    ws.append(header)
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
        dv = _validation(row.variable, row.level, codes, k, lists)
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{n + 1}")
    ws.freeze_panes = "C2"


def _validation(variable: str, level: str, codes: list[object], k: int,
                lists: Worksheet) -> DataValidation:
    """The cells' validation of the k-th variable: its ``codes`` (listed in column k + 1 of
    ``lists``), or a number (>= 0 for a ratio variable)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if codes:
        lcol = get_column_letter(k + 1)
        lists.cell(row=1, column=k + 1, value=variable)
        for i, c in enumerate(codes, start=2):
            _text_cells([[lists.cell(row=i, column=k + 1, value=c)]])
        return DataValidation(type="list", formula1=f"=lists!${lcol}$2:${lcol}${len(codes) + 1}",
                              allow_blank=True, showErrorMessage=True, errorTitle="Not a code",
                              error=f"Choose one of the codes of {variable}")
    return DataValidation(type="decimal", operator="greaterThanOrEqual" if level == "ratio" else "between",
                          formula1="0" if level == "ratio" else "-1E+300",
                          formula2=None if level == "ratio" else "1E+300",
                          allow_blank=True, showErrorMessage=True, errorTitle="Not a number",
                          error=f"{variable} takes a number" + (" >= 0" if level == "ratio" else ""))


def _reports_sheet(info: Worksheet, reports: pd.DataFrame) -> None:
    """The side sheet that says which report each id is (outlet, time, headline, address)."""
    info.append(["report_id", "outlet", "published", "headline", "url"])
    for r in reports.itertuples(index=False):
        pub = getattr(r, "published", "")
        pub = pub.isoformat() if hasattr(pub, "isoformat") else ("" if pd.isna(pub) else str(pub))
        info.append([neutralise(_plain(getattr(r, c, ""))) if c != "published" else pub
                     for c in ("report_id", "outlet", "published", "headline", "url")])
    _text_cells(info)


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


def _text_cells(rows: Iterable[Iterable[Cell]]) -> None:
    """Keep text that starts with '=' text: openpyxl would otherwise store it as a formula.

    In the codes sheet the report_id and coder must read back as they are (a quote prefix would
    change them), and a text cell is never computed, so the type is set instead of a prefix.
    """
    for row in rows:
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def _plain(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)
