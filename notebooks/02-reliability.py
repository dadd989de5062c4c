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
# # Intercoder reliability: could the coders reproduce each other's codes?
#
# Krippendorff's alpha per variable between the independent coders (the adjudicator and machine
# coders left out), with a bootstrap interval over reports, observed and expected disagreement and
# percent agreement. Alpha >= 0.800 is reliable, >= 0.667 tentative (Krippendorff 2004); later
# notebooks treat everything below 0.800 as tentative.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import load_event
from analysis.plotting import save, source_line
from analysis.plotting.reliability import plot_reliability
from analysis.reliability import (consolidate, disagreements, independent_coders, not_reliable,
                                  reliability, rule_counts)

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 120)
pd.set_option("display.max_colwidth", 50)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder
seed = 0  # random seed of the bootstrap
n_boot = 1000  # bootstrap resamples
figures_dir = None  # where the main job saves charts; None: charts are not saved

# %% tags=[]
event = load_event(event_dir)
coders = independent_coders(event.codes)
table = reliability(event.codes, event.codebook, coders=coders, exclude=(), n_boot=n_boot, seed=seed)
source = source_line(event.meta["id"], len(event.reports), "coders: " + ", ".join(coders))
print("Independent coders:", ", ".join(coders))

# %% [markdown] tags=[]
# ## How reliable is each variable?

# %% tags=[]
ax = plot_reliability(table, source=source)
save(ax, "02-reliability-alpha", figures_dir)

# %% [markdown] tags=[]
# ## The table behind the chart

# %% tags=[]
table[["variable", "level", "alpha", "ci_low", "ci_high", "n_units", "n_pairable", "d_observed",
       "d_expected", "percent_agreement", "verdict"]]

# %% [markdown] tags=[]
# ## Which variables are not (yet) reliable, and why?

# %% tags=[]
table.loc[table["variable"].isin(not_reliable(table)), ["variable", "alpha", "verdict", "note"]]

# %% [markdown] tags=[]
# Alpha is undefined where the coders gave a single value to every report (no variation to
# agree on), and tentative or unreliable where they disagreed more than chance would allow.
#
# ## Where did the coders disagree?

# %% tags=[]
d = disagreements(event.codes, event.codebook, coders=coders, exclude=())
d.groupby("variable", sort=False, observed=True)["report_id"].nunique().rename("reports with a disagreement").to_frame().T

# %% [markdown] tags=[]
# ## How were the final codes reached?

# %% tags=[]
rule_counts(consolidate(event.codes, event.codebook))

# %% [markdown] tags=[]
# `adjudicated`: the adjudicator's code; `unanimous` and `majority`: the coders' shared code;
# `tie` and `single_coder`: unresolved, left missing rather than picked; `not_coded`: no coder
# gave a value. Every later notebook uses these consolidated codes.
