# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=[]
# # Machine coding: how far can a model trained on the human codes be trusted?
#
# For every nominal and ordinal variable, a linear model on the reports' term counts is trained on
# the consolidated human codes and judged by grouped cross-validation: reprints of the same story
# and reports of the same outlet never sit on both sides of a split. We report macro-F1 and
# Krippendorff's alpha between the machine and the humans, with bootstrap intervals, beside the
# human-human alpha, a majority-class baseline and the lexicon coder.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import load_event
from analysis.autocode import evaluate, per_class_recall
from analysis.plotting import plot_machine_agreement, save, source_line

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 80)
pd.set_option("display.max_colwidth", 70)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder
seed = 0  # random seed of the folds, the model and the bootstrap
n_boot = 1000  # bootstrap resamples
figures_dir = None  # where the main job saves charts; None: charts are not saved
n_splits = 5  # cross-validation folds

# %% tags=[]
event = load_event(event_dir)
source = source_line(event.meta["id"], len(event.reports), "grouped cross-validation")
if event.terms is None:
    print("This event folder has no terms.csv: nothing to learn from.")
    table = None
else:
    table = evaluate(event, n_splits=n_splits, n_boot=n_boot, seed=seed)

# %% [markdown] tags=[]
# ## For which variables does the machine agree with the humans?

# %% tags=[]
if table is not None:
    ax = plot_machine_agreement(table, source=source)
    save(ax, "09-machine-agreement", figures_dir)

# %% [markdown] tags=[]
# A variable the machine can code is one whose machine-human interval sits near the human-human
# alpha and clear of the baseline. Small hand-coded events give wide intervals.
#
# ## The scores behind the chart

# %% tags=[]
if table is not None:
    display(table.loc[table["status"] == "learnable",
                      ["variable", "n_reports", "n_classes", "macro_f1", "macro_f1_ci_low", "macro_f1_ci_high",
                       "alpha_machine_human", "alpha_ci_low", "alpha_ci_high", "baseline_alpha",
                       "lexicon_alpha", "human_alpha"]])

# %% [markdown] tags=[]
# ## Which variables could not be learned, and why?

# %% tags=[]
if table is not None:
    display(table.loc[table["status"] != "learnable", ["variable", "n_reports", "n_classes", "status"]])

# %% [markdown] tags=[]
# ## Which codes does the machine find, and which does it miss?

# %% tags=[]
if table is not None:
    learnable = table.loc[table["status"] == "learnable", "variable"].tolist()
    display(per_class_recall(event, variables=learnable, n_splits=n_splits, seed=seed))
