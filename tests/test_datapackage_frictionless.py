"""The datapackage.json files read by the reference implementation, frictionless-py.

frictionless checks the descriptor against the Data Package and Table Schema specifications and
reads every resource: its format, encoding, header and each cell against the field's type.

References
----------
Frictionless Data, "Data Package" and "Table Schema" specifications, https://specs.frictionlessdata.io/
"""
import shutil
from pathlib import Path

import frictionless
import pytest

from analysis import load_event
from analysis.cli import main
from analysis.sheets import write_blank_sheet

DATA = Path(__file__).resolve().parents[1] / "data"
DESCRIPTORS = sorted(DATA.glob("*/datapackage.json"))


def _errors(report) -> list:
    return report.flatten(["type", "note"]) + [(t.name, e.type, e.note) for t in report.tasks for e in t.errors]


def test_every_bundled_event_folder_has_a_descriptor():
    assert {p.parent.name for p in DESCRIPTORS} >= {"template", "cairo-talks-2024-04", "ahli-hospital-2023-10"}


@pytest.mark.parametrize("descriptor", DESCRIPTORS, ids=lambda p: p.parent.name)
def test_bundled_datapackage_is_valid(descriptor):
    report = frictionless.validate(str(descriptor))
    assert report.valid, _errors(report)
    assert len(report.tasks) == len(frictionless.Package(str(descriptor)).resources)  # every table was read


def _event_copy(template_dir: Path, tmp_path: Path) -> Path:
    folder = shutil.copytree(template_dir, tmp_path / "ev")
    event = load_event(folder)
    write_blank_sheet(event.reports, event.codebook, coder="coder_c", path=folder / "codes" / "coder_c.xlsx")
    (folder / "terms.csv").write_text("report_id,term,count\nex-1,talks,3\nex-2,ceasefire,12\n", encoding="utf-8")
    (folder / "datapackage.json").unlink()
    assert main(["datapackage", str(folder)]) == 0
    return folder


def test_written_descriptor_is_valid_with_a_workbook_and_counts(template_dir, tmp_path):
    folder = _event_copy(template_dir, tmp_path)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, _errors(report)
    kinds = {r.path: r.format for r in frictionless.Package(str(folder / "datapackage.json")).resources}
    assert kinds["codes/coder_c.xlsx"] == "xlsx" and kinds["terms.csv"] == "csv"


def test_frictionless_reads_the_cells_against_the_schema(template_dir, tmp_path):
    # the check can fail: a count that is not a whole number breaks the schema the writer declared
    folder = _event_copy(template_dir, tmp_path)
    (folder / "terms.csv").write_text("report_id,term,count\nex-1,talks,many\n", encoding="utf-8")
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert not report.valid
    assert [(t.name, e.type) for t in report.tasks for e in t.errors] == [("terms", "type-error")]
