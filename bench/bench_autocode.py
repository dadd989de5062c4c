"""Time ``analysis.autocode`` on synthetic events of realistic size and print what it finds.

Run: ``python bench/bench_autocode.py``. Prints figures only; nothing is asserted.

Events come from :func:`analysis.synthetic.make_event_folder` (20 variables, 40 outlets, two
coders who agree with the truth 90% of the time). In its term counts every label variable's code
is planted as a word, but all label variables draw their words from one list, so a report holds
the words of every label variable and a model must find out which is its own; the other
variables are not planted at all, and their codes depend on the outlet only, which grouped
cross-validation keeps out of reach. So: label variables should be learned in part, the rest
not (alpha near 0).

For each size: the time of ``evaluate`` (5 grouped folds, 1,000 bootstrap resamples), of
``train`` on all reports and of ``machine_codes`` for all reports; then the evaluation table.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis import load_event
from analysis.autocode import evaluate, machine_codes, train
from analysis.synthetic import make_event_folder

SIZES = (500, 2000)


def main():
    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 20)
    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            folder = make_event_folder(Path(tmp) / "event", n_reports=n, n_variables=20,
                                       n_outlets=40, seed=0)
            event = load_event(folder)
        t0 = time.perf_counter()
        table = evaluate(event, n_boot=1000, seed=0)
        t1 = time.perf_counter()
        models = train(event, seed=0)
        t2 = time.perf_counter()
        codes = machine_codes(models, event.terms, event.reports)
        t3 = time.perf_counter()
        roles = event.codebook.set_index("variable")["role"]
        print(f"\n{n} reports, {len(table)} nominal/ordinal variables, {len(event.terms)} term rows")
        print(f"  evaluate: {t1 - t0:.1f} s   train: {t2 - t1:.2f} s ({len(models)} models)   "
              f"machine_codes: {t3 - t2:.2f} s ({len(codes)} codes)")
        show = table.assign(role=table["variable"].map(roles),
                            status=table["status"].str.slice(0, 30))
        print(show[["variable", "role", "level", "n_reports", "status", "macro_f1",
                    "alpha_machine_human", "alpha_ci_low", "alpha_ci_high", "baseline_alpha",
                    "human_alpha"]].round(3).to_string(index=False))


if __name__ == "__main__":
    main()
