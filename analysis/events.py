"""Event folders: read reports, codebook, coding sheets and term counts; validate all of it.

The folder format is documented in ``data/README.md``. :func:`load_event` gathers every problem
of a folder before it raises, so that one run tells the user all that is wrong.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from tqdm.std import tqdm

from . import sheets
from ._columns import key_codes, used_sorted
from ._yaml import add_lines, read_yaml
from .codebook import parse_codebook
from .errors import DataError, Problem, problems_frame
from .sample import SOURCE_LATER, wire_groups

REPORT_REQUIRED = ["report_id", "outlet", "published", "url"]
REPORT_OPTIONAL = ["headline", "outlet_id", "outlet_country", "language", "outlet_type", "wire", "derived_from"]
CODE_COLUMNS = ["report_id", "coder", "variable", "value", "evidence"]
TERM_COLUMNS = ["report_id", "term", "count"]
REJECTED_COLUMNS = ["file", "row", "column", "value", "reason", "accepted"]
WARNING_COLUMNS = ["file", "row", "column", "value", "message"]
EVIDENCE_SUFFIX = "__evidence"
MAX_EVIDENCE_WORDS = 12
ADJUDICATOR = "adjudicated"
# event.yaml: the keys read, and those holding free text for the report's method box
TEXT_KEYS = ("coders", "coded_text", "sampling")
EVENT_KEYS = ("id", "title", "start", "end", "description", "facts", "figures", "moments",
              "max_evidence_words") + TEXT_KEYS
TIME_KNOWN = "published_time_known"
ISO_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


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

    meta: dict
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
    counts: dict = field(default_factory=dict)
    path: str = ""

    @property
    def coders(self) -> list:
        """Coder names, sorted."""
        return sorted(self.codes["coder"].unique())

    def variables(self, role: str | None = None, *, level: str | None = None) -> list:
        """Names of the codebook's variables, optionally of one role and level, in codebook order."""
        cb = self.codebook
        keep = np.ones(len(cb), dtype=bool)
        if role is not None:
            keep &= (cb["role"] == role).to_numpy()
        if level is not None:
            keep &= (cb["level"] == level).to_numpy()
        return cb.loc[keep, "variable"].tolist()

    def with_codes(self, extra: pd.DataFrame) -> "Event":
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


# --- event.yaml -------------------------------------------------------------------------------

def _as_date(value, name: str, key: str, problems: list):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(Problem(name, f"'{key}' is {value!r}, not a date", column=key, value=value,
                            accepted="an ISO 8601 date such as 2024-04-05"))
    return None


def _as_list(value) -> list:
    return value if isinstance(value, list) else []


def _is_positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _parse_event_yaml(doc, problems: list, name: str = "event.yaml", lines: dict | None = None):
    """Meta, facts and figures of event.yaml; problems name the line (with ``lines`` of read_yaml).

    Facts (figures) are None when the document or its list of facts (figures) is not usable, so
    that the codebook's references to them are not checked against a wrong list.
    """
    lines = lines or {}
    start = len(problems)
    try:
        return _event_yaml(doc, problems, name, lines)
    finally:
        add_lines(problems, start, lines.get(id(doc)))


def _event_yaml(doc, problems: list, name: str, lines: dict):
    if not isinstance(doc, dict):
        problems.append(Problem(name, "event.yaml must be a mapping",
                                accepted="id, title, start, end, description, facts, figures"))
        return None, None, None
    for key in ("id", "title", "start", "end"):
        if doc.get(key) in (None, ""):
            problems.append(Problem(name, f"'{key}' is missing", column=key,
                                    accepted="id, title, start, end (dates), description"))
    meta = {"id": str(doc.get("id", "")), "title": str(doc.get("title", "")),
            "start": _as_date(doc.get("start"), name, "start", problems) if doc.get("start") else None,
            "end": _as_date(doc.get("end"), name, "end", problems) if doc.get("end") else None,
            "description": str(doc.get("description") or "").strip()}
    for key in TEXT_KEYS:
        value = doc.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(Problem(name, f"'{key}' must be text", column=key, value=value,
                                    accepted=f"{key}: a sentence or paragraph"))
        meta[key] = value.strip() if isinstance(value, str) else ""
    meta["moments"] = _event_moments(doc.get("moments"), problems, name, lines)
    if meta["start"] and meta["end"] and meta["end"] < meta["start"]:
        problems.append(Problem(name, f"end {meta['end']} is before start {meta['start']}", column="end",
                                value=meta["end"], accepted="an end date on or after the start"))
    for key in ("facts", "figures", "moments"):
        if doc.get(key) is not None and not isinstance(doc.get(key), list):
            problems.append(Problem(name, f"'{key}' must be a list", column=key, value=doc.get(key),
                                    accepted=f"{key}: [ {{id: ..., label: ...}}, ... ]"))
    mw = doc.get("max_evidence_words")
    if mw is not None and not _is_positive_int(mw):
        problems.append(Problem(name, f"max_evidence_words {mw!r} is not a whole number above 0",
                                column="max_evidence_words", value=mw, accepted="a number of words such as 12"))
    facts, seen = [], set()
    for i, f in enumerate(_as_list(doc.get("facts")), start=1):
        where = lines.get(id(f)) if isinstance(f, dict) else None
        n0 = len(problems)
        _event_fact(i, f, seen, facts, problems, name)
        add_lines(problems, n0, where)
    figures, seen = [], set()
    for i, f in enumerate(_as_list(doc.get("figures")), start=1):
        where = lines.get(id(f)) if isinstance(f, dict) else None
        n0 = len(problems)
        _event_figure(i, f, seen, figures, problems, name)
        add_lines(problems, n0, where)
    unknown = sorted(set(doc) - set(EVENT_KEYS), key=str)
    for key in unknown:
        problems.append(Problem(name, f"unknown key '{key}'", column=str(key), accepted=", ".join(EVENT_KEYS)))
    facts = None if doc.get("facts") is not None and not isinstance(doc.get("facts"), list) else facts
    figures = None if doc.get("figures") is not None and not isinstance(doc.get("figures"), list) else figures
    return (meta, None if facts is None else pd.DataFrame(facts, columns=["id", "label", "as_of", "as_of_time_known"]),
            None if figures is None else pd.DataFrame(figures, columns=["id", "label", "value", "unit", "as_of", "source"]))


def _event_fact(i, f, seen, facts, problems, name):
    if not isinstance(f, dict) or not isinstance(f.get("id"), str) or not f.get("label"):
        problems.append(Problem(name, f"fact #{i} needs an 'id' (a word) and a 'label'", column="id",
                                value=f, accepted="- {id: burns_present, label: ...}"))
        return
    if f["id"] in seen:
        problems.append(Problem(name, f"fact '{f['id']}' is defined twice", column="id", value=f["id"],
                                accepted="each fact id once"))
        return
    seen.add(f["id"])
    as_of, known = _as_time(f.get("as_of"), name, "as_of", problems) if f.get("as_of") else (pd.NaT, False)
    facts.append({"id": f["id"], "label": str(f["label"]), "as_of": as_of, "as_of_time_known": known})


def _as_time(value, name: str, key: str, problems: list):
    """A UTC timestamp and whether a time of day was given, from a YAML date, datetime or ISO text."""
    if isinstance(value, dt.datetime):
        stamp = pd.Timestamp(value)
        return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")), True
    if isinstance(value, dt.date):
        return pd.Timestamp(value).tz_localize("UTC"), False
    text = value.strip() if isinstance(value, str) else ""
    if ISO_RE.match(text):
        stamp = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
        if not pd.isna(stamp):
            return stamp, len(text) > 10
    problems.append(Problem(name, f"'{key}' is {value!r}, not a date or time", column=key, value=value,
                            accepted="an ISO 8601 date (2024-04-08) or date and time (2024-04-08T14:42+02:00)"))
    return pd.NaT, False


def _event_moments(value, problems: list, name: str, lines: dict) -> pd.DataFrame:
    """``moments:`` of event.yaml as ``time, label, time_known``, sorted by time."""
    rows = []
    for i, m in enumerate(_as_list(value), start=1):
        n0 = len(problems)
        if not isinstance(m, dict) or m.get("time") in (None, "") or not m.get("label") \
                or set(m) - {"time", "label"}:
            problems.append(Problem(name, f"moment #{i} needs a 'time' and a 'label' (and nothing else)",
                                    column="moments", value=m,
                                    accepted="- {time: 2024-04-08T00:22+03:00, label: Al-Qahera reports progress}"))
        else:
            stamp, known = _as_time(m["time"], name, "time", problems)
            if not pd.isna(stamp):
                rows.append({"time": stamp, "label": str(m["label"]), "time_known": known})
        add_lines(problems, n0, lines.get(id(m)) if isinstance(m, dict) else None)
    frame = pd.DataFrame(rows, columns=["time", "label", "time_known"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame.sort_values("time", kind="stable").reset_index(drop=True)


def _event_figure(i, f, seen, figures, problems, name):
    if not isinstance(f, dict) or not isinstance(f.get("id"), str):
        problems.append(Problem(name, f"figure #{i} needs an 'id'", column="id", value=f,
                                accepted="- {id: ..., label: ..., value: 123, unit: ..., as_of: date, source: ...}"))
        return
    value = f.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(Problem(name, f"figure '{f['id']}': value {value!r} is not a number",
                                column="value", value=value, accepted="a number such as 33175"))
        return
    if f["id"] in seen:
        problems.append(Problem(name, f"figure '{f['id']}' is defined twice", column="id",
                                value=f["id"], accepted="each figure id once"))
        return
    seen.add(f["id"])
    as_of = _as_date(f.get("as_of"), name, "as_of", problems) if f.get("as_of") else None
    figures.append({"id": f["id"], "label": str(f.get("label") or f["id"]), "value": float(value),
                    "unit": str(f.get("unit") or ""), "as_of": as_of, "source": str(f.get("source") or "")})


# --- reports ------------------------------------------------------------------------------------

def _parse_reports(table: sheets.Table, meta: dict | None, problems: list,
                   warnings: list | None = None) -> pd.DataFrame:
    """Check reports row by row (problems go to ``problems``); raise DataError for missing columns.

    A repeated report_id is a problem of the later row, which is left out of the result, so that
    a lenient load still holds one row per report. ``published_time_known`` records whether the
    cell held a clock time; a date alone is kept as 00:00 UTC of that date. A report derived from
    one published later is a warning (``warnings``), not a problem: the link or a date is wrong,
    but which one only the coder can tell.
    """
    f, name = table.frame, table.file
    missing = [c for c in REPORT_REQUIRED if c not in f.columns]
    if missing:
        raise DataError(Problem(name, f"missing column(s) {', '.join(missing)}", row=1,
                                accepted="report_id, outlet, published, url; optional " + ", ".join(REPORT_OPTIONAL)))
    if TIME_KNOWN in f.columns:
        raise DataError(Problem(name, f"column {TIME_KNOWN} is set by the loader", row=1, column=TIME_KNOWN,
                                accepted="a published date or date and time; rename or drop the column"))
    problems.extend(table.problems)
    rows = table.rows
    rid = f["report_id"]
    for i in np.flatnonzero((rid.str.strip() == "").to_numpy()):
        problems.append(Problem(name, "report_id is empty", row=int(rows[i]), column="report_id",
                                accepted="a unique id for every report"))
    for i in np.flatnonzero((rid != rid.str.strip()).to_numpy()):
        problems.append(Problem(name, f"report_id '{rid.iloc[i]}' has leading or trailing spaces", row=int(rows[i]),
                                column="report_id", value=rid.iloc[i], accepted=f"'{rid.iloc[i].strip()}'"))
    dup = (rid.duplicated(keep="first") & (rid != "")).to_numpy()
    first_row = pd.Series(rows, index=f.index).groupby(rid.to_numpy(), sort=False, observed=True).transform("first").to_numpy()
    for i in np.flatnonzero(dup):
        first = int(first_row[i])
        problems.append(Problem(name, f"report_id '{rid.iloc[i]}' is used again (first at row {first})",
                                row=int(rows[i]), column="report_id", value=rid.iloc[i], accepted="each report_id once"))
    for i in np.flatnonzero((f["outlet"].str.strip() == "").to_numpy()):
        problems.append(Problem(name, "outlet is empty", row=int(rows[i]), column="outlet",
                                accepted="the outlet's name"))
    url = f["url"]
    for i in np.flatnonzero(~url.str.match(r"^https?://\S+$").to_numpy()):
        problems.append(Problem(name, f"url {url.iloc[i]!r} is not a web address", row=int(rows[i]), column="url",
                                value=url.iloc[i], accepted="an address starting with http:// or https://"))
    pub = f["published"].str.strip()
    ok = pub.str.match(ISO_RE.pattern).to_numpy()
    parsed = pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns, UTC]")
    if ok.any():
        parsed[ok] = pd.to_datetime(pub[ok], format="ISO8601", utc=True, errors="coerce")
    for i in np.flatnonzero(~ok | parsed.isna().to_numpy()):
        v = pub.iloc[i]
        hint = "an ISO 8601 date (2024-04-08) or date and time (2024-04-08T14:42+05:30)"
        msg = f"published {v!r} is not a date"
        if re.fullmatch(r"\d{5}(\.\d+)?", v):
            day = dt.date(1899, 12, 30) + dt.timedelta(days=int(float(v)))
            msg = f"published {v!r} looks like an Excel serial date ({day.isoformat()})"
            hint = ("format the cells as dates, or as ISO 8601 text (YYYY-MM-DD)" if name.endswith(".xlsx")
                    else "format the column as text in ISO 8601 (YYYY-MM-DD) before saving")
        problems.append(Problem(name, msg, row=int(rows[i]), column="published", value=v, accepted=hint))
    if meta and meta.get("start") and meta.get("end") and meta["start"] <= meta["end"]:
        local_day = pub.str.slice(0, 10)
        start, end = meta["start"].isoformat(), meta["end"].isoformat()
        outside = ok & parsed.notna().to_numpy() & ((local_day < start) | (local_day > end)).to_numpy()
        for i in np.flatnonzero(outside):
            problems.append(Problem(name, f"published {pub.iloc[i]} is outside the event's window {start} to {end}",
                                    row=int(rows[i]), column="published", value=pub.iloc[i],
                                    accepted="a date inside start..end of event.yaml (or widen the window)"))
    out = f.copy()
    for c in REPORT_OPTIONAL:
        if c not in out.columns:
            out[c] = ""
    out["published"] = parsed
    if "derived_from" in out.columns:
        self_ref = (out["derived_from"] == out["report_id"]) & (out["derived_from"] != "")
        for i in np.flatnonzero(self_ref.to_numpy()):
            problems.append(Problem(name, "derived_from names the report itself", row=int(rows[i]),
                                    column="derived_from", value=out["derived_from"].iloc[i],
                                    accepted="the report_id of another report, or a wire story id"))
    order = REPORT_REQUIRED + REPORT_OPTIONAL + [c for c in out.columns if c not in REPORT_REQUIRED + REPORT_OPTIONAL]
    out = out[order].copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].where(out[c] != "", np.nan)
    out["published"] = parsed
    out.insert(out.columns.get_loc("published") + 1, TIME_KNOWN,
               ((pub.str.len() > 10) & parsed.notna()).to_numpy())
    out = out[~dup]
    if warnings is not None:
        warnings.extend(_lineage_warnings(out, pub[~dup], rows[~dup], name))
    return out.sort_values("report_id", kind="stable").reset_index(drop=True)


def _lineage_warnings(reports: pd.DataFrame, written: pd.Series, rows, name: str) -> list:
    """A warning for each report whose derived_from names a report published after it."""
    links = wire_groups(reports)
    later = links[links["order"] == SOURCE_LATER]
    cell = dict(zip(reports["report_id"], written))
    row = dict(zip(reports["report_id"], rows))
    out = [Problem(name, f"report {r.report_id} (published {cell[r.report_id]}) is derived from "
                   f"{r.source_report}, which was published later ({cell[r.source_report]})",
                   row=int(row[r.report_id]), column="derived_from", value=r.source_report)
           for r in later.itertuples(index=False)]
    return sorted(out, key=lambda p: p.row)


# --- codes --------------------------------------------------------------------------------------

def _code_files(folder: Path, problems: list) -> list:
    """The coding sheets; anything else in codes/ is a problem, since it would not be read."""
    single = [folder / f"codes{s}" for s in sheets.TABLE_SUFFIXES if (folder / f"codes{s}").is_file()]
    sub = folder / "codes"
    many = []
    if sub.is_dir():
        for p in sorted(sub.iterdir()):
            if p.name.startswith((".", "~$")):  # hidden files, Office lock files
                continue
            if p.is_file() and p.suffix.lower() in sheets.TABLE_SUFFIXES:
                many.append(p)
            else:
                what = "a folder" if p.is_dir() else f"a '{p.suffix or p.name}' file"
                problems.append(Problem(f"codes/{p.name}", f"{what} in codes/ is not read",
                                        accepted="coding sheets as .csv, .xlsx or .parquet directly in codes/ "
                                        "(save other spreadsheets as .xlsx or CSV UTF-8)"))
    return single + many


def _is_long(columns) -> bool:
    return "variable" in columns and "value" in columns


def _sheet_to_long(table: sheets.Table, codebook: pd.DataFrame, problems: list):
    """Turn one sheet (long or wide) into long rows with their (file, row, column) origin."""
    f, name = table.frame, table.file
    cols = list(f.columns)
    for c in ("report_id", "coder"):
        if c not in cols:
            problems.append(Problem(name, f"missing column {c}", row=1,
                                    accepted="long form: report_id, coder, variable, value[, evidence]; "
                                    "wide form: report_id, coder, then one column per variable"))
            return None
    known = set(codebook["variable"])
    if _is_long(cols):
        extra = [c for c in cols if c not in CODE_COLUMNS]
        for c in extra:
            problems.append(Problem(name, f"column '{c}' is not read in a long sheet", row=1, column=c,
                                    accepted="report_id, coder, variable, value, evidence"))
        if extra:
            return None
        n = len(f)
        return {
            "report_id": f["report_id"].array, "coder": f["coder"].array, "variable": f["variable"].array,
            "value": f["value"].array, "evidence": f["evidence"].array if "evidence" in cols else _constant("", n),
            "_row": _row_numbers(table.rows), "_vcol": _constant("value", n),
        }
    bad = []
    var_cols, ev_cols = [], {}
    for c in cols:
        if c in ("report_id", "coder"):
            continue
        if c.endswith(EVIDENCE_SUFFIX) and c[: -len(EVIDENCE_SUFFIX)] in known:
            ev_cols[c[: -len(EVIDENCE_SUFFIX)]] = c
        elif c in known:
            var_cols.append(c)
        else:
            bad.append(c)
    for c in bad:
        sugg = _closest(c.removesuffix(EVIDENCE_SUFFIX), known)
        problems.append(Problem(name, f"column '{c}' is not a variable of the codebook", row=1, column=c, value=c,
                                accepted=(f"did you mean '{sugg}'? " if sugg else "") +
                                "columns are report_id, coder, a codebook variable, or <variable>__evidence"))
    if bad:
        return None
    if not var_cols and not ev_cols:
        problems.append(Problem(name, "the sheet has no variable columns", row=1,
                                accepted="long form: report_id, coder, variable, value[, evidence]; "
                                "wide form: report_id, coder, then one column per variable"))
        return None
    # one block of rows per variable, in column order; text columns stay categorical
    order = var_cols + [v for v in ev_cols if v not in var_cols]
    n, k = len(f), len(order)
    blank = _constant("", n)

    def tiled(col):
        return pd.Categorical.from_codes(np.tile(col.cat.codes.to_numpy(), k), col.cat.categories)

    variable = pd.Categorical.from_codes(np.repeat(np.arange(k), n), pd.Index(order, dtype=object))
    return {
        "report_id": tiled(f["report_id"]), "coder": tiled(f["coder"]), "variable": variable,
        "value": union_categoricals([f[v] if v in f.columns else blank for v in order]),
        "evidence": union_categoricals([f[ev_cols[v]] if v in ev_cols else blank for v in order]),
        "_row": np.tile(_row_numbers(table.rows), k), "_vcol": variable,
    }


def _row_numbers(rows: np.ndarray) -> np.ndarray:
    """Spreadsheet row numbers in 32 bits when they fit: a long table has tens of millions."""
    return rows.astype(np.int32) if len(rows) and rows.max() < 2**31 else rows


def _constant(text: str, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), pd.Index([text], dtype=object))


def _concat_long(parts: list, files: list) -> dict:
    """The long rows of several sheets as one table (a dict of columns); text stays categorical."""
    # sorted key categories make a code its text's rank, which the sort of the judgements uses
    out = {c: union_categoricals([p[c] for p in parts], sort_categories=c in ("report_id", "coder", "variable"))
           for c in ("report_id", "coder", "variable", "value", "evidence", "_vcol")}
    out["_row"] = np.concatenate([p["_row"] for p in parts])
    sizes = [len(p["_row"]) for p in parts]
    small = np.int16 if len(parts) < 2**15 else np.int32
    out["_file"] = pd.Categorical.from_codes(np.repeat(np.arange(len(parts), dtype=small), sizes),
                                             pd.Index(files, dtype=object))
    return out


def _closest(word: str, options) -> str | None:
    import difflib
    hit = difflib.get_close_matches(word, sorted(map(str, options)), n=1, cutoff=0.75)
    return hit[0] if hit else None


def _fmt_codes(codes) -> str:
    shown = ", ".join(map(str, codes[:12]))
    return shown + (f", ... ({len(codes)} codes)" if len(codes) > 12 else "")


def _key_frame(long: dict) -> pd.DataFrame:
    """The key columns of the long rows as text (for the rare paths that compare rows)."""
    return pd.DataFrame({c: np.asarray(long[c], dtype=object) for c in ("report_id", "coder", "variable")})


class _Cells:
    """``cells[i]``: the text of row i of a categorical column, looked up only when shown."""

    def __init__(self, codes: np.ndarray, uniques: np.ndarray):
        self.codes, self.uniques = codes, uniques

    def __getitem__(self, i):
        return self.uniques[self.codes[i]]


def _validate_codes(long: dict, codebook: pd.DataFrame, report_ids: set, max_words: int,
                    reports_file: str = "reports.csv"):
    """Type and check long judgements. Returns (typed columns, bad_mask, judged_mask, problems, order).

    Every step works on whole columns of category codes; Python loops run only over problems
    shown (at most 200 of a kind) and over distinct texts or (variable, text) pairs.
    """
    problems = []
    n = len(long["_row"])
    bad = np.zeros(n, dtype=bool)
    files = _Cells(*key_codes(long["_file"], False))
    rows = long["_row"]

    def report(mask, message_fn, column_fn, accepted_fn, value_fn):
        idx = np.flatnonzero(mask & ~bad)
        for i in idx[:200]:
            problems.append(Problem(files[i], message_fn(i), row=int(rows[i]), column=column_fn(i),
                                    value=value_fn(i), accepted=accepted_fn(i)))
        if len(idx) > 200:
            problems.append(Problem(files[idx[0]], f"... {len(idx) - 200} more rows with the same kind of problem"))
        bad[idx] = True

    # the key columns come categorical from the reader: their codes serve the checks, the
    # duplicates and the sort, and a cell's text is looked up only to be shown
    rid_f, coder_f, var_f = (key_codes(long[c], False) for c in ("report_id", "coder", "variable"))
    raw_f, vcol_f = key_codes(long["value"], False), key_codes(long["_vcol"], False)
    rid, coder, var, raw, vcol = (_Cells(*x) for x in (rid_f, coder_f, var_f, raw_f, vcol_f))
    report(sheets.map_distinct(None, _is_blank, dtype=bool, factorized=rid_f), lambda i: "report_id is empty",
           lambda i: "report_id", lambda i: "the report_id of a report in reports.csv", lambda i: "")
    report(sheets.map_distinct(None, _is_blank, dtype=bool, factorized=coder_f), lambda i: "coder is empty",
           lambda i: "coder", lambda i: "the coder's name", lambda i: "")
    report(sheets.map_distinct(None, _has_spaces, dtype=bool, factorized=coder_f),
           lambda i: f"coder '{coder[i]}' has leading or trailing spaces",
           lambda i: "coder", lambda i: f"'{coder[i].strip()}'", lambda i: coder[i])
    known_reports = np.array(sorted(report_ids), dtype=object)
    in_reports = pd.Index(rid_f[1]).isin(known_reports)[rid_f[0]]
    report(~in_reports, lambda i: f"report_id '{rid[i]}' is not in {reports_file}", lambda i: "report_id",
           lambda i: (f"did you mean '{_closest(rid[i], report_ids)}'? " if _closest(rid[i], report_ids) else "")
           + f"add the report to {reports_file} or correct the id", lambda i: rid[i])
    known = codebook.set_index("variable")
    in_cb = pd.Index(var_f[1]).isin(known.index)[var_f[0]]
    report(~in_cb, lambda i: f"variable '{var[i]}' is not in the codebook", lambda i: "variable",
           lambda i: (f"did you mean '{_closest(var[i], known.index)}'? " if _closest(var[i], known.index) else "")
           + "a variable name of codebook.yaml", lambda i: var[i])

    value = np.full(n, np.nan, dtype=object)
    blank = sheets.map_distinct(None, _is_blank, dtype=bool, factorized=raw_f)
    var_level = pd.Series(var_f[1], dtype=object).map(known["level"]).to_numpy(dtype=object)
    lvl = _Cells(var_f[0], var_level)
    categorical = np.isin(var_level, ["nominal", "ordinal"])[var_f[0]]
    numeric = np.isin(var_level, ["interval", "ratio"])[var_f[0]]
    # Codes are matched as written: 'Yes ' or 'YES' for 'yes' is refused, with the exact code in the
    # message, because a silent normalisation could merge codes that a codebook keeps apart.
    cat_idx = np.flatnonzero(categorical & ~blank & ~bad)
    if len(cat_idx):
        lookup = {(v, str(c)): c for v, codes in zip(codebook["variable"], codebook["codes"]) for c in codes}
        codes_of, ok = _map_pairs(var_f[0][cat_idx], var_f[1], raw_f[0][cat_idx], raw_f[1], lookup)
        value[cat_idx[ok]] = codes_of[ok]
        notok = np.zeros(n, dtype=bool)
        notok[cat_idx[~ok]] = True
        cb_codes = dict(zip(codebook["variable"], codebook["codes"]))

        def accepted(i):
            codes = cb_codes[var[i]]
            hint = [c for c in codes if str(c).strip().lower() == str(raw[i]).strip().lower()]
            pre = (f"did you mean '{hint[0]}'? codes are matched exactly as written in the codebook "
                   "(spaces and upper/lower case count); " if hint else "")
            return pre + f"codes are {_fmt_codes(codes)}"

        report(notok, lambda i: f"'{raw[i]}' is not a code of {var[i]}", lambda i: vcol[i], accepted,
               lambda i: raw[i])
    num_idx = np.flatnonzero(numeric & ~blank & ~bad)
    if len(num_idx):
        # parsed once per distinct text, by pandas' own parser for a whole array
        used = np.zeros(len(raw_f[1]), dtype=bool)
        used[raw_f[0][num_idx]] = True
        parsed = np.full(len(raw_f[1]), np.nan)
        parsed[used] = pd.to_numeric(pd.Series(raw_f[1][used], dtype=object).str.strip(),
                                     errors="coerce").to_numpy(dtype=float)
        nums = parsed[raw_f[0][num_idx]]
        finite = np.isfinite(nums)
        notnum = np.zeros(n, dtype=bool)
        notnum[num_idx[~finite]] = True
        report(notnum, lambda i: f"'{raw[i]}' is not a number ({var[i]} is {lvl[i]})", lambda i: vcol[i],
               lambda i: "a number written with digits and a decimal point, without thousands separators",
               lambda i: raw[i])
        value[num_idx[finite]] = nums[finite]
        is_ratio = (var_level == "ratio")[var_f[0][num_idx]]
        neg = np.zeros(n, dtype=bool)
        neg[num_idx[finite & (nums < 0) & is_ratio]] = True
        report(neg, lambda i: f"{raw[i]} is negative, and {var[i]} is a ratio variable", lambda i: vcol[i],
               lambda i: "zero or a positive number", lambda i: raw[i])
    value[numeric & blank] = np.nan

    ev_f = key_codes(long["evidence"], False)
    ev_text = np.array([str(u).strip() for u in ev_f[1]], dtype=object)
    has_ev_u = np.array([t != "" for t in ev_text], dtype=bool)
    has_ev = has_ev_u[ev_f[0]] if len(ev_text) else np.zeros(n, dtype=bool)
    if has_ev.any():
        words_u = np.array([len(t.split()) for t in ev_text], dtype=np.int64)
        words = _Cells(ev_f[0], words_u)
        evidence = _Cells(ev_f[0], ev_text)
        report(has_ev & (words_u[ev_f[0]] > max_words), lambda i: f"evidence has {words[i]} words",
               lambda i: vcol[i] + EVIDENCE_SUFFIX if vcol[i] != "value" else "evidence",
               lambda i: f"at most {max_words} words quoted from the report (no article text is stored)",
               lambda i: evidence[i][:60])
    typed = {"report_id": rid_f, "coder": coder_f, "variable": var_f, "value": value,
             "evidence": (ev_f[0], np.where(has_ev_u, ev_text, None).astype(object))}
    judged = ~(blank & ~has_ev)
    # one integer per (report_id, coder, variable), from the category codes
    order = _sort_order(rid_f, coder_f, var_f)
    if order is None:
        dup = _key_frame(long).duplicated(keep=False).to_numpy()
    else:
        # equal keys are neighbours in sorted order: a row is repeated if it equals either one
        order, same = order
        near = np.zeros(n, dtype=bool)
        near[1:] |= same
        near[:-1] |= same
        dup = np.empty(n, dtype=bool)
        dup[order] = near
    dup &= judged
    if dup.any():
        # the first judgement (in file order, then row order) stands; later ones are problems
        idx = np.flatnonzero(dup)
        keys = _key_frame(long).iloc[idx].reset_index(drop=True)
        groups = keys.assign(_file=np.asarray(files.uniques[files.codes[idx]], dtype=object),
                             _row=rows[idx]).groupby(["report_id", "coder", "variable"], sort=False, observed=True)
        first_file = np.empty(n, dtype=object)
        first_row = np.zeros(n, dtype=np.int64)
        first_file[idx] = groups["_file"].transform("first").to_numpy(dtype=object)
        first_row[idx] = groups["_row"].transform("first").to_numpy(dtype=np.int64)
        again = np.zeros(n, dtype=bool)
        again[idx[groups.cumcount().to_numpy() > 0]] = True
        report(again, lambda i: f"{coder[i]} coded {var[i]} of report {rid[i]} again (first at {first_file[i]}, row {first_row[i]})",
               lambda i: vcol[i], lambda i: "one judgement per report, coder and variable; delete one of them",
               lambda i: raw[i])
    # in file and row order, as the user will walk through them ("... more" notes last in their file)
    problems.sort(key=lambda p: (p.file, p.row is None, p.row or 0))
    return typed, bad, judged, problems, order


def _compact(codes: np.ndarray, uniques: np.ndarray, rows: np.ndarray) -> pd.Categorical:
    """Rows ``rows`` of a factorized text column as a Categorical of the texts used, sorted."""
    codes = codes[rows]
    rank, kept = used_sorted(codes, uniques)
    small = np.int32 if len(kept) > 30000 else np.int16
    return pd.Categorical.from_codes(rank[codes].astype(small), pd.Index(kept, dtype=object))


def _codes_frame(typed: dict, rows: np.ndarray) -> pd.DataFrame:
    """The judgements ``rows`` (in that order) as Event.codes: keys categorical, sorted categories.

    Only the texts used stay categories, sorted, so that sorting by a key column sorts by text.
    """
    out = {col: _compact(*typed[col], rows) for col in ("report_id", "coder", "variable")}
    out["value"] = typed["value"][rows]
    # evidence: categorical of the stripped snippets, NaN where there is none (most cells)
    ev_codes, ev_text = typed["evidence"]
    has = np.array([t is not None for t in ev_text], dtype=bool)
    snippets = np.unique(ev_text[has]) if has.any() else np.zeros(0, dtype=object)
    code_of = np.full(len(ev_text) + 1, -1, dtype=np.int32)
    if has.any():
        code_of[np.flatnonzero(has)] = np.searchsorted(snippets, ev_text[has])
    ev_rows = ev_codes[rows] if len(ev_text) else np.full(len(rows), len(ev_text))
    out["evidence"] = pd.Categorical.from_codes(code_of[ev_rows], pd.Index(snippets, dtype=object))
    # an object Series: pandas would otherwise scan millions of cells for dates
    out["value"] = pd.Series(out["value"], dtype=object, copy=False)
    return pd.DataFrame(out, columns=CODE_COLUMNS, copy=False)


def _sort_order(*factorized):
    """Row order of a stable sort by several columns, and where a row's key equals the previous.

    Returns ``(order, same)``, ``same[i]`` telling whether sorted rows i and i + 1 have the same
    values in all columns; None when a column holds anything but text.

    Each column becomes the rank of its value among its distinct values (so millions of strings
    are compared only as distinct values), and the ranks one integer key when it fits in int64.
    """
    ranks, span = [], 1
    for codes_, uniques in factorized:
        if not all(isinstance(u, str) for u in uniques):
            return None
        if pd.Index(uniques, dtype=object).is_monotonic_increasing:  # sorted categories: codes are ranks
            ranks.append(codes_)
        else:
            rank = np.empty(len(uniques), dtype=np.int64)
            rank[np.argsort(np.asarray(uniques, dtype=object), kind="stable")] = np.arange(len(uniques))
            ranks.append(rank[codes_])
        span *= max(len(uniques), 1)
    if span < 2**62:
        key = ranks[0].astype(np.int64)
        for r, (_, uniques) in zip(ranks[1:], factorized[1:]):
            key *= max(len(uniques), 1)
            key += r
        n = len(key)
        if span <= 4 * n + 1024:
            # few possible keys per row (every report coded on every variable): each row is
            # put in its key's slot, which sorts without comparing; a slot taken twice is a
            # repeated key, and then the rows are sorted by comparison below
            slot = np.full(span, -1, dtype=np.int32 if n < 2**31 else np.int64)
            slot[key] = np.arange(n, dtype=slot.dtype)
            filled = slot >= 0
            if np.count_nonzero(filled) == n:
                return slot[filled].astype(np.int64), np.zeros(max(n - 1, 0), dtype=bool)
            del slot, filled
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        return order, ordered[1:] == ordered[:-1]
    order = np.lexsort(ranks[::-1])
    same = np.ones(max(len(order) - 1, 0), dtype=bool)
    for r in ranks:
        ordered = r[order]
        same &= ordered[1:] == ordered[:-1]
    return order, same


def _is_blank(u) -> bool:
    """As ``Series.str.strip() == ""``: text of spaces only (not NaN or other objects)."""
    return isinstance(u, str) and not u.strip()


def _has_spaces(u) -> bool:
    """As ``s != s.str.strip()``: text with spaces around it, and anything that is not text."""
    return not isinstance(u, str) or u != u.strip()


def _map_pairs(vcodes: np.ndarray, vuniq: np.ndarray, tcodes: np.ndarray, tuniq: np.ndarray, lookup: dict):
    """Codes of (variable, text) pairs through ``lookup``, looked up once per distinct pair.

    The pairs are given factorized: ``vuniq[vcodes]`` and ``tuniq[tcodes]``.
    Returns the codes (object array) and a mask of pairs found.
    """
    pair = vcodes.astype(np.int64) * max(len(tuniq), 1) + tcodes
    span = max(len(vuniq), 1) * max(len(tuniq), 1)
    if span <= 1 << 26:  # a slot per possible pair: counting instead of hashing millions of pairs
        present = np.bincount(pair, minlength=span) > 0
        upair = np.flatnonzero(present)
        slot = np.full(span, -1, dtype=np.int64)
        slot[upair] = np.arange(len(upair))
        inv = slot[pair]
    else:
        inv, upair = pd.factorize(pair)
    vals = np.empty(len(upair), dtype=object)
    found = np.zeros(len(upair), dtype=bool)
    for j, p in enumerate(upair):
        key = (vuniq[p // max(len(tuniq), 1)], tuniq[p % max(len(tuniq), 1)])
        if key in lookup:
            vals[j], found[j] = lookup[key], True
    return vals[inv], found[inv]


# --- terms --------------------------------------------------------------------------------------

def _parse_terms(table: sheets.Table, report_ids: set, problems: list, reports_file: str = "reports.csv"):
    """Check term counts (row problems go to ``problems``); raise DataError for wrong columns."""
    f, name = table.frame, table.file
    missing = [c for c in TERM_COLUMNS if c not in f.columns]
    if missing or len(f.columns) != 3:
        raise DataError(Problem(name, f"columns are {list(f.columns)}", row=1,
                                accepted="exactly report_id, term, count"))
    problems.extend(table.problems)
    rows = table.rows

    def report(mask, message_fn, column, value_fn, accepted):
        idx = np.flatnonzero(mask)
        for i in idx[:50]:
            problems.append(Problem(name, message_fn(i), row=int(rows[i]), column=column, value=value_fn(i),
                                    accepted=accepted))
        if len(idx) > 50:
            problems.append(Problem(name, f"... {len(idx) - 50} more rows with the same kind of problem"))

    # each check runs once per distinct text (the columns are categorical), then per row by code
    rid_f, term_f, count_f = (key_codes(f[c], False) for c in ("report_id", "term", "count"))
    rid, term, raw_count = (_Cells(*x) for x in (rid_f, term_f, count_f))
    per = pd.to_numeric(pd.Series(count_f[1], dtype=object), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad_per = ~(np.isfinite(per) & (per >= 0) & (per < 2.0**53) & (per == np.round(per)))
    badc = bad_per[count_f[0]] if len(per) else np.zeros(len(f), dtype=bool)
    report(badc, lambda i: f"count {raw_count[i]!r} is not a whole number >= 0", "count",
           lambda i: raw_count[i], "0, 1, 2, ...")
    unknown = ~pd.Index(rid_f[1]).isin(list(report_ids))[rid_f[0]]
    report(unknown, lambda i: f"report_id '{rid[i]}' is not in {reports_file}", "report_id",
           lambda i: rid[i], f"a report_id of {reports_file}")
    emptyterm = sheets.map_distinct(None, lambda u: str(u).strip() == "", dtype=bool, factorized=term_f)
    report(emptyterm, lambda i: "term is empty", "term", lambda i: None, "a word")
    key = rid_f[0].astype(np.int64) * max(len(term_f[1]), 1) + term_f[0]
    dup = pd.Series(key).duplicated().to_numpy()
    report(dup, lambda i: f"term '{term[i]}' of report {rid[i]} is counted twice",
           "term", lambda i: term[i], "one row per report and term")
    ok = np.flatnonzero(~(badc | unknown | emptyterm | dup))
    # sorted by report_id, then term: categories sorted, so codes are ranks
    rid_c, term_c = _compact(*rid_f, ok), _compact(*term_f, ok)
    order = np.argsort(rid_c.codes.astype(np.int64) * max(len(term_c.categories), 1) + term_c.codes,
                       kind="stable")
    counts = per[count_f[0][ok]].astype(np.int64) if len(ok) else np.zeros(0, dtype=np.int64)
    return pd.DataFrame({"report_id": rid_c[order], "term": term_c[order], "count": counts[order]})


# --- the folder ---------------------------------------------------------------------------------

def _find_table(folder: Path, stem: str, problems: list) -> Path | None:
    """The one table ``stem.csv|xlsx|parquet``; two of them are a problem (which one holds the data?)."""
    found = [folder / f"{stem}{s}" for s in sheets.TABLE_SUFFIXES if (folder / f"{stem}{s}").is_file()]
    if len(found) > 1:
        problems.append(Problem(found[1].name, f"{' and '.join(p.name for p in found)} are both present",
                                accepted=f"one {stem} table: delete or move the others"))
    return found[0] if found else None


def _guard(fn, problems: list, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DataError as exc:
        problems.extend(exc.problems)
        return None


def load_event(path, *, strict: bool = True, max_bytes: int = sheets.MAX_FILE_BYTES,
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
    read = _guard(read_yaml, fatal, folder / "event.yaml", "event.yaml", lines=True)
    doc = read[0] if read else None
    meta, facts, figures = _parse_event_yaml(doc, fatal, lines=read[1]) if read else (None, None, None)
    max_words = MAX_EVIDENCE_WORDS
    if isinstance(doc, dict) and _is_positive_int(doc.get("max_evidence_words")):
        max_words = doc["max_evidence_words"]
    read = _guard(read_yaml, fatal, folder / "codebook.yaml", "codebook.yaml", lines=True)
    cb = None
    if read:
        cbdoc, cb_lines = read
        # without a readable event.yaml, fact and figure ids cannot be checked: None skips them
        cb, cbp = parse_codebook(cbdoc, facts=None if facts is None else set(facts["id"]),
                                 figures=None if figures is None else set(figures["id"]), lines=cb_lines)
        fatal.extend(cbp)
    rpath = _find_table(folder, "reports", fatal)
    reports = None
    if rpath is None:
        fatal.append(Problem("reports.csv", "file not found", accepted="reports.csv with report_id, outlet, published, url"))
    else:
        rt = _guard(sheets.read_table, fatal, rpath, rpath.name, max_bytes=max_bytes)
        if rt is not None:
            reports = _guard(_parse_reports, fatal, rt, meta, problems, warned)
    files = _code_files(folder, fatal)
    if not files and not any(p.file.startswith("codes/") for p in fatal):
        fatal.append(Problem("codes/", "no coding sheets found",
                             accepted="codes.csv, or a codes/ folder of .csv, .xlsx or .parquet sheets"))
    if fatal or cb is None or reports is None:
        raise DataError(fatal + problems)
    moments = meta.pop("moments")
    reports_file = rpath.name

    counts = {}
    longs, names = [], []
    for p in tqdm(files, desc="coding sheets", unit="sheet", disable=not progress):
        rel = p.relative_to(folder).as_posix()
        t = _guard(sheets.read_table, fatal, p, rel, max_bytes=max_bytes, categorical=True)
        if t is None:
            continue
        problems.extend(t.problems)
        long = _sheet_to_long(t, cb.variables, fatal)
        if long is None:
            continue
        longs.append(long)
        names.append(t.file)
        counts[t.file] = {"form": "long" if _is_long(t.frame.columns) else "wide", "rows_read": t.n_read,
                          "rows_rejected_on_read": t.n_refused, "cells_read": len(long["_row"])}
        del t
    if fatal:
        raise DataError(fatal + problems)
    if longs:
        long = _concat_long(longs, names)
    else:
        empty = pd.Categorical([], categories=pd.Index([], dtype=object))
        long = {c: empty for c in ("report_id", "coder", "variable", "value", "evidence", "_vcol", "_file")}
        long["_row"] = np.zeros(0, dtype=np.int64)
    del longs
    report_ids = set(reports["report_id"])
    typed, bad, judged, cproblems, sort_key = _validate_codes(long, cb.variables, report_ids, max_words, reports_file)
    problems.extend(cproblems)

    terms = None
    tpath = _find_table(folder, "terms", fatal)
    if tpath is not None:
        tt = _guard(sheets.read_table, fatal, tpath, tpath.name, max_bytes=max_bytes, categorical=True)
        if tt is not None:
            terms = _guard(_parse_terms, fatal, tt, report_ids, problems, reports_file)
            del tt
    if (folder / "datapackage.json").is_file():
        from .datapackage import check_datapackage
        # a descriptor that does not match is reported, but the data can still be used
        problems.extend(check_datapackage(folder))

    if fatal or (strict and problems):
        raise DataError(fatal + problems)
    rejected = problems_frame(problems)
    rejected = rejected.rename(columns={"message": "reason"})[REJECTED_COLUMNS]
    used = ~bad & judged
    file_codes = long["_file"].codes
    n_files = len(long["_file"].categories)
    per_file = {what: np.bincount(file_codes[mask], minlength=n_files)
                for what, mask in (("judgements_used", used), ("blank", ~judged & ~bad), ("rejected", bad))}
    for j, fname in enumerate(long["_file"].categories):
        for what, n in per_file.items():
            counts[fname][what] = int(n[j])
    if sort_key is None:
        order = _key_frame(long).assign(_i=np.arange(len(long["_row"])))
        order = order[used].sort_values(["report_id", "coder", "variable"], kind="stable")["_i"].to_numpy()
    else:  # sorted on integer ranks (sort_key: the order of all rows)
        order = sort_key[used[sort_key]]
    del long
    codes = _codes_frame(typed, order)
    return Event(meta=meta, reports=reports, codes=codes, codebook=cb.variables, values=cb.values,
                 frames=cb.frames, facts=facts, figures=figures, terms=terms, moments=moments, rejected=rejected,
                 warnings=problems_frame(warned)[WARNING_COLUMNS], counts=counts, path=folder.name)


def validate_event(path, *, max_bytes: int = sheets.MAX_FILE_BYTES, progress: bool = False):
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
