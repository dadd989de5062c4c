"""Write the binary files of the broken-input corpus (run from anywhere; output is committed).

Most cases in ``tests/broken/`` are plain text files that a reader can open. The files written here
are ones an editor shows wrongly or not at all: other encodings, invisible byte-order marks and line
endings, XLSX workbooks with merged or hidden cells, formulas or errors, Parquet. Each is built from the template
folder (``data/template/``) with one change, so that the case's ``expected.txt`` names one problem.

    python tests/broken/make_binary_cases.py            # rewrite the files in tests/broken/
    python tests/broken/make_binary_cases.py OUT_DIR    # write them under OUT_DIR instead

The output is byte-for-byte reproducible (``analysis.sheets.reproducible_xlsx`` fixes the clock readings), and
``tests/test_broken_inputs.py`` checks that the committed files equal a fresh run.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE.parents[1] / "data" / "template"


def _text(rel: str) -> str:
    return (TEMPLATE / rel).read_text(encoding="utf-8")


def _rows(rel: str) -> list[list[str]]:
    import csv
    return list(csv.reader(io.StringIO(_text(rel))))


def _workbook(rows, edit=None, *, title="codes", convert=None) -> bytes:
    """An XLSX workbook of ``rows`` (empty strings as empty cells), changed by ``edit(ws)``."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append([(convert or (lambda c: c))(c) if c != "" else None for c in r])
    if edit:
        edit(ws)
    from analysis.sheets import reproducible_xlsx

    wb.properties.creator = "make_binary_cases.py"
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible_xlsx(buf.getvalue())


def _number(cell: str):
    """Codes that Excel would store as numbers (1, 0, 12) become numbers."""
    return int(cell) if cell.isdigit() else cell


def build() -> dict[str, bytes]:
    """Every binary file of the corpus: ``{"<case>/<path in the event folder>": bytes}``."""
    import pandas as pd

    files: dict[str, bytes] = {}
    reports = _text("reports.csv")
    coder_a = _text("codes/coder_a.csv")
    coder_b = _text("codes/coder_b.csv")

    # Encodings. Excel on Windows saves "CSV (Comma delimited)" in Windows-1252 (Latin-1).
    files["03-latin1-reports/reports.csv"] = reports.replace(
        "Talks make progress", "Négociations: progrès").encode("cp1252")
    files["04-latin1-codes/codes/coder_a.csv"] = coder_a.replace(
        "no progress was made", "très peu de progrès").encode("cp1252")
    files["05-latin1-codebook/codebook.yaml"] = _text("codebook.yaml").replace(
        "label: Tone toward the government", "label: Ton envers le gouvernement (négatif à positif)"
    ).encode("cp1252")
    # Excel's "Unicode Text" is UTF-16 with a byte-order mark (and tabs, but the encoding is found first)
    files["06-utf16-codes/codes/coder_b.csv"] = coder_b.encode("utf-16")
    # A UTF-8 byte-order mark (Excel's "CSV UTF-8") is fine, in sheets and YAML alike.
    files["07-utf8-bom-reports/reports.csv"] = b"\xef\xbb\xbf" + reports.encode("utf-8")
    files["08-utf8-bom-codes-and-yaml/codes/coder_b.csv"] = b"\xef\xbb\xbf" + coder_b.encode("utf-8")
    files["08-utf8-bom-codes-and-yaml/event.yaml"] = b"\xef\xbb\xbf" + _text("event.yaml").encode("utf-8")
    # Line endings: Windows (\r\n) and Unix (\n) mixed in one file after an edit; old Mac (\r).
    lines = coder_a.splitlines(keepends=True)
    files["09-mixed-line-endings/codes/coder_a.csv"] = "".join(
        ln.replace("\n", "\r\n") if i % 2 else ln for i, ln in enumerate(lines)).encode("utf-8")
    files["09-mixed-line-endings/reports.csv"] = reports.replace("\n", "\r\n").encode("utf-8")
    files["10-cr-line-endings/codes/coder_a.csv"] = coder_a.replace("\n", "\r").encode("utf-8")

    # XLSX: coder_a's long sheet as a workbook, with one fault each.
    long_rows = _rows("codes/coder_a.csv")

    def merge(ws):
        ws.merge_cells("B2:B9")  # one "coder_a" cell spanning eight rows

    def hide_row(ws):
        ws.row_dimensions[5].hidden = True

    def hide_column(ws):
        ws.column_dimensions["E"].hidden = True  # the evidence column

    def note_beyond_header(ws):
        ws["G7"] = "check this one"

    def formula_without_result(ws):
        ws["D8"] = "=6*2"  # openpyxl, like any script, stores no result: the file does not say 12

    def error_cell(ws):
        ws["D5"] = "#REF!"  # an error cell, as Excel shows a formula whose reference was deleted

    for case, edit in (("45-xlsx-merged-cells", merge), ("46-xlsx-hidden-row", hide_row),
                       ("47-xlsx-hidden-column", hide_column),
                       ("48-xlsx-value-beyond-header", note_beyond_header),
                       ("80-xlsx-formula-without-result", formula_without_result),
                       ("81-xlsx-error-cell", error_cell)):
        files[f"{case}/codes/coder_a.xlsx"] = _workbook(long_rows, edit, convert=_number)

    # reports.xlsx with real date cells loads like reports.csv; a date typed as a number does not.
    import datetime as dt

    rep_rows = _rows("reports.csv")
    published = {"ex-1": dt.datetime(2024, 1, 2, 10, 0), "ex-2": dt.datetime(2024, 1, 2),
                 "ex-3": dt.datetime(2024, 1, 3, 6, 30)}  # ex-3: 08:30+02:00 in UTC

    def with_dates(ws):
        for row in ws.iter_rows(min_row=2):
            row[2].value = published[row[0].value]
            row[2].number_format = "yyyy-mm-dd hh:mm"

    def with_serial(ws):
        with_dates(ws)
        ws["C3"].value = 45293  # 2024-01-02 as Excel stores it, shown as a number ("General")
        ws["C3"].number_format = "General"

    files["51-reports-xlsx-date-cells/reports.xlsx"] = _workbook(rep_rows, with_dates, title="reports")
    files["52-excel-serial-date-xlsx/reports.xlsx"] = _workbook(rep_rows, with_serial, title="reports")
    # ... and next to reports.csv it is ambiguous: which of the two holds the reports?
    files["76-two-reports-tables/reports.xlsx"] = files["51-reports-xlsx-date-cells/reports.xlsx"]

    # Parquet: a long sheet whose figure column holds a negative number.
    long = pd.read_csv(TEMPLATE / "codes" / "coder_a.csv", dtype=str, keep_default_na=False)
    long.loc[(long["report_id"] == "ex-2") & (long["variable"] == "fig_deaths"), "value"] = "-12"
    buf = io.BytesIO()
    long.to_parquet(buf, index=False)
    files["53-parquet-negative-ratio/codes/coder_a.parquet"] = buf.getvalue()

    # YAML nested 2,000 levels deep: PyYAML's recursive reader would overflow the stack.
    files["66-yaml-nested-too-deep/codebook.yaml"] = ("variables: " + "[" * 2000 + "]" * 2000 + "\n").encode()
    return files


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else HERE
    for rel, data in build().items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
