"""Time ``analysis.autocode.evaluate`` on the Cairo event against the implementation before issue 19.

Run: ``python bench/bench_evaluate.py [--repeats N]`` from the repository root. Prints figures
only; nothing is asserted, but it says whether the two tables are equal value for value.

The call is notebook 09's: ``evaluate(page.event, n_splits=5, n_boot=1000, seed=0)`` on
``data/cairo-talks-2024-04`` (55 coded reports x 8,415 terms, 36 nominal and ordinal variables, so
180 logistic regressions). "before" runs the same ``evaluate`` with its two inner steps swapped
for the old ones, kept below: the term dicts vectorised once per variable, the BLAS thread pools
left as the process has them (2 threads on this machine), and Krippendorff's alpha computed by
one ``reliability()`` call per variable and coding (72 calls instead of 2). Both run in this
process, alternately, ``--repeats`` times; the figures are medians of wall time and of the
process's CPU time (which counts the BLAS threads' waiting too). Then the rest of notebook 09
(``open_page``, ``per_class_recall``) for the page's total: ``per_class_recall`` asks for the
folds ``evaluate`` has just fitted, and cross-validation now remembers its last results by a
digest of their inputs, so it refits nothing (before, it refitted all 180 models).

Where the time went before: on an idle machine most of the 20 s was lbfgs's BLAS calls on
vectors of 8,415 to 67,320 numbers split over two threads, whose hand-over costs more than the
arithmetic; on a busy machine (other jobs on both cores) the waiting threads made it 80 s. With
one thread the fitted coefficients agree to 2e-14 (two-thread sums add in another order), and
every predicted code, hence the table, is the same.
"""
from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from unittest import mock

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.model_selection import StratifiedGroupKFold

import analysis.coding_data as cd
import analysis.crossval as cv
import analysis.machine_agreement as ma
from analysis.autocode import evaluate, per_class_recall
from analysis.coding_data import (
    EventTables,
    check_event,
    chosen_variables,
    code_array,
    human_labels,
    report_features,
    report_groups,
    unlearnable,
    whole_number,
)
from analysis.page import open_page
from analysis.termcoder import TermCoder, code_classes

EVENT = "data/cairo-talks-2024-04"


def old_cross_validation(event: EventTables, variables: str | Sequence[str] | None, *,
                         n_splits: int, seed: int, progress: bool
                         ) -> tuple[pd.DataFrame, dict[str, cv.VariableFolds]]:
    """The cross-validation loop as it was: a DictVectorizer per variable, default BLAS threads."""
    check_event(event)
    n_splits = whole_number(n_splits, "n_splits", minimum=2)
    seed = whole_number(seed, "seed", minimum=0)
    spec = chosen_variables(event.codebook, variables)
    labels = human_labels(event.codes, event.codebook, spec)
    features = report_features(event.reports, event.terms)
    groups = report_groups(event.reports).set_index("report_id")["group"]
    parts, info = [], {}
    for var in spec:
        lab = labels[labels["variable"] == var.variable]
        n_unfeatured = int((~lab["report_id"].isin(features.keys())).sum())
        lab = lab[lab["report_id"].isin(features.keys())].reset_index(drop=True)
        y = code_array(lab["value"])
        g = groups.reindex(lab["report_id"]).to_numpy()
        meta = cv.VariableFolds(n_reports=len(lab), n_classes=int(pd.Series(y, dtype=object).nunique()),
                                n_groups=int(len(np.unique(g))), labels=lab)
        if n_unfeatured:
            meta.notes.append(f"{n_unfeatured} coded report(s) without term counts or text left out")
        info[var.variable] = meta
        reason = unlearnable(y, var, n_splits)
        if reason is None and meta.n_groups < 2:
            reason = (f"cross-validation is not possible: the {len(lab)} reports form one group "
                      "(shared outlet, wire or derived_from)")
        if reason:
            meta.status = f"not learnable: {reason}"
            continue
        k = min(n_splits, meta.n_groups)
        if k < n_splits:
            meta.notes.append(f"{k} folds instead of {n_splits}: only {meta.n_groups} "
                              "independent groups of reports")
        meta.n_splits, meta.status = k, cv.LEARNABLE
        fold, model, baseline = _oof([features[r] for r in lab["report_id"]], y, g, k, seed, meta.notes)
        parts.append(pd.DataFrame({
            "report_id": lab["report_id"].to_numpy(), "variable": var.variable, "group": g,
            "fold": fold, "rule": lab["rule"].to_numpy(), "human": y, "model": model,
            "baseline": baseline}))
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values(["variable", "report_id"], kind="stable", key=_codebook_order(spec))
    table = table.reset_index(drop=True)
    for col in ("group", "fold"):
        table[col] = table[col].astype("int64")
    return table[list(cv.CROSS_VAL_COLUMNS)], info


def _codebook_order(spec: Sequence[cd.Variable]) -> Callable[[pd.Series], pd.Series]:
    order = {v.variable: i for i, v in enumerate(spec)}

    def key(col: pd.Series) -> pd.Series:
        return col.map(order) if col.name == "variable" else col
    return key


def _oof(X: list[dict[str, float]], y: np.ndarray, groups: np.ndarray, k: int, seed: int,
         notes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold predictions of TermCoder and of the majority-class baseline."""
    n = len(y)
    fold = np.full(n, -1, dtype=np.int64)
    model = np.empty(n, dtype=object)
    baseline = np.empty(n, dtype=object)
    classes, y_index = code_classes(y)
    # one vocabulary for all the reports, each model fitted on a slice of rows: the same model as
    # from the training dicts (terms absent from the training rows are dropped by the min_df
    # step), without vectorising the dicts again for every fold
    matrix = DictVectorizer().fit_transform(X).tocsr()
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


def old_agreements(table: pd.DataFrame, column: str, codebook: pd.DataFrame, *, n_boot: int,
                   seed: int) -> dict[str, ma.Agreement]:
    """Alpha as it was computed: one reliability() call per variable."""
    spec = {v.variable: v for v in chosen_variables(codebook, None)}
    return {name: ma.agreement(sub["report_id"], sub["human"], sub[column], spec[name], codebook,
                               n_boot=n_boot, seed=seed)
            for name, sub in table.groupby("variable", sort=False)}


def new_evaluate(event: EventTables) -> pd.DataFrame:
    """Notebook 09's call, with nothing remembered from an earlier call."""
    cv.clear_cache()
    return evaluate(event, n_splits=5, n_boot=1000, seed=0)


def old_evaluate(event: EventTables) -> pd.DataFrame:
    """The same call through the old inner steps."""
    with mock.patch.object(ma, "cross_validation", old_cross_validation), \
            mock.patch.object(ma, "agreements", old_agreements):
        return new_evaluate(event)


def clock(f: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = f()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    page = open_page(EVENT)
    times: dict[str, list[tuple[float, float]]] = {"before": [], "now": []}
    tables: dict[str, object] = {}
    for _ in range(args.repeats):
        for name, run in (("before", old_evaluate), ("now", new_evaluate)):
            wall, cpu, tables[name] = clock(partial(run, page.event))
            times[name].append((wall, cpu))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
           for k, v in times.items()}
    before, now = tables["before"], tables["now"]
    same = isinstance(before, pd.DataFrame) and before.equals(now)
    print(f"evaluate on {EVENT}, n_splits=5, n_boot=1000, median of {args.repeats}")
    for name in ("before", "now"):
        print(f"  {name:6s} wall {med[name][0]:6.2f} s   cpu {med[name][1]:6.2f} s")
    print(f"  ratio before/now: wall {med['before'][0] / med['now'][0]:.1f}   "
          f"cpu {med['before'][1] / med['now'][1]:.1f}")
    print(f"  tables equal value for value: {same}")

    steps = [("open_page", lambda: open_page(EVENT)), ("evaluate", lambda: new_evaluate(page.event)),
             ("per_class_recall", lambda: per_class_recall(page.event, n_splits=5, seed=0))]
    total = 0.0
    print("notebook 09's calls now:")
    for name, step in steps:
        wall, cpu, _ = clock(step)
        total += wall
        print(f"  {name:17s} wall {wall:5.2f} s   cpu {cpu:5.2f} s")
    print(f"  total             wall {total:5.2f} s")
    cv.clear_cache()
    wall, cpu, _ = clock(lambda: per_class_recall(page.event, n_splits=5, seed=0))
    print(f"  (per_class_recall alone, nothing remembered: wall {wall:5.2f} s   cpu {cpu:5.2f} s)")


if __name__ == "__main__":
    main()
