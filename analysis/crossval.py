"""Cross-validated machine codes: each report coded by a TermCoder that never saw it.

For every nominal and ordinal variable, the reports with a human code and term counts are split
into grouped, stratified folds (reports of one outlet, wire story or derivation chain stay on one
side, :func:`analysis.coding_data.report_groups`); each fold is coded by a :class:`TermCoder`
trained on the others and by a majority-class baseline. :func:`cross_val_codes` returns these
codes report by report; :mod:`analysis.machine_agreement` turns them into agreement figures.
"""
from __future__ import annotations

import hashlib
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.model_selection import StratifiedGroupKFold
from threadpoolctl import threadpool_limits
from tqdm.std import tqdm

from .coding_data import (
    N_SPLITS,
    EventTables,
    Variable,
    check_event,
    chosen_variables,
    code_array,
    human_labels,
    report_features,
    report_groups,
    unlearnable,
    whole_number,
)
from .termcoder import TermCoder, code_classes

CROSS_VAL_COLUMNS = ("report_id", "variable", "group", "fold", "rule", "human", "model", "baseline")
LEARNABLE = "learnable"
# out-of-fold results remembered (a few KB each): the variables of a few events
REMEMBERED_FITS = 256
_REMEMBERED: OrderedDict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]] = \
    OrderedDict()


@dataclass
class VariableFolds:
    """What cross-validation found about one variable, beside its codes.

    ``labels`` holds the variable's ``report_id, variable, value, rule`` rows of the reports
    with features; ``status`` is :data:`LEARNABLE` or "not learnable: <reason>".
    """

    n_reports: int
    n_classes: int
    n_groups: int
    labels: pd.DataFrame
    n_splits: int = 0
    status: str = ""
    notes: list[str] = field(default_factory=list)


def cross_val_codes(event: EventTables, *, variables: str | Sequence[str] | None = None,
                    n_splits: int = N_SPLITS, seed: int = 0, progress: bool = False) -> pd.DataFrame:
    """Out-of-fold machine codes and majority-class baseline codes, one row per report.

    Parameters
    ----------
    event : Event
        Or any object with ``reports``, ``codes``, ``codebook`` and ``terms`` tables
        (docs/data-model.md); not modified. Features are ``terms`` and, for reports without term
        counts, a ``text`` column of ``reports`` if there is one.
    variables : sequence of str, optional
        Nominal or ordinal variables; default all of them.
    n_splits : int, default 5
        Folds; fewer when there are fewer independent groups (see :func:`report_groups`).
    seed : int, default 0
        Seeds the fold assignment and the model.
    progress : bool, default False
        Show a tqdm progress bar over variables.

    Returns
    -------
    DataFrame
        ``report_id, variable, group, fold, rule, human, model, baseline`` for the learnable
        variables: the human code (consolidated, ``rule`` from
        :func:`analysis.reliability.consolidate`, or "single_coder"), the code a TermCoder
        trained on the other folds gave, and the code a most-frequent-class baseline gave.
        ``fold`` is the fold in which the report was a test report. Sorted by variable in
        codebook order, then report_id.
    """
    table, _ = cross_validation(event, variables, n_splits=n_splits, seed=seed, progress=progress)
    return table


def cross_validation(event: EventTables, variables: str | Sequence[str] | None, *, n_splits: int,
                     seed: int, progress: bool) -> tuple[pd.DataFrame, dict[str, VariableFolds]]:
    """The table of :func:`cross_val_codes` and, per chosen variable, a :class:`VariableFolds`."""
    check_event(event)
    n_splits = whole_number(n_splits, "n_splits", minimum=2)
    seed = whole_number(seed, "seed", minimum=0)
    spec = chosen_variables(event.codebook, variables)
    labels = human_labels(event.codes, event.codebook, spec)
    features = report_features(event.reports, event.terms)
    groups = report_groups(event.reports).set_index("report_id")["group"]
    # one vocabulary for all the reports, each variable and fold taking its rows: the matrices
    # after the min_df step are those of the variable's own training dicts (terms absent from
    # the training rows are dropped there), without vectorising the dicts again
    row_of = {rid: i for i, rid in enumerate(features)}
    matrix = DictVectorizer().fit_transform(list(features.values())).tocsr() if features else None

    parts, info = [], {}
    # lbfgs on a few dozen reports makes BLAS calls too small to gain from threads; on a busy
    # machine the threads' waiting made the fits 10-30 times slower
    with threadpool_limits(limits=1, user_api="blas"):
        for var in tqdm(spec, desc="cross-validating", unit="variable", disable=not progress):
            meta, part = _variable_folds(var, labels, row_of, matrix, groups, n_splits, seed)
            info[var.variable] = meta
            if part is not None:
                parts.append(part)
    if parts:
        table = pd.concat(parts, ignore_index=True)
        table = table.sort_values(["variable", "report_id"], kind="stable", key=_codebook_order(spec))
        table = table.reset_index(drop=True)
    else:
        table = pd.DataFrame({c: pd.Series(dtype=object) for c in CROSS_VAL_COLUMNS})
    for col in ("group", "fold"):
        table[col] = table[col].astype("int64")
    return table[list(CROSS_VAL_COLUMNS)], info


def _variable_folds(var: Variable, labels: pd.DataFrame, row_of: dict[Hashable, int],
                    matrix: sp.csr_matrix | None, groups: pd.Series, n_splits: int,
                    seed: int) -> tuple[VariableFolds, pd.DataFrame | None]:
    """One variable's :class:`VariableFolds` and, when it is learnable, its out-of-fold codes."""
    lab = labels[labels["variable"] == var.variable]
    featured = lab["report_id"].isin(row_of.keys())
    n_unfeatured = int((~featured).sum())
    lab = lab[featured].reset_index(drop=True)
    y = code_array(lab["value"])
    g = groups.reindex(lab["report_id"]).to_numpy()
    meta = VariableFolds(n_reports=len(lab), n_classes=int(pd.Series(y, dtype=object).nunique()),
                         n_groups=int(len(np.unique(g))), labels=lab)
    if n_unfeatured:
        meta.notes.append(f"{n_unfeatured} coded report(s) without term counts or text left out")
    reason = unlearnable(y, var, n_splits)
    if reason is None and meta.n_groups < 2:
        reason = (f"cross-validation is not possible: the {len(lab)} reports form one group "
                  "(shared outlet, wire or derived_from)")
    if reason or matrix is None:
        meta.status = f"not learnable: {reason}"
        return meta, None
    k = min(n_splits, meta.n_groups)
    if k < n_splits:
        meta.notes.append(f"{k} folds instead of {n_splits}: only {meta.n_groups} "
                          "independent groups of reports")
    meta.n_splits, meta.status = k, LEARNABLE
    rows = matrix[np.array([row_of[r] for r in lab["report_id"]], dtype=np.int64)]
    fold, model, baseline, notes = _remembered_out_of_fold(rows, y, g, k, seed)
    meta.notes += notes
    return meta, pd.DataFrame({
        "report_id": lab["report_id"].to_numpy(), "variable": var.variable, "group": g,
        "fold": fold, "rule": lab["rule"].to_numpy(), "human": y, "model": model,
        "baseline": baseline})


def _codebook_order(spec: Sequence[Variable]) -> Callable[[pd.Series], pd.Series]:
    order = {v.variable: i for i, v in enumerate(spec)}

    def key(col: pd.Series) -> pd.Series:
        return col.map(order) if col.name == "variable" else col
    return key


def clear_cache() -> None:
    """Forget the remembered out-of-fold codes (see :func:`cross_validation`); for benchmarks."""
    _REMEMBERED.clear()


def _remembered_out_of_fold(matrix: sp.csr_matrix, y: np.ndarray, groups: np.ndarray, k: int,
                            seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """:func:`_out_of_fold`, looked up first among the last results by a digest of its inputs.

    Notebook 09 asks for the same folds twice (``evaluate``, then ``per_class_recall``); the
    fits are deterministic, so a result is reused only for identical inputs: the bytes of the
    rows' sparse arrays and of the groups, each code with its type (codebook codes are words
    and numbers, whose repr is exact), ``k`` and ``seed``.
    """
    codes = [(type(v).__module__, type(v).__qualname__, v) for v in y.tolist()]
    digest = hashlib.sha256(repr((matrix.shape, k, seed, codes)).encode("utf-8"))
    for part in (matrix.indptr, matrix.indices, matrix.data, np.asarray(groups)):
        digest.update(part.dtype.str.encode("ascii"))
        digest.update(np.ascontiguousarray(part).tobytes())
    key = digest.digest()
    found = _REMEMBERED.get(key)
    if found is None:
        notes: list[str] = []
        fold, model, baseline = _out_of_fold(matrix, y, groups, k, seed, notes)
        found = (fold, model, baseline, tuple(notes))
        _REMEMBERED[key] = found
        while len(_REMEMBERED) > REMEMBERED_FITS:
            _REMEMBERED.popitem(last=False)
    else:
        _REMEMBERED.move_to_end(key)
    fold, model, baseline, kept = found
    return fold.copy(), model.copy(), baseline.copy(), list(kept)


def _out_of_fold(matrix: sp.csr_matrix, y: np.ndarray, groups: np.ndarray, k: int, seed: int,
                 notes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold predictions of TermCoder and of the majority-class baseline."""
    n = len(y)
    fold = np.full(n, -1, dtype=np.int64)
    model = np.empty(n, dtype=object)
    baseline = np.empty(n, dtype=object)
    classes, y_index = code_classes(y)
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # "The least populated class in y has only m members": expected for rare codes
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        splits = list(splitter.split(np.zeros(n), y_index, groups))
    for f, (tr, te) in enumerate(splits):
        fold[te] = f
        dummy = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(tr), 1)), y_index[tr])
        baseline[te] = classes[dummy.predict(np.zeros((len(te), 1)))]
        if len(np.unique(y_index[tr])) < 2:
            notes.append(f"fold {f}: one code in the training reports, predicted for all")
            model[te] = baseline[te]
            continue
        coder = TermCoder(random_state=seed).fit(matrix[tr], y_index[tr])
        model[te] = classes[coder.predict(matrix[te]).astype(np.int64)]
    return fold, model, baseline
