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
# # Machine coding: how far can a model trained on the coders' codes be trusted?
#
# For every nominal and ordinal variable, a linear model on the reports' term counts is trained on
# the consolidated codes and judged by grouped cross-validation: reprints of the same story and
# reports of the same outlet never sit on both sides of a split. We report macro-F1 and
# Krippendorff's alpha between the machine and the coders, with bootstrap intervals, beside the
# coder-coder alpha, a majority-class baseline and the lexicon coder.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis.autocode import evaluate, per_class_recall
from analysis.page import open_page
from analysis.plotting import plot_machine_agreement

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 80)
pd.set_option("display.max_colwidth", 70)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder
seed = 0  # random seed of the bootstraps and permutations
n_boot = 1000  # bootstrap resamples
figures_dir = None  # where the main job saves charts; None: charts are not saved
group_by = None  # report column to compare groups by; None: chosen by the rule in analysis.page
include_unreliable = False  # True keeps variables whose reliability verdict is "unreliable"
engine = "pandas"  # what counts: "pandas" (in memory), "duckdb" (out of core) or "dask" (a cluster)
scheduler = None  # Dask only: the address of the cluster's scheduler; None: Dask's local threads
coder = None  # corpus only (a Parquet dataset folder): whose codes are final; None: the one machine coder
sample_size = 5000  # corpus only: reports in the sample that sections needing each report's codes use

# %% tags=[]
page = open_page(event_dir, group_by=group_by, include_unreliable=include_unreliable, n_boot=n_boot,
                 seed=seed, figures_dir=figures_dir, engine=engine, scheduler=scheduler, coder=coder,
                 sample_size=sample_size)
page.about()
n_splits = 5  # cross-validation folds
if page.can(terms=True):
    page.on_sample()
    table = evaluate(page.event, n_splits=n_splits, n_boot=n_boot, seed=seed)

# %% [markdown] tags=[]
# ## For which variables does the machine agree with the coders?

# %% tags=[]
if page.can(terms=True):
    ax = plot_machine_agreement(table, source=page.source)
    page.save(ax, "09-machine-agreement")

# %% [markdown] tags=[]
# A variable the machine can code is one whose machine-coder interval sits near the coder-coder
# alpha and clear of the baseline. Small hand-coded events give wide intervals.
#
# ## The scores behind the chart

# %% tags=[]
if page.can(terms=True):
    display(page.table(table.loc[table["status"] == "learnable",
                      ["variable", "n_reports", "n_classes", "macro_f1", "macro_f1_ci_low", "macro_f1_ci_high",
                       "alpha_machine_human", "alpha_ci_low", "alpha_ci_high", "baseline_alpha",
                       "lexicon_alpha", "human_alpha"]].rename(columns={"alpha_machine_human": "alpha_machine_coders",
                                                                         "human_alpha": "alpha_coders"}),
                       max_rows=None))

# %% [markdown] tags=[]
# ## Which variables could not be learned, and why?

# %% tags=[]
if page.can(terms=True):
    display(page.table(table.loc[table["status"] != "learnable", ["variable", "n_reports", "n_classes", "status"]],
                       max_rows=None))

# %% [markdown] tags=[]
# ## Which codes does the machine find, and which does it miss?

# %% tags=[]
if page.can(terms=True):
    learnable = table.loc[table["status"] == "learnable", "variable"].tolist()
    if page.nonempty(pd.DataFrame({"v": learnable}), "No variable could be learned."):
        display(page.table(per_class_recall(page.event, variables=learnable, n_splits=n_splits, seed=seed),
                           max_rows=None))
