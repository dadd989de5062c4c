"""Event folders: load one, validated, as an :class:`Event` (reports, codes, codebook, terms).

The folder format is documented in ``data/README.md``. :func:`load_event` gathers every problem
of a folder before it raises, so that one run tells the user all that is wrong. Each part of the
folder is checked in the module of its concept: :mod:`analysis.event_yaml` (event.yaml),
:mod:`analysis.codebook`, :mod:`analysis.event_reports` (reports.csv),
:mod:`analysis.event_sheets` and :mod:`analysis.event_codes` (the coding sheets),
:mod:`analysis.event_terms` (terms.csv); the tables are read by :mod:`analysis.sheets`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd
from tqdm.std import tqdm

from . import sheets
from ._yaml import read_yaml
from .codebook import Codebook, parse_codebook
from .errors import DataError, Problem, problems_frame
from .event_codes import MAX_EVIDENCE_WORDS, codes_frame, used_order, validate_codes
from .event_reports import REPORT_OPTIONAL, REPORT_REQUIRED, TIME_KNOWN, parse_reports
from .event_sheets import CODE_COLUMNS, EVIDENCE_SUFFIX, LongRows, code_files, concat_long, is_long, sheet_to_long
from .event_terms import TERM_COLUMNS, parse_terms
from .event_yaml import EVENT_KEYS, ISO_RE, TEXT_KEYS, is_positive_int, parse_event_yaml

__all__ = ["Event", "load_event", "validate_event", "summary", "REPORT_REQUIRED", "REPORT_OPTIONAL",
           "CODE_COLUMNS", "TERM_COLUMNS", "REJECTED_COLUMNS", "WARNING_COLUMNS", "EVIDENCE_SUFFIX",
           "MAX_EVIDENCE_WORDS", "ADJUDICATOR", "TEXT_KEYS", "EVENT_KEYS", "TIME_KNOWN", "ISO_RE"]

REJECTED_COLUMNS = ["file", "row", "column", "value", "reason", "accepted"]
WARNING_COLUMNS = ["file", "row", "column", "value", "message"]
ADJUDICATOR = "adjudicated"

_T = TypeVar("_T")


@dataclass
class Event:
    """One event folder, loaded and validated.

    Attributes
    ----------
    meta : dict
        ``id, title, start, end, description, coders, coded_text, sampling`` from event.yaml
        (texts are "" when absent).
    reports : DataFrame
        One row per report (``REPORT_REQUIRED`` + ``REPORT_OPTIONAL`` + extra columns), with
        ``published_time_known`` after ``published``: False where the report gave a date only.
    codes : DataFrame
        One row per judgement: ``report_id, coder, variable, value, evidence``.
    codebook : DataFrame
        One row per variable (see docs/data-model.md).
    values : DataFrame
        Value labels: ``variable, code, label, rank``.
    frames : DataFrame
        ``frame, label``.
    facts : DataFrame
        ``id, label, as_of, as_of_time_known`` (``as_of``: UTC time from which a report could
        mention the fact; NaT when not given).
    figures : DataFrame
        ``id, label, value, unit, as_of, source``.
    terms : DataFrame or None
        ``report_id, term, count``.
    moments : DataFrame
        ``time, label, time_known``: key moments of the event (event.yaml ``moments``), by time.
    rejected : DataFrame
        Rows not used, with the reason (empty unless loaded with ``strict=False``).
    warnings : DataFrame
        ``file, row, column, value, message``: things that look wrong but are kept (a report
        derived from one published after it).
    counts : dict
        Rows read, used, blank and rejected per table file.
    """

    meta: dict[str, Any]  # texts and dates: see above
    reports: pd.DataFrame
    codes: pd.DataFrame
    codebook: pd.DataFrame
    values: pd.DataFrame
    frames: pd.DataFrame
    facts: pd.DataFrame
    figures: pd.DataFrame
    terms: pd.DataFrame | None = None
    moments: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["time", "label", "time_known"]))
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))
    warnings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WARNING_COLUMNS))
    counts: dict[str, dict[str, object]] = field(default_factory=dict)
    path: str = ""

    @property
    def coders(self) -> list[str]:
        """Coder names, sorted."""
        return sorted(self.codes["coder"].unique())

    def variables(self, role: str | None = None, *, level: str | None = None) -> list[str]:
        """Names of the codebook's variables, optionally of one role and level, in codebook order."""
        cb = self.codebook
        keep = np.ones(len(cb), dtype=bool)
        if role is not None:
            keep &= (cb["role"] == role).to_numpy()
        if level is not None:
            keep &= (cb["level"] == level).to_numpy()
        return cb.loc[keep, "variable"].tolist()

    def with_codes(self, extra: pd.DataFrame) -> Event:
        """A new Event whose codes are these codes plus ``extra`` (e.g. a machine coder's)."""
        both = {c: np.concatenate([self.codes[c].to_numpy(dtype=object), extra[c].to_numpy(dtype=object)])
                for c in CODE_COLUMNS}
        # the keys stay categorical (sorted categories), as load_event gives them
        codes = pd.DataFrame({c: pd.Categorical(v) if c in CODE_COLUMNS[:3] else v for c, v in both.items()})
        dup = codes.duplicated(["report_id", "coder", "variable"], keep=False)
        if dup.any():
            first = codes[dup].iloc[0]
            raise DataError(Problem("(added codes)", "a judgement is already in the event",
                                    column="coder", value=first["coder"],
                                    accepted="a coder name not yet used, e.g. model:<name>"))
        codes = codes.sort_values(["report_id", "coder", "variable"], kind="stable").reset_index(drop=True)
        return Event(**{**self.__dict__, "codes": codes})


# --- the folder ---------------------------------------------------------------------------------

def _find_table(folder: Path, stem: str, problems: list[Problem]) -> Path | None:
    """The one table ``stem.csv|xlsx|parquet``; two of them are a problem (which one holds the data?)."""
    found = [folder / f"{stem}{s}" for s in sheets.TABLE_SUFFIXES if (folder / f"{stem}{s}").is_file()]
    if len(found) > 1:
        problems.append(Problem(found[1].name, f"{' and '.join(p.name for p in found)} are both present",
                                accepted=f"one {stem} table: delete or move the others"))
    return found[0] if found else None


def _guard(fn: Callable[..., _T], problems: list[Problem], *args: object, **kwargs: object) -> _T | None:
    """``fn(*args, **kwargs)``, or None with the problems of its DataError added to ``problems``."""
    try:
        return fn(*args, **kwargs)
    except DataError as exc:
        problems.extend(exc.problems)
        return None


@dataclass
class _Head:
    """What is read before the coding sheets: event.yaml, the codebook, the reports, the sheets."""

    meta: dict[str, object] | None = None
    facts: pd.DataFrame | None = None
    figures: pd.DataFrame | None = None
    max_words: int = MAX_EVIDENCE_WORDS
    codebook: Codebook | None = None
    reports: pd.DataFrame | None = None
    reports_file: str = "reports.csv"
    files: list[Path] = field(default_factory=list)


def _read_head(folder: Path, fatal: list[Problem], problems: list[Problem], warned: list[Problem],
               max_bytes: int) -> _Head:
    """event.yaml, codebook.yaml, the reports and the list of coding sheets, checked."""
    head = _Head()
    read = _guard(lambda: read_yaml(folder / "event.yaml", "event.yaml", lines=True), fatal)
    doc = read[0] if read else None
    if read:
        head.meta, head.facts, head.figures = parse_event_yaml(doc, fatal, lines=read[1])
    if isinstance(doc, dict) and is_positive_int(doc.get("max_evidence_words")):
        head.max_words = doc["max_evidence_words"]
    cb_read = _guard(lambda: read_yaml(folder / "codebook.yaml", "codebook.yaml", lines=True), fatal)
    if cb_read:
        cbdoc, cb_lines = cb_read
        # without a readable event.yaml, fact and figure ids cannot be checked: None skips them
        head.codebook, cbp = parse_codebook(
            cbdoc, facts=None if head.facts is None else set(head.facts["id"]),
            figures=None if head.figures is None else set(head.figures["id"]), lines=cb_lines)
        fatal.extend(cbp)
    rpath = _find_table(folder, "reports", fatal)
    if rpath is None:
        fatal.append(Problem("reports.csv", "file not found", accepted="reports.csv with report_id, outlet, published, url"))
    else:
        head.reports_file = rpath.name
        rt = _guard(sheets.read_table, fatal, rpath, rpath.name, max_bytes=max_bytes)
        if rt is not None:
            head.reports = _guard(parse_reports, fatal, rt, head.meta, problems, warned)
    head.files = code_files(folder, fatal)
    if not head.files and not any(p.file.startswith("codes/") for p in fatal):
        fatal.append(Problem("codes/", "no coding sheets found",
                             accepted="codes.csv, or a codes/ folder of .csv, .xlsx or .parquet sheets"))
    return head


def _read_sheets(folder: Path, files: list[Path], codebook: pd.DataFrame, fatal: list[Problem],
                 problems: list[Problem], *, max_bytes: int, progress: bool
                 ) -> tuple[LongRows, dict[str, dict[str, object]]]:
    """The judgements of every coding sheet as long rows, and what was read from each sheet."""
    counts: dict[str, dict[str, object]] = {}
    longs, names = [], []
    for p in tqdm(files, desc="coding sheets", unit="sheet", disable=not progress):
        rel = p.relative_to(folder).as_posix()
        t = _guard(sheets.read_table, fatal, p, rel, max_bytes=max_bytes, categorical=True)
        if t is None:
            continue
        problems.extend(t.problems)
        long = sheet_to_long(t, codebook, fatal)
        if long is None:
            continue
        longs.append(long)
        names.append(t.file)
        counts[t.file] = {"form": "long" if is_long(t.frame.columns) else "wide", "rows_read": t.n_read,
                          "rows_rejected_on_read": t.n_refused, "cells_read": len(long["_row"])}
        del t
    return concat_long(longs, names), counts


def _read_terms(folder: Path, fatal: list[Problem], problems: list[Problem], report_ids: set[str],
                reports_file: str, max_bytes: int) -> pd.DataFrame | None:
    tpath = _find_table(folder, "terms", fatal)
    if tpath is None:
        return None
    tt = _guard(sheets.read_table, fatal, tpath, tpath.name, max_bytes=max_bytes, categorical=True)
    return None if tt is None else _guard(parse_terms, fatal, tt, report_ids, problems, reports_file)


def _count_judgements(counts: dict[str, dict[str, object]], files: pd.Categorical, used: np.ndarray,
                      judged: np.ndarray, bad: np.ndarray) -> None:
    """Add ``judgements_used``, ``blank`` and ``rejected`` to each sheet's counts."""
    n_files = len(files.categories)
    per_file = {what: np.bincount(files.codes[mask], minlength=n_files)
                for what, mask in (("judgements_used", used), ("blank", ~judged & ~bad), ("rejected", bad))}
    for j, fname in enumerate(files.categories):
        for what, n in per_file.items():
            counts[fname][what] = int(n[j])


def load_event(path: str | Path, *, strict: bool = True, max_bytes: int = sheets.MAX_FILE_BYTES,
               progress: bool = False) -> Event:
    """Load and validate an event folder.

    Parameters
    ----------
    path : str or Path
        The event folder (see data/README.md for its format).
    strict : bool
        If True (default), any problem raises :class:`DataError` listing every problem found.
        If False, rows with problems are left out and listed in ``Event.rejected``; problems with a
        whole file still raise: a file that cannot be read, a missing or unknown column, any
        problem in event.yaml or codebook.yaml (codes cannot be checked against a broken codebook,
        so codes are checked only once event.yaml, codebook.yaml and the headers are right).
    max_bytes : int
        Files larger than this are refused before reading.
    progress : bool
        Show a progress bar over the coding sheets (tqdm, on stderr): a sheet of ten million
        judgements takes seconds to read.

    Returns
    -------
    Event
        ``Event.counts`` accounts for every row of every coding sheet: ``form`` (long or wide),
        ``rows_read`` (entirely empty rows are not counted), ``rows_rejected_on_read`` (rows that
        could not be read: wrong number of cells, hidden, an XLSX cell showing an error or a
        formula without a stored result), ``cells_read`` (value cells of the rows
        read: one per row of a long sheet, one per row and variable of a wide sheet), and of those
        cells ``judgements_used``, ``blank`` (neither value nor evidence) and ``rejected``.

    Raises
    ------
    DataError
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(Problem(str(path), "is not a folder",
                                accepted="an event folder with event.yaml, codebook.yaml, reports.csv and codes"))
    fatal: list[Problem] = []     # whole files: raise even when lenient
    problems: list[Problem] = []  # rows: left out when lenient
    warned: list[Problem] = []    # kept, but worth a look
    head = _read_head(folder, fatal, problems, warned, max_bytes)
    cb, reports, meta, facts, figures = head.codebook, head.reports, head.meta, head.facts, head.figures
    # each of these is None only after a problem in its file
    if fatal or cb is None or reports is None or meta is None or facts is None or figures is None:
        raise DataError(fatal + problems)
    moments = cast(pd.DataFrame, meta.pop("moments"))
    long, counts = _read_sheets(folder, head.files, cb.variables, fatal, problems,
                                max_bytes=max_bytes, progress=progress)
    if fatal:
        raise DataError(fatal + problems)
    report_ids = set(reports["report_id"])
    checked = validate_codes(long, cb.variables, report_ids, head.max_words, head.reports_file)
    problems.extend(checked.problems)
    terms = _read_terms(folder, fatal, problems, report_ids, head.reports_file, max_bytes)
    if (folder / "datapackage.json").is_file():
        from .datapackage import check_datapackage
        # a descriptor that does not match is reported, but the data can still be used
        problems.extend(check_datapackage(folder))
    if fatal or (strict and problems):
        raise DataError(fatal + problems)
    rejected = problems_frame(problems).rename(columns={"message": "reason"})[REJECTED_COLUMNS]
    used = ~checked.bad & checked.judged
    _count_judgements(counts, long["_file"], used, checked.judged, checked.bad)
    order = used_order(long, checked, used)
    del long
    return Event(meta=meta, reports=reports, codes=codes_frame(checked, order), codebook=cb.variables,
                 values=cb.values, frames=cb.frames, facts=facts, figures=figures, terms=terms,
                 moments=moments, rejected=rejected, warnings=problems_frame(warned)[WARNING_COLUMNS],
                 counts=counts, path=folder.name)


def validate_event(path: str | Path, *, max_bytes: int = sheets.MAX_FILE_BYTES,
                   progress: bool = False) -> tuple[Event | None, pd.DataFrame]:
    """Load an event folder leniently and return ``(event or None, problems table)``."""
    try:
        ev = load_event(path, strict=False, max_bytes=max_bytes, progress=progress)
    except DataError as exc:
        return None, exc.frame()
    frame = ev.rejected.rename(columns={"reason": "message"})
    return ev, frame


def summary(event: Event) -> pd.DataFrame:
    """What an event folder holds: one row per measure (``measure, value``)."""
    r, c = event.reports, event.codes
    per_coder = c.groupby("coder", observed=True).size()
    n_vars = len(event.codebook)
    coded_reports = c.groupby("coder", observed=True)["report_id"].nunique()
    rows = [("reports", len(r)), ("outlets", r["outlet"].nunique()),
            ("countries", r["outlet_country"].nunique()), ("variables", n_vars),
            ("coders", len(per_coder)), ("judgements", len(c))]
    for coder in sorted(per_coder.index):
        possible = len(r) * n_vars
        rows.append((f"judgements by {coder}", int(per_coder[coder])))
        rows.append((f"reports coded by {coder}", int(coded_reports[coder])))
        rows.append((f"missing judgements of {coder} (of {possible})", possible - int(c.loc[c["coder"] == coder, "value"].notna().sum())))
    if event.terms is not None:
        rows.append(("reports with term counts", event.terms["report_id"].nunique()))
    rows.append(("problems", len(event.rejected)))
    return pd.DataFrame(rows, columns=["measure", "value"])
