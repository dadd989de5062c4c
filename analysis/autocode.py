"""Machine coding with scikit-learn, judged by its agreement with human coders.

A machine coder learns one nominal or ordinal codebook variable from the consolidated human
codes of an event and the term counts of its reports (``Event.terms``, or a ``text`` column in
``Event.reports`` tokenised by :mod:`analysis.text`). Its codes enter an event as a coder named
``model:<name>``, so every analysis can be run with and without them.

- :class:`TermCoder`: the scikit-learn classifier (log-scaled term counts, optionally IDF,
  logistic regression);
- :func:`feature_matrix`: term counts as the ``{term: count}`` rows a TermCoder takes;
- :func:`report_groups`: reports that must stay on one side of a split (outlet, wire, reprints);
- :func:`cross_val_codes`: out-of-fold machine and baseline codes, report by report;
- :func:`evaluate`: macro-F1 and Krippendorff's alpha against the humans, with intervals and
  baselines, one row per variable;
- :func:`per_class_recall`: how often each code is recovered;
- :func:`train`, :func:`machine_codes`, :func:`autocode`: code reports that no human has coded.

Models are never stored: they are retrained from the data, which takes seconds.

This module codes new reports and is the one place to import from; the rest lives in the module
of its concept and is re-exported here: the estimator in :mod:`analysis.termcoder`, features,
labels and groups in :mod:`analysis.coding_data`, cross-validation in :mod:`analysis.crossval`,
agreement statistics in :mod:`analysis.machine_agreement`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .coding_data import (
    GROUP_COLUMNS,
    MIN_REPORTS,
    MODEL_PREFIX,
    N_SPLITS,
    EventTables,
    check_event,
    chosen_variables,
    code_array,
    feature_matrix,
    human_labels,
    report_features,
    report_groups,
    unlearnable,
)
from .common import check_columns
from .crossval import CROSS_VAL_COLUMNS, LEARNABLE, cross_val_codes
from .events import CODE_COLUMNS
from .machine_agreement import (
    CI,
    EVALUATION_COLUMNS,
    RECALL_COLUMNS,
    evaluate,
    per_class_recall,
)
from .termcoder import MAX_EVIDENCE_TERMS, TermCoder, evidence, plain_code

__all__ = [
    "CI", "CROSS_VAL_COLUMNS", "DEFAULT_NAME", "EVALUATION_COLUMNS", "GROUP_COLUMNS", "LEARNABLE",
    "MAX_EVIDENCE_TERMS", "MIN_REPORTS", "MODEL_PREFIX", "N_SPLITS", "RECALL_COLUMNS",
    "TermCoder", "autocode", "cross_val_codes", "evaluate", "feature_matrix", "machine_codes",
    "per_class_recall", "report_groups", "train",
]

DEFAULT_NAME = "tfidf-logreg"


class Classifier(Protocol):
    """A fitted classifier whose ``predict`` takes a list of ``{term: count}`` dicts."""

    def predict(self, X: list[dict[str, float]]) -> object: ...


def train(event: EventTables, *, variables: str | Sequence[str] | None = None,
          seed: int = 0) -> dict[str, TermCoder]:
    """Fit one :class:`TermCoder` per learnable variable on all of an event's human codes.

    Parameters
    ----------
    event : Event
        The coded event (see :func:`cross_val_codes`); not modified.
    variables : sequence of str, optional
        Nominal or ordinal variables. Default: all of them, leaving out those that are not
        learnable (see :func:`evaluate` for why); a variable named here that is not learnable
        raises ValueError.
    seed : int, default 0

    Returns
    -------
    dict
        ``{variable: fitted TermCoder}``, in codebook order; the input of :func:`machine_codes`.
    """
    check_event(event)
    spec = chosen_variables(event.codebook, variables)
    labels = human_labels(event.codes, event.codebook, spec)
    features = report_features(event.reports, event.terms)
    models: dict[str, TermCoder] = {}
    for var in spec:
        lab = labels[(labels["variable"] == var.variable)
                     & labels["report_id"].isin(features.keys())]
        reason = unlearnable(lab["value"], var, N_SPLITS)
        if reason:
            if variables is not None:
                raise ValueError(f"variable {var.variable} is not learnable: {reason}")
            continue
        X = [features[r] for r in lab["report_id"]]
        models[var.variable] = TermCoder(random_state=seed).fit(X, code_array(lab["value"]))
    return models


def machine_codes(models: Mapping[str, Classifier], terms: pd.DataFrame | None, reports: pd.DataFrame,
                  *, name: str = DEFAULT_NAME) -> pd.DataFrame:
    """Code reports with fitted models, as a coder named ``model:<name>``.

    Parameters
    ----------
    models : mapping
        ``{variable: fitted classifier}`` (e.g. from :func:`train`); each classifier's
        ``predict`` takes a list of ``{term: count}`` dicts.
    terms : DataFrame or None
        ``report_id, term, count``; not modified.
    reports : DataFrame
        ``report_id`` and optionally ``text``: the reports to code. A report with neither term
        counts nor text is not coded.
    name : str, default "tfidf-logreg"
        The coder is ``model:<name>``.

    Returns
    -------
    DataFrame
        ``report_id, coder, variable, value, evidence``, sorted by report_id, coder, variable,
        ready for :meth:`analysis.events.Event.with_codes`. ``evidence`` lists the terms of the
        report that pushed a :class:`TermCoder` most towards the code it gave (at most 12 words,
        separated by "; "), or NaN when no term did (or for other classifiers).
    """
    coder = _coder_name(name)
    if not isinstance(models, Mapping):
        raise ValueError("models must be a mapping {variable: fitted model}, e.g. "
                         "{'label_captives': model} or the result of train(event)")
    check_columns(reports, ("report_id",), "reports")
    for variable, model in models.items():
        if not hasattr(model, "predict"):
            raise ValueError(f"models[{variable!r}] is not a classifier (no predict method)")
        check_is_fitted(model)
    features = report_features(reports, terms)
    ids = [r for r in pd.unique(reports["report_id"]) if r in features]
    parts = []
    if ids:
        X = [features[r] for r in ids]
        for variable, model in models.items():
            values = np.asarray(model.predict(X), dtype=object)
            why = (evidence(model, X) if isinstance(model, TermCoder)
                   else np.full(len(ids), np.nan, dtype=object))
            parts.append(pd.DataFrame({"report_id": ids, "coder": coder, "variable": variable,
                                       "value": [plain_code(v) for v in values],
                                       "evidence": why}))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CODE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out["value"] = out["value"].astype(object)
    out["evidence"] = out["evidence"].astype(object)
    return out.sort_values(["report_id", "coder", "variable"], kind="stable").reset_index(drop=True)


def autocode(event: EventTables, train_event: EventTables, *,
             variables: str | Sequence[str] | None = None, name: str = DEFAULT_NAME,
             seed: int = 0) -> pd.DataFrame:
    """A machine coding sheet for the reports of ``event`` that no human has coded.

    Parameters
    ----------
    event : Event
        The reports to code: those with term counts (or text) and no human code (no
        non-missing value from a coder other than ``model:*``). Not modified.
    train_event : Event
        Supplies the training data: its consolidated human codes and term counts. May be
        ``event`` itself.
    variables : sequence of str, optional
        Variables to code. Default: the learnable nominal and ordinal variables of
        ``train_event`` that ``event``'s codebook has with the same level and codes; a named
        variable that does not qualify raises ValueError.
    name : str, default "tfidf-logreg"
        The coder is ``model:<name>``.
    seed : int, default 0

    Returns
    -------
    DataFrame
        ``report_id, coder, variable, value, evidence`` (see :func:`machine_codes`).

    Notes
    -----
    The models are retrained from ``train_event`` on every call, never stored. Check first
    with :func:`evaluate` how far its codes can be trusted: a variable can be learnable and
    still learned badly.
    """
    check_event(event)
    check_event(train_event)
    shared: list[str] = []
    mismatched: list[str] = []
    own = event.codebook.set_index("variable")
    for var in chosen_variables(train_event.codebook, variables):
        if var.variable in own.index and own.loc[var.variable, "level"] == var.level \
                and tuple(own.loc[var.variable, "codes"]) == tuple(var.codes):
            shared.append(var.variable)
        else:
            mismatched.append(var.variable)
    if variables is not None and mismatched:
        raise ValueError(f"variable(s) {', '.join(mismatched)} differ between the two codebooks "
                         "(missing, or another level or other codes); code only variables both "
                         "events define alike")
    models = train(train_event, variables=shared if variables is not None else None, seed=seed)
    models = {v: m for v, m in models.items() if v in shared}
    codes = event.codes
    human = codes[~codes["coder"].astype(str).str.startswith(MODEL_PREFIX) & codes["value"].notna()]
    todo = event.reports[~event.reports["report_id"].isin(set(human["report_id"]))]
    return machine_codes(models, event.terms, todo, name=name)


def _coder_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise ValueError(f"name must be a non-empty word without surrounding spaces, e.g. "
                         f"'{DEFAULT_NAME}', not {name!r}")
    return name if name.startswith(MODEL_PREFIX) else MODEL_PREFIX + name

