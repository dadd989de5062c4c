"""The pages' tables on a whole corpus, counted by its engine, in the columns of the in-memory functions.

Each function takes a :class:`analysis.corpus.Corpus` and returns the table of the in-memory
function named in its docstring, counted by :mod:`analysis.engines` on every report of the
corpus with the final coder's codes (:attr:`Corpus.coder`). Group values are those of the
dataset; the pages label them with their sizes (:func:`group_sizes`).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import engines
from .corpus import Corpus
from .divergence import MIN_GROUP
from .engines.pages import as_pairwise
from .framing.frames import FRAME_PROFILE_COLUMNS
from .reliability import RELIABILITY_COLUMNS
from .verdicts import NOT_MEASURED_NOTE, verdict

__all__ = ["CORPUS_FRAME_NOTE", "divergence", "figure_moments", "frame_profile", "group_sizes", "keyness",
           "label_distribution", "label_shares", "reliability"]

CORPUS_FRAME_NOTE = "corpus: mean of the items' means; no interval"


def group_sizes(corpus: Corpus, column: str) -> pd.Series:
    """Reports per value of a report column of the corpus (the final coder's reports), largest first."""
    counts = engines.report_counts(corpus.path, by=column, coders=[corpus.coder], **corpus.options)
    counts = counts[counts[column].notna()]
    counts[column] = counts[column].astype(str)
    out = counts.set_index(column)["n_reports"].astype("int64")
    return out.iloc[np.lexsort((out.index.to_numpy(dtype=str), -out.to_numpy()))]


def reliability(corpus: Corpus, codebook: pd.DataFrame, *, n_boot: int, seed: int) -> pd.DataFrame:
    """:func:`analysis.reliability.reliability`'s table from :func:`analysis.engines.alpha` on the
    double-coded subsample: the coders of :attr:`analysis.corpus.Corpus.compared` (the human coders,
    or with one human coder that coder against the final machine coder).

    ``verdict`` by :func:`analysis.verdicts.verdict` from alpha and the Poisson bootstrap's lower
    end ("not measured" with no two coders to compare); the rule of too little variation and
    the figures' ``alpha_cited`` are not applied on a corpus (NaN).
    """
    variables = codebook["variable"].tolist()
    humans = list(corpus.compared)
    if len(humans) >= 2:
        counted = engines.alpha(corpus.path, variables=variables, coders=humans, n_boot=n_boot, seed=seed,
                                **corpus.options).set_index("variable").loc[variables].reset_index()
    else:
        counted = pd.DataFrame({"variable": variables, "level": codebook["level"].to_numpy()})
    out = counted.reindex(columns=list(RELIABILITY_COLUMNS))
    out["level"] = codebook["level"].to_numpy()
    out["n_coders"] = len(humans)
    out["coders"] = ", ".join(humans)
    if len(humans) >= 2:
        out["verdict"] = [verdict(a, lo) for a, lo in zip(out["alpha"], out["ci_low"])]
        out["note"] = ""
    else:
        out["verdict"], out["note"] = "not measured", NOT_MEASURED_NOTE
    ints = ["n_units", "n_pairable", "n_values", "n_coders"]
    out[ints] = out[ints].fillna(0)
    floats = ["alpha", "ci_low", "ci_high", "d_observed", "d_expected", "percent_agreement", "alpha_cited",
              "ci_low_cited", "ci_high_cited"]
    return out.astype({**dict.fromkeys(ints, "int64"), **dict.fromkeys(floats, "float64")})


def _item_values(shares: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Per item and group: the mean item value x (yes = 1, ordinal rank / (k - 1), reverse 1 - x)."""
    spec = items.set_index("variable")
    x = np.full(len(shares), np.nan)
    for i, (var, code) in enumerate(zip(shares["variable"], shares["code"])):
        row = spec.loc[var]
        codes = list(row["codes"])
        if row["level"] == "ordinal":
            x[i] = codes.index(code) / (len(codes) - 1) if len(codes) > 1 else np.nan
        else:
            x[i] = float(code == row["yes_code"])
        if row["reverse"]:
            x[i] = 1 - x[i]
    return shares.assign(x=x * shares["share"].to_numpy(), frame=shares["variable"].map(spec["frame"]))


def frame_profile(corpus: Corpus, codebook: pd.DataFrame, *, by: Sequence[str]) -> pd.DataFrame:
    """:func:`analysis.framing.frame_profile`'s table on the whole corpus, from the items' shares.

    The score of a frame in a group is the mean over its items of the item's mean value in the
    group (:func:`analysis.framing.frame_scores`' item values, counted by
    :func:`analysis.engines.shares`); it equals the mean of the reports' frame scores when every
    report of the group codes every item of the frame, as a machine coder does (else items are
    weighted by item, not by report). ``n``: the most judgements of any of the frame's items in
    the group. No interval (NaN); ``note`` says so.

    Returns
    -------
    DataFrame
        ``*by, frame, score, ci_low, ci_high, n, note``; sorted by group (missing last), frame.
    """
    keys = list(by)
    items = codebook[codebook["role"] == "frame_item"]
    if not len(items):
        return pd.DataFrame(columns=[*keys, *FRAME_PROFILE_COLUMNS])
    shares = engines.shares(corpus.path, by=keys, variables=items["variable"].tolist(), coder=corpus.coder,
                            **corpus.options)
    values = _item_values(shares, items)
    per_item = values.groupby(["frame", *keys, "variable"], dropna=False, sort=False).agg(
        x=("x", "sum"), n=("n", "sum")).reset_index()
    out = per_item.groupby([*keys, "frame"], dropna=False, sort=False).agg(
        score=("x", "mean"), n=("n", "max")).reset_index()
    out["ci_low"] = out["ci_high"] = np.nan
    out["n"] = out["n"].astype("int64")
    out["note"] = CORPUS_FRAME_NOTE
    order = {f: i for i, f in enumerate(dict.fromkeys(items["frame"]))}
    sort = [*[out[k].isna() for k in keys], *[out[k].astype(str) for k in keys], out["frame"].map(order)]
    out = out.iloc[np.lexsort([s.to_numpy() for s in reversed(sort)])].reset_index(drop=True)
    return out[[*keys, *FRAME_PROFILE_COLUMNS]]


def divergence(corpus: Corpus, codebook: pd.DataFrame, *, by: str, n_boot: int, seed: int,
               min_group: int = MIN_GROUP) -> pd.DataFrame:
    """:func:`analysis.divergence.pairwise_divergence`'s table on the whole corpus
    (:func:`analysis.engines.divergence` over the nominal variables of ``codebook``), no null model."""
    variables = codebook.loc[codebook["level"] == "nominal", "variable"].tolist()
    out = engines.divergence(corpus.path, by=by, variables=variables, coder=corpus.coder, n_boot=n_boot,
                             seed=seed, **corpus.options)
    return as_pairwise(out, by=by, min_group=min_group)


def label_shares(corpus: Corpus, codebook: pd.DataFrame, *, by: str | None) -> pd.DataFrame:
    """:func:`analysis.framing.label_shares` (``by`` None: :func:`~analysis.framing.label_distribution`)
    on the whole corpus: ``variable, referent, [by,] code, n, share``."""
    labels = codebook[codebook["role"] == "label"]
    keys = [] if by is None else [by]
    if not len(labels):
        return pd.DataFrame(columns=["variable", "referent", *keys, "code", "n", "share"])
    out = engines.shares(corpus.path, by=keys, variables=labels["variable"].tolist(), coder=corpus.coder,
                         **corpus.options)
    out.insert(1, "referent", out["variable"].map(labels.set_index("variable")["referent"]))
    return out[["variable", "referent", *keys, "code", "n", "share"]].reset_index(drop=True)


def label_distribution(corpus: Corpus, codebook: pd.DataFrame) -> pd.DataFrame:
    """:func:`analysis.framing.label_distribution` on the whole corpus."""
    return label_shares(corpus, codebook, by=None)


def figure_moments(corpus: Corpus, codebook: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Count, mean, sd and Student's t interval of each figure variable per group
    (:func:`analysis.engines.moments`): ``variable, <by>, n, mean, sd, ci_low, ci_high``."""
    figures = codebook.loc[(codebook["role"] == "figure") & codebook["level"].isin(["interval", "ratio"]),
                           "variable"].tolist()
    if not figures:
        return pd.DataFrame(columns=["variable", by, "n", "mean", "sd", "ci_low", "ci_high"])
    return engines.moments(corpus.path, by=by, variables=figures, coder=corpus.coder, **corpus.options)


def keyness(corpus: Corpus, *, column: str, group_a: object) -> pd.DataFrame:
    """:func:`analysis.keyness.keyness` of ``group_a`` against the rest, from the term counts the
    engine sums per value of ``column`` (:func:`analysis.engines.term_counts`).

    Each group's summed counts enter as one text, so the result equals ``keyness`` on the
    reports themselves when no report reprints another; a corpus carries no reprint links, so
    reprints count as often as they appear. Reports are taken to be in one language (English
    stop words) unless the corpus's terms say otherwise. ``attrs``' report counts are the groups'.
    """
    from .keyness import keyness as keyness_of

    counts = engines.term_counts(corpus.path, by=column, **corpus.options)
    counts = counts[counts[column].notna()]
    groups = sorted(counts[column].astype(str).unique())
    terms = pd.DataFrame({"report_id": counts[column].astype(str).to_numpy(), "term": counts["term"].to_numpy(),
                          "count": counts["count"].astype("int64").to_numpy()})
    reports = pd.DataFrame({"report_id": groups, column: groups})
    out = keyness_of(terms, reports, column=column, group_a=str(group_a))
    sizes = group_sizes(corpus, column)
    out.attrs.update(n_reports_a=int(sizes.get(str(group_a), 0)),
                     n_reports_b=int(sizes.drop(str(group_a), errors="ignore").sum()),
                     notes=(f"counted on the whole corpus: term counts summed per {column}; reprints are not "
                            "merged into one story (a corpus holds no reprint links)",))
    return out
