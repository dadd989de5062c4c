"""How far machine codes agree with the human coders: macro-F1 and Krippendorff's alpha.

:func:`evaluate` compares the out-of-fold codes of :mod:`analysis.crossval` with the human codes,
variable by variable, with bootstrap intervals, beside a majority-class baseline, the lexicon
coder and the coders' agreement among themselves; :func:`per_class_recall` says which codes the
machine finds and which it misses.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TypedDict

import numpy as np
import pandas as pd

from .coding_data import (
    N_SPLITS,
    Codes,
    EventTables,
    Variable,
    chosen_variables,
    features_table,
    human_codes,
    whole_number,
)
from .crossval import LEARNABLE, cross_validation
from .errors import DataError
from .events import ADJUDICATOR
from .reliability import reliability

EVALUATION_COLUMNS = (
    "variable", "level", "n_reports", "n_classes", "status",
    "macro_f1", "macro_f1_ci_low", "macro_f1_ci_high",
    "alpha_machine_human", "alpha_ci_low", "alpha_ci_high",
    "baseline_macro_f1", "baseline_alpha", "lexicon_alpha", "human_alpha",
    "n_splits", "n_groups", "note",
)
RECALL_COLUMNS = ("variable", "code", "recall", "support")
CI = 0.95


class Agreement(TypedDict):
    """Krippendorff's alpha between two codings, its interval and the note of reliability()."""

    alpha: float
    ci_low: float
    ci_high: float
    note: str


def evaluate(event: EventTables, *, variables: str | Sequence[str] | None = None,
             n_splits: int = N_SPLITS, n_boot: int = 1000, seed: int = 0,
             lexicon: str | Path | dict[str, object] | bool | None = None,
             progress: bool = False) -> pd.DataFrame:
    """How well a machine coder agrees with the human coders, variable by variable.

    Parameters
    ----------
    event : Event
        Or any object with ``reports``, ``codes``, ``codebook`` and ``terms`` (see
        :func:`cross_val_codes`); not modified.
    variables : sequence of str, optional
        Nominal or ordinal variables; default all of them.
    n_splits : int, default 5
        Cross-validation folds (fewer when there are fewer independent groups of reports).
    n_boot : int, default 1000
        Bootstrap resamples of reports for the 95% intervals; 0 for none.
    seed : int, default 0
        Seeds folds, model and bootstrap.
    lexicon : str, Path, dict, None or False, default None
        The lexicon of :func:`analysis.lexicon.lexicon_code` (None: the package lexicon
        ``analysis/lexicons/labels.yaml``); its codes, read from the reports' texts where they
        have them and from term counts otherwise, are compared with the humans' on the label
        variables it covers. False: no lexicon comparison.
    progress : bool, default False
        Show a tqdm progress bar.

    Returns
    -------
    DataFrame
        One row per variable, in codebook order, columns ``EVALUATION_COLUMNS``:

        - ``variable, level``;
        - ``n_reports``: reports with a human code and term counts (or text);
        - ``n_classes``: distinct human codes among them;
        - ``status``: "learnable", or "not learnable: <reason>" (too few reports, one code only,
          a second most frequent code with fewer than ``n_splits`` reports, or fewer than two
          independent groups); machine columns are NaN then. "learnable" means that the data
          allow an honest test, not that the machine passed it: read the alphas;
        - ``macro_f1``, ``macro_f1_ci_low``, ``macro_f1_ci_high``: out-of-fold macro-F1 over the
          codes the humans used, with its bootstrap interval;
        - ``alpha_machine_human``, ``alpha_ci_low``, ``alpha_ci_high``: Krippendorff's alpha
          (level from the codebook) between the out-of-fold machine codes and the human codes,
          with the interval of :func:`analysis.reliability.reliability`;
        - ``baseline_macro_f1``, ``baseline_alpha``: the same for the most frequent code of each
          training fold (scikit-learn's DummyClassifier);
        - ``lexicon_alpha``: alpha between the lexicon coder and the humans on the same reports
          (those the lexicon gives a code; ``note`` says how many when not all); NaN where the
          lexicon does not cover the variable;
        - ``human_alpha``: alpha among the independent human coders (adjudicated and model
          coders left out), for comparison: a machine cannot be expected to agree with the
          humans more than they agree with each other;
        - ``n_splits``, ``n_groups``: folds used and independent groups;
        - ``note``: anything that qualifies the row.

    Notes
    -----
    The human code of a report is the consolidated code (:func:`analysis.reliability.consolidate`:
    adjudicated, unanimous or majority) or, where only one human coded the report, that coder's
    code. Ties are left out.

    Reports that reprint the same wire copy, derive from each other or come from one outlet are
    kept on one side of every split (:func:`report_groups`, scikit-learn's StratifiedGroupKFold
    with shuffling seeded by ``seed``); otherwise the model would be tested on copies of its
    training reports and look better than it is.

    Macro-F1 is the unweighted mean over the codes the humans used of
    :math:`F_1 = 2\\,TP / (2\\,TP + FP + FN)` (scikit-learn's ``f1_score(average="macro")``
    with ``labels`` the human codes). Its interval is the percentile bootstrap over reports
    (Efron & Tibshirani 1993), macro-F1 of each resample taken over the codes present in it.
    Reports are resampled one by one, as in :func:`analysis.reliability.reliability`; reprints
    of one story are not independent, so the intervals are if anything too narrow.

    The intervals hold the fitted models fixed: they say how much the figures depend on which
    reports were sampled, not on which outlets fell into which fold. That second source is not
    small when codes depend on the outlet. On synthetic events of
    :func:`analysis.synthetic.make_event_folder` (500 and 2,000 reports, 40 outlets), whose 14
    unplanted variables cannot be learned from the words, 3 and 5 of the 14 intervals left out 0
    (resampling whole groups instead: 3 and 4); at 2,000 reports alpha ranged from -0.08 to
    +0.08 and moved by up to 0.08 between fold seeds. The training folds' mix of codes differs
    from the test fold's, and a model that learned nothing still predicts against or along
    that difference. Treat ``|alpha_machine_human| < 0.1`` as no agreement, and compare seeds
    when it matters.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Departmental papers
    (ASC) 43, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43

    Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap. New York:
    Chapman & Hall.

    Song, H., Tolochko, P., Eberl, J.-M., et al. (2020). In validations we trust? The impact of
    imperfect human annotations as a gold standard on the quality of validation of automated
    content analysis. Political Communication, 37(4), 550-572.
    https://doi.org/10.1080/10584609.2020.1723752
    """
    n_boot = whole_number(n_boot, "n_boot", minimum=0)
    table, info = cross_validation(event, variables, n_splits=n_splits, seed=seed,
                                   progress=progress)
    spec = chosen_variables(event.codebook, variables)
    codebook = event.codebook
    human = _human_alpha(event.codes, codebook, [r.variable for r in spec])
    lex_codes, lex_note = _lexicon_codes(event, lexicon)
    machine = agreements(table, "model", codebook, n_boot=n_boot, seed=seed)
    baseline = agreements(table, "baseline", codebook, n_boot=0, seed=seed)
    rows = []
    for var in spec:
        meta = info[var.variable]
        row: dict[str, object] = {c: np.nan for c in EVALUATION_COLUMNS}
        row.update(variable=var.variable, level=var.level, n_reports=meta.n_reports,
                   n_classes=meta.n_classes, status=meta.status, n_splits=meta.n_splits,
                   n_groups=meta.n_groups, human_alpha=human.get(var.variable, np.nan))
        notes = list(meta.notes)
        row["lexicon_alpha"], lex_msg = _lexicon_alpha(lex_codes, lex_note, var, meta.labels,
                                                       codebook)
        if lex_msg:
            notes.append(lex_msg)
        if meta.status == LEARNABLE:
            notes += _machine_scores(row, table[table["variable"] == var.variable], var,
                                     machine[var.variable], baseline[var.variable], n_boot=n_boot,
                                     seed=seed)
        row["note"] = "; ".join(notes)
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(EVALUATION_COLUMNS))
    for col in ("n_reports", "n_classes", "n_splits", "n_groups"):
        out[col] = out[col].astype("int64")
    floats = [c for c in EVALUATION_COLUMNS if c.startswith(("macro", "alpha", "baseline"))
              or c in ("lexicon_alpha", "human_alpha")]
    out[floats] = out[floats].astype("float64")
    return out


def _machine_scores(row: dict[str, object], sub: pd.DataFrame, var: Variable, alpha: Agreement,
                    baseline: Agreement, *, n_boot: int, seed: int) -> list[str]:
    """Fill ``row``'s machine and baseline columns from one variable's out-of-fold codes and
    alphas; return notes on them."""
    rng = np.random.default_rng([seed, zlib.crc32(var.variable.encode("utf-8"))])
    f1, lo, hi = macro_f1_interval(sub["human"], sub["model"], var.codes, n_boot, rng)
    row.update(macro_f1=f1, macro_f1_ci_low=lo, macro_f1_ci_high=hi)
    row.update(alpha_machine_human=alpha["alpha"], alpha_ci_low=alpha["ci_low"],
               alpha_ci_high=alpha["ci_high"])
    row["baseline_macro_f1"], _, _ = macro_f1_interval(sub["human"], sub["baseline"],
                                                       var.codes, 0, rng)
    row["baseline_alpha"] = baseline["alpha"]
    return ["machine-human alpha: " + alpha["note"]] if alpha["note"] else []


def per_class_recall(event: EventTables, *, variables: str | Sequence[str] | None = None,
                     n_splits: int = N_SPLITS, seed: int = 0,
                     progress: bool = False) -> pd.DataFrame:
    """Out-of-fold recall of each code: the share of reports the humans gave a code that the
    machine gave it too.

    Parameters are those of :func:`cross_val_codes`.

    Returns
    -------
    DataFrame
        ``variable, code, recall, support`` for every code of every learnable variable, in
        codebook order; ``support`` counts the reports the humans gave the code, and ``recall``
        is NaN when it is 0. The mean recall over codes with support is the balanced accuracy.
    """
    table, _ = cross_validation(event, variables, n_splits=n_splits, seed=seed, progress=progress)
    spec = chosen_variables(event.codebook, variables)
    rows = []
    for var in spec:
        sub = table[table["variable"] == var.variable]
        if sub.empty:
            continue
        human = sub["human"].to_numpy(dtype=object)
        model = sub["model"].to_numpy(dtype=object)
        for code in var.codes:
            is_code = np.array([h == code for h in human], dtype=bool)
            support = int(is_code.sum())
            hit = int(sum(m == code for m in model[is_code]))
            rows.append({"variable": var.variable, "code": code,
                         "recall": hit / support if support else np.nan, "support": support})
    out = pd.DataFrame(rows, columns=list(RECALL_COLUMNS))
    out["recall"] = out["recall"].astype("float64")
    out["support"] = out["support"].astype("int64")
    return out


def macro_f1_interval(human: Codes, machine: Codes, codes: Sequence[object], n_boot: int,
                      rng: np.random.Generator, ci: float = CI) -> tuple[float, float, float]:
    """Macro-F1 over the human codes present, with a percentile bootstrap interval over reports."""
    rank = {c: i for i, c in enumerate(codes)}
    t = np.array([rank[v] for v in human], dtype=np.int64)
    # a machine code outside the codebook cannot happen here; map it past the end to be safe
    p = np.array([rank.get(v, len(codes)) for v in machine], dtype=np.int64)
    k = len(codes) + 1
    cell = t * k + p

    def macro(conf: np.ndarray) -> np.ndarray:
        conf = conf.reshape(-1, k, k)
        tp = np.diagonal(conf, axis1=1, axis2=2)
        support, predicted = conf.sum(axis=2), conf.sum(axis=1)
        present = support > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            f1 = np.where(present, 2 * tp / (support + predicted), 0.0)
        return f1.sum(axis=1) / present.sum(axis=1)

    point = float(macro(np.bincount(cell, minlength=k * k))[0])
    if not n_boot or len(t) < 2:
        return point, np.nan, np.nan
    n = len(t)
    boot = np.empty(n_boot)
    for start in range(0, n_boot, 256):
        b = min(256, n_boot - start)
        draws = cell[rng.integers(0, n, size=(b, n))]
        flat = draws + (np.arange(b) * k * k)[:, None]
        boot[start:start + b] = macro(np.bincount(flat.ravel(), minlength=b * k * k))
    lo, hi = np.quantile(boot, [(1 - ci) / 2, (1 + ci) / 2])
    return point, float(lo), float(hi)


def agreement(report_ids: Codes, human: Codes, machine: Codes, var: Variable,
              codebook: pd.DataFrame, *, n_boot: int, seed: int) -> Agreement:
    """Krippendorff's alpha between two codings of the same reports, via reliability()."""
    ids = list(report_ids)
    codes = pd.DataFrame({
        "report_id": ids + ids, "coder": ["human"] * len(ids) + ["machine"] * len(ids),
        "variable": var.variable, "value": list(human) + list(machine)})
    codes["value"] = codes["value"].astype(object)
    cb = codebook[codebook["variable"] == var.variable]
    row = reliability(codes, cb, coders=None, exclude=(), n_boot=n_boot, ci=CI, seed=seed).iloc[0]
    return {"alpha": float(row["alpha"]), "ci_low": float(row["ci_low"]),
            "ci_high": float(row["ci_high"]), "note": row["note"]}


def agreements(table: pd.DataFrame, column: str, codebook: pd.DataFrame, *, n_boot: int,
               seed: int) -> dict[str, Agreement]:
    """Krippendorff's alpha between ``human`` and another column of a :func:`cross_val_codes`
    table, per variable, via one reliability() call.

    The same figures as :func:`agreement` variable by variable: reliability() draws each
    variable's resamples from its own stream, seeded by ``seed`` and the variable's name.
    """
    if table.empty:
        return {}
    n = len(table)
    codes = pd.DataFrame({
        "report_id": np.concatenate([table["report_id"].to_numpy(dtype=object)] * 2),
        "coder": ["human"] * n + ["machine"] * n,
        "variable": np.concatenate([table["variable"].to_numpy(dtype=object)] * 2),
        "value": list(table["human"]) + list(table[column])})
    codes["value"] = codes["value"].astype(object)
    cb = codebook[codebook["variable"].isin(set(table["variable"]))]
    out = reliability(codes, cb, coders=None, exclude=(), n_boot=n_boot, ci=CI, seed=seed)
    return {r.variable: {"alpha": float(r.alpha), "ci_low": float(r.ci_low),
                         "ci_high": float(r.ci_high), "note": r.note}
            for r in out.itertuples(index=False)}


def _human_alpha(codes: pd.DataFrame, codebook: pd.DataFrame,
                 names: Sequence[str]) -> dict[str, float]:
    """Alpha among the independent human coders (no adjudicator, no model), per variable."""
    human = human_codes(codes)
    human = human[human["coder"] != ADJUDICATOR]
    cb = codebook[codebook["variable"].isin(names)]
    if human.empty or cb.empty:
        return {}
    table = reliability(human, cb, coders=None, exclude=(), n_boot=0)
    return dict(zip(table["variable"], table["alpha"]))


def _lexicon_codes(event: EventTables, lexicon: str | Path | dict | bool | None
                   ) -> tuple[pd.DataFrame | None, str | None]:
    """The lexicon coder's codes (texts where reports have them, else term counts), or
    (None, why not)."""
    if lexicon is False or lexicon is True:
        # False: no comparison; True is not a lexicon (documented values: path, dict, None, False)
        if lexicon is True:
            raise ValueError("lexicon must be a path, a dict, None (the package lexicon) or False, not True")
        return None, ""
    try:
        from .lexicon import lexicon_code
    except ImportError:
        return None, "no lexicon comparison: analysis.lexicon is not available"
    reports = event.reports
    parts = []
    has_text = pd.Series(False, index=reports.index)
    try:
        if "text" in reports.columns:
            has_text = reports["text"].notna() & (reports["text"].astype(str).str.strip() != "")
            if has_text.any():
                texts = reports.loc[has_text, ["report_id", "text"]].reset_index(drop=True)
                parts.append(lexicon_code(texts, lexicon, event.codebook))
        terms = features_table(reports[~has_text], event.terms)
        if len(terms):
            parts.append(lexicon_code(terms, lexicon, event.codebook))
    except DataError as exc:
        return None, f"no lexicon comparison: {exc.problems[0]}"
    if not parts:
        return None, "no lexicon comparison: no report has term counts or text"
    return pd.concat(parts, ignore_index=True), None


def _lexicon_alpha(lex_codes: pd.DataFrame | None, lex_note: str | None, var: Variable,
                   labels: pd.DataFrame, codebook: pd.DataFrame) -> tuple[float, str | None]:
    """Alpha between the lexicon coder and the humans on one variable, and a note on it."""
    # the lexicon codes label variables only; notes about it belong on those rows
    is_label = "role" not in codebook.columns or \
        (codebook.loc[codebook["variable"] == var.variable, "role"] == "label").any()
    if lex_codes is None:
        return np.nan, lex_note if is_label else ""
    if not (lex_codes["variable"] == var.variable).any():
        return np.nan, "the lexicon has no entry for this label variable" if is_label else ""
    lex = lex_codes[(lex_codes["variable"] == var.variable) & lex_codes["value"].notna()]
    lex = lex.drop_duplicates("report_id").set_index("report_id")["value"]
    ids = [r for r in labels["report_id"] if r in lex.index]
    if len(ids) < 2:
        return np.nan, f"the lexicon coded {len(ids)} of the {len(labels)} reports"
    human = labels.set_index("report_id")["value"].reindex(ids)
    alpha = agreement(ids, human.to_numpy(dtype=object), lex.reindex(ids).to_numpy(dtype=object),
                       var, codebook, n_boot=0, seed=0)["alpha"]
    note = f"the lexicon coded {len(ids)} of the {len(labels)} reports" if len(ids) < len(labels) else ""
    return alpha, note

