"""What a machine coder learns from: term counts per report, human labels, groups of reports.

Term counts become one ``{term: count}`` dict per report (:func:`feature_matrix`); the human codes
become one label per report and variable (:func:`human_labels`, via
:func:`analysis.reliability.consolidate`); reports that tell one story become one group
(:func:`report_groups`), which cross-validation keeps on one side of every split. The checks of
an event and of a variable's labels (:func:`unlearnable`) are here too.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import NamedTuple, Protocol, TypeAlias, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .common import check_columns
from .events import ADJUDICATOR, CODE_COLUMNS, TERM_COLUMNS
from .judgements import MODEL_PREFIX
from .reliability import consolidate
from .text import term_counts

GROUP_COLUMNS = ("report_id", "group")
# below these a variable is reported as not learnable rather than forced through cross-validation
MIN_REPORTS = 10
N_SPLITS = 5


class Variable(NamedTuple):
    """A nominal or ordinal variable of the codebook, as machine coding uses it."""

    variable: str
    level: str
    codes: Sequence[object]


class EventTables(Protocol):
    """What machine coding reads from an event: :class:`analysis.events.Event` or alike."""

    @property
    def reports(self) -> pd.DataFrame: ...
    @property
    def codes(self) -> pd.DataFrame: ...
    @property
    def codebook(self) -> pd.DataFrame: ...
    @property
    def terms(self) -> pd.DataFrame | None: ...


# codes of one variable, report by report
Codes: TypeAlias = Sequence[object] | np.ndarray | pd.Series


def feature_matrix(terms: pd.DataFrame, report_ids: Sequence[Hashable] | np.ndarray) -> list[dict[str, float]]:
    """Term counts as one ``{term: count}`` dict per report, the X of :class:`TermCoder`.

    Parameters
    ----------
    terms : DataFrame
        ``report_id, term, count`` (``Event.terms``); not modified.
    report_ids : sequence
        The reports, in the order wanted.

    Returns
    -------
    list of dict
        ``len(report_ids)`` dicts; a report without term counts gives ``{}``.

    Examples
    --------
    >>> terms = pd.DataFrame({"report_id": ["a", "a", "b"], "term": ["talks", "hostages", "talks"],
    ...                       "count": [2, 1, 1]})
    >>> feature_matrix(terms, ["b", "c", "a"])
    [{'talks': 1}, {}, {'talks': 2, 'hostages': 1}]
    """
    check_columns(terms, TERM_COLUMNS, "terms")
    wanted = pd.Index(pd.unique(pd.Series(list(report_ids), dtype=object)))
    sub = terms[terms["report_id"].isin(wanted) & (terms["count"] > 0)]
    by_report = {rid: dict(zip(g["term"].tolist(), g["count"].tolist()))
                 for rid, g in sub.groupby("report_id", sort=False, observed=True)}
    return [dict(by_report.get(rid, {})) for rid in report_ids]


def report_groups(reports: pd.DataFrame) -> pd.DataFrame:
    """Groups of reports that must stay together when splitting for cross-validation.

    Two reports share a group when they come from the same outlet, reprint the same wire
    agency, or are linked by ``derived_from`` (directly or through a chain); groups are the
    connected components of these links.

    Parameters
    ----------
    reports : DataFrame
        ``report_id, outlet``, optionally ``wire`` and ``derived_from`` (``Event.reports``).

    Returns
    -------
    DataFrame
        ``report_id, group``, in the order of ``reports``; ``group`` is an int, numbered by the
        first report of each group.

    Notes
    -----
    A wire agency and an outlet of the same name are one node: the agency's own report and the
    reprints of its copy tell the same story. ``derived_from`` may name a report or a wire story
    id that is not a report; reports deriving from the same id are linked either way.
    """
    check_columns(reports, ("report_id", "outlet"), "reports")
    ids = reports["report_id"].astype(str).to_numpy()
    keys: dict[tuple[str, str], int] = {}

    def node(key: tuple[str, str]) -> int:
        return keys.setdefault(key, len(ids) + len(keys))

    src: list[int] = []
    dst: list[int] = []
    for i, rid in enumerate(ids):
        # the report is also the node its derivations point to
        src.append(i)
        dst.append(node(("story", rid)))
    for column, kind in (("outlet", "source"), ("wire", "source"), ("derived_from", "story")):
        if column not in reports.columns:
            continue
        for i, value in enumerate(reports[column].to_numpy(dtype=object)):
            if isinstance(value, str) and value.strip():
                src.append(i)
                dst.append(node((kind, value.strip())))
    n = len(ids) + len(keys)
    graph = sp.coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    label = label[: len(ids)]
    # renumber by first appearance so the ids do not depend on scipy's numbering
    _, first = np.unique(label, return_index=True)
    order = np.empty(label.max() + 1 if len(label) else 0, dtype=np.int64)
    order[label[np.sort(first)]] = np.arange(len(first))
    return pd.DataFrame({"report_id": reports["report_id"].to_numpy(),
                         "group": order[label] if len(label) else np.array([], dtype=np.int64)})


def check_event(event: object) -> None:
    """Refuse what is not an Event (or an object with its four tables and their columns)."""
    for attr in ("reports", "codes", "codebook", "terms"):
        if not hasattr(event, attr):
            raise ValueError(f"expected an Event (analysis.load_event) or an object with reports, "
                             f"codes, codebook and terms; {type(event).__name__} has no {attr}")
    tables = cast(EventTables, event)
    check_columns(tables.reports, ("report_id", "outlet"), "reports")
    check_columns(tables.codes, CODE_COLUMNS, "codes")
    check_columns(tables.codebook, ("variable", "level", "codes"), "codebook")
    if tables.terms is not None:
        check_columns(tables.terms, TERM_COLUMNS, "terms")


def whole_number(x: object, name: str, *, minimum: int) -> int:
    """``x`` as an int, or ValueError naming the argument when it is not a whole number >= minimum."""
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, not {x!r}")
    return int(x)


def chosen_variables(codebook: pd.DataFrame, variables: str | Sequence[str] | None) -> list[Variable]:
    """Codebook rows of the chosen nominal and ordinal variables, codebook order."""
    cb = codebook
    categorical = cb["level"].isin(["nominal", "ordinal"]).to_numpy()
    if variables is None:
        chosen = cb[categorical]
    else:
        names = [variables] if isinstance(variables, str) else list(variables)
        known = dict(zip(cb["variable"], cb["level"]))
        unknown = [v for v in names if v not in known]
        if unknown:
            raise ValueError(f"variable(s) {', '.join(map(str, unknown))} not in the codebook")
        numeric = [v for v in names if known[v] not in ("nominal", "ordinal")]
        if numeric:
            raise ValueError(f"variable(s) {', '.join(numeric)} are interval or ratio; machine "
                             "coding here learns nominal and ordinal variables only")
        chosen = cb[cb["variable"].isin(names)]
    return [Variable(*r) for r in chosen[["variable", "level", "codes"]].itertuples(index=False)]


def human_codes(codes: pd.DataFrame) -> pd.DataFrame:
    """The codes of human coders: all but the machine coders (``model:...``)."""
    coder = codes["coder"].astype(str)
    return codes[~coder.str.startswith(MODEL_PREFIX)]


def human_labels(codes: pd.DataFrame, codebook: pd.DataFrame, spec: Sequence[Variable]) -> pd.DataFrame:
    """``report_id, variable, value, rule``: one human code per report and variable (NaN dropped)."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in ("report_id", "variable", "value", "rule")})
    human = human_codes(codes)
    if human.empty or not spec:
        return empty
    names = [v.variable for v in spec]
    cb = codebook[codebook["variable"].isin(names)]
    # a lone coder's code is a training label, as in a study with one coder per report
    table = consolidate(human, cb, adjudicator=ADJUDICATOR, single_coder=True)
    table = table[table["value"].notna()]
    return table[["report_id", "variable", "value", "rule"]].reset_index(drop=True)


def report_features(reports: pd.DataFrame, terms: pd.DataFrame | None) -> dict[Hashable, dict[str, float]]:
    """``{report_id: {term: count}}`` for the reports with term counts or, failing that, text."""
    out: dict[Hashable, dict[str, float]] = {}
    ids = reports["report_id"].tolist()
    if terms is not None and len(terms):
        check_columns(terms, TERM_COLUMNS, "terms")
        has = set(terms["report_id"])
        with_terms = [r for r in ids if r in has]
        for rid, row in zip(with_terms, feature_matrix(terms, with_terms)):
            out[rid] = row
    if "text" in reports.columns:
        text = reports[~reports["report_id"].isin(out.keys())]
        text = text[text["text"].notna() & (text["text"].astype(str).str.strip() != "")]
        if len(text):
            counts = term_counts(text[["report_id", "text"]])
            for rid, row in zip(text["report_id"], feature_matrix(counts, text["report_id"].tolist())):
                out[rid] = row
    return {r: row for r, row in out.items() if row}


def code_array(values: Codes) -> np.ndarray:
    """Codes as a 1-D object array (the original Python objects)."""
    return np.asarray(list(values), dtype=object)


def unlearnable(values: Codes, var: Variable, n_splits: int) -> str | None:
    """Why a variable cannot be learned from these human codes, or None."""
    n = len(values)
    counts = pd.Series(list(values), dtype=object).value_counts()
    if n == 0:
        return "no report has both a human code and term counts (or text)"
    if n < MIN_REPORTS:
        return (f"only {n} report(s) have a human code and term counts; at least {MIN_REPORTS} "
                "are needed")
    if len(counts) < 2:
        return f"every coded report has the code {counts.index[0]!r}; nothing to tell apart"
    if counts.iloc[1] < n_splits:
        return (f"the second most frequent code {counts.index[1]!r} has {counts.iloc[1]} "
                f"report(s), fewer than the {n_splits} folds")
    return None


def features_table(reports: pd.DataFrame, terms: pd.DataFrame | None) -> pd.DataFrame:
    """The features of :func:`report_features` as a long ``report_id, term, count`` table."""
    rows = [(rid, term, count) for rid, counts in report_features(reports, terms).items()
            for term, count in counts.items()]
    return pd.DataFrame(rows, columns=list(TERM_COLUMNS))

