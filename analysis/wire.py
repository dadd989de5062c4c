"""Wire edits: what a report changed against the report it was derived from.

Many outlets run agency copy. When ``reports.derived_from`` names another report of the event,
the two reports' consolidated codes can be compared variable by variable: a reprint that
relabels the "hostages" as "prisoners of war", drops the attribution of a death toll, or cuts a
source has made an editorial choice that the agency did not.

- :func:`wire_edits`: one row per difference between a report and its source;
- :func:`wire_edit_summary`: the differences counted by outlet and role.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import DataError, Problem
from .errors import check_columns as _check_columns

__all__ = ["wire_edits", "wire_edit_summary", "WIRE_ROLES"]

WIRE_ROLES = ("label", "claim", "figure", "fact", "source")
EDIT_COLUMNS = ("report_id", "outlet", "source_report", "source_outlet", "variable", "role",
                "source_value", "value", "change", "source_evidence", "evidence")
SUMMARY_COLUMNS = ("outlet", "role", "n_changed", "n_added", "n_dropped")
CHANGES = ("changed", "added", "dropped")
# consolidation rules whose NaN means "the coders did not settle it", not "absent"
UNRESOLVED = ("tie", "single_coder")


def wire_edits(final, codebook, reports, *, roles=WIRE_ROLES):
    """What each derived report changed against its source, variable by variable.

    Parameters
    ----------
    final : DataFrame
        Consolidated codes: ``report_id, variable, value``, and optionally ``evidence`` and
        ``rule`` (as :func:`analysis.reliability.consolidate` returns).
    codebook : DataFrame
        ``variable, level, role, codes, yes_code``.
    reports : DataFrame
        ``report_id, outlet, derived_from``. ``derived_from`` names the report_id of the source;
        a source outside the event (e.g. a wire story that was not collected) cannot be
        compared and is skipped.
    roles : sequence of str, default ("label", "claim", "figure", "fact", "source")
        The codebook roles compared.

    Returns
    -------
    DataFrame
        ``report_id, outlet, source_report, source_outlet, variable, role, source_value, value,
        change, source_evidence, evidence``: one row per difference (identical codes give no
        row), sorted by report_id, then variable in codebook order. ``change`` is one of:

        - "changed": both reports have a value and the values differ (a label, a claim, a
          number);
        - "added": the report has what its source lacks: a fact or source the source does not
          carry ("yes" against "no"), or a figure where the source cites none;
        - "dropped": the source has what the report lacks.

    Notes
    -----
    The rules follow the codebook, not variable names:

    - yes/no variables (with a ``yes_code``, e.g. facts and sources): "added" / "dropped"
      when the yes code appears / disappears; NaN on either side is not compared;
    - interval and ratio variables (figures): NaN means no number cited (docs/data-model.md),
      so a number against NaN is "added" or "dropped", two different numbers "changed";
    - other nominal and ordinal variables (labels, claims): "changed" when both have a value
      and they differ; NaN (not coded) on either side is not compared.

    Values the coders did not settle (``rule`` "tie" or "single_coder", when ``final`` has a
    ``rule`` column) are never compared, and a report with no row in ``final`` is skipped.
    Each report is compared with its direct source only; in a chain A -> B -> C, C is compared
    with B.
    """
    _check_columns(final, ("report_id", "variable", "value"), "final")
    _check_columns(codebook, ("variable", "level", "role", "yes_code"), "codebook")
    _check_columns(reports, ("report_id", "outlet", "derived_from"), "reports")
    roles = (roles,) if isinstance(roles, str) else tuple(roles)
    spec = codebook[codebook["role"].isin(roles)].reset_index(drop=True)

    rep = reports.assign(report_id=reports["report_id"].astype(str))
    outlet = dict(zip(rep["report_id"], rep["outlet"]))
    pairs = [(r, str(s)) for r, s in zip(rep["report_id"], rep["derived_from"])
             if pd.notna(s) and str(s) in outlet and str(s) != r]

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

    rows = []
    for report, source in sorted(pairs):
        if report not in coded or source not in coded:
            continue
        for order, var in enumerate(spec.itertuples(index=False)):
            here, there = cell.get((report, var.variable)), cell.get((source, var.variable))
            if here is None or there is None or here[2] or there[2]:
                continue
            change = _change(there[0], here[0], var)
            if change is None:
                continue
            rows.append({"report_id": report, "outlet": outlet[report], "source_report": source,
                         "source_outlet": outlet[source], "variable": var.variable, "role": var.role,
                         "source_value": there[0], "value": here[0], "change": change,
                         "source_evidence": there[1], "evidence": here[1], "_order": order})
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in EDIT_COLUMNS})
    out = pd.DataFrame(rows).sort_values(["report_id", "_order"], kind="stable")
    return out[list(EDIT_COLUMNS)].reset_index(drop=True)


def wire_edit_summary(edits):
    """Count wire edits by outlet and role.

    Parameters
    ----------
    edits : DataFrame
        The result of :func:`wire_edits` (``outlet, role, change``).

    Returns
    -------
    DataFrame
        ``outlet, role, n_changed, n_added, n_dropped``: one row per outlet and role with at
        least one edit, sorted by outlet, then role in the order label, claim, figure, fact,
        source (other roles after, alphabetically). Reprints that changed nothing do not appear:
        the edits table has no row for them.
    """
    _check_columns(edits, ("outlet", "role", "change"), "edits")
    bad = sorted(set(edits["change"].dropna()) - set(CHANGES))
    if bad:
        raise DataError(Problem("edits", f"change {bad[0]!r} is unknown", column="change", value=bad[0],
                                accepted=", ".join(CHANGES)))
    if edits.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("outlet", "role") else np.int64)
                             for c in SUMMARY_COLUMNS})
    counts = pd.crosstab([edits["outlet"], edits["role"]], edits["change"])
    counts = counts.reindex(columns=list(CHANGES), fill_value=0).reset_index()
    counts.columns.name = None
    counts = counts.rename(columns={c: f"n_{c}" for c in CHANGES})
    role_rank = {r: i for i, r in enumerate(WIRE_ROLES)}
    counts["_o"] = [role_rank.get(r, len(WIRE_ROLES)) for r in counts["role"]]
    counts["_k"] = counts["outlet"].astype(str)
    counts["_r"] = counts["role"].astype(str)
    counts = counts.sort_values(["_k", "_o", "_r"], kind="stable")
    for c in ("n_changed", "n_added", "n_dropped"):
        counts[c] = counts[c].astype(np.int64)
    return counts[list(SUMMARY_COLUMNS)].reset_index(drop=True)


def _change(source_value, value, var):
    """'changed', 'added', 'dropped' or None (no difference, or not comparable)."""
    s_missing, r_missing = _missing(source_value), _missing(value)
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
    if yes is not None and not _missing(yes):
        s_yes, r_yes = source_value == yes, value == yes
        if s_yes and not r_yes:
            return "dropped"
        if r_yes and not s_yes:
            return "added"
        return None
    return None if source_value == value else "changed"


def _missing(x):
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


