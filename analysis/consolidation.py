"""From several coders' judgements to one value per report: disagreements and consolidation.

- :func:`disagreements`: the judgements to put on the table at an adjudication meeting;
- :func:`consolidate`: one value per report and variable, with the rule that produced it;
- :func:`rule_counts`: how often each rule decided.

Both take the long ``codes`` and the ``codebook`` tables of docs/data-model.md and return a new
DataFrame (inputs are never modified).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .common import check_columns
from .judgements import (
    CODE_COLUMNS,
    MODEL_PREFIX,
    Encoded,
    Spec,
    as_names,
    check_codebook,
    choose_coders,
    coded_by,
    encode,
    figure_flags,
    rows_of,
    sorted_ids,
)

DISAGREEMENT_COLUMNS = ("report_id", "variable", "coder", "value", "evidence", "n_distinct")
CONSOLIDATION_COLUMNS = ("report_id", "variable", "value", "evidence", "rule", "n_coders")
RULES = ("adjudicated", "unanimous", "majority", "tie", "single_coder", "machine", "not_coded")

_NONE = np.iinfo(np.int64).max  # "no category" where a minimum over categories is taken


def disagreements(codes: pd.DataFrame, codebook: pd.DataFrame, *, coders: Sequence[str] | None = None,
                  exclude: Sequence[str] = ("adjudicated",)) -> pd.DataFrame:
    """The judgements on which coders differ, laid out for an adjudication meeting.

    Parameters
    ----------
    codes : DataFrame
        ``report_id, coder, variable, value, evidence`` (see :func:`analysis.reliability.reliability`).
    codebook : DataFrame
        ``variable, level, codes``, in codebook order.
    coders : sequence of str, optional
        The coders to compare; default every coder in ``codes``.
    exclude : sequence of str, default ("adjudicated",)
        Coders left out.

    Returns
    -------
    DataFrame
        Columns ``DISAGREEMENT_COLUMNS``: ``report_id, variable, coder, value, evidence,
        n_distinct``. For every (report, variable) where the chosen coders' non-missing values
        are not all equal, one row per chosen coder who has a row for it, including a coder who
        left it missing (value NaN): the meeting sees who did not code it too. ``n_distinct``
        counts the distinct non-missing values. Sorted by variable in codebook order, then
        report_id, then coder.

    Notes
    -----
    A (report, variable) where one coder gave a value and the others left it missing is not
    a disagreement here, as alpha does not count it either; :func:`consolidate` reports it as
    "single_coder".
    """
    check_columns(codes, CODE_COLUMNS + ("evidence",), "codes")
    spec = check_codebook(codebook)
    chosen = choose_coders(codes, coders, exclude, minimum=1)
    rows = rows_of(codes, chosen, spec)

    evidence = codes["evidence"].to_numpy(dtype=object)
    parts = []
    for order, var in enumerate(spec.itertuples(index=False)):
        sub = rows.get(var.variable)
        if sub is None or not len(sub.unit):
            continue
        enc = encode(sub, Spec(*var))
        coded = enc.category >= 0
        distinct = (pd.DataFrame({"unit": sub.unit[coded], "category": enc.category[coded]})
                    .groupby("unit", sort=False)["category"].nunique())
        distinct = distinct[distinct > 1]
        if distinct.empty:
            continue
        mask = np.isin(sub.unit, distinct.index.to_numpy())
        unit = sub.unit[mask]
        parts.append(pd.DataFrame({
            "report_id": sub.ids[unit], "variable": var.variable, "coder": sub.names[sub.coder[mask]],
            "value": pd.Series(sub.distinct[sub.group[mask]], dtype=object),
            "evidence": pd.Series(evidence[sub.pos[mask]], dtype=object),
            "n_distinct": distinct.reindex(unit).to_numpy(dtype=np.int64), "_order": order}))
    if not parts:
        return _empty(DISAGREEMENT_COLUMNS, {"n_distinct": "int64"})
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values(["_order", "report_id", "coder"], kind="stable")
    return table[list(DISAGREEMENT_COLUMNS)].reset_index(drop=True)


def consolidate(codes: pd.DataFrame, codebook: pd.DataFrame, *, adjudicator: str = "adjudicated",
                coders: Sequence[str] | None = None, single_coder: bool = True,
                machines: bool = True) -> pd.DataFrame:
    """One value per report and variable, from the adjudicator or the coders' agreement.

    Parameters
    ----------
    codes : DataFrame
        ``report_id, coder, variable, value, evidence`` (see :func:`analysis.reliability.reliability`).
    codebook : DataFrame
        ``variable, level, codes``, in codebook order.
    adjudicator : str, default "adjudicated"
        The coder whose non-missing values settle a judgement. It need not be in ``codes``.
    coders : sequence of str, optional
        The coders to consolidate; default every independent coder in ``codes``: all but the
        adjudicator and machine coders (``model:...``).
    single_coder : bool, default True
        Take the code of a report that one coder alone coded (rule "single_coder"), as in the
        common design where a reliability subsample is double-coded and the rest single-coded.
        False leaves such codes unresolved (value NaN).
    machines : bool, default True
        With ``coders=None``, let machine coders (``model:...``) fill the reports that no
        independent coder coded (rule "machine"). Machines never count as independent coders.

    Returns
    -------
    DataFrame
        Columns ``CONSOLIDATION_COLUMNS``: ``report_id, variable, value, evidence, rule,
        n_coders``; one row for every report in ``codes`` and every codebook variable, sorted
        by report_id, then variable in codebook order; ``report_id`` and ``variable`` are
        categorical, their categories sorted. ``n_coders`` counts the chosen coders
        (not the adjudicator) who gave a non-missing value. ``rule`` says where ``value`` comes
        from:

        - "adjudicated": the adjudicator gave a non-missing value; it wins even if no coder
          gave it;
        - "unanimous": every non-missing value of two or more coders is the same;
        - "majority": (nominal and ordinal only) one value has more than half of the
          non-missing values;
        - "tie": values differ and no value has a strict majority (for interval and ratio
          variables: the numbers are not all equal); value NaN, unresolved;
        - "single_coder": one coder only gave a value; it is taken (value NaN with
          ``single_coder=False``);
        - "machine": no independent coder coded the report; the machine coders' value, where
          they agree;
        - "not_coded": no coder gave a value; value NaN.

        Figure variables (codebook role ``figure``, where a blank means "no number cited") count
        a coder who coded the report but gave no number as a vote for "none": a number against
        a blank is a "tie", two blanks are "unanimous" (value NaN: no number cited).

        ``evidence`` is the adjudicator's, or else that of the first coder in sorted order
        whose value is the consolidated value; NaN when the value is NaN.

    Notes
    -----
    Numbers are consolidated only when equal: an average or a majority of figures would
    invent or hide a discrepancy that the adjudicator should look at.
    """
    check_columns(codes, CODE_COLUMNS + ("evidence",), "codes")
    spec = check_codebook(codebook)
    if not isinstance(adjudicator, str):
        raise ValueError(f"adjudicator must be a coder name, not {adjudicator!r}")
    if coders is not None and adjudicator in as_names(coders, "coders"):
        raise ValueError(f"the adjudicator {adjudicator!r} cannot also be one of the coders; "
                         "choose another adjudicator or leave it out of coders")
    present = sorted(map(str, pd.unique(codes["coder"])))
    machine = [c for c in present if c.startswith(MODEL_PREFIX)] if machines and coders is None else []
    chosen = choose_coders(codes, coders, (adjudicator, *machine) if coders is None else (adjudicator,),
                           minimum=1)
    if coders is None:
        chosen = [c for c in chosen if not c.startswith(MODEL_PREFIX)]
    rows = rows_of(codes, chosen + machine + [adjudicator], spec)
    reports = sorted_ids(codes)
    if not len(spec) or not len(reports):
        return _empty(CONSOLIDATION_COLUMNS, {"n_coders": "int64"})
    any_rows = next(iter(rows.values()), None)
    ids = any_rows.ids if any_rows is not None else np.zeros(0, dtype=object)
    context = _Context(reports, np.searchsorted(reports, ids), chosen, adjudicator, machine,
                       codes["evidence"].to_numpy(dtype=object), coded_by(codes, reports, chosen))
    figure = figure_flags(codebook)
    # report x variable tables, filled a variable (column) at a time: read row by row they are
    # sorted by report_id, then variable in codebook order, with no sort
    shape = (len(reports), len(spec))
    value, ev = np.empty(shape, dtype=object), np.empty(shape, dtype=object)
    rule, n_coders = np.empty(shape, dtype=np.int8), np.empty(shape, dtype=np.int64)
    for j, var in enumerate(spec.itertuples(index=False)):
        value[:, j], ev[:, j], rule[:, j], n_coders[:, j] = _consolidate_variable(
            encode(rows.get(var.variable), Spec(*var)), var.level, context,
            figure=bool(figure.get(var.variable)), single=single_coder)
    return _consolidated_frame(reports, spec["variable"].to_numpy(dtype=object), value, ev, rule, n_coders)


def rule_counts(final: pd.DataFrame) -> pd.DataFrame:
    """How each final code was reached: ``rule, n, share`` (from :func:`consolidate`), sorted by rule."""
    counts = final.groupby("rule", observed=True).size().rename("n").reset_index()
    counts["share"] = counts["n"] / max(len(final), 1)
    return counts.sort_values("rule", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# one variable
# ---------------------------------------------------------------------------------------------

class _Context:
    """What every variable's consolidation shares: the reports, the coders, the evidence.

    ``unit_row`` is the row in ``reports`` of each unit of the rows; ``coded`` marks, per
    (report, chosen coder), that the coder gave the report at least one value.
    """

    def __init__(self, reports: np.ndarray, unit_row: np.ndarray, chosen: list[str], adjudicator: str,
                 machine: list[str], evidence: np.ndarray, coded: np.ndarray) -> None:
        self.reports, self.unit_row, self.chosen = reports, unit_row, chosen
        self.adjudicator, self.machine, self.evidence, self.coded = adjudicator, machine, evidence, coded


def _consolidate_variable(enc: Encoded, level: str, ctx: _Context, *, figure: bool,
                          single: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One variable's final value, evidence, rule (index into RULES) and n_coders per report.

    Machines fill only reports none of the chosen coders coded at all, and for a ``figure`` a
    coder's blank counts as "no number cited".
    """
    n_rep = len(ctx.reports)
    mach_cat, mach_pos, enc = _machine_table(enc, ctx)
    category, position, adj_cat, adj_pos = _coder_table(enc, ctx)
    categorical = level in ("nominal", "ordinal")
    top, top_count, k = _top_category(category, len(enc.domain), categorical=categorical)
    rule, winner = _vote(k, top, top_count, categorical=categorical, single=single)
    if figure:
        # figures: a coder who coded the report and left the number blank says "none cited"
        none = ctx.coded.sum(axis=1) - k
        rule[(k >= 1) & (none >= 1)] = RULES.index("tie")
        winner[(k >= 1) & (none >= 1)] = -1
        rule[(k == 0) & (none >= 2)] = RULES.index("unanimous")
        rule[(k == 0) & (none == 1)] = RULES.index("single_coder")
    first = np.full(n_rep, -1, dtype=np.int64)
    if len(ctx.machine):
        _machine_fill(rule, winner, first, mach_cat, mach_pos, uncoded=np.asarray(~ctx.coded.any(axis=1)))
    # the first coder in sorted order whose value is the winner
    agrees = (category == winner[:, None]) & (winner[:, None] >= 0)
    first = np.where(agrees.any(axis=1), position[np.arange(n_rep), agrees.argmax(axis=1)], first)
    adjudicated = adj_cat >= 0
    rule[adjudicated] = RULES.index("adjudicated")
    winner[adjudicated] = adj_cat[adjudicated]
    first[adjudicated] = adj_pos[adjudicated]

    value = np.full(n_rep, np.nan, dtype=object)
    ev = np.full(n_rep, np.nan, dtype=object)
    has = winner >= 0
    if has.any():
        domain = np.empty(len(enc.domain), dtype=object)
        domain[:] = enc.domain
        value[has] = domain[winner[has]]
        ev[has] = ctx.evidence[first[has]]
    return value, ev, rule, k


def _machine_table(enc: Encoded, ctx: _Context) -> tuple[np.ndarray, np.ndarray, Encoded]:
    """The machines' categories and row positions, (reports, machines), and the rows without them."""
    width = (len(ctx.reports), max(len(ctx.machine), 1))
    mach_cat = np.full(width, -1, dtype=np.int64)
    mach_pos = np.full(width, -1, dtype=np.int64)
    if not len(ctx.machine) or not len(enc.rows.unit):
        return mach_cat, mach_pos, enc
    rows = enc.rows
    is_m = pd.Index(ctx.machine).get_indexer(rows.names)[rows.coder]
    m = is_m >= 0
    rm = ctx.unit_row[rows.unit[m]]
    mach_cat[rm, is_m[m]] = enc.category[m]
    mach_pos[rm, is_m[m]] = rows.pos[m]
    keep = ~m
    rest = rows._replace(unit=rows.unit[keep], coder=rows.coder[keep], group=rows.group[keep], pos=rows.pos[keep])
    return mach_cat, mach_pos, Encoded(rest, enc.category[keep], enc.domain, enc.points)


def _coder_table(enc: Encoded, ctx: _Context) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Wide tables report x chosen coder (sorted) of categories (-1 missing) and of row positions,
    and the adjudicator's category and row position per report."""
    n_rep, n_cod = len(ctx.reports), len(ctx.chosen)
    category = np.full((n_rep, n_cod), -1, dtype=np.int64)
    position = np.full((n_rep, n_cod), -1, dtype=np.int64)
    adj_cat = np.full(n_rep, -1, dtype=np.int64)
    adj_pos = np.full(n_rep, -1, dtype=np.int64)
    rows = enc.rows
    if len(rows.unit):
        r = ctx.unit_row[rows.unit]
        is_adj = (rows.names == ctx.adjudicator)[rows.coder]
        c = pd.Index(ctx.chosen).get_indexer(rows.names)[rows.coder[~is_adj]]
        category[r[~is_adj], c] = enc.category[~is_adj]
        position[r[~is_adj], c] = rows.pos[~is_adj]
        adj_cat[r[is_adj]] = enc.category[is_adj]
        adj_pos[r[is_adj]] = rows.pos[is_adj]
    return category, position, adj_cat, adj_pos


def _top_category(category: np.ndarray, n_cat: int, *,
                  categorical: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per report: the most given category, how many coders gave it, and how many gave any."""
    n_rep, n_cod = category.shape
    k = (category >= 0).sum(axis=1)
    if categorical:
        counts = np.zeros((n_rep, max(n_cat, 1)), dtype=np.int64)
        for j in range(n_cod):
            has = category[:, j] >= 0
            counts[np.flatnonzero(has), category[has, j]] += 1
        return counts.argmax(axis=1), counts.max(axis=1), k
    # numbers have thousands of categories: no (reports, categories) table; only unanimity
    # counts, so the top category is the highest, and it has all k values when the lowest
    # equals it
    top = category.max(axis=1, initial=-1)
    low = np.where(category >= 0, category, _NONE).min(axis=1, initial=_NONE)
    return top, np.where(low == top, k, 0), k


def _vote(k: np.ndarray, top: np.ndarray, top_count: np.ndarray, *, categorical: bool,
          single: bool) -> tuple[np.ndarray, np.ndarray]:
    """The rule (index into RULES) and the winning category (-1: none) of the coders' votes."""
    rule = np.full(len(k), RULES.index("tie"), dtype=np.int8)
    winner = np.full(len(k), -1, dtype=np.int64)
    unanimous = (k >= 2) & (top_count == k)
    rule[unanimous] = RULES.index("unanimous")
    winner[unanimous] = top[unanimous]
    if categorical:
        majority = (k >= 2) & ~unanimous & (2 * top_count > k)
        rule[majority] = RULES.index("majority")
        winner[majority] = top[majority]
    lone = k == 1
    rule[lone] = RULES.index("single_coder")
    if single:
        winner[lone] = top[lone]
    rule[k == 0] = RULES.index("not_coded")
    return rule, winner


def _machine_fill(rule: np.ndarray, winner: np.ndarray, first: np.ndarray, mach_cat: np.ndarray,
                  mach_pos: np.ndarray, *, uncoded: np.ndarray) -> None:
    """Machines fill the reports no independent coder coded, where they agree (in place)."""
    m_has = mach_cat >= 0
    m_top = mach_cat.max(axis=1)
    m_low = np.where(m_has, mach_cat, _NONE).min(axis=1)
    agree = uncoded & m_has.any(axis=1) & (m_low == m_top)
    rule[agree] = RULES.index("machine")
    winner[agree] = m_top[agree]
    if agree.any():
        first[agree] = mach_pos[agree, m_has[agree].argmax(axis=1)]
    clash = uncoded & m_has.any(axis=1) & (m_low != m_top)
    rule[clash] = RULES.index("tie")


def _consolidated_frame(reports: np.ndarray, names: np.ndarray, value: np.ndarray, ev: np.ndarray,
                        rule: np.ndarray, n_coders: np.ndarray) -> pd.DataFrame:
    """The report x variable tables as the long output, keys categorical with sorted categories
    (as in Event.codes: later steps use their codes)."""
    n_rep, n_var = value.shape
    name_order = np.argsort(names, kind="stable")
    name_rank = np.empty(n_var, dtype=np.int64)
    name_rank[name_order] = np.arange(n_var)
    small = np.int32 if n_rep > 30000 else np.int16
    return pd.DataFrame({
        "report_id": pd.Categorical.from_codes(np.repeat(np.arange(n_rep, dtype=small), n_var),
                                               pd.Index(reports, dtype=object)),
        "variable": pd.Categorical.from_codes(np.tile(name_rank.astype(np.int16 if n_var < 30000 else np.int32), n_rep),
                                              pd.Index(names[name_order], dtype=object)),
        "value": pd.Series(value.ravel(), dtype=object), "evidence": pd.Series(ev.ravel(), dtype=object),
        "rule": np.asarray(RULES, dtype=object)[rule.ravel()], "n_coders": n_coders.ravel()},
        columns=list(CONSOLIDATION_COLUMNS))


def _empty(columns: Sequence[str], dtypes: dict) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in columns})
