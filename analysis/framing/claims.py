"""Claims: each report's stance on each claim, the pairs of reports that contradict each other,
and when each stance first appeared."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..common import is_blank
from ..errors import DataError, Problem
from ..sample import time_known
from ._shared import (attach_by_report, check_table, code_ranks, codebook_records, empty_table, final_rows,
                      group_of, role_rows)

CLAIM_STANCE_COLUMNS = ("report_id", "outlet", "published", "variable", "value", "evidence")
CONTRADICTION_COLUMNS = (
    "variable", "report_a", "outlet_a", "published_a", "value_a", "evidence_a",
    "report_b", "outlet_b", "published_b", "value_b", "evidence_b",
)
TIMELINE_COLUMNS = ("variable", "variable_label", "value", "value_label", "first_published",
                    "first_time_known", "first_report", "first_outlet", "n_reports", "outlets_in_order")

# the columns of each report of a contradicting pair; _pos is its place in time order
_PAIR_KEEP = ["report_id", "outlet", "published", "value", "evidence", "_pos"]


def claim_stances(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Each report's coded stance on each claim, with its outlet and time.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value[, evidence]``.
    codebook : DataFrame
        ``variable, level, role, codes``; claims are the rows of role ``claim``.
    reports : DataFrame
        ``report_id, outlet, published``.

    Returns
    -------
    DataFrame
        ``CLAIM_STANCE_COLUMNS``: ``report_id, outlet, published, variable, value, evidence``,
        one row per report and claim variable with a coded value (NaN values, i.e. unresolved or
        not coded, are left out), sorted by variable in codebook order, then published (missing
        last), then report_id. ``evidence`` is NaN when ``final`` has no evidence column.
    """
    claims = role_rows(codebook, "claim")
    return _stances(final, claims, reports)[list(CLAIM_STANCE_COLUMNS)].reset_index(drop=True)


def _stances(final: pd.DataFrame, claims: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Coded claim values with outlet and time, in codebook then time order."""
    rows = final_rows(final, claims["variable"])
    check_table(reports, ("report_id", "outlet", "published"), "reports")
    outlet = group_of(reports, "outlet")
    published = pd.Series(reports["published"].array, index=outlet.index)
    parts = []
    for order, var in enumerate(codebook_records(claims)):
        sub = rows.get(var.variable)
        if sub is None:
            continue
        rank = code_ranks(sub, var)
        parts.append(sub[~np.isnan(rank)].assign(_order=order))
    columns = ["report_id", "outlet", "published", "variable", "value", "evidence", "_order"]
    if not parts:
        empty = empty_table(columns, {"_order": "int64"})
        empty["published"] = published.iloc[:0].to_numpy()
        return empty
    table = pd.concat(parts, ignore_index=True)
    if "evidence" not in table.columns:
        table["evidence"] = np.nan
    table = attach_by_report(table, outlet, "final", target="outlet")
    table = attach_by_report(table, published, "final", target="published")
    table = table.sort_values(["_order", "published", "report_id"], kind="stable", na_position="last")
    return table[columns].reset_index(drop=True)


def contradictions(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Every pair of reports whose stances on a claim cannot both be true.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value[, evidence]``.
    codebook : DataFrame
        ``variable, level, role, codes, contradicts``; ``contradicts`` of a claim lists pairs of
        its codes that exclude each other, e.g. ``(("asserted", "denied"),)``.
    reports : DataFrame
        ``report_id, outlet, published``.

    Returns
    -------
    DataFrame
        ``CONTRADICTION_COLUMNS``: ``variable``, then ``report, outlet, published, value,
        evidence`` of report a and of report b. Each unordered pair of reports appears once per
        variable; report a is the one published first (on a tie, the smaller report_id; a
        missing time counts as latest), so that b is the report that contradicted an earlier
        one. Sorted by variable in codebook order, then report a's and report b's time and id.

    Notes
    -----
    A pair listed twice in ``contradicts`` (in either order) counts once. Which report is a
    depends on ``published``; a date without a clock time counts as 00:00 UTC (see
    :func:`claim_timeline`). Two reports of the
    same outlet can contradict each other (an outlet changing its account); filter on
    ``outlet_a != outlet_b`` to keep only contradictions between outlets.
    """
    claims = role_rows(codebook, "claim", ("contradicts",))
    stances = _stances(final, claims, reports)
    # a position in time order: report a is the earlier of the pair
    stances["_pos"] = np.arange(len(stances))
    parts = []
    for order, var in enumerate(codebook_records(claims)):
        mine = stances[stances["variable"] == var.variable]
        for one, two in _ordered_pairs(var):
            a = mine.loc[mine["value"] == one, _PAIR_KEEP]
            b = mine.loc[mine["value"] == two, _PAIR_KEEP]
            if len(a) and len(b):
                parts.append(_pair_rows(a, b, variable=var.variable, order=order))
    if not parts:
        empty = empty_table(CONTRADICTION_COLUMNS, {})
        for side in ("a", "b"):
            empty[f"published_{side}"] = stances["published"].iloc[:0].to_numpy()
        return empty
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["_order", "_pos_a", "_pos_b"], kind="stable")
    out = out.rename(columns={"report_id_a": "report_a", "report_id_b": "report_b"})
    for side in ("a", "b"):
        out[f"published_{side}"] = out[f"published_{side}"].astype(stances["published"].dtype)
    return out[list(CONTRADICTION_COLUMNS)].reset_index(drop=True)


def _ordered_pairs(var: SimpleNamespace) -> list[tuple[object, object]]:
    """The variable's contradicting pairs, each once, in codebook order of their codes."""
    rank = {c: i for i, c in enumerate(var.codes)}
    pairs = {tuple(sorted(p, key=rank.__getitem__)) for p in _contradicting_pairs(var)}
    return sorted(((p[0], p[1]) for p in pairs), key=lambda p: (rank[p[0]], rank[p[1]]))


def _pair_rows(a: pd.DataFrame, b: pd.DataFrame, *, variable: str, order: int) -> pd.DataFrame:
    """Every report of ``a`` against every report of ``b``, the earlier one as report a."""
    both = a.merge(b, how="cross", suffixes=("_1", "_2"))
    swap = (both["_pos_1"] > both["_pos_2"]).to_numpy()
    part: dict[str, object] = {"variable": variable, "_order": order}
    for col in _PAIR_KEEP:
        first, second = both[f"{col}_1"].to_numpy(dtype=object), both[f"{col}_2"].to_numpy(dtype=object)
        part[f"{col}_a"] = np.where(swap, second, first)
        part[f"{col}_b"] = np.where(swap, first, second)
    return pd.DataFrame(part)


def _contradicting_pairs(var: SimpleNamespace) -> list[tuple[object, object]]:
    """The ``contradicts`` pairs of a claim's codebook record, checked: two of its codes each."""
    pairs = var.contradicts
    if not isinstance(pairs, (tuple, list)):
        if is_blank(pairs):
            return []
        pairs = [pairs]
    out = []
    for pair in pairs:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(p in var.codes for p in pair)
                and pair[0] != pair[1]):
            raise DataError(Problem("codebook", f"variable {var.variable}: contradicts entry {pair!r} is not "
                                    "a pair of two of its codes", column="contradicts", value=pair,
                                    accepted="pairs of " + ", ".join(map(repr, var.codes))))
        out.append((pair[0], pair[1]))
    return out


def claim_timeline(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *,
                   variable: str | None = None, values: pd.DataFrame | None = None,
                   all_codes: bool = False) -> pd.DataFrame:
    """When each stance on a claim first appeared, who published it first and who followed.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value``.
    codebook : DataFrame
        ``variable, level, role, codes, contradicts`` (and ``label``, used when present); claims
        are the rows of role ``claim``.
    reports : DataFrame
        ``report_id, outlet, published`` and, optionally, ``published_time_known``.
    variable : str, optional
        One claim variable; default every claim.
    values : DataFrame, optional
        Value labels ``variable, code, label`` (``Event.values``); default the codes as text.
    all_codes : bool, default False
        Keep every coded value, not only the claim codes.

    Returns
    -------
    DataFrame
        ``TIMELINE_COLUMNS``: ``variable, variable_label, value, value_label, first_published,
        first_time_known, first_report, first_outlet, n_reports, outlets_in_order``: one row per
        claim variable and claim code that some report carries (NaN values are left out),
        sorted by variable, then code, in codebook order. ``first_time_known`` is False when the
        first report gave a date only: ``first_published`` is then 00:00 UTC of that date and
        stands for the whole day. ``outlets_in_order`` is a tuple of the outlets that carried
        the stance, each once, in the order of their first report with it.

    Notes
    -----
    A *claim code* is a code that appears in one of the variable's ``contradicts`` pairs: a
    stance that excludes another (``asserted`` against ``denied``). Codes outside every pair
    (``not_addressed``, ``none``, "both accounts given") say that no such stance was taken and
    are left out unless ``all_codes``; a claim without ``contradicts`` keeps all its codes.

    Reports published at the same time are ordered by report_id; a report with no time comes
    last. A report that gave a date only counts from 00:00 UTC of that date, so it comes before
    the reports with a clock time on that day: the first report on a day with both kinds is then
    one of unknown time (``first_time_known`` False), since it may have come first. Order within
    a day is therefore known only among reports with clock times.
    """
    claims = _claims_of(codebook, variable)
    stances = _stances(final, claims, reports)
    known = pd.Series(time_known(reports), index=reports["report_id"].astype(str).to_numpy())
    known = known[~known.index.duplicated()]
    labels = {} if values is None else {(v, c): lab for v, c, lab in
                                        zip(values["variable"], values["code"], values["label"])}
    rows = [row for order, var in enumerate(codebook_records(claims))
            for row in _first_stances(stances, var, order=order, known=known, labels=labels,
                                      all_codes=all_codes)]
    if not rows:
        empty = empty_table(TIMELINE_COLUMNS, {"n_reports": "int64", "first_time_known": bool})
        empty["first_published"] = stances["published"].iloc[:0].to_numpy()
        return empty
    out = pd.DataFrame(rows).sort_values(["_order", "_rank"], kind="stable")
    out["first_published"] = out["first_published"].astype(stances["published"].dtype)
    out["n_reports"] = out["n_reports"].astype("int64")
    return out[list(TIMELINE_COLUMNS)].reset_index(drop=True)


def _claims_of(codebook: pd.DataFrame, variable: str | None) -> pd.DataFrame:
    """The claim rows of the codebook: all of them, or the one named ``variable``."""
    claims = role_rows(codebook, "claim")
    if variable is None:
        return claims
    names = claims["variable"].tolist()
    if variable not in names:
        raise ValueError(f"variable {variable!r} is not a claim of the codebook; claims: "
                         f"{', '.join(map(str, names)) or 'none'}")
    return claims[claims["variable"] == variable].reset_index(drop=True)


def _first_stances(stances: pd.DataFrame, var: SimpleNamespace, *, order: int, known: pd.Series,
                   labels: dict[tuple[object, object], object], all_codes: bool) -> list[dict[str, object]]:
    """One timeline row per code of one claim that some report carries (claim codes only,
    unless ``all_codes``), with its ``_order`` and ``_rank`` for sorting."""
    part_v = stances[stances["variable"] == var.variable]
    # checked even with all_codes; a claim without contradicts keeps all its codes
    shown = {c for p in _contradicting_pairs(var) for c in p} if hasattr(var, "contradicts") else set()
    rank = {c: i for i, c in enumerate(var.codes)}
    rows = []
    for value, part in part_v.groupby("value", sort=False, observed=True):
        if shown and not all_codes and value not in shown:
            continue
        first = part.iloc[0]   # stances are in time order
        rows.append({"variable": var.variable, "variable_label": _text_or(getattr(var, "label", None), var.variable),
                     "value": value, "value_label": _text_or(labels.get((var.variable, value)), value),
                     "first_published": first["published"],
                     "first_time_known": bool(known.get(str(first["report_id"]), True)),
                     "first_report": first["report_id"], "first_outlet": first["outlet"],
                     "n_reports": len(part),
                     "outlets_in_order": tuple(dict.fromkeys(part["outlet"].tolist())),
                     "_order": order, "_rank": rank.get(value, len(rank))})
    return rows


def _text_or(label: object, default: object) -> str:
    """``label`` as text, or ``default`` as text when the label is missing or blank."""
    return str(default) if label is None or is_blank(label) or str(label) == "" else str(label)
