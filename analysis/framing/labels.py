"""Labels: which word each group of reports, or all reports, used for each referent."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._shared import (attach_by_report, code_ranks, codebook_records, empty_table, final_rows, group_levels,
                      group_of, group_positions, report_ids, role_rows)

LABEL_SHARE_COLUMNS = ("variable", "referent", "code", "n", "share")  # by after referent
LABEL_DISTRIBUTION_COLUMNS = ("variable", "referent", "code", "n", "share")


def label_shares(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *,
                 by: str = "outlet") -> pd.DataFrame:
    """Which word each group of reports used for each referent: counts and shares.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value``.
    codebook : DataFrame
        ``variable, level, role, codes, referent``; label variables are the rows of role
        ``label``.
    reports : DataFrame
        ``report_id`` and the column named by ``by``.
    by : str, default "outlet"
        The column of ``reports`` to group by.

    Returns
    -------
    DataFrame
        ``variable, referent, <by>, code, n, share``: one row per label variable, group and
        code *observed* in that group (codes no report of the group used are not listed, so a
        missing row means a share of 0). ``n`` counts the group's reports coded with the code;
        ``share`` is ``n`` over the group's reports coded on the variable, so shares sum to 1
        within each variable and group. Sorted by variable in codebook order, group (missing
        last), then code in codebook order.

    Notes
    -----
    :math:`\\mathrm{share}_{gc} = n_{gc} / \\sum_{c'} n_{gc'}`, with :math:`n_{gc}` the reports of
    group *g* coded *c* on the variable. A code such as "not referred to" is a code like the
    others: its share is the share of the group's reports that avoided naming the referent. To
    compare word choice only among reports that named it, drop that code and recompute the
    shares.

    See Also
    --------
    label_distribution : the same over all reports.
    """
    labels = role_rows(codebook, "label", ("referent",))
    group = group_of(reports, by, reserved=LABEL_SHARE_COLUMNS)
    return _label_counts(final, labels, group, by)


def label_distribution(final: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Which word the reports used for each referent, over all reports.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value``.
    codebook : DataFrame
        ``variable, level, role, codes, referent``.

    Returns
    -------
    DataFrame
        ``LABEL_DISTRIBUTION_COLUMNS``: ``variable, referent, code, n, share``; one row per
        label variable and observed code, ``share`` is over all reports coded on the variable
        (sums to 1 per variable). Sorted by variable, then code, in codebook order.
    """
    labels = role_rows(codebook, "label", ("referent",))
    rows = final_rows(final, labels["variable"])
    ids = report_ids(final)
    group = pd.Series("all", index=pd.Index(ids, name="report_id"), dtype=object)
    out = _label_counts(final, labels, group, "_all", rows=rows)
    return out.drop(columns="_all")[list(LABEL_DISTRIBUTION_COLUMNS)]


def _label_counts(final: pd.DataFrame, labels: pd.DataFrame, group: pd.Series, by: str,
                  rows: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """``variable, referent, <by>, code, n, share`` of every label variable, group and code used."""
    rows = final_rows(final, labels["variable"]) if rows is None else rows
    parts = []
    for order, var in enumerate(codebook_records(labels)):
        sub = rows.get(var.variable)
        if sub is None:
            continue
        rank = code_ranks(sub, var)
        sub = sub[~np.isnan(rank)].assign(_rank=rank[~np.isnan(rank)], _order=order,
                                          referent=var.referent)
        parts.append(sub)
    columns = ["variable", "referent", by, "code", "n", "share"]
    if not parts:
        return empty_table(columns, {"n": "int64", "share": float})
    table = attach_by_report(pd.concat(parts, ignore_index=True), group, "final")
    levels = group_levels(table["_group"])
    table["_g"] = group_positions(table["_group"], levels)
    counts = (table.groupby(["_order", "_g", "_rank"], sort=True, observed=True)
              .agg(variable=("variable", "first"), referent=("referent", "first"),
                   code=("value", "first"), n=("report_id", "size"))
              .reset_index())
    totals = counts.groupby(["_order", "_g"], observed=True)["n"].transform("sum")
    counts["share"] = counts["n"] / totals
    counts[by] = [levels[g] for g in counts["_g"]]
    counts["n"] = counts["n"].astype("int64")
    return counts[columns].reset_index(drop=True)
