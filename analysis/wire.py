"""Wire edits: how a report differs from the report it was derived from.

Many outlets run agency copy. When ``reports.derived_from`` names another report of the event,
the two reports' consolidated codes can be compared variable by variable: a reprint that
relabels the "hostages" as "prisoners of war", drops the attribution of a death toll, or cuts a
source has made an editorial choice that the agency did not.

A link is read as a direction (the reprint changed its source) only when the dates agree with it.
When the report named in ``derived_from`` was published later, or the dates cannot tell which
came first (two reports of the same day, one of them without a clock time), the two texts are
copies that differ, and no edit is called "added" or "dropped".

- :func:`wire_edits`: one row per difference between a report and its source;
- :func:`wire_edit_summary`: the differences, those that change meaning first, with the
  evidence of both copies.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError, Problem
from .common import check_columns, is_missing
from .sample import SOURCE_FIRST, SOURCE_LATER, publication_order, time_known

__all__ = ["wire_edits", "wire_edit_summary", "WIRE_ROLES", "MEANING_ROLES", "DIRECTIONS"]

WIRE_ROLES = ("label", "claim", "attribution", "figure", "fact", "source")
# edits that change what a report says happened or who said it
MEANING_ROLES = ("label", "claim", "attribution")
REPRINT_CHANGED = "reprint changed"
ORDER_UNKNOWN = "copies differ (order unknown)"
LINK_LATER = "copies differ (link points to a later report)"
DIRECTIONS = (REPRINT_CHANGED, ORDER_UNKNOWN, LINK_LATER)
EDIT_COLUMNS = ("report_id", "outlet", "source_report", "source_outlet", "variable", "role", "meaning",
                "direction", "source_value", "value", "change", "source_evidence", "evidence")
SUMMARY_COLUMNS = ("meaning", "role", "variable", "outlet", "source_outlet", "direction", "change",
                   "source_value", "value", "source_evidence", "evidence", "report_id", "source_report")
CHANGES = ("changed", "added", "dropped", "differs")
# consolidation rules whose NaN means "the coders did not settle it", not "absent"
UNRESOLVED = ("tie", "single_coder")


def wire_edits(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *,
               roles: str | Sequence[str] = WIRE_ROLES) -> pd.DataFrame:
    """How each derived report differs from its source, variable by variable.

    Parameters
    ----------
    final : DataFrame
        Consolidated codes: ``report_id, variable, value``, and optionally ``evidence`` and
        ``rule`` (as :func:`analysis.reliability.consolidate` returns).
    codebook : DataFrame
        ``variable, level, role, yes_code`` and, optionally, ``attribution`` (figures).
    reports : DataFrame
        ``report_id, outlet, published, derived_from`` and optionally ``published_time_known``.
        ``derived_from`` names the report_id of the source; a source outside the event (e.g. a
        wire story that was not collected) cannot be compared and is skipped.
    roles : sequence of str, default ("label", "claim", "attribution", "figure", "fact", "source")
        The roles compared; "attribution" stands for the variables a figure names as its
        ``attribution``, whatever their codebook role.

    Returns
    -------
    DataFrame
        ``report_id, outlet, source_report, source_outlet, variable, role, meaning, direction,
        source_value, value, change, source_evidence, evidence``: one row per difference
        (identical codes give no row), sorted by report_id, then variable in codebook order.
        ``source_*`` describe the report named in ``derived_from``. ``role`` is the codebook
        role, or "attribution"; ``meaning`` is True for roles label, claim and attribution
        (edits that change what happened or on whose word). ``direction`` is

        - "reprint changed": the source was published first, so the report changed it;
        - "copies differ (order unknown)": the dates cannot tell which came first;
        - "copies differ (link points to a later report)": the source was published after the
          report (``validate`` warns about such links).

        ``change`` is, for a reprint: "changed" (both have a value and they differ), "added"
        (the report has what its source lacks: a fact or source, a figure where none was cited)
        or "dropped" (the source has what the report lacks); for copies without a direction
        always "differs".

    Notes
    -----
    The rules follow the codebook, not variable names:

    - yes/no variables (with a ``yes_code``, e.g. facts and sources): a difference when the
      yes code is on one side only; NaN on either side is not compared;
    - interval and ratio variables (figures): NaN means no number cited (docs/data-model.md),
      so a number against NaN is a difference, as are two different numbers;
    - other nominal and ordinal variables (labels, claims, attributions): a difference when
      both have a value and they differ; NaN (not coded) on either side is not compared.

    Which came first follows :func:`analysis.sample.publication_order`: times are compared at
    the precision known (a date without a time is a whole day in an unknown time zone). Values
    the coders did not settle (``rule`` "tie" or "single_coder") are never compared, and a
    report with no row in ``final`` is skipped. Each report is compared with its direct source
    only; in a chain A -> B -> C, C is compared with B.
    """
    check_columns(final, ("report_id", "variable", "value"), "final")
    check_columns(codebook, ("variable", "level", "role", "yes_code"), "codebook")
    check_columns(reports, ("report_id", "outlet", "published", "derived_from"), "reports")
    roles = (roles,) if isinstance(roles, str) else tuple(roles)
    spec = _compared(codebook, roles)

    rep = reports.assign(report_id=reports["report_id"].astype(str), _known=time_known(reports))
    outlet = dict(zip(rep["report_id"], rep["outlet"]))
    when = dict(zip(rep["report_id"], zip(rep["published"], rep["_known"])))
    pairs = [(r, str(s)) for r, s in zip(rep["report_id"], rep["derived_from"])
             if pd.notna(s) and str(s) in outlet and str(s) != r]
    direction = _directions(pairs, when)
    coded, cell = _cells(final, spec)

    rows = []
    for report, source in sorted(pairs):
        if report not in coded or source not in coded:
            continue
        directed = direction[(report, source)] == REPRINT_CHANGED
        for order, var, there, here, change in _differences(cell, report, source, spec):
            rows.append({"report_id": report, "outlet": outlet[report], "source_report": source,
                         "source_outlet": outlet[source], "variable": var.variable, "role": var.role,
                         "meaning": var.role in MEANING_ROLES, "direction": direction[(report, source)],
                         "source_value": there[0], "value": here[0],
                         "change": change if directed else "differs",
                         "source_evidence": there[1], "evidence": here[1], "_order": order})
    if not rows:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in EDIT_COLUMNS})
        empty["meaning"] = empty["meaning"].astype(bool)
        return empty
    out = pd.DataFrame(rows).sort_values(["report_id", "_order"], kind="stable")
    return out[list(EDIT_COLUMNS)].reset_index(drop=True)


# a consolidated code: (value, evidence, unresolved by the coders)
_Cell = tuple[object, object, bool]


def _cells(final: pd.DataFrame, spec: pd.DataFrame) -> tuple[set[str], dict[tuple[str, str], _Cell]]:
    """The reports with codes, and the code of each report and compared variable.

    DataError when ``final`` has two rows for one report and variable.
    """
    fin = final.assign(report_id=final["report_id"].astype(str))
    dup = fin.duplicated(["report_id", "variable"])
    if dup.any():
        row = fin[dup].iloc[0]
        raise DataError(Problem("final", f"report {row['report_id']}, variable {row['variable']} has more "
                                "than one row", accepted="one consolidated value per report and variable"))
    coded = set(fin["report_id"])
    fin = fin[fin["variable"].isin(spec["variable"])]
    evidence = fin["evidence"] if "evidence" in fin.columns else pd.Series(np.nan, index=fin.index)
    unresolved = (fin["rule"].isin(UNRESOLVED) if "rule" in fin.columns
                  else pd.Series(False, index=fin.index))
    cell = {(r, v): (val, ev, bad) for r, v, val, ev, bad in
            zip(fin["report_id"], fin["variable"], fin["value"], evidence, unresolved)}
    return coded, cell


def _differences(cell: dict[tuple[str, str], _Cell], report: str, source: str,
                 spec: pd.DataFrame) -> Iterator[tuple[int, Any, _Cell, _Cell, str]]:
    """``(order, codebook row, source's code, report's code, change)`` per variable that differs.

    Variables either side leaves unresolved, or does not code, are not compared.
    """
    for order, var in enumerate(spec.itertuples(index=False)):
        here, there = cell.get((report, var.variable)), cell.get((source, var.variable))
        if here is None or there is None or here[2] or there[2]:
            continue
        change = _change(there[0], here[0], var)
        if change is not None:
            yield order, var, there, here, change


def wire_edit_summary(edits: pd.DataFrame) -> pd.DataFrame:
    """The edits to read first: those that change meaning, with the evidence of both copies.

    Parameters
    ----------
    edits : DataFrame
        The result of :func:`wire_edits` (``report_id, outlet, source_report, source_outlet,
        variable, role, direction, source_value, value, change`` and, when present,
        ``source_evidence, evidence``).

    Returns
    -------
    DataFrame
        ``meaning, role, variable, outlet, source_outlet, direction, change, source_value,
        value, source_evidence, evidence, report_id, source_report``: one row per edit. Edits
        that change meaning (roles label, claim, attribution) come first, then figures, facts,
        sources and other roles; within a role, by variable, source report and report.
        ``source_evidence`` and ``evidence`` quote the source (the report named in
        ``derived_from``) and the copy.
    """
    check_columns(edits, ("report_id", "outlet", "source_report", "source_outlet", "variable", "role",
                           "direction", "source_value", "value", "change"), "edits")
    bad = sorted(set(edits["change"].dropna()) - set(CHANGES))
    if bad:
        raise DataError(Problem("edits", f"change {bad[0]!r} is unknown", column="change", value=bad[0],
                                accepted=", ".join(CHANGES)))
    bad = sorted(set(edits["direction"].dropna()) - set(DIRECTIONS))
    if bad:
        raise DataError(Problem("edits", f"direction {bad[0]!r} is unknown", column="direction", value=bad[0],
                                accepted=", ".join(DIRECTIONS)))
    out = edits.assign(meaning=edits["role"].isin(MEANING_ROLES))
    for c in ("source_evidence", "evidence"):
        if c not in out.columns:
            out[c] = np.nan
    role_rank = {r: i for i, r in enumerate(WIRE_ROLES)}
    out = out.assign(_m=~out["meaning"], _o=[role_rank.get(r, len(WIRE_ROLES)) for r in out["role"]],
                     _r=out["role"].astype(str), _v=out["variable"].astype(str),
                     _s=out["source_report"].astype(str), _i=out["report_id"].astype(str))
    out = out.sort_values(["_m", "_o", "_r", "_v", "_s", "_i"], kind="stable")
    return out[list(SUMMARY_COLUMNS)].reset_index(drop=True)


def _compared(codebook: pd.DataFrame, roles: tuple[str, ...]) -> pd.DataFrame:
    """The codebook rows compared, with role "attribution" for figures' attribution variables."""
    named: set[str] = set()
    if "attribution" in codebook.columns:
        named = {a for a in codebook["attribution"] if isinstance(a, str) and a}
    role = np.where(codebook["variable"].isin(named), "attribution", codebook["role"].astype(object))
    spec = codebook.assign(role=role)
    return spec[spec["role"].isin(roles)].reset_index(drop=True)


def _directions(pairs: list[tuple[str, str]],
                when: dict[str, tuple[pd.Timestamp, bool]]) -> dict[tuple[str, str], str]:
    """direction of each (report, source) pair, from their publication times."""
    if not pairs:
        return {}
    src = [when[s] for _, s in pairs]
    rep = [when[r] for r, _ in pairs]
    order = publication_order([t for t, _ in src], [k for _, k in src], [t for t, _ in rep], [k for _, k in rep])
    name = {SOURCE_FIRST: REPRINT_CHANGED, SOURCE_LATER: LINK_LATER}
    return {p: name.get(o, ORDER_UNKNOWN) for p, o in zip(pairs, order)}


def _change(source_value: Any, value: Any, var: Any) -> str | None:
    """'changed', 'added', 'dropped' or None (no difference, or not comparable).

    The values are codes as read (text or numbers; numbers for interval and ratio variables);
    ``var`` is a codebook row (``level``, ``yes_code``) as ``DataFrame.itertuples`` gives it.
    """
    s_missing, r_missing = is_missing(source_value), is_missing(value)
    if var.level in ("interval", "ratio"):
        if s_missing and r_missing:
            return None
        if s_missing:
            return "added"
        if r_missing:
            return "dropped"
        return None if float(source_value) == float(value) else "changed"
    if s_missing or r_missing:
        return None
    yes = var.yes_code
    if yes is not None and not is_missing(yes):
        s_yes, r_yes = source_value == yes, value == yes
        if s_yes and not r_yes:
            return "dropped"
        if r_yes and not s_yes:
            return "added"
        return None
    return None if source_value == value else "changed"
