"""Read a CSV sheet as text cells: UTF-8 only, one header row, rows that cannot be read named.

pyarrow parses the body (Python's csv module would be simpler, but pyarrow keeps reading 8
million rows near pandas' speed); the header, the encoding and unclosed quotes are checked here,
so that every message names the file and the row a spreadsheet user sees.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .cells import Table, check_header
from .errors import DataError, Problem

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.csv as pacsv

__all__ = ["read_csv"]

_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_ONLY_NEWLINES = re.compile(rb"[\r\n]*")


def read_csv(path: Path, name: str, *, categorical: bool = False) -> Table:
    """The cells of a CSV file as text (see ``sheets.read_table``); DataError for the whole file."""
    raw = path.read_bytes()
    header, body_start = _header(raw, name)
    if _ONLY_NEWLINES.fullmatch(raw, body_start) is not None:  # no rows, or only empty ones
        frame = pd.DataFrame({h: pd.Series([], dtype=object) for h in header})
        return Table(frame, np.zeros(0, dtype=np.int64), name, [], 0)
    # pyarrow drops a byte-order mark at the start of its input: give it one to drop, so that a
    # first row whose cell starts with U+FEFF keeps it (otherwise the file's bytes are not copied)
    if raw.startswith(_UTF8_BOM, body_start):
        data = memoryview(_UTF8_BOM + raw[body_start:])
    else:
        data = memoryview(raw)[body_start:]
    tbl, bad = _parse(data, header, categorical, name)
    frame, lengths, nul = _frame(tbl, header, categorical)
    del tbl
    n_total = len(frame) + len(bad)
    rows = _row_numbers(len(frame), bad)
    _check_closed_quotes(frame, rows, bad, data, name)
    return Table(frame, rows, name, _bad_row_problems(bad, name), n_total, lengths, nul)


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


def _header(raw: bytes, name: str) -> tuple[list[str], int]:
    """The checked header of the file's bytes, and where in the bytes the body starts."""
    text = _decode(raw, name)  # checks the whole file is UTF-8; only its header is kept as text
    skipped = 3 if raw.startswith(_UTF8_BOM) else 0  # bytes before text (a byte-order mark)
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
    return check_header(header, name), body_start


def _parse(data: memoryview, header: list[str], categorical: bool,
           name: str) -> tuple[pa.Table, list[pacsv.InvalidRow]]:
    """The body parsed by pyarrow, and the rows it could not read (in file order)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    bad: list[pacsv.InvalidRow] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append(row)
        return "skip"

    # dictionary-encoded text: each distinct cell is converted to Python once, not once per row
    kind = pa.dictionary(pa.int32(), pa.string()) if categorical else pa.string()

    def parse(threads: bool) -> pa.Table:
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
    return tbl, bad


def _frame(tbl: pa.Table, header: list[str], categorical: bool
           ) -> tuple[pd.DataFrame, dict[str, np.ndarray] | None, dict[str, np.ndarray] | None]:
    """The parsed cells as a DataFrame, with characters per cell and cells holding U+0000.

    The two are counted by pyarrow on its own strings (no Python object per cell); for a
    categorical read they are None (``read_table`` counts them on the categories).
    """
    import pyarrow.compute as pc

    if categorical:
        return tbl.unify_dictionaries().to_pandas(), None, None
    lengths = {h: pc.utf8_length(tbl.column(h)).to_numpy(zero_copy_only=False) for h in header}
    nul = {h: np.flatnonzero(pc.match_substring(tbl.column(h), "\x00").to_numpy(zero_copy_only=False))
           for h in header}
    frame = tbl.to_pandas()  # equal strings become one Python object (deduplicate_objects)
    for h in header:
        if frame[h].dtype != object:
            frame[h] = frame[h].astype(object)
    return frame, lengths, nul


def _row_numbers(n_frame: int, bad: list[pacsv.InvalidRow]) -> np.ndarray:
    """The spreadsheet row of each parsed row: the numbers not taken by rows that were skipped."""
    n_total = n_frame + len(bad)
    rows = np.arange(2, n_total + 2, dtype=np.int64)
    if len(bad):
        # a mask: np.setdiff1d would sort millions of rows
        bad_lines = np.array(sorted(r.number + 1 for r in bad if r.number is not None), dtype=np.int64)
        keep = np.ones(n_total, dtype=bool)
        inside = bad_lines[(bad_lines >= 2) & (bad_lines < n_total + 2)]
        keep[inside - 2] = False
        rows = rows[keep][:n_frame]
    return rows


def _bad_row_problems(bad: list[pacsv.InvalidRow], name: str) -> list[Problem]:
    """A problem per row with too few or too many cells."""
    problems = []
    for r in bad:
        kind = "shorter" if r.actual_columns < r.expected_columns else "longer"
        problems.append(Problem(
            name, f"the row has {r.actual_columns} cells, {kind} than the header's "
            f"{r.expected_columns}: '{r.text[:80]}'",
            row=None if r.number is None else r.number + 1,
            accepted=f"{r.expected_columns} comma-separated cells per row; quote cells that "
            "contain commas"))
    return problems


def _check_closed_quotes(frame: pd.DataFrame, rows: np.ndarray, bad: list[pacsv.InvalidRow],
                         data: memoryview, name: str) -> None:
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
