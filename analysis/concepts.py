"""Concepts shared by codebooks: which questions two or more events ask alike, and how.

A *concept* is a question that two codebooks ask alike: a ``compare_as`` key of a codebook
variable, or an entry of a mapping file (``data/compare/*.yaml``, format in data/README.md) that
names each event's variable and the code(s) that count as *positive*. Used by
:mod:`analysis.across`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._yaml import read_yaml
from .common import with_note
from .errors import DataError, Problem

if TYPE_CHECKING:
    from .page import Page

__all__ = ["CONCEPT_COLUMNS", "read_mapping", "read_mappings", "empty_mapping", "comparable_concepts",
           "left_out_sentence", "event_id"]

CONCEPT_COLUMNS = ["concept", "label", "event", "variable", "level", "positive", "exclude", "used", "reason"]
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_SPEC_KEYS = {"variable", "positive", "exclude"}


def event_id(page: Page) -> str:
    """The ``id`` of the event a page (:class:`analysis.page.Page`) shows."""
    return str(page.event.meta["id"])

# ---------------------------------------------------------------------------------------------
# concepts
# ---------------------------------------------------------------------------------------------

def _codes(value: object, file: str, line: int | None, what: str, problems: list[Problem]) -> tuple | None:
    if value is None:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not value or not all(
            isinstance(c, (str, int)) and not isinstance(c, bool) for c in value):
        problems.append(Problem(file, f"{what} must be a list of codes", row=line, column=what, value=value,
                                accepted=f"{what}: [code, ...], codes as the codebook writes them"))
        return None
    return tuple(str(c) for c in value)


def read_mapping(path: str | Path) -> pd.DataFrame:
    """The concepts a mapping file declares, one row per concept and event.

    Parameters
    ----------
    path : str or Path
        A YAML file: ``concepts:``, a list of ``{id, label (optional), events}``, where ``events``
        maps an event id to a variable name, or to ``{variable, positive, exclude}`` (see
        data/README.md, "Comparing events").

    Returns
    -------
    DataFrame
        ``concept, label, event, variable, positive, exclude, file, line``; ``positive`` and
        ``exclude`` are tuples of codes (as text) or None when not given.

    Raises
    ------
    DataError
        Every problem of the file, naming its line, the key and what is accepted.
    """
    path = Path(path)
    name = path.name
    doc, lines = read_yaml(path, name, lines=True)
    problems, rows, seen = [], [], set()
    items = doc.get("concepts") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise DataError(Problem(name, "the file must hold a list under 'concepts'", column="concepts",
                                accepted="concepts: [{id: ..., events: {EVENT_ID: VARIABLE, ...}}, ...]"))
    for item in items:
        where = lines.get(id(item), {}) if isinstance(item, dict) else {}
        line = where.get(None)
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not _WORD.fullmatch(item["id"]):
            problems.append(Problem(name, "each concept needs an 'id': a word of letters, digits and _",
                                    row=line, column="id", value=item.get("id") if isinstance(item, dict) else item,
                                    accepted="id: claim_relay"))
            continue
        concept = item["id"]
        unknown = sorted(set(item) - {"id", "label", "events"})
        if unknown:
            problems.append(Problem(name, f"concept {concept}: unknown key(s) {', '.join(unknown)}",
                                    row=line, column=unknown[0], accepted="id, label, events"))
        if concept in seen:
            problems.append(Problem(name, f"concept {concept} is declared twice", row=where.get("id", line),
                                    column="id", value=concept, accepted="each concept once"))
            continue
        seen.add(concept)
        events = item.get("events")
        if not isinstance(events, dict) or not events:
            problems.append(Problem(name, f"concept {concept}: 'events' must map event ids to variables",
                                    row=where.get("events", line), column="events",
                                    accepted="events: {EVENT_ID: VARIABLE} or {EVENT_ID: {variable: ..., "
                                             "positive: [...], exclude: [...]}}"))
            continue
        for event, spec in events.items():
            at = lines.get(id(events), {}).get(event, line)
            if isinstance(spec, str):
                spec = {"variable": spec}
            if not isinstance(spec, dict) or not isinstance(spec.get("variable"), str) or set(spec) - _SPEC_KEYS:
                problems.append(Problem(name, f"concept {concept}, event {event}: give a variable name or "
                                        "{variable, positive, exclude}", row=at, column=str(event), value=spec,
                                        accepted="EVENT_ID: VARIABLE, or EVENT_ID: {variable: V, positive: [codes], "
                                                 "exclude: [codes]}"))
                continue
            positive = _codes(spec.get("positive"), name, at, "positive", problems)
            exclude = _codes(spec.get("exclude"), name, at, "exclude", problems)
            rows.append({"concept": concept, "label": str(item.get("label") or ""), "event": str(event),
                         "variable": spec["variable"], "positive": positive, "exclude": exclude,
                         "file": name, "line": at})
    if problems:
        raise DataError(problems)
    return pd.DataFrame(rows, columns=["concept", "label", "event", "variable", "positive", "exclude", "file", "line"])


def read_mappings(where: str | Path) -> pd.DataFrame:
    """Every mapping file of a folder (``*.yaml``, ``*.yml``, by name), or one file, as one table.

    A (concept, event) declared in two files is a DataError naming both. A folder that does not
    exist gives an empty table.
    """
    where = Path(where)
    files = [where] if where.is_file() else sorted(p for p in where.glob("*.y*ml") if p.is_file()) \
        if where.is_dir() else []
    tables = [read_mapping(f) for f in files]
    out = pd.concat(tables, ignore_index=True) if tables else empty_mapping()
    dup = out[out.duplicated(["concept", "event"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        others = dup[(dup["concept"] == first["concept"]) & (dup["event"] == first["event"])]
        raise DataError(Problem(str(others["file"].iloc[-1]), f"concept {first['concept']} is declared for event "
                                f"{first['event']} again (first in {others['file'].iloc[0]})",
                                row=int(others["line"].iloc[-1]) if pd.notna(others["line"].iloc[-1]) else None,
                                column=str(first["event"]), accepted="each concept and event in one file only"))
    return out


def empty_mapping() -> pd.DataFrame:
    """An empty mapping table (no mapping file)."""
    return pd.DataFrame(columns=["concept", "label", "event", "variable", "positive", "exclude", "file", "line"])



def _declared(mapping: pd.DataFrame, ids: list) -> dict:
    """concept -> {event: mapping row} for the events at hand, concepts in file order."""
    out: dict[str, dict[str, Any]] = {}
    for row in mapping[mapping["event"].isin(ids)].itertuples(index=False):
        out.setdefault(row.concept, {})[row.event] = row
    return out


def _check_spec(row: Any, cb_row: pd.Series, problems: list[Problem]) -> None:
    """Problems of a mapping row against the event's codebook (compare_as, codes)."""
    where = dict(row=None if pd.isna(row.line) else int(row.line), column=row.event)
    other = cb_row["compare_as"]
    if other is not None and other != row.concept:
        problems.append(Problem(row.file, f"concept {row.concept}: variable {row.variable} of {row.event} carries "
                                f"compare_as {other} in its codebook", value=row.variable,
                                accepted=f"a variable whose compare_as is {row.concept} or absent", **where))
    codes = [str(c) for c in (cb_row["codes"] or ())]
    for what in ("positive", "exclude"):
        given = getattr(row, what)
        if given is None:
            continue
        if not codes:
            problems.append(Problem(row.file, f"concept {row.concept}: {row.variable} of {row.event} is a "
                                    f"{cb_row['level']} variable and has no codes to list under {what}",
                                    value=", ".join(given), accepted="positive and exclude only for coded variables",
                                    **where))
            continue
        bad = [c for c in given if c not in codes]
        if bad:
            problems.append(Problem(row.file, f"concept {row.concept}: {what} code(s) {', '.join(bad)} are not codes "
                                    f"of {row.variable} in {row.event}", value=", ".join(bad),
                                    accepted="one of " + ", ".join(codes), **where))


def _concept_rows(page: Page, concept: str, spec: Any, from_codebook: list, problems: list[Problem]) -> dict | None:
    """The concept's row for one event, or None when the event does not have the concept."""
    event = event_id(page)
    cb = page.event.codebook.set_index("variable", drop=False)
    row = {"concept": concept, "label": "", "event": event, "variable": "", "level": "", "positive": None,
           "exclude": (), "used": False, "reason": ""}
    if spec is not None:
        if spec.variable not in cb.index:
            problems.append(Problem(spec.file, f"concept {concept}: event {event} has no variable {spec.variable}",
                                    row=None if pd.isna(spec.line) else int(spec.line), column=event,
                                    value=spec.variable, accepted=f"a variable of {event}'s codebook"))
            return None
        _check_spec(spec, cb.loc[spec.variable], problems)
        variable, positive, exclude = spec.variable, spec.positive, spec.exclude or ()
    elif len(from_codebook) == 1:
        variable, positive, exclude = from_codebook[0], None, ()
    elif from_codebook:
        row["reason"] = (f"in {event}, {' and '.join(from_codebook)} carry compare_as {concept}; "
                         "name one in a mapping file")
        return row
    else:
        return None
    var = cb.loc[variable]
    if positive is None and var["yes_code"] is not None:
        positive = (str(var["yes_code"]),)
    elif positive is None and sorted(map(str, var["codes"] or ())) == ["no", "yes"]:
        positive = ("yes",)
    verdict = page.reliability.set_index("variable")["verdict"].get(variable, "")
    row.update(label=str(var["label"]), variable=variable, level=str(var["level"]), positive=positive,
               exclude=tuple(exclude))
    if var["level"] in ("interval", "ratio"):
        row["reason"] = f"{variable} in {event} is a {var['level']} variable, not codes"
    elif verdict == "unreliable":
        rel = page.reliability.set_index("variable").loc[variable]
        row["reason"] = (f"{variable} is unreliable in {event} (alpha {rel['alpha']:.3f}, 95% interval "
                         f"{rel['ci_low']:.3f} to {rel['ci_high']:.3f})")
    elif positive is None:
        row["reason"] = f"no positive code declared for {variable} in {event} (name them in a mapping file)"
    else:
        row["used"] = True
    return row


def comparable_concepts(pages: Sequence[Page], *, mapping: pd.DataFrame | None = None) -> pd.DataFrame:
    """The concepts the events share, the variable and positive codes of each in each event.

    Parameters
    ----------
    pages : list of analysis.page.Page
        The events, from :func:`analysis.page.open_page`, in the order they are compared.
    mapping : DataFrame, optional
        Mapping-file rows (:func:`read_mappings`); they name a concept's variable and codes for an
        event and take precedence over its codebook's ``compare_as``.

    Returns
    -------
    DataFrame
        ``concept, label, event, variable, level, positive, exclude, used, reason``: one row per
        concept and event that has it. ``positive`` is the tuple of codes counted (unless
        declared: the variable's yes code, or ``yes`` when its codes are yes and no),
        ``exclude`` the codes left out of the share.
        ``used`` is False, with the ``reason``, for an interval or ratio variable, a variable
        without positive codes, an unreliable one, or a concept usable in fewer than two events.
        ``label`` is the mapping's label or the first event's variable label.

    Raises
    ------
    DataError
        A mapping row names a variable the event does not have, a code it does not have, or a
        variable whose codebook says ``compare_as`` another concept.
    """
    mapping = empty_mapping() if mapping is None else mapping
    ids = [event_id(p) for p in pages]
    declared = _declared(mapping, ids)
    from_codebook: dict[str, dict[str, list[str]]] = {}
    for page in pages:
        cb = page.event.codebook
        for var, concept in zip(cb["variable"], cb["compare_as"]):
            if concept is not None:
                from_codebook.setdefault(concept, {}).setdefault(event_id(page), []).append(var)
    order = list(dict.fromkeys(list(declared) + list(from_codebook)))
    problems: list[Problem] = []
    rows: list[dict] = []
    for concept in order:
        these = []
        for page in pages:
            spec = declared.get(concept, {}).get(event_id(page))
            row = _concept_rows(page, concept, spec, from_codebook.get(concept, {}).get(event_id(page), []),
                                problems)
            if row is not None:
                these.append(row)
        label = next((s.label for s in declared.get(concept, {}).values() if s.label), "") or \
            next((r["label"] for r in these if r["label"]), concept)
        usable = [r for r in these if r["used"]]
        for r in these:
            r["label"] = label
            if r["used"] and len(usable) < 2:
                r["used"] = False
                r["reason"] = (f"declared for {r['event']} only" if len(these) == 1
                               else f"usable in {r['event']} only")
        rows += these
    if problems:
        raise DataError(problems)
    return with_note(pd.DataFrame(rows, columns=CONCEPT_COLUMNS))


def left_out_sentence(concepts: pd.DataFrame) -> str:
    """One sentence naming the concepts left out and why ("" when every concept is used)."""
    out = concepts[~concepts["used"].astype(bool)]
    if out.empty:
        return ""
    parts = []
    for concept, part in out.groupby("concept", sort=False):
        reasons = list(dict.fromkeys(r for r in part["reason"] if r))
        # "usable in X only" says no more than the reason the other event gives
        reasons = [r for r in reasons if not r.startswith("usable in ")] or reasons
        parts.append(f"{concept} ({'; '.join(reasons)})")
    return "Left out: " + "; ".join(parts) + "."
