"""A notebook page on a corpus (:mod:`analysis.corpus`): what :func:`analysis.page.open_page` does
for a Parquet dataset, and the page methods' corpus branches.

The page's ``event`` is the sample (:func:`analysis.corpus.sample_event`), ``final`` the final
coder's codes on it (:func:`analysis.reliability.consolidate` of that coder alone), ``reliability``
the whole corpus's (:func:`analysis.corpus_tables.reliability`), ``reports`` the sample's reports.
The grouping is chosen by :func:`analysis.page.choose_grouping` from the sample's report columns
that the dataset holds (so that the engine can group by it), and each group is labelled with its
number of reports in the whole corpus.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import corpus_tables
from .corpus import open_corpus, sample_event

if TYPE_CHECKING:
    from .page import Page

__all__ = ["dataset_hash", "frame_profile", "open_corpus_page", "relabel"]


def _grouping(page_reports: pd.DataFrame, columns: tuple[str, ...], group_by: str | None) -> tuple[str | None, str]:
    from .page import choose_grouping

    if group_by is None:
        usable = page_reports[["report_id", *[c for c in page_reports if c in columns]]]
        column, reason = choose_grouping(usable)
        return column, (reason + " (chosen on the sample, among the corpus's report columns)" if column else reason)
    if group_by not in columns:
        return None, (f"the parameter group_by names column {group_by}, which the corpus does not hold; "
                      f"its report columns: {', '.join(columns) or 'none'}.")
    return group_by, f"Reports are grouped by {group_by}, as the parameter group_by asks."


def open_corpus_page(path: str | Path, *, group_by: str | None, include_unreliable: bool, n_boot: int, seed: int,
                     figures_dir: str | Path | None, engine: str, scheduler: str | None, coder: str | None,
                     sample_size: int) -> Page:
    """The :class:`analysis.page.Page` of a corpus (parameters of :func:`analysis.page.open_page`)."""
    from .page import Page, derive_columns
    from .plotting import source_line
    from .reliability import consolidate

    corpus = open_corpus(path, engine=engine, scheduler=scheduler, coder=coder, sample_size=sample_size, seed=seed)
    event = sample_event(corpus)
    rel = corpus_tables.reliability(corpus, event.codebook, n_boot=n_boot, seed=seed)
    bad = rel["verdict"].eq("unreliable").to_numpy()
    left = event.codebook.loc[bad, ["variable", "role"]].assign(verdict="unreliable")
    left["reason"] = [f"alpha {a:.3f} (95% interval {lo:.3f} to {hi:.3f})"
                      for a, lo, hi in rel.loc[bad, ["alpha", "ci_low", "ci_high"]].itertuples(index=False)]
    codebook = event.codebook if include_unreliable else event.codebook.loc[~bad]
    mine = event.codes[event.codes["coder"].astype(str) == corpus.coder]
    final = consolidate(mine, event.codebook, coders=[corpus.coder])
    reports = derive_columns(event.reports)
    column, reason = _grouping(reports, corpus.columns, group_by)
    labels: dict[str, str] = {}
    in_sample: dict[str, str] = {}
    if column is not None:
        sizes = corpus_tables.group_sizes(corpus, column)
        labels = {str(v): f"{v} (n={n})" for v, n in sizes.items()}
        # the sample's reports carry their group's n in the sample: the n of what its sections count
        in_sample = {str(v): f"{v} (n={n} in the sample)" for v, n in reports[column].value_counts().items()}
        reports[column] = reports[column].map(lambda v: in_sample.get(str(v), v) if pd.notna(v) else v)
    extra = f"{corpus.engine} engine, final codes: {corpus.coder}"
    return Page(event=event, final=final, reliability=rel, codebook=codebook.reset_index(drop=True),
                left_out=left.reset_index(drop=True), reports=reports, group_by=column, grouping_reason=reason,
                source=source_line(str(event.meta["id"]), corpus.n_reports, extra), figures_dir=figures_dir,
                coders=list(corpus.compared), seed=seed, engine=engine, scheduler=scheduler, corpus=corpus,
                group_labels=labels, sample_labels=in_sample)


def relabel(page: Page, table: pd.DataFrame, columns: list[str], by: str) -> pd.DataFrame:
    """``table`` with the groups in ``columns`` labelled as the page's reports label them (a copy)."""
    out = table.copy()
    if by == page.group_by and page.group_labels:
        for c in columns:
            out[c] = [page.group_labels.get(str(v), v) if pd.notna(v) else v for v in out[c]]
    return out


def raw_group(page: Page, value: object) -> object:
    """A group's value in the corpus for its label on the page ("private (n=48)" -> "private")."""
    inverse = {lab: raw for raw, lab in [*page.group_labels.items(), *page.sample_labels.items()]}
    return inverse.get(str(value), value)


def frame_profile(page: Page, reports: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """The whole corpus's frame profile by ``by`` (:func:`analysis.corpus_tables.frame_profile`).

    ``by`` is a report column of the corpus, or a column of ``reports`` with a single value
    (e.g. ``all_reports``): then the whole corpus is one group carrying that value.
    """
    assert page.corpus is not None
    if by in page.corpus.columns:
        return relabel(page, corpus_tables.frame_profile(page.corpus, page.codebook, by=[by]), [by], by)
    values = reports[by].dropna().unique() if by in reports else []
    if len(values) != 1:
        raise ValueError(f"column {by!r} is not a report column of the corpus; its columns: "
                         f"{', '.join(page.corpus.columns)}")
    overall = corpus_tables.frame_profile(page.corpus, page.codebook, by=[])
    overall.insert(0, by, values[0])
    return overall


def dataset_hash(path: str | Path) -> str:
    """SHA-256 of a corpus's codebook.json and of the names and sizes of its Parquet files (reading
    every byte of a large corpus would take as long as counting it)."""
    root = Path(path)
    digest = hashlib.sha256((root / "codebook.json").read_bytes())
    for p in sorted(root.rglob("*.parquet")):
        digest.update(p.relative_to(root).as_posix().encode("utf-8") + b"\0" + str(p.stat().st_size).encode() + b"\0")
    return digest.hexdigest()

