"""Output safety: no formula runs when a written sheet is opened, and no file is ever half-written.

Spreadsheet programs run a cell that starts with ``= + - @`` (or tab, carriage return) as a
formula, so data such as a headline ``=HYPERLINK("http://x","y")`` must be written as text (OWASP,
"CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection). Numbers stay numbers.

Note: the HTML report must escape the same data (headlines, outlets, evidence) for HTML; that
is to be tested with the report module, not here.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import load_event
from analysis import sheets
from analysis.sheets import atomic_write_bytes, neutralise, safe_frame, write_blank_sheet, write_csv

PAYLOADS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1+1", "-2+3", "=cmd|' /C calc'!A0",
            "\t=1+1", "\r=1+1", "-inf", "+-", "-"]
NUMBERS = ["-3", "+1", "-2.5", "0", "12", "1e3", "-1.5E-3", ".5", "-.5"]
TEXT = ["yes", "Talks make progress", "", "ex-1", "a=b", "1+1", " =1", "’=1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_are_quoted(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("value", NUMBERS + TEXT)
def test_numbers_and_plain_text_are_left_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-3, 2.5, None, np.nan, True, pd.Timestamp("2024-01-02")])
def test_non_text_is_left_alone(value):
    out = neutralise(value)
    assert out is value or (out != out and value != value)


@given(st.text(max_size=20))
@settings(max_examples=300, deadline=None)
def test_neutralised_text_never_starts_a_formula(text):
    out = neutralise(text)
    starts_formula = out.startswith(sheets.FORMULA_PREFIXES)
    if starts_formula:
        float(out)  # only a plain number may start with + or -
        assert out[0] in "+-"
    assert out in (text, "'" + text)


def _frame():
    return pd.DataFrame({
        "headline": PAYLOADS[:4] + ["Talks held", None],
        "value": [-3, 2, 0, 12, -1, 5],                         # numbers: never quoted
        "as_text": ["-3", "=1", "+1+1", "ok", "-2+3", "-.5"],    # numbers in text stay too
        "label": pd.array(["=A1", "b", None, "@x", "c", "d"], dtype="string"),
        "kind": pd.Categorical(["=x", "y", "=x", "y", "y", "y"]),
        "=header": [1.5, -2.5, 0.0, 1.0, 2.0, 3.0],
    })


def test_safe_frame_quotes_text_cells_and_headers_only():
    frame = _frame()
    kept = frame.copy()
    out = safe_frame(frame)
    pd.testing.assert_frame_equal(frame, kept)  # the input is not changed
    assert list(out.columns) == ["headline", "value", "as_text", "label", "kind", "'=header"]
    assert out["headline"].tolist()[:4] == ["'" + p for p in PAYLOADS[:4]]
    assert out["headline"].tolist()[4] == "Talks held" and out["headline"].isna().tolist()[5]
    assert out["value"].tolist() == [-3, 2, 0, 12, -1, 5] and out["value"].dtype == np.int64
    assert out["as_text"].tolist() == ["-3", "'=1", "'+1+1", "ok", "'-2+3", "-.5"]
    assert out["label"].tolist()[:2] == ["'=A1", "b"] and out["label"].tolist()[3] == "'@x"
    assert out["kind"].tolist() == ["'=x", "y", "'=x", "y", "y", "y"]
    assert out["'=header"].tolist() == frame["=header"].tolist()


def test_safe_frame_of_columns_without_text():
    frame = pd.DataFrame({"a": pd.Series([1, 2], dtype=object), "b": [None, None],
                          "c": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    pd.testing.assert_frame_equal(safe_frame(frame), frame)


def test_write_csv_writes_payloads_as_text_and_numbers_as_numbers(tmp_path):
    path = tmp_path / "out" / "table.csv"
    write_csv(_frame(), path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0] == ["headline", "value", "as_text", "label", "kind", "'=header"]
    body = rows[1:]
    assert [r[0] for r in body[:4]] == ["'" + p for p in PAYLOADS[:4]]
    assert [r[1] for r in body] == ["-3", "2", "0", "12", "-1", "5"]
    assert [r[2] for r in body] == ["-3", "'=1", "'+1+1", "ok", "'-2+3", "-.5"]
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "@", "\t", "\r")), cell
            if cell.startswith(("+", "-")):
                float(cell)
    assert list(tmp_path.joinpath("out").iterdir()) == [path]  # no temporary file left


def test_blank_sheet_neutralises_data_from_the_folder(template_dir, tmp_path):
    """Headlines (and any text from reports.csv) reach the workbook only as text."""
    ev = load_event(template_dir)
    reports = ev.reports.copy()
    reports["headline"] = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1+1"]
    reports["outlet"] = ["-2+3", "Example Daily", "=1+1"]
    reports.loc[0, "report_id"] = "=ex-1"  # a hostile id must still round-trip in the codes sheet
    path = tmp_path / "sheet.xlsx"
    write_blank_sheet(reports, ev.codebook, coder="coder_c", path=path)
    wb = openpyxl.load_workbook(path)  # formulas load as formulas (data_type "f"): none may appear
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    info = wb["reports"]
    header = [c.value for c in info[1]]
    headlines = [r[header.index("headline")].value for r in info.iter_rows(min_row=2)]
    outlets = [r[header.index("outlet")].value for r in info.iter_rows(min_row=2)]
    assert sorted(headlines) == sorted(["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(1)", "'+1+1"])
    assert sorted(outlets) == sorted(["'-2+3", "Example Daily", "'=1+1"])
    codes = wb["codes"]
    assert sorted(c.value for c in codes["A"][1:]) == ["=ex-1", "ex-2", "ex-3"]


def test_blank_sheet_is_byte_for_byte_reproducible(template_dir, tmp_path):
    ev = load_event(template_dir)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_blank_sheet(ev.reports, ev.codebook, coder="coder_c", path=a)
    write_blank_sheet(ev.reports, ev.codebook, coder="coder_c", path=b)
    assert a.read_bytes() == b.read_bytes()


# --- atomic writes ------------------------------------------------------------------------------

class _Interrupted(BaseException):
    """Stands for a kill or Ctrl-C arriving in the middle of a write."""


@pytest.mark.parametrize("error", [OSError("disk full"), _Interrupted()])
def test_interrupted_write_leaves_the_old_file_and_no_partial_one(tmp_path, monkeypatch, error):
    path = tmp_path / "out.csv"
    path.write_bytes(b"old complete content\n")
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            self.fh.write(data[: len(data) // 2])  # half of it reaches the disk, then it stops
            raise error

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(type(error)):
        atomic_write_bytes(path, b"new content " * 1000)
    assert path.read_bytes() == b"old complete content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_interrupted_first_write_leaves_no_file(tmp_path, monkeypatch):
    def boom(*args):
        raise _Interrupted()
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(_Interrupted):
        atomic_write_bytes(tmp_path / "new.csv", b"data")
    assert list(tmp_path.iterdir()) == []


def test_write_replaces_in_one_rename(tmp_path, monkeypatch):
    """Up to the rename the old file is whole; the rename puts the whole new file in its place."""
    path = tmp_path / "out.csv"
    path.write_bytes(b"old")
    new = b"x" * 100_000
    real_replace = os.replace
    seen = []

    def checked_replace(src, dst):
        assert Path(dst) == path and Path(src).parent == tmp_path
        assert path.read_bytes() == b"old" and Path(src).read_bytes() == new
        seen.append(src)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", checked_replace)
    atomic_write_bytes(path, new)
    assert len(seen) == 1 and path.read_bytes() == new
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_written_file_has_ordinary_permissions(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    path = tmp_path / "new.csv"
    atomic_write_bytes(path, b"a")
    assert (path.stat().st_mode & 0o777) == (0o666 & ~umask)  # not the 0600 of a temporary file
    path.chmod(0o640)
    atomic_write_bytes(path, b"b")
    assert (path.stat().st_mode & 0o777) == 0o640 and path.read_bytes() == b"b"


def test_failed_csv_write_keeps_the_previous_output(tmp_path, monkeypatch):
    path = tmp_path / "table.csv"
    write_csv(pd.DataFrame({"a": [1]}), path)
    before = path.read_bytes()

    def boom(*args):
        raise _Interrupted()
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(_Interrupted):
        write_csv(pd.DataFrame({"a": [2]}), path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_datapackage_command_writes_an_ordinary_file(template_dir, tmp_path):
    from analysis.cli import main
    folder = shutil.copytree(template_dir, tmp_path / "ev")
    (folder / "datapackage.json").unlink()
    assert main(["datapackage", str(folder)]) == 0
    umask = os.umask(0)
    os.umask(umask)
    assert ((folder / "datapackage.json").stat().st_mode & 0o777) == (0o666 & ~umask)
    load_event(folder)
