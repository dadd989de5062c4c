"""The coding design: how many independent coders coded each report, in a table and a sentence."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .reliability import independent_coders


def coding_design(codes: pd.DataFrame, *, adjudicator: str = "adjudicated",
                  coders: Sequence[str] | None = None) -> pd.DataFrame:
    """How many reports were coded by how many independent coders.

    Parameters
    ----------
    codes : DataFrame
        ``report_id, coder, variable, value`` (Event.codes).
    adjudicator : str
        The adjudicator's coder name (not an independent coder).
    coders : sequence of str, optional
        The coders counted; default the independent coders
        (:func:`analysis.reliability.independent_coders`). A corpus whose one human coder is
        compared with the machine passes both (:attr:`analysis.corpus.Corpus.compared`).

    Returns
    -------
    DataFrame
        ``n_coders, n_reports``, one row per number of independent coders (machines and the
        adjudicator not counted) that gave a report at least one value, sorted by ``n_coders``;
        ``n_coders`` 0 counts reports coded only by machines or the adjudicator.
    """
    coders = list(coders) if coders else independent_coders(codes, adjudicator=adjudicator)
    given = codes[codes["value"].notna()]
    reports = pd.Index(sorted(map(str, pd.unique(codes["report_id"]))))
    mine = given[given["coder"].astype(str).isin(coders)]
    per = mine.groupby(mine["report_id"].astype(str))["coder"].nunique().reindex(reports, fill_value=0)
    table = per.value_counts().rename_axis("n_coders").rename("n_reports").reset_index()
    return table.sort_values("n_coders", kind="stable").reset_index(drop=True)


def design_sentence(design: pd.DataFrame, *, n_reports: int) -> str:
    """The design in words, e.g. "Of 55 reports, 55 were coded by 2 independent coders ..."."""
    if design.empty:
        return f"None of the {n_reports} reports has a code."
    parts = [f"{int(r.n_reports)} by {int(r.n_coders)} independent coder{'s' if r.n_coders != 1 else ''}"
             if r.n_coders else f"{int(r.n_reports)} by machine coders or the adjudicator only"
             for r in design.itertuples(index=False)]
    text = f"Of {n_reports} reports, " + ", ".join(parts) + "."
    multi = int(design.loc[design["n_coders"] >= 2, "n_reports"].sum())
    single = int(design.loc[design["n_coders"] == 1, "n_reports"].sum())
    if multi == 0:
        return text + " Reliability is not measurable: no report was coded by two coders."
    text += f" Reliability rests on the {multi} reports coded by two or more coders"
    if single:
        text += f"; the {single} single-coded reports carry each variable's measured reliability"
    return text + "."
