"""event.yaml: the event's id, title, window and texts, its facts, figures and key moments.

Problems name the line (with the ``lines`` of :func:`analysis._yaml.read_yaml`). Facts (figures)
are None when the document or its list of facts (figures) is not usable, so that the codebook's
references to them are not checked against a wrong list.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pandas as pd

from ._yaml import Lines, add_lines
from .errors import Problem

__all__ = ["TEXT_KEYS", "EVENT_KEYS", "ISO_RE", "parse_event_yaml", "is_positive_int"]

# the keys read, and those holding free text for the report's method box
TEXT_KEYS = ("coders", "coded_text", "sampling")
EVENT_KEYS = ("id", "title", "start", "end", "description", "facts", "figures", "moments",
              "max_evidence_words") + TEXT_KEYS
ISO_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
FACT_COLUMNS = ["id", "label", "as_of", "as_of_time_known"]
FIGURE_COLUMNS = ["id", "label", "value", "unit", "as_of", "source"]

# one entry of a list (its number, the entry, ids seen, rows so far, problems, file name)
_EntryParser = Callable[[int, object, set[str], list[dict[str, object]], list[Problem], str], None]


def is_positive_int(value: object) -> bool:
    """A whole number above 0 (and not a boolean, which YAML would also give as an int)."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def parse_event_yaml(doc: object, problems: list[Problem], name: str = "event.yaml",
                     lines: Lines | None = None
                     ) -> tuple[dict[str, object] | None, pd.DataFrame | None, pd.DataFrame | None]:
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


def _event_yaml(doc: object, problems: list[Problem], name: str, lines: Lines
                ) -> tuple[dict[str, object] | None, pd.DataFrame | None, pd.DataFrame | None]:
    if not isinstance(doc, dict):
        problems.append(Problem(name, "event.yaml must be a mapping",
                                accepted="id, title, start, end, description, facts, figures"))
        return None, None, None
    meta = _meta(doc, problems, name, lines)
    for key in ("facts", "figures", "moments"):
        if doc.get(key) is not None and not isinstance(doc.get(key), list):
            problems.append(Problem(name, f"'{key}' must be a list", column=key, value=doc.get(key),
                                    accepted=f"{key}: [ {{id: ..., label: ...}}, ... ]"))
    mw = doc.get("max_evidence_words")
    if mw is not None and not is_positive_int(mw):
        problems.append(Problem(name, f"max_evidence_words {mw!r} is not a whole number above 0",
                                column="max_evidence_words", value=mw, accepted="a number of words such as 12"))
    facts = _entries(doc.get("facts"), _event_fact, problems, name, lines)
    figures = _entries(doc.get("figures"), _event_figure, problems, name, lines)
    unknown = sorted(set(doc) - set(EVENT_KEYS), key=str)
    for key in unknown:
        problems.append(Problem(name, f"unknown key '{key}'", column=str(key), accepted=", ".join(EVENT_KEYS)))
    usable = {key: doc.get(key) is None or isinstance(doc.get(key), list) for key in ("facts", "figures")}
    return (meta, pd.DataFrame(facts, columns=FACT_COLUMNS) if usable["facts"] else None,
            pd.DataFrame(figures, columns=FIGURE_COLUMNS) if usable["figures"] else None)


def _meta(doc: dict[object, object], problems: list[Problem], name: str, lines: Lines) -> dict[str, object]:
    """id, title, start, end, description, the texts and the moments of the event."""
    for key in ("id", "title", "start", "end"):
        if doc.get(key) in (None, ""):
            problems.append(Problem(name, f"'{key}' is missing", column=key,
                                    accepted="id, title, start, end (dates), description"))
    start = _as_date(doc.get("start"), name, "start", problems) if doc.get("start") else None
    end = _as_date(doc.get("end"), name, "end", problems) if doc.get("end") else None
    meta: dict[str, object] = {"id": str(doc.get("id", "")), "title": str(doc.get("title", "")),
                               "start": start, "end": end,
                               "description": str(doc.get("description") or "").strip()}
    for key in TEXT_KEYS:
        value = doc.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(Problem(name, f"'{key}' must be text", column=key, value=value,
                                    accepted=f"{key}: a sentence or paragraph"))
        meta[key] = value.strip() if isinstance(value, str) else ""
    meta["moments"] = _event_moments(doc.get("moments"), problems, name, lines)
    if start and end and end < start:
        problems.append(Problem(name, f"end {end} is before start {start}", column="end",
                                value=end, accepted="an end date on or after the start"))
    return meta


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _entries(value: object, parse_one: _EntryParser, problems: list[Problem], name: str,
             lines: Lines) -> list[dict[str, object]]:
    """The usable entries of a list of facts or figures; each entry's problems name its line."""
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    for i, entry in enumerate(_as_list(value), start=1):
        where = lines.get(id(entry)) if isinstance(entry, dict) else None
        n0 = len(problems)
        parse_one(i, entry, seen, rows, problems, name)
        add_lines(problems, n0, where)
    return rows


def _as_date(value: object, name: str, key: str, problems: list[Problem]) -> dt.date | None:
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


def _as_time(value: object, name: str, key: str, problems: list[Problem]) -> tuple[pd.Timestamp, bool]:
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


def _event_moments(value: object, problems: list[Problem], name: str, lines: Lines) -> pd.DataFrame:
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


def _event_fact(i: int, f: object, seen: set[str], facts: list[dict[str, object]],
                problems: list[Problem], name: str) -> None:
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


def _event_figure(i: int, f: object, seen: set[str], figures: list[dict[str, object]],
                  problems: list[Problem], name: str) -> None:
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
