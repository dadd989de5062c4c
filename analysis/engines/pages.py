"""The pages' tables counted by an engine, in the columns of the in-memory functions.

A page opened with ``engine="duckdb"`` or ``"dask"`` (:func:`analysis.page.open_page`) takes
its reliability table, frame profiles and divergences between groups from here: the engine
counts (:func:`analysis.engines.alpha`, :func:`~analysis.engines.moments`,
:func:`~analysis.engines.divergence`), and the result is mapped onto the columns of
:func:`analysis.reliability.reliability`, :func:`analysis.framing.frame_profile` and
:func:`analysis.divergence.pairwise_divergence`, so that the same charts and tables draw both.
Point estimates equal the in-memory functions' (to rounding); intervals are the Poisson
bootstrap's (:mod:`analysis.engines`), and the divergences carry no null model.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..divergence import FDR, MIN_GROUP, PAIRWISE_COLUMNS
from ..events import Event
from ..framing._shared import group_levels, group_positions
from ..framing.frames import FRAME_PROFILE_COLUMNS, NO_BOOTSTRAP, NO_REPORT, ONE_REPORT
from ..verdicts import reaches_reliable, verdict, wide_interval_note
from . import ENGINES, alpha, divergence, moments
from .layout import codes_source

if TYPE_CHECKING:
    from ..page import Page

__all__ = ["ENGINE_NAMES", "as_pairwise", "counted_by", "divergence_by_engine", "frame_profile_by_engine",
           "keyness_by_engine", "reliability_by_engine"]

ENGINE_NAMES = {"pandas": "pandas", "duckdb": "DuckDB", "dask": "Dask"}
_RANK = {"unreliable": 0, "unknown": 1, "tentative": 2, "reliable": 3}


def counted_by(engine: str, *, null_model: bool = False) -> str:
    """The sentence a page shows when an engine other than pandas counted ("" for pandas)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "pandas":
        return ""
    text = (f"Counted by the {ENGINE_NAMES[engine]} engine (`analysis.engines`); its intervals are the "
            "Poisson bootstrap's over reports, which estimate the same sampling variation as the "
            "in-memory bootstrap but are other draws.")
    if null_model:
        text += (" The engine computes no null model: the columns of the divergence expected by chance "
                 "(null_mean, excess, p_value, q_value) are empty and no pair is starred.")
    return text


def reliability_by_engine(table: pd.DataFrame, event: Event, *, coders: Sequence[str] | None,
                          exclude: Sequence[str] = (), engine: str, n_boot: int, seed: int, ci: float = 0.95,
                          scheduler: str | None = None) -> pd.DataFrame:
    """The reliability table with alpha, its interval and n_pairable counted by the engine.

    Parameters
    ----------
    table : DataFrame
        :func:`analysis.reliability.reliability`'s result on ``event`` with the same coders.
    event : Event
    coders, exclude : sequence of str
        The coders compared, as given to ``reliability``.
    engine, n_boot, seed, ci, scheduler
        As for :func:`analysis.engines.alpha`.

    Returns
    -------
    DataFrame
        ``table`` (a new one) with ``alpha, ci_low, ci_high, n_pairable`` from the engine and
        ``verdict`` recomputed by the rule of :mod:`analysis.verdicts`; percent agreement, the
        figures' ``alpha_cited`` and the other columns kept. Point estimates being equal, only
        the interval can move a verdict, between "reliable" and "tentative"; the other rules
        (too little variation, a figure's "a number is cited", one coder) are kept as they were
        applied, and the note on a wide interval is rewritten with the engine's lower end.
    """
    source = codes_source(event.codes, event.codebook, event.reports, columns=())
    counted = alpha(source, engine=engine, variables=table["variable"].tolist(), coders=coders,
                    exclude=tuple(exclude), n_boot=n_boot, ci=ci, seed=seed, scheduler=scheduler)
    counted = counted.set_index("variable").loc[table["variable"]]
    out = table.copy()
    verdicts, notes = [], []
    for row, a, low in zip(table.itertuples(index=False), counted["alpha"], counted["ci_low"]):
        v, note = _reverdict(row, a, low, ci)
        verdicts.append(v)
        notes.append(note)
    for col in ("alpha", "ci_low", "ci_high", "n_pairable"):
        out[col] = counted[col].to_numpy()
    out["verdict"], out["note"] = verdicts, notes
    return out


def _reverdict(row: Any, alpha_e: float, low_e: float, ci: float) -> tuple[str, str]:
    """The verdict and note of a reliability row whose alpha and interval the engine gave."""
    old, note = str(row.verdict), str(row.note)  # row: a reliability row, as itertuples gives it
    own_old = verdict(row.alpha, row.ci_low)
    own_new = verdict(alpha_e, low_e)
    if old == "not measured" or own_old == own_new:
        return old, _wide_note(note, row, alpha_e, low_e, own_new, ci)
    # own_old and own_new are "reliable" and "tentative": the rules beyond alpha stay as applied
    if row.level in ("nominal", "ordinal") and old == "unknown":
        new = "unknown"  # one code holds nearly every value
    elif pd.notna(row.alpha_cited):
        # a figure is the worse of its number and "a number is cited"; when the cited part was
        # not worse, it ranks at least "tentative", which its alpha and interval alone decide
        cited = old if _RANK[old] < _RANK[own_old] else verdict(row.alpha_cited,
                                                                  row.ci_low_cited)
        new = min(own_new, cited, key=_RANK.__getitem__)
    else:
        new = own_new
    return new, _wide_note(note, row, alpha_e, low_e, own_new, ci)


def _wide_note(note: str, row: Any, alpha_e: float, low_e: float, own_new: str, ci: float) -> str:
    """The note with the sentence on a wide interval for the engine's lower end (or without it)."""
    old_sentence = wide_interval_note(ci, row.ci_low).strip()
    new_sentence = (wide_interval_note(ci, low_e).strip()
                    if reaches_reliable(alpha_e) and own_new != "reliable" else "")
    if old_sentence in note:
        note = note.replace(old_sentence, new_sentence)
    elif new_sentence:
        note = f"{new_sentence} {note}"
    return " ".join(note.split())


def frame_profile_by_engine(scores: pd.DataFrame, reports: pd.DataFrame, *, by: str, engine: str,
                            n_boot: int = 2000, ci: float = 0.95, seed: int = 0,
                            scheduler: str | None = None) -> pd.DataFrame:
    """:func:`analysis.framing.frame_profile` with the group means counted by the engine.

    Each frame is a ratio variable whose values are the reports' scores
    (:func:`analysis.framing.frame_scores`); :func:`analysis.engines.moments` counts n and the
    mean per group. ``score`` and ``n`` equal ``frame_profile``'s; the interval is the Poisson
    bootstrap's (NaN for fewer than two reports, as there), ``note`` as there.

    Returns
    -------
    DataFrame
        ``<by>, frame, score, ci_low, ci_high, n, note``, sorted by group (missing last), then frame.
    """
    table = pd.DataFrame({"report_id": scores["report_id"].astype(str).to_numpy(),
                          "variable": scores["frame"].astype(str).to_numpy(),
                          "value": pd.to_numeric(scores["score"], errors="coerce").to_numpy(np.float64)})
    frames = list(dict.fromkeys(table["variable"]))
    codebook = pd.DataFrame({"variable": frames, "level": "ratio", "codes": [()] * len(frames), "role": "frame"})
    groups = pd.DataFrame({"report_id": reports["report_id"].astype(str), by: reports[by].to_numpy(dtype=object)})
    counted = moments(codes_source(table, codebook, groups, columns=[by]), engine=engine, by=by, n_boot=n_boot,
                      ci=ci, seed=seed, scheduler=scheduler)
    # every (group, frame) that has a report, scored or not, as frame_profile lists them
    cells = table[["report_id", "variable"]].merge(groups.astype({by: object}), on="report_id", how="left")
    cells = cells.drop_duplicates([by, "variable"])[[by, "variable"]]
    key = [by, "variable"]
    counted[by] = counted[by].astype(object).where(counted[by].notna(), None)
    cells[by] = cells[by].where(cells[by].notna(), None)
    out = cells.merge(counted, on=key, how="left").rename(columns={"variable": "frame", "mean": "score"})
    out["n"] = out["n"].fillna(0).astype("int64")
    short = (out["n"] < 2) | (n_boot == 0)
    out.loc[short, ["ci_low", "ci_high"]] = np.nan
    out["note"] = np.select([out["n"] == 0, out["n"] == 1, (out["n"] > 1) & (n_boot == 0)],
                            [NO_REPORT, ONE_REPORT, NO_BOOTSTRAP], "")
    out[by] = out[by].where(out[by].notna(), np.nan)
    out["_g"] = group_positions(out[by], group_levels(out[by]))
    out["_f"] = out["frame"].astype(str)
    out = out.sort_values(["_g", "_f"], kind="stable").reset_index(drop=True)
    return out[[by, *FRAME_PROFILE_COLUMNS]]


def divergence_by_engine(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *, by: str,
                         engine: str, n_boot: int = 1000, ci: float = 0.95, seed: int = 0,
                         min_group: int = MIN_GROUP, scheduler: str | None = None) -> pd.DataFrame:
    """:func:`analysis.divergence.pairwise_divergence`'s table with the divergences counted by the engine.

    ``jsd``, ``n_a``, ``n_b`` equal ``pairwise_divergence``'s (one consolidated value per
    report and variable); the interval is the Poisson bootstrap's, NaN where a group has fewer
    than two reports with a value (as there). No null model: ``null_mean, excess, p_value,
    q_value`` are NaN, ``significant`` False; ``small`` as there; ``note`` empty. ``attrs``
    hold ``by``, ``min_group``, ``fdr`` and ``n_perm`` (0).
    """
    groups = pd.DataFrame({"report_id": reports["report_id"].astype(str), by: reports[by].to_numpy(dtype=object)})
    source = codes_source(final[["report_id", "variable", "value"]], codebook, groups, columns=[by])
    out = divergence(source, engine=engine, by=by, n_boot=n_boot, ci=ci, seed=seed, scheduler=scheduler)
    return as_pairwise(out, by=by, min_group=min_group)


def as_pairwise(out: pd.DataFrame, *, by: str, min_group: int = MIN_GROUP) -> pd.DataFrame:
    """An engine's divergence table in :func:`analysis.divergence.pairwise_divergence`'s columns: no
    interval for a group of one report, no null model (its columns NaN, nothing significant)."""
    out = out.copy()
    out.loc[(out["n_a"] < 2) | (out["n_b"] < 2), ["ci_low", "ci_high"]] = np.nan
    for col in ("null_mean", "excess", "p_value", "q_value"):
        out[col] = np.nan
    out["significant"] = False
    out["small"] = (out["n_a"] < min_group) | (out["n_b"] < min_group)
    out["note"] = ""
    out = out[list(PAIRWISE_COLUMNS)]
    out.attrs.update(by=by, min_group=min_group, fdr=FDR, n_perm=0)
    return out


def keyness_by_engine(page: Page, *, column: str, group_a: object) -> pd.DataFrame:
    """:func:`analysis.keyness.keyness` of ``group_a`` against the rest, from the term counts per group
    that ``page``'s engine sums (an event without reprint links: reprints need each report's terms)."""
    from dataclasses import replace

    from ..keyness import keyness
    from . import term_counts

    assert page.event.terms is not None  # the page checked page.can(terms=True)
    groups = pd.DataFrame({"report_id": page.reports["report_id"].astype(str),
                           column: page.reports[column].to_numpy(dtype=object)})
    terms = pd.DataFrame({"report_id": page.event.terms["report_id"].astype(str).to_numpy(),
                          "term": page.event.terms["term"].astype(str).to_numpy(),
                          "count": page.event.terms["count"].astype("int64").to_numpy()})
    terms = terms.merge(groups, on="report_id", how="left")
    empty = page.final.iloc[:0][["report_id", "variable", "value"]]
    source = replace(codes_source(empty, page.codebook, groups, columns=[]), terms=terms)
    counts = term_counts(source, engine=page.engine, by=column, scheduler=page.scheduler)
    counts = counts[counts[column].notna()]
    names = sorted(counts[column].astype(str).unique())
    pseudo = pd.DataFrame({"report_id": counts[column].astype(str).to_numpy(), "term": counts["term"].to_numpy(),
                           "count": counts["count"].to_numpy()})
    return keyness(pseudo, pd.DataFrame({"report_id": names, column: names}), column=column, group_a=str(group_a))
