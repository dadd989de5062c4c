"""XLSX cells as a spreadsheet program shows them: formula results, formulas without one, errors.

Each test writes coder_b's wide sheet of ``data/template/`` as ``codes/coder_b.xlsx`` (row 2 is
ex-1, row 3 ex-2, row 4 ex-3; column E is progress_claim, H label_victims__evidence, K fig_deaths)
with openpyxl, and edits the workbook's XML where openpyxl cannot write what a spreadsheet program
writes. openpyxl stores a formula with no result (``<f>C3</f><v />``) and marks the workbook with
``<calcPr fullCalcOnLoad="1"/>``; a program that calculates (Excel, LibreOffice) stores the result
(``<c r="E3" t="str"><f>C3</f><v>asserted</v></c>``) and drops that mark.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis import DataError, load_event

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "data" / "template"
SHEET = "xl/worksheets/sheet1.xml"
NO_RESULT = ("open and save the file in a spreadsheet program (so it stores the formula's result), "
             "or paste values")
ERRORS = ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"]
N_VARIABLES = 8  # coder_b's sheet: eight variable columns (and four __evidence columns)


def _wide_rows() -> list[list]:
    frame = pd.read_csv(TEMPLATE / "codes" / "coder_b.csv", dtype=str, keep_default_na=False)
    rows = frame.to_numpy().tolist()
    return [list(frame.columns)] + [[c if c != "" else None for c in row] for row in rows]


def _workbook(edit=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "codes"
    for row in _wide_rows():
        ws.append(row)
    if edit:
        edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _edit_parts(data: bytes, **subs) -> bytes:
    """The workbook with regex substitutions applied to its parts: ``sheet=[(pattern, repl)]``,
    ``book=[...]`` (xl/workbook.xml)."""
    parts = {"sheet": SHEET, "book": "xl/workbook.xml"}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename).decode("utf-8")
            for key, changes in subs.items():
                if info.filename == parts[key]:
                    for pattern, repl in changes:
                        body, n = re.subn(pattern, repl, body)
                        assert n, f"{pattern!r} not found in {info.filename}"
            dst.writestr(info.filename, body.encode("utf-8"))
    return out.getvalue()


RECALCULATED = [(r' fullCalcOnLoad="1"', "")]  # what saving in Excel or LibreOffice leaves


def _result(ref: str, value: str, t: str | None = None) -> tuple[str, str]:
    """A substitution that stores ``value`` as the result of the formula in cell ``ref``."""
    attr = f' t="{t}"' if t else ""
    return (rf'<c r="{ref}"([^>]*)><f>([^<]*)</f><v\s*/>', rf'<c r="{ref}"\1{attr}><f>\2</f><v>{value}</v>')


def _folder(tmp_path: Path, data: bytes) -> Path:
    folder = shutil.copytree(TEMPLATE, tmp_path / "ev")
    (folder / "datapackage.json").unlink()
    (folder / "codes" / "coder_b.csv").unlink()
    (folder / "codes" / "coder_b.xlsx").write_bytes(data)
    return folder


def _set(**cells):
    def edit(ws):
        for ref, value in cells.items():
            ws[ref] = value
    return edit


def _lines(err) -> list[str]:
    return [str(p) for p in err.value.problems]


def _template_codes() -> pd.DataFrame:
    return load_event(TEMPLATE).codes


# --- stored results load as the cell shows them -----------------------------------------------

def test_formulas_with_stored_results_load_those_results(tmp_path):
    # E3 (ex-2's progress_claim, "asserted"), K2 (ex-1's fig_deaths, 12), H4 (ex-3's empty
    # label_victims__evidence): formulas whose stored results equal the template's cells
    data = _workbook(_set(E3='=IF(1,"asserted")', K2="=6*2", H4='=""'))
    data = _edit_parts(data, sheet=[_result("E3", "asserted", "str"), _result("K2", "12"),
                                    _result("H4", "", "str")], book=RECALCULATED)
    ev = load_event(_folder(tmp_path, data))
    pd.testing.assert_frame_equal(ev.codes, _template_codes())
    assert len(ev.rejected) == 0


def test_stored_boolean_and_text_results(tmp_path):
    # a text result "#N/A" is text, not an error (only an error cell is refused): as evidence it loads
    data = _workbook(_set(F3='=CONCAT("#N/","A")'))
    data = _edit_parts(data, sheet=[_result("F3", "#N/A", "str")], book=RECALCULATED)
    ev = load_event(_folder(tmp_path, data))
    got = ev.codes.query("coder == 'coder_b' and report_id == 'ex-2' and variable == 'progress_claim'")
    assert got["evidence"].tolist() == ["#N/A"]


def test_text_cell_reading_like_an_error_is_text(tmp_path):
    def edit(ws):
        ws["F3"] = "#N/A"
        ws["F3"].data_type = "s"  # typed with a leading quote: text, not an error
    ev = load_event(_folder(tmp_path, _workbook(edit)))
    got = ev.codes.query("coder == 'coder_b' and report_id == 'ex-2' and variable == 'progress_claim'")
    assert got["evidence"].tolist() == ["#N/A"]


# --- formulas without a result --------------------------------------------------------------------

def test_formula_without_result_is_refused_naming_the_cell(tmp_path):
    folder = _folder(tmp_path, _workbook(_set(E3="=C3")))  # openpyxl stores no result
    with pytest.raises(DataError) as err:
        load_event(folder)
    assert _lines(err) == [
        "codes/coder_b.xlsx, row 3, column progress_claim: cell E3 of sheet 'codes' holds the formula =C3, "
        "but the file stores no result for it, so what the cell shows is unknown; " + NO_RESULT]
    assert err.value.problems[0].value == "=C3"


def test_formula_without_result_through_python_m_analysis_validate(tmp_path):
    folder = _folder(tmp_path, _workbook(_set(E3="=C3")))
    run = subprocess.run([sys.executable, "-m", "analysis", "validate", str(folder)], cwd=ROOT,
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert ("- codes/coder_b.xlsx, row 3, column progress_claim: cell E3 of sheet 'codes' holds the "
            "formula =C3, but the file stores no result for it, so what the cell shows is unknown; "
            + NO_RESULT + "\n") in run.stdout
    assert "No problems found" not in run.stdout


def test_stored_result_in_a_workbook_that_asks_to_be_recalculated_is_refused(tmp_path):
    # XlsxWriter stores 0 for every formula and asks for recalculation: the 0 is no result
    data = _edit_parts(_workbook(_set(K2="=6*2")), sheet=[_result("K2", "0")])
    with pytest.raises(DataError) as err:
        load_event(_folder(tmp_path, data))
    assert _lines(err) == [
        "codes/coder_b.xlsx, row 2, column fig_deaths: cell K2 of sheet 'codes' holds the formula =6*2, "
        "and the workbook was saved by a program that does not calculate (it asks to be recalculated "
        "when opened), so the result stored for it cannot be trusted; " + NO_RESULT]


def test_sheet_not_first_is_named(tmp_path):
    def edit(ws):
        ws.title = "codes"
        ws["E3"] = "=C3"
    wb = openpyxl.load_workbook(io.BytesIO(_workbook(edit)))
    wb.create_sheet("notes", 0)
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(DataError) as err:
        load_event(_folder(tmp_path, buf.getvalue()))
    assert _lines(err)[0].startswith(
        "codes/coder_b.xlsx (sheet codes), row 3, column progress_claim: cell E3 of sheet 'codes' holds")


def test_shared_formula_is_shown_moved_to_its_cell(tmp_path):
    # Excel writes a formula filled down once, in the first cell; the others point at it
    data = _workbook(_set(E2="=C2", E3="=C3"))
    data = _edit_parts(data, sheet=[(r"<f>C2</f>", '<f t="shared" ref="E2:E3" si="0">C2</f>'),
                                    (r"<f>C3</f>", '<f t="shared" si="0"/>')])
    with pytest.raises(DataError) as err:
        load_event(_folder(tmp_path, data))
    assert [p.value for p in err.value.problems] == ["=C2", "=C3"]
    assert [p.row for p in err.value.problems] == [2, 3]


def test_cells_without_address_are_read_in_place(tmp_path):
    # the format lets a cell leave out its address (r="E3"): its place is counted (row 3 has no
    # empty cell, so none is left out)
    data = _edit_parts(_workbook(_set(E3="=C3")), sheet=[(r'<c r="[A-Z]+3"', "<c")])
    with pytest.raises(DataError) as err:
        load_event(_folder(tmp_path, data))
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [(3, "progress_claim", "=C3")]


def test_array_formula_without_result_refuses_every_cell_it_fills(tmp_path):
    from openpyxl.worksheet.formula import ArrayFormula

    def edit(ws):
        ws["K2"] = ArrayFormula("K2:K4", "=C2:C4")
    with pytest.raises(DataError) as err:
        load_event(_folder(tmp_path, _workbook(edit)))
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "fig_deaths"), (3, "fig_deaths"),
                                                               (4, "fig_deaths")]


def test_formula_in_an_otherwise_empty_row_is_not_skipped(tmp_path):
    with pytest.raises(DataError) as err:
        load_event(_folder(tmp_path, _workbook(_set(M6="=M4"))))
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [(6, "tone", "=M4")]


def test_formula_without_result_beyond_the_header(tmp_path):
    with pytest.raises(DataError) as err:
        load_event(_folder(tmp_path, _workbook(_set(P3="=C3"))))
    assert _lines(err) == ["codes/coder_b.xlsx, row 3: the row has a value beyond the last header "
                           "column: '=C3'; a header for every column with data"]


def test_header_formula_without_result_refuses_the_file_even_leniently(tmp_path):
    folder = _folder(tmp_path, _workbook(_set(M1='="to"&"ne"')))
    with pytest.raises(DataError) as err:
        load_event(folder, strict=False)
    assert _lines(err) == [
        "codes/coder_b.xlsx, row 1: cell M1 of sheet 'codes' holds the formula =\"to\"&\"ne\", but the "
        "file stores no result for it, so what the cell shows is unknown; " + NO_RESULT]


# --- error cells ----------------------------------------------------------------------------------

@pytest.mark.parametrize("error", ERRORS)
def test_error_typed_in_a_cell_is_refused(tmp_path, error):
    # openpyxl stores these texts as error cells (t="e"), as Excel does when one is typed
    with pytest.raises(DataError) as err:
        load_event(_folder(tmp_path, _workbook(_set(E3=error))))
    assert _lines(err) == [
        f"codes/coder_b.xlsx, row 3, column progress_claim: cell E3 of sheet 'codes' shows the error "
        f"{error}; correct the cell, or the formula behind it, so that it shows a value; or clear it"]
    assert err.value.problems[0].value == error


@pytest.mark.parametrize("error", ERRORS)
def test_error_result_of_a_formula_is_refused(tmp_path, error):
    data = _edit_parts(_workbook(_set(K2="=VLOOKUP(1,Z1:Z2,2)")),
                       sheet=[_result("K2", error.replace("&", "&amp;"), "e")], book=RECALCULATED)
    with pytest.raises(DataError) as err:
        load_event(_folder(tmp_path, data))
    assert _lines(err) == [
        f"codes/coder_b.xlsx, row 2, column fig_deaths: cell K2 of sheet 'codes' shows the error {error} "
        "(the formula =VLOOKUP(1,Z1:Z2,2)); correct the cell, or the formula behind it, so that it "
        "shows a value; or clear it"]


# --- lenient loading: the row is rejected, and every row is accounted for -------------------------

def test_lenient_load_rejects_the_row_and_counts_add_up(tmp_path):
    # ex-2 (row 3) has two bad cells: a formula without result and an error; the row counts once
    folder = _folder(tmp_path, _workbook(_set(E3="=C3", K3="#DIV/0!")))
    with pytest.raises(DataError) as err:
        load_event(folder)
    ev = load_event(folder, strict=False)
    assert [(r.file, r.row, r.column) for r in ev.rejected.itertuples()] == [
        ("codes/coder_b.xlsx", 3, "progress_claim"), ("codes/coder_b.xlsx", 3, "fig_deaths")]
    assert ev.rejected["reason"].tolist() == [p.message for p in err.value.problems]
    c = ev.counts["codes/coder_b.xlsx"]
    assert c["form"] == "wide"
    assert c["rows_read"] == 3 and c["rows_rejected_on_read"] == 1
    assert c["cells_read"] == (3 - 1) * N_VARIABLES
    assert c["cells_read"] == c["judgements_used"] + c["blank"] + c["rejected"]
    # the judgements used are the template's, less ex-2's row of coder_b
    ref = _template_codes()
    ref = ref[~((ref["coder"] == "coder_b") & (ref["report_id"] == "ex-2"))].reset_index(drop=True)
    pd.testing.assert_frame_equal(ev.codes.reset_index(drop=True), ref, check_categorical=False)
    assert c["judgements_used"] == int((ref["coder"] == "coder_b").sum())
