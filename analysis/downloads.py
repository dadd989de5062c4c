"""The report's downloads: consolidated codes (long and wide CSV, labelled SPSS file), reliability.

Each function takes a :class:`analysis.page.Page` and returns a new table or the bytes of a file;
:func:`download_files` gathers them under the names the main job writes into ``OUT/downloads/``.
CSV files are formula-neutralised (:func:`analysis.sheets.safe_frame`), so that a spreadsheet
never runs a cell taken from the data. Nothing here reads or writes the report folder.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .common import is_missing
from .sheets import safe_frame

if TYPE_CHECKING:
    from .page import Page

# report columns carried into the wide table, in this order, where the event has them
REPORT_COLUMNS = ("report_id", "outlet", "published", "published_time_known", "url", "headline", "outlet_id",
                  "outlet_country", "language", "outlet_type", "wire", "derived_from")
LONG_COLUMNS = ("report_id", "variable", "variable_label", "code", "code_label", "rule", "evidence")
# SPSS header: creation date (9 bytes) and time (8 bytes) after the 92-byte start of the record
_SAV_STAMP = slice(92, 109)
_SAV_FIXED_STAMP = b"01 Jan 7000:00:00"
_META_LABELS = {
    "report_id": "Report id", "outlet": "Outlet", "published": "Published (UTC; a date alone where the time is unknown)",
    "published_time_known": "Publication time known", "url": "URL", "headline": "Headline",
    "outlet_id": "Outlet id (web domain)", "outlet_country": "Outlet country (ISO 3166-1)",
    "language": "Language (ISO 639-1)", "outlet_type": "Outlet type", "wire": "Wire agency reprinted",
    "derived_from": "Report it reworks",
}
_MEASURE = {"nominal": "nominal", "ordinal": "ordinal", "interval": "scale", "ratio": "scale"}
# the main job writes charts to OUT/figures/ and downloads to OUT/downloads/: a page given its
# figures folder writes the full tables behind its samples into the folder beside it
DOWNLOADS = "downloads"
# the files of download_files, which a page's table must not replace
JOB_FILES = ("codes-long.csv", "codes-wide.csv", "codes.sav", "reliability.csv")
_TABLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


def published_text(reports: pd.DataFrame) -> pd.Series:
    """``published`` as ISO text at the precision known: ``2024-04-08`` or ``2024-04-08T10:10Z`` (UTC)."""
    known = reports["published_time_known"].to_numpy(dtype=bool)
    stamp = reports["published"].dt.strftime("%Y-%m-%dT%H:%MZ")
    day = reports["published"].dt.strftime("%Y-%m-%d")
    return pd.Series(np.where(known, stamp, day), index=reports.index, dtype=object)


def code_labels(values: pd.DataFrame) -> dict:
    """``{(variable, code as text): label}`` from Event.values."""
    return {(str(v), str(c)): str(lab) for v, c, lab in values[["variable", "code", "label"]].itertuples(index=False)}


def _number_text(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def code_label(labels: dict, variable: str, value: object) -> object:
    """The codebook label of one consolidated value; a number for figures; None when missing."""
    if is_missing(value):
        return None
    if _is_number(value):
        return labels.get((variable, _number_text(value)), _number_text(value))
    return labels.get((variable, str(value)), str(value))


def codes_long(page: Page) -> pd.DataFrame:
    """Consolidated codes, one row per report and variable, with labels.

    Returns
    -------
    DataFrame
        ``report_id, variable, variable_label, code, code_label, rule, evidence``: every
        variable of the event's codebook (also those left out as unreliable), sorted by
        report_id, then variable in codebook order; ``code`` and ``code_label`` are missing
        where the consolidation gave no value (``rule`` says why); for figures both hold the
        number cited.
    """
    final = page.final
    labels = code_labels(page.event.values)
    var_labels = page.event.codebook.set_index("variable")["label"]
    variables = final["variable"].astype(str)
    code = [None if is_missing(v) else (_number_text(v) if _is_number(v) else str(v)) for v in final["value"]]
    out = pd.DataFrame({
        "report_id": final["report_id"].astype(str).to_numpy(),
        "variable": variables.to_numpy(),
        "variable_label": variables.map(var_labels).to_numpy(),
        "code": code,
        "code_label": [code_label(labels, var, v) for var, v in zip(variables, final["value"])],
        "rule": final["rule"].to_numpy(),
        "evidence": final["evidence"].to_numpy(),
    })
    return out.loc[:, list(LONG_COLUMNS)]


def codes_wide(page: Page) -> pd.DataFrame:
    """One row per report: its metadata, then one column per variable holding the code's label.

    Returns
    -------
    DataFrame
        The columns of ``REPORT_COLUMNS`` the event has (``published`` as ISO text at the
        precision known), then the event's variables in codebook order, named by variable,
        each cell the codebook label of the consolidated code (the number for figures; empty
        when there is no code). Rows in the order of reports.csv.
    """
    long = codes_long(page)
    wide = long.pivot(index="report_id", columns="variable", values="code_label")
    reports = page.event.reports
    meta = reports.loc[:, [c for c in REPORT_COLUMNS if c in reports]].copy()
    meta["published"] = published_text(reports)
    variables = [v for v in page.event.codebook["variable"] if v not in meta]
    body = wide.reindex(index=meta["report_id"].astype(str), columns=variables).reset_index(drop=True)
    return pd.concat([meta.reset_index(drop=True), body], axis=1)





def table_name(name: str | None, *, position: int, columns: Sequence[object]) -> str:
    """The file name (without ``.csv``) of a page's full table.

    ``name`` when given (letters, digits, ``-`` and ``_``, starting with a letter or digit, not
    a name of :data:`JOB_FILES`); else ``table-<position>-<digest>``, the table's position on its
    page and six hex digits of the SHA-256 of its column names, so that tables of two pages
    written into one folder rarely share a name (a page does not know its notebook's name).

    Raises
    ------
    ValueError
        ``name`` is not such a name.
    """
    if name is None:
        digest = hashlib.sha256("\x1f".join(map(str, columns)).encode("utf-8")).hexdigest()[:6]
        return f"table-{position}-{digest}"
    if not _TABLE_NAME.fullmatch(name) or f"{name}.csv" in JOB_FILES:
        raise ValueError(f"a table's name must be letters, digits, '-' and '_' (at most 100, starting with a "
                         f"letter or digit) and not one of {', '.join(JOB_FILES)}: {name!r}")
    return name


def table_file(figures_dir: str | Path, name: str) -> tuple[str, Path]:
    """``(href, path)`` of a full table: ``downloads/<name>.csv`` beside ``figures_dir``."""
    href = f"{DOWNLOADS}/{name}.csv"
    return href, Path(figures_dir).parent / href


def full_table(page: Page, frame: pd.DataFrame, *, columns: Sequence[str] | None = None,
               index: str | None = None) -> pd.DataFrame:
    """The download of a table a page shows: every row, labels for codes, numbers unrounded.

    ``columns`` (default all) of ``frame``, ``index`` (default the first of them) first. Codes
    and ``variable`` show their codebook labels (:meth:`analysis.page.Page.labelled`); a
    timestamp is ISO text at the precision known: ``2024-04-08T10:10Z``, or ``2024-04-08``
    where its ``*_time_known`` companion in ``frame`` (or ``published_time_known``) says only
    the date is known; the companion is then not a column of its own. A new table; ``frame``
    is not changed.
    """
    t = page.labelled(frame if columns is None else frame[list(columns)])
    for col in list(t.columns):
        if col in t and pd.api.types.is_datetime64_any_dtype(t[col]):
            known = next((k for k in (f"{col}_time_known", col.replace("published", "time_known"),
                                      "published_time_known") if k in frame.columns), None)
            flags = (frame[known].fillna(False).to_numpy(dtype=bool) if known
                     else np.ones(len(t), dtype=bool))
            text = np.where(flags, t[col].dt.strftime("%Y-%m-%dT%H:%MZ"), t[col].dt.strftime("%Y-%m-%d"))
            t[col] = pd.Series(text, index=t.index, dtype=object).where(t[col].notna(), None)
            if known in t and known != col:
                t = t.drop(columns=known)
    first = index or t.columns[0]
    return t[[first] + [c for c in t.columns if c != first]].reset_index(drop=True)


def table_csv(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV bytes, formula-neutralised (:func:`analysis.sheets.safe_frame`)."""
    return _csv(frame)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


def spss_table(page: Page) -> tuple:
    """The wide table in SPSS form: numeric codes with value labels; metadata as text.

    Returns
    -------
    tuple
        ``(frame, column_labels, value_labels, measure)`` for ``pyreadstat.write_sav``. A
        nominal or ordinal variable whose codes are all whole numbers keeps them as its
        values; any other is numbered 1, 2, ... in codebook order (ordinal: low to high).
        Figures stay numbers. ``published_time_known`` is 1 (time given) or 0 (date only).
    """
    long = codes_long(page)
    reports = page.event.reports
    cb = page.event.codebook
    meta = reports.loc[:, [c for c in REPORT_COLUMNS if c in reports]].copy()
    meta["published"] = published_text(reports)
    meta["published_time_known"] = reports["published_time_known"].astype(float).to_numpy()
    meta = meta.astype({c: object for c in meta if c != "published_time_known"})
    column_labels = {c: _META_LABELS.get(c, c) for c in meta}
    value_labels = {"published_time_known": {1: "time given", 0: "date only"}}
    measure = {c: "nominal" for c in meta}
    ids = meta["report_id"].astype(str)
    columns = {}
    for var in cb.itertuples(index=False):
        name = var.variable if var.variable not in meta else f"{var.variable}_code"
        sub = long[long["variable"] == var.variable].set_index("report_id")["code"].reindex(ids)
        vals = page.event.values[page.event.values["variable"] == var.variable].sort_values("rank", kind="stable")
        codes = [str(c) for c in vals["code"]]
        if var.level in ("interval", "ratio"):
            columns[name] = pd.to_numeric(sub, errors="coerce").to_numpy(dtype=float)
        else:
            whole = all(c.lstrip("-").isdigit() for c in codes)
            number = {c: (int(c) if whole else i + 1) for i, c in enumerate(codes)}
            columns[name] = sub.map(number).to_numpy(dtype=float)
            value_labels[name] = {number[c]: str(lab) for c, lab in zip(codes, vals["label"])}
        column_labels[name] = str(var.label)
        measure[name] = _MEASURE.get(var.level, "nominal")
    frame = pd.concat([meta.reset_index(drop=True), pd.DataFrame(columns)], axis=1)
    return frame, column_labels, value_labels, measure


def spss_bytes(page: Page) -> bytes:
    """A labelled SPSS ``.sav`` file of the wide table (variable and value labels).

    The file header's creation date and time are set to a fixed value (1 Jan 1970, 00:00:00),
    so that two runs write the same bytes.
    """
    import pyreadstat

    frame, column_labels, value_labels, measure = spss_table(page)
    fd, tmp = tempfile.mkstemp(suffix=".sav")
    os.close(fd)
    try:
        pyreadstat.write_sav(frame, tmp, column_labels=column_labels, variable_value_labels=value_labels,
                             variable_measure=measure,
                             file_label=str(page.event.meta.get("id", ""))[:64])
        with open(tmp, "rb") as fh:
            data = bytearray(fh.read())
    finally:
        os.unlink(tmp)
    data[_SAV_STAMP] = _SAV_FIXED_STAMP
    return bytes(data)


def _csv(frame: pd.DataFrame, **kwargs: object) -> bytes:
    return safe_frame(frame).to_csv(index=False, lineterminator="\n", **kwargs).encode("utf-8")


def download_files(page: Page) -> dict[str, bytes]:
    """The files of ``OUT/downloads/``: ``{name: bytes}``.

    ``codes-long.csv`` (:func:`codes_long`), ``codes-wide.csv`` (:func:`codes_wide`),
    ``codes.sav`` (:func:`spss_bytes`) and ``reliability.csv`` (the page's reliability table,
    four decimals).
    """
    return {
        "codes-long.csv": _csv(codes_long(page)),
        "codes-wide.csv": _csv(codes_wide(page)),
        "codes.sav": spss_bytes(page),
        "reliability.csv": _csv(page.reliability, float_format="%.4f"),
    }
