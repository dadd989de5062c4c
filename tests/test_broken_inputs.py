"""The broken-input corpus (tests/broken/): clear errors, nothing lost, identical reruns.

Each case is a folder ``tests/broken/<nn-short-name>/`` holding only what differs from
``data/template/``: files that replace or add to the template's, ``<name>.DELETE`` to delete a file
or folder, and ``expected.txt``. The test copies the template to a temporary folder, removes its
datapackage.json (unless the case brings one), and lays the case over it.

``expected.txt``: lines starting with ``#`` say what the case is; every other line is one problem
line of the :class:`analysis.DataError`, as ``str(Problem)`` prints it: ``file, row N (or line N),
column C: message; what is accepted``. The error must hold exactly these problems, in this order
(a line may also be a part of its problem's line). A case that must load says ``LOADS``; with
``SAME AS TEMPLATE`` it must load to the template's tables (the template re-encoded or re-laid).
Lines ``WARNING <line>`` list, in order, the warnings such a folder must load with (``Event.warnings``,
printed by ``validate`` under "Warnings:" with exit code 0); a case without them loads with none.

Binary inputs (other encodings, invisible byte-order marks and line endings, XLSX, Parquet) are
written by ``tests/broken/make_binary_cases.py``; the files are committed so a reader can open them,
and a test checks that they equal a fresh run of the script.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import DataError, Problem, load_event
from analysis import sheets
from analysis._yaml import MAX_YAML_BYTES
from analysis.cli import main

BROKEN = Path(__file__).resolve().parent / "broken"
TEMPLATE = Path(__file__).resolve().parents[1] / "data" / "template"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir() and (p / "expected.txt").is_file())
DELETE = ".DELETE"


def build_case(name: str, dst: Path) -> Path:
    """The template folder with case ``name`` laid over it, at ``dst``."""
    case = BROKEN / name
    shutil.copytree(TEMPLATE, dst)
    if not (case / "datapackage.json").exists():
        (dst / "datapackage.json").unlink()
    for src in sorted(case.rglob("*")):
        rel = src.relative_to(case)
        if src.is_dir() or rel.as_posix() == "expected.txt":
            continue
        if src.name.endswith(DELETE):
            target = dst / rel.as_posix()[: -len(DELETE)]
            assert target.exists(), f"{name}: {rel} deletes a path the template does not have"
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        else:
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst / rel)
    return dst


WARNING = "WARNING "


def expected_lines(name: str) -> list[str]:
    text = (BROKEN / name / "expected.txt").read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#") and not ln.startswith(WARNING)]


def expected_warnings(name: str) -> list[str]:
    text = (BROKEN / name / "expected.txt").read_text(encoding="utf-8")
    return [ln[len(WARNING):] for ln in text.splitlines() if ln.startswith(WARNING)]


def warning_lines(warnings: pd.DataFrame) -> list[str]:
    return [str(Problem(file=w.file, message=w.message, row=None if pd.isna(w.row) else int(w.row),
                        column=w.column if isinstance(w.column, str) else None))
            for w in warnings.itertuples(index=False)]


def folder_digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def as_lines(problems) -> list[str]:
    return [str(p) for p in problems]


def rejected_lines(rejected: pd.DataFrame) -> list[str]:
    return [str(Problem(file=r.file, message=r.reason, row=None if pd.isna(r.row) else int(r.row),
                        column=r.column if isinstance(r.column, str) else None,
                        accepted=r.accepted if isinstance(r.accepted, str) else None))
            for r in rejected.itertuples(index=False)]


def assert_every_row_accounted(ev, folder: Path) -> None:
    """Every row read from a coding sheet is used, blank or rejected with a listed reason.

    Long sheets: one value cell per row, so ``rows_read = judgements_used + blank + rejected +
    rows_rejected_on_read``. Wide sheets: one value cell per row and variable, so the cells of the
    rows that were read (``rows_read - rows_rejected_on_read`` times the sheet's variables) are
    ``judgements_used + blank + rejected``.
    """
    for file, c in ev.counts.items():
        kept_rows = c["rows_read"] - c["rows_rejected_on_read"]
        assert c["cells_read"] == c["judgements_used"] + c["blank"] + c["rejected"], (file, c)
        if c["form"] == "long":
            assert c["rows_read"] == c["judgements_used"] + c["blank"] + c["rejected"] + c["rows_rejected_on_read"]
        else:
            header = sheets.read_table(folder / file.split(" (sheet ")[0], file).frame.columns
            variables = {h.removesuffix("__evidence") for h in header if h not in ("report_id", "coder")}
            assert c["cells_read"] == kept_rows * len(variables), (file, c, variables)
        if c["rejected"] or c["rows_rejected_on_read"]:
            assert (ev.rejected["file"] == file).any(), f"{file}: rows rejected without a reason listed"
    assert sum(c["judgements_used"] for c in ev.counts.values()) == len(ev.codes)


def test_corpus_is_complete():
    assert len(CASES) >= 40
    dirs = sorted(p.name for p in BROKEN.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert dirs == CASES, "every case folder needs an expected.txt"
    for name in CASES:
        lines = expected_lines(name)
        assert lines, f"{name}: expected.txt names no problem (or LOADS)"
        comments = [ln for ln in (BROKEN / name / "expected.txt").read_text().splitlines() if ln.startswith("#")]
        assert comments, f"{name}: expected.txt should say in a # line what the case is"
    loads = [n for n in CASES if expected_lines(n)[0] == "LOADS"]
    assert {"07-utf8-bom-reports", "09-mixed-line-endings"} <= set(loads)


@pytest.mark.parametrize("name", CASES)
def test_case(name, tmp_path):
    folder = build_case(name, tmp_path / "ev")
    before = folder_digest(folder)
    expected = expected_lines(name)
    if expected[0] == "LOADS":
        ev = load_event(folder)
        assert len(ev.rejected) == 0
        assert warning_lines(ev.warnings) == expected_warnings(name)
        assert list(ev.warnings.columns) == ["file", "row", "column", "value", "message"]
        if "SAME AS TEMPLATE" in expected:
            ref = load_event(TEMPLATE)
            pd.testing.assert_frame_equal(ev.codes, ref.codes)
            pd.testing.assert_frame_equal(ev.reports, ref.reports)
            pd.testing.assert_frame_equal(ev.codebook, ref.codebook)
            assert ev.meta == ref.meta
        assert_every_row_accounted(load_event(folder, strict=False), folder)
        assert folder_digest(folder) == before
        return
    with pytest.raises(DataError) as err:
        load_event(folder)
    got = as_lines(err.value.problems)
    assert len(got) == len(expected), "\n".join(["got:"] + got)
    for e, g in zip(expected, got):
        assert e in g, f"\nexpected: {e}\ngot:      {g}"
    message = str(err.value)
    assert message.startswith(f"{len(got)} problem") and "Traceback" not in message
    for e in expected[:25]:
        assert e in message
    # identical reruns, and the input is only read
    with pytest.raises(DataError) as again:
        load_event(folder)
    assert str(again.value) == message
    assert folder_digest(folder) == before

    # lenient: a problem with a whole file still raises (the same problems); else the rows with
    # problems are left out, listed in Event.rejected, and every row is accounted for
    try:
        ev = load_event(folder, strict=False)
    except DataError as exc:
        assert as_lines(exc.problems) == got
    else:
        assert rejected_lines(ev.rejected) == got
        assert_every_row_accounted(ev, folder)


@pytest.mark.parametrize("name", CASES)
def test_case_through_the_command_line(name, tmp_path, capsys):
    folder = build_case(name, tmp_path / "ev")
    expected = expected_lines(name)
    code = main(["validate", str(folder)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    if expected[0] == "LOADS":
        assert code == 0 and "No problems found." in out.out
        warned = expected_warnings(name)
        assert ("Warnings:" in out.out) == bool(warned)
        for w in warned:
            assert f"- {w}" in out.out
    else:
        assert code == 1
        for e in expected:
            assert e in out.out


def _load_script():
    spec = importlib.util.spec_from_file_location("make_binary_cases", BROKEN / "make_binary_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_binary_files_match_their_script():
    built = _load_script().build()
    assert built
    for rel, data in built.items():
        path = BROKEN / rel
        assert path.is_file(), f"{rel} is missing: run python tests/broken/make_binary_cases.py"
        assert path.read_bytes() == data, f"{rel} differs from make_binary_cases.py's output"


# --- files far larger than any coding sheet ---------------------------------------------------

def _sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no disk space (a hole), or skip where that is refused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        try:
            fh.truncate(size)
        except OSError as exc:  # a file system without large or sparse files
            pytest.skip(f"cannot make a sparse file of {size:,} bytes here ({exc})")


def test_sheet_larger_than_the_limit_is_refused_unread(tmp_path):
    folder = shutil.copytree(TEMPLATE, tmp_path / "ev")
    (folder / "datapackage.json").unlink()
    size = sheets.MAX_FILE_BYTES + 1
    _sparse(folder / "codes" / "coder_c.csv", size)
    with pytest.raises(DataError) as err:
        load_event(folder)
    assert [str(p) for p in err.value.problems] == [
        f"codes/coder_c.csv: the file has {size:,} bytes, more than the {sheets.MAX_FILE_BYTES:,} bytes "
        "accepted; split it, or store large tables as Parquet"]


def test_max_bytes_applies_to_every_table(tmp_path):
    folder = shutil.copytree(TEMPLATE, tmp_path / "ev")
    (folder / "datapackage.json").unlink()
    size = (folder / "reports.csv").stat().st_size
    with pytest.raises(DataError) as err:
        load_event(folder, max_bytes=size - 1)
    assert str(err.value.problems[0]).startswith(
        f"reports.csv: the file has {size:,} bytes, more than the {size - 1:,} bytes accepted")
    assert len(load_event(folder, max_bytes=10_000).codes) == 46


def test_yaml_larger_than_the_limit_is_refused_unread(tmp_path):
    folder = shutil.copytree(TEMPLATE, tmp_path / "ev")
    (folder / "datapackage.json").unlink()
    _sparse(folder / "codebook.yaml", MAX_YAML_BYTES + 1)
    with pytest.raises(DataError, match=r"codebook.yaml: the file is larger than 5,242,880 bytes"):
        load_event(folder)


def test_workbook_that_unpacks_beyond_the_limit_is_refused(tmp_path):
    """An XLSX is a zip: its size on disk says little about what it unpacks to (zip bombs)."""
    folder = shutil.copytree(TEMPLATE, tmp_path / "ev")
    (folder / "datapackage.json").unlink()
    long = pd.read_csv(folder / "codes" / "coder_a.csv", dtype=str, keep_default_na=False)
    (folder / "codes" / "coder_a.csv").unlink()
    big = pd.concat([long] * 40, ignore_index=True)  # repetitive: compresses well
    big["coder"] = "coder_z"
    path = folder / "codes" / "coder_z.xlsx"
    big.to_excel(path, index=False)
    import zipfile
    with zipfile.ZipFile(path) as zf:
        unpacked = sum(i.file_size for i in zf.infolist())
    packed = path.stat().st_size
    assert packed < unpacked // 3
    limit = (packed + unpacked) // 2
    with pytest.raises(DataError) as err:
        load_event(folder, max_bytes=limit)
    assert str(err.value.problems[0]) == (
        f"codes/coder_z.xlsx: the workbook unpacks to {unpacked:,} bytes, more than the {limit:,} bytes "
        "accepted; split it, or store large tables as Parquet")


def test_loading_leaves_no_file_behind(tmp_path):
    folder = build_case("60-yaml-python-tag", tmp_path / "ev")
    cwd = set(os.listdir(os.getcwd()))
    before = folder_digest(folder)
    with pytest.raises(DataError):
        load_event(folder)
    assert folder_digest(folder) == before and set(os.listdir(os.getcwd())) == cwd
