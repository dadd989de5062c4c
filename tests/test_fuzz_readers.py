"""Property-based fuzzing of the readers, and proof that reading runs nothing.

What is asserted:

* Any bytes, any text, any workbook or Parquet table given to ``analysis.sheets.read_table`` and
  ``analysis._yaml.read_yaml`` either load or raise :class:`analysis.DataError`, never another
  exception. A table that loads gives text cells, one spreadsheet row number per row (increasing,
  from 2), and ``n_read`` = rows kept + rows refused with a problem (each once, however many of
  its cells are named).
* Well-formed CSV (any cells, quoted commas, quotes and line breaks, any line endings, with or
  without a byte-order mark or a final line break) reads back cell for cell, each row with the
  row number a spreadsheet shows; entirely empty rows are skipped.
* ``load_event`` on fuzzed coding sheets (long or wide; CSV, XLSX or Parquet; valid codes, near
  misses such as 'Yes ', numbers, blanks, unknown ids and variables, duplicates, long evidence,
  short and long rows, blank lines) either raises DataError or loads; and a lenient load
  (``strict=False``) accounts for every row of every sheet (see ``assert_every_row_accounted``:
  long sheets by rows, ``rows_read = judgements_used + blank + rejected + rows_rejected_on_read``;
  wide sheets by cells, one per row read and variable). A strict load succeeds exactly when the
  lenient one rejected nothing, and then gives the same codes. Reruns give identical results.
* Fuzzed event.yaml and codebook.yaml documents load or raise DataError.
* Nothing is executed: YAML tags that would build objects or run code are refused, and the
  package source uses no pickle, eval, exec, unsafe YAML loading or network modules.

Each test has ``max_examples`` and ``deadline=None``; the whole file runs in well under a minute.
Strategies are defined at the top, in one place.
"""
from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis import DataError, load_event
from analysis._yaml import read_yaml
from analysis.parquet_sheet import parquet_as_text as _parquet_as_text
from analysis.sheets import read_table
from test_broken_inputs import assert_every_row_accounted

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "data" / "template"
PACKAGE = ROOT / "analysis"
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- strategies -----------------------------------------------------------------------------------

TRICKY = ',"\n\r\t ;|\'=+-@é’€\ufeff\x00\u2028'
cell_text = st.text(alphabet=st.sampled_from(list(TRICKY) + list("ab1.")), max_size=8)
csv_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                   max_size=12) | st.sampled_from(["", " ", '"', '""', "a,b", "x\ny", "\r", "1e3", "-3"])
header_name = st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True)
line_end = st.sampled_from(["\n", "\r\n", "\r"])
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])
yaml_alphabet = st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\n\t ") + list("ab01yY.") + ["!!python/object/apply:os.system",
                                                                                    "&a ", "*a", "<<: ", "---\n"])
yaml_text = st.lists(yaml_alphabet, max_size=60).map("".join)
scalar = (st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False)
          | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10)
          | st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
plain_data = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=6) | st.integers(0, 9), inner, max_size=4),
                          max_leaves=20)

TEMPLATE_CODEBOOK = read_yaml(TEMPLATE / "codebook.yaml", "codebook.yaml")
VARIABLES = [v["name"] for v in TEMPLATE_CODEBOOK["variables"]]
CODES = {v["name"]: [str(c) for c in v.get("values", {})] for v in TEMPLATE_CODEBOOK["variables"]}
value_text = st.one_of(
    st.sampled_from(sorted({c for cs in CODES.values() for c in cs})),      # codes (of some variable)
    st.sampled_from(["Yes ", "YES", " no", "Civilians", "1.0", "maybe"]),    # near misses
    st.sampled_from(["12", "0", "-3", "1,200", "1e3", "inf", "nan", "twelve", "=1+1"]),
    st.just(""), st.just(" "), cell_text)
evidence_text = st.one_of(st.just(""), st.sampled_from(["the ministry said", "twelve civilians were killed",
                                                      " ".join(["word"] * 13), "a, \"quoted\"\nline"]),
                          cell_text)
report_ids = st.sampled_from(["ex-1", "ex-2", "ex-3", "ex-9", "", " ex-1"])
coders = st.sampled_from(["coder_f", "coder_f", "coder_a", "", "coder f "])


@st.composite
def coding_sheets(draw):
    """A coding sheet as (header, rows), long or wide, with the faults a coder may make."""
    if draw(st.booleans()):
        header = ["report_id", "coder", "variable", "value"] + (["evidence"] if draw(st.booleans()) else [])
        var = st.sampled_from(VARIABLES + ["tones", ""])
        rows = draw(st.lists(st.tuples(report_ids, coders, var, value_text, evidence_text), max_size=12))
        rows = [list(r[: len(header)]) for r in rows]
    else:
        chosen = draw(st.lists(st.sampled_from(VARIABLES), min_size=0, max_size=5, unique=True))
        evid = draw(st.lists(st.sampled_from(VARIABLES), max_size=2, unique=True))
        header = ["report_id", "coder"] + chosen + [v + "__evidence" for v in evid]
        if draw(st.integers(0, 9)) == 0:
            header.append("mood")  # an unknown column: a problem with the whole sheet
        rows = draw(st.lists(st.tuples(report_ids, coders, st.lists(value_text, min_size=len(header) - 2,
                                                                        max_size=len(header) - 2)),
                             max_size=8))
        rows = [[r[0], r[1]] + r[2] for r in rows]
    return header, rows


@st.composite
def sheet_files(draw):
    """A coding sheet written as CSV (any line ending, maybe a BOM, maybe broken rows), XLSX or Parquet."""
    header, rows = draw(coding_sheets())
    fmt = draw(st.sampled_from(["csv", "csv", "csv", "xlsx", "parquet"]))
    if fmt == "csv":
        faults = draw(st.lists(st.sampled_from(["short", "long", "blank", "none"]), min_size=len(rows),
                               max_size=len(rows)))
        out = []
        for r, fault in zip(rows, faults):
            if fault == "short" and len(r) > 1:
                r = r[:-1]
            elif fault == "long":
                r = r + ["extra"]
            elif fault == "blank":
                out.append([])
            out.append(r)
        buf = io.StringIO()
        csv.writer(buf, lineterminator=draw(line_end)).writerows([header] + out)
        text = buf.getvalue()
        data = (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")
    elif fmt == "xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "codes"
        for r in [header] + rows:
            ws.append([_xlsx_value(c) for c in r])
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    else:
        frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(
            {h: pd.Series([], dtype=object) for h in header})
        buf = io.BytesIO()
        frame.astype(str).to_parquet(buf, index=False)
        data = buf.getvalue()
    return fmt, data


def _xlsx_value(cell: str):
    """What Excel would store: numbers as numbers, the rest as text (control characters dropped)."""
    cell = _xlsx_safe(cell)
    if cell.strip() == "":
        return None
    return int(cell) if cell.isascii() and cell.isdigit() else cell


def _xlsx_safe(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    return ILLEGAL_CHARACTERS_RE.sub("", text)


# --- helpers ----------------------------------------------------------------------------------------

def _csv_line(cells) -> str:
    """One RFC 4180 record: a cell with a comma, quote or line break (\r too) is quoted.

    (Python's csv.writer leaves a lone \r unquoted when the line terminator is \n, which every
    reader then takes for a line break.)
    """
    return ",".join('"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\r\n') else c
                    for c in cells)


def _check_table(table) -> None:
    f = table.frame
    assert len(f) == len(table.rows)
    assert all(isinstance(h, str) for h in f.columns)
    for col in f.columns:
        assert all(isinstance(v, str) for v in f[col].tolist())
    assert np.all(table.rows >= 2) and np.all(np.diff(table.rows) > 0)
    assert table.n_read == len(f) + len({p.row for p in table.problems})
    for p in table.problems:
        assert p.row is not None and p.row >= 2


def _read(name: str, data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            table = read_table(path, name)
        except DataError as exc:
            assert exc.problems and all(p.file.startswith(name) for p in exc.problems)
            with pytest.raises(DataError) as again:  # the categorical reader refuses it alike
                read_table(path, name, categorical=True)
            assert again.value.problems == exc.problems
            return None
        _check_table(table)
        _check_same_as_categorical(table, read_table(path, name, categorical=True))
        return table


def _check_same_as_categorical(table, cat):
    """The categorical reader gives the same cells, rows and problems as the plain one."""
    assert all(isinstance(cat.frame[c].dtype, pd.CategoricalDtype) for c in cat.frame.columns)
    assert list(cat.frame.columns) == list(table.frame.columns)
    for c in table.frame.columns:
        assert cat.frame[c].astype(object).tolist() == table.frame[c].tolist()
    assert cat.rows.tolist() == table.rows.tolist()
    assert cat.problems == table.problems and cat.n_read == table.n_read


def _folder(tmp: str) -> Path:
    folder = Path(shutil.copytree(TEMPLATE, Path(tmp) / "ev"))
    (folder / "datapackage.json").unlink()
    return folder


# --- CSV ----------------------------------------------------------------------------------------------

@given(st.binary(max_size=300))
@settings(FUZZ, max_examples=150)
def test_csv_any_bytes_load_or_raise_data_error(data):
    _read("any.csv", data)


@given(st.lists(st.lists(cell_text, min_size=1, max_size=4), min_size=1, max_size=6), line_end, encodings)
@settings(FUZZ, max_examples=150)
def test_csv_ragged_text_in_any_encoding_loads_or_raises_data_error(rows, end, encoding):
    text = end.join(",".join(r) for r in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    _read("ragged.csv", data)


@given(st.lists(header_name, min_size=1, max_size=4, unique=True), st.data(), line_end, st.booleans(),
       st.booleans())
@settings(FUZZ, max_examples=150)
def test_well_formed_csv_reads_back_cell_for_cell(header, data, end, bom, final_newline):
    rows = data.draw(st.lists(st.lists(csv_cell, min_size=len(header), max_size=len(header)), max_size=6))
    text = "".join(_csv_line(r) + end for r in [header] + rows)
    if not final_newline:
        text = text[: -len(end)]
    table = _read("ok.csv", (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    assert table is not None and not table.problems
    kept = [(i + 2, r) for i, r in enumerate(rows) if any(c != "" for c in r)]
    assert list(table.frame.columns) == header
    assert table.frame.values.tolist() == [r for _, r in kept]
    assert table.rows.tolist() == [n for n, _ in kept]


# --- XLSX and Parquet -----------------------------------------------------------------------------

xlsx_cell = st.one_of(st.none(), cell_text.map(_xlsx_safe).filter(lambda s: not s.startswith("=")),
                      st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                      st.booleans(), st.datetimes(dt.datetime(1950, 1, 1), dt.datetime(2090, 1, 1)),
                      # openpyxl stores these as error cells, and "=..." as formulas with no result
                      st.sampled_from(["#N/A", "#REF!", "#DIV/0!", "=1+1", "=A1"]))


@given(st.lists(st.lists(xlsx_cell, max_size=5), max_size=6), st.sets(st.integers(1, 7), max_size=2),
       st.sets(st.sampled_from("ABCDEF"), max_size=1), st.booleans(), st.booleans())
@settings(FUZZ, max_examples=50)
def test_xlsx_loads_or_raises_data_error(rows, hidden_rows, hidden_cols, merge, other_sheet_first):
    wb = openpyxl.Workbook()
    ws = wb.active
    if other_sheet_first:
        ws.title = "notes"
        ws.append(["not the codes"])
        ws = wb.create_sheet("codes")
    for r in rows:
        ws.append(r)
    for r in hidden_rows:
        ws.row_dimensions[r].hidden = True
    for c in hidden_cols:
        ws.column_dimensions[c].hidden = True
    if merge:
        ws.merge_cells("B2:B3")
    buf = io.BytesIO()
    wb.save(buf)
    table = _read("sheet.xlsx", buf.getvalue())
    if table is not None and rows and not merge and not hidden_cols and not hidden_rows:
        header = [None if c == "" else c for c in rows[0]]  # openpyxl keeps no empty text cells
        while header and header[-1] is None:
            header.pop()
        assert len(table.frame.columns) == len(header)


@given(st.binary(max_size=200))
@settings(FUZZ, max_examples=50)
def test_xlsx_and_parquet_any_bytes_raise_data_error(data):
    assert _read("junk.xlsx", data) is None or data == b""
    _read("junk.parquet", data)


@given(st.lists(st.tuples(st.floats(), st.text(max_size=5), st.integers(-5, 5), st.booleans()), max_size=8))
@settings(FUZZ, max_examples=40)
def test_parquet_of_any_types_loads_as_text(rows):
    frame = pd.DataFrame(rows, columns=["f", "s", "i", "b"]) if rows else pd.DataFrame(
        {"f": pd.Series([], dtype=float), "s": pd.Series([], dtype=object), "i": pd.Series([], dtype=int),
         "b": pd.Series([], dtype=bool)})
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    table = _read("t.parquet", buf.getvalue())
    if any("\x00" in r[1] for r in rows):  # refused: a text holding U+0000
        assert table is None
        return
    assert table is not None
    whole = [v for v in frame["f"] if np.isfinite(v) and abs(v) < 2**53 and v == int(v)] if len(frame) else []
    assert all(str(int(v)) in table.frame["f"].tolist() for v in whole)
    # the pyarrow path (one conversion per distinct value) gives the cells pandas' path gives
    assert table.frame.equals(_pandas_parquet_cells(buf))


@given(st.lists(st.tuples(st.one_of(st.none(), st.floats()), st.one_of(st.none(), st.text(max_size=3)),
                          st.one_of(st.none(), st.integers(-3, 3)), st.one_of(st.none(), st.booleans())),
                max_size=8), st.booleans())
@settings(FUZZ, max_examples=40)
def test_parquet_with_nulls_and_chunks_reads_as_pandas_does(rows, dictionary):
    import pyarrow as pa
    import pyarrow.parquet as pq
    frame = pd.DataFrame(rows, columns=["f", "s", "i", "b"], dtype=object)
    frame["f"] = frame["f"].astype(float)
    tbl = pa.Table.from_pandas(frame, preserve_index=False) if rows else pa.table(
        {"f": pa.array([], pa.float64()), "s": pa.array([], pa.string())})
    buf = io.BytesIO()
    pq.write_table(tbl, buf, use_dictionary=dictionary, row_group_size=3)
    table = _read("n.parquet", buf.getvalue())
    if table is None:  # refused: only for a text holding U+0000
        assert any(isinstance(r[1], str) and "\x00" in r[1] for r in rows)
        return
    assert table.frame.equals(_pandas_parquet_cells(buf))


def _pandas_parquet_cells(buf):
    """The cells as the pandas path reads them, entirely empty rows left out as read_table does."""
    frame = _parquet_as_text(pd.read_parquet(io.BytesIO(buf.getvalue())), "x.parquet").frame
    return frame[(frame != "").any(axis=1)].reset_index(drop=True)


# --- YAML -------------------------------------------------------------------------------------------

def _read_yaml(data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_bytes(data)
        try:
            return read_yaml(path, "x.yaml")
        except DataError as exc:
            assert exc.problems[0].file == "x.yaml"
            return exc


@given(yaml_text)
@settings(FUZZ, max_examples=400)
def test_yaml_any_text_loads_or_raises_data_error(text):
    _read_yaml(text.encode("utf-8"))


@given(st.binary(max_size=200))
@settings(FUZZ, max_examples=150)
def test_yaml_any_bytes_load_or_raise_data_error(data):
    _read_yaml(data)


@given(plain_data)
@settings(FUZZ, max_examples=200)
def test_plain_yaml_reads_back_as_written(value):
    # allow_unicode=False: PyYAML's own dump of U+0085 with allow_unicode=True does not read back
    text = yaml.safe_dump(value, allow_unicode=False)
    assert _read_yaml(text.encode("utf-8")) == value


@given(st.integers(150, 3000), st.sampled_from(["[", "{a: ", "- ", "a:\n  "]))
@settings(FUZZ, max_examples=15)
def test_deeply_nested_yaml_loads_or_raises_data_error(depth, opener):
    if opener == "a:\n  ":
        text = "".join("  " * i + "a:\n" for i in range(depth)) + "  " * depth + "b"
    else:
        text = opener * depth + "x"
    got = _read_yaml(text.encode())
    assert isinstance(got, (DataError, list, dict))


# --- load_event on fuzzed sheets and YAML ------------------------------------------------------------

@pytest.mark.slow  # several seconds: run by the full suite, not the fast tier
@given(st.lists(sheet_files(), min_size=1, max_size=2), st.booleans())
@settings(FUZZ, max_examples=60)
def test_load_event_on_fuzzed_sheets_accounts_for_every_row(sheets_, keep_template_sheets):
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(tmp)
        if not keep_template_sheets:
            shutil.rmtree(folder / "codes")
            (folder / "codes").mkdir()
        for k, (fmt, data) in enumerate(sheets_):
            (folder / "codes" / f"fuzz_{k}.{fmt}").write_bytes(data)
        try:
            ev = load_event(folder, strict=False)
        except DataError as exc:
            assert exc.problems
            with pytest.raises(DataError):
                load_event(folder)
            return
        assert_every_row_accounted(ev, folder)
        again = load_event(folder, strict=False)
        pd.testing.assert_frame_equal(again.codes, ev.codes)
        pd.testing.assert_frame_equal(again.rejected, ev.rejected)
        assert again.counts == ev.counts
        if len(ev.rejected):
            with pytest.raises(DataError) as err:
                load_event(folder)
            assert len(err.value.problems) == len(ev.rejected)
        else:
            pd.testing.assert_frame_equal(load_event(folder).codes, ev.codes)


codebook_docs = st.fixed_dictionaries({"variables": st.lists(st.one_of(
    st.fixed_dictionaries({"name": st.sampled_from(VARIABLES + ["x", "bad name", "a__b"]) | scalar},
                          optional={"level": st.sampled_from(["nominal", "ordinal", "interval", "ratio", "x"]) | scalar,
                                    "values": plain_data, "role": st.sampled_from(
                                        ["frame_item", "claim", "label", "source", "fact", "figure", "other"]) | scalar,
                                    "question": scalar, "frame": plain_data, "fact": plain_data,
                                    "figure": plain_data, "attribution": plain_data, "contradicts": plain_data,
                                    "yes": plain_data, "reverse": plain_data}),
    plain_data), max_size=4)}, optional={"frames": plain_data, "title": plain_data})
event_docs = st.fixed_dictionaries({}, optional={
    "id": scalar, "title": scalar, "start": scalar, "end": scalar, "description": plain_data,
    "facts": plain_data, "figures": plain_data, "max_evidence_words": scalar})


@pytest.mark.slow  # several seconds: run by the full suite, not the fast tier
@given(st.one_of(codebook_docs, plain_data), st.one_of(event_docs, plain_data))
@settings(FUZZ, max_examples=120)
def test_load_event_on_fuzzed_codebook_and_event_yaml(codebook, event):
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(tmp)
        (folder / "codebook.yaml").write_text(yaml.safe_dump(codebook, allow_unicode=True), encoding="utf-8")
        (folder / "event.yaml").write_text(yaml.safe_dump(event, allow_unicode=True), encoding="utf-8")
        try:
            load_event(folder, strict=False)
        except DataError as exc:
            assert exc.problems


# --- nothing executed ------------------------------------------------------------------------------

PAYLOADS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_call [['touch', '{marker}']]",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/object/apply:builtins.exec [\"open('{marker}', 'w')\"]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:argparse.Namespace {{a: 1}}",
    "!python/object/apply:os.system ['touch {marker}']",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("file", ["event.yaml", "codebook.yaml"])
def test_yaml_payloads_are_refused_and_run_nothing(tmp_path, payload, file):
    marker = tmp_path / "ran"
    folder = shutil.copytree(TEMPLATE, tmp_path / "ev")
    (folder / "datapackage.json").unlink()
    text = (folder / file).read_text()
    (folder / file).write_text(text + "extra: " + payload.format(marker=marker) + "\n")
    with pytest.raises(DataError) as err:
        load_event(folder)
    assert not marker.exists()
    assert err.value.problems[0].file == file and "tag" in str(err.value)
    assert not marker.exists()
    # and the reader alone, on the payload as the whole document
    (tmp_path / "p.yaml").write_text(payload.format(marker=marker) + "\n")
    with pytest.raises(DataError, match="unsupported YAML"):
        read_yaml(tmp_path / "p.yaml", "p.yaml")
    assert not marker.exists()


BANNED_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "shelve", "marshal", "joblib",
                  "urllib", "urllib2", "urllib3", "requests", "httpx", "http", "socket", "ftplib", "smtplib",
                  "telnetlib", "xmlrpc"}
BANNED_CALLS = {"eval", "exec", "compile", "__import__"}
BANNED_ATTRIBUTES = {("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"), ("yaml", "load_all"),
                     ("yaml", "unsafe_load_all"), ("yaml", "full_load_all"), ("yaml", "Loader"),
                     ("yaml", "UnsafeLoader"), ("yaml", "FullLoader"), ("yaml", "CLoader"),
                     ("pd", "read_pickle"), ("pandas", "read_pickle"), ("os", "system"), ("os", "popen")}


def _unsafe_uses(path: Path, root: Path = ROOT) -> list[str]:
    """Imports of pickle/network modules, eval/exec calls, unsafe YAML loaders, read_pickle.

    The source is parsed rather than searched as text, so that prose ("requests", "evaluation")
    in docstrings and comments does not count, while every real use does, however it is spelled
    (``from yaml import load``, ``importlib.import_module("pickle")``, ``x.to_pickle(...)``).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []

    def where(node):
        return f"{path.relative_to(root)}:{node.lineno}"

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in BANNED_MODULES:
                    found.append(f"{where(node)} import {a.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in BANNED_MODULES:
                found.append(f"{where(node)} from {node.module} import ...")
            if node.module == "yaml":
                for a in node.names:
                    if ("yaml", a.name) in BANNED_ATTRIBUTES:
                        found.append(f"{where(node)} from yaml import {a.name}")
        elif isinstance(node, ast.Call):
            fn = node.func
            if isinstance(fn, ast.Name) and fn.id in BANNED_CALLS:
                found.append(f"{where(node)} {fn.id}(...)")
            if isinstance(fn, ast.Attribute) and fn.attr in ("to_pickle", "read_pickle", "eval"):
                found.append(f"{where(node)} .{fn.attr}(...)")
            if isinstance(fn, (ast.Name, ast.Attribute)) and getattr(fn, "attr", getattr(fn, "id", "")) in (
                    "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant) \
                    and str(node.args[0].value).split(".")[0] in BANNED_MODULES:
                found.append(f"{where(node)} import_module({node.args[0].value!r})")
            for kw in node.keywords:
                if kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    found.append(f"{where(node)} allow_pickle=...")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in BANNED_ATTRIBUTES:
                found.append(f"{where(node)} {node.value.id}.{node.attr}")
    return found


def test_package_source_has_no_unsafe_calls():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 5
    found = [hit for f in files for hit in _unsafe_uses(f)]
    assert not found, "unsafe code in the package:\n" + "\n".join(found)


def test_the_source_scan_finds_what_it_looks_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import pickle\nfrom urllib.request import urlopen\nimport socket, requests\n"
                   "import yaml\nx = yaml.load(s)\ny = eval('1')\nexec('2')\nimport importlib\n"
                   "importlib.import_module('pickle')\nimport numpy as np\nnp.load(f, allow_pickle=True)\n"
                   "df.to_pickle('x')\nfrom yaml import unsafe_load\n"
                   "ok = yaml.safe_load(s)  # allowed; and prose: requests, evaluation, pickled\n")
    text = "\n".join(_unsafe_uses(bad, tmp_path))
    for needle in ["import pickle", "from urllib.request", "import socket", "import requests", "yaml.load",
                   "eval(", "exec(", "import_module('pickle')", "allow_pickle", ".to_pickle",
                   "from yaml import unsafe_load"]:
        assert needle in text, needle
    assert not any(hit.startswith("bad.py:14 ") for hit in text.splitlines())  # safe_load and prose


# --- U+0000 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("categorical", [False, True])
def test_a_cell_holding_nul_is_refused_by_name(tmp_path, categorical):
    # pandas groups "r1\x00x" with "r1" (its hash tables end a text at U+0000): never let one in
    csv_path = tmp_path / "codes.csv"
    csv_path.write_bytes(b"report_id,coder\nr1,a\nr1\x00x,a\n")
    buf = io.BytesIO()
    pd.DataFrame({"report_id": ["r1", "r1\x00x"], "coder": ["a", "a"]}).to_parquet(buf, index=False)
    pq_path = tmp_path / "codes.parquet"
    pq_path.write_bytes(buf.getvalue())
    for path in (csv_path, pq_path):
        with pytest.raises(DataError) as err:
            read_table(path, path.name, categorical=categorical)
        (p,) = err.value.problems
        assert (p.file, p.row, p.column) == (path.name, 3, "report_id") and "U+0000" in p.message


@given(st.lists(st.sampled_from(["", "\x00", "a", "a\x00", "a\x00b", "b", None, np.nan]), max_size=30))
@settings(FUZZ, max_examples=100)
def test_factorize_keeps_texts_with_nul_apart(values):
    from analysis._columns import factorize
    codes, uniques = factorize(np.array(values, dtype=object))
    back = uniques[codes] if len(values) else np.array([], dtype=object)
    for a, b in zip(values, back):
        assert (a is None or a != a) and (b is None or b != b) or a == b
    texts = [v for v in values if isinstance(v, str)]
    assert len({u for u in uniques if isinstance(u, str)}) == len(set(texts))
