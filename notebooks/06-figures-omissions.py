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
# # Figures, facts and sources: what each outlet cited, left out and quoted
#
# Figures (role `figure`) are compared with the event's reference values in `event.yaml`, with
# the attribution each report gave; facts (role `fact`) show what a complete report would mention
# and who left it out; sources (role `source`) show whom each group quoted, and how varied its
# sources were (Shannon entropy in bits).

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import load_event
from analysis.framing import (completeness, fact_matrix, figure_deviations, figure_spread, source_diversity,
                              source_mix)
from analysis.plotting import save, source_line
from analysis.plotting.framing import plot_fact_matrix, plot_figure_deviations, plot_source_mix
from analysis.reliability import consolidate

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 120)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder
seed = 0  # random seed (not used here)
n_boot = 1000  # bootstrap resamples (not used here)
figures_dir = None  # where the main job saves charts; None: charts are not saved
group_by = "outlet_type"  # report column to compare groups by

# %% tags=[]
event = load_event(event_dir)
final = consolidate(event.codes, event.codebook)
source = source_line(event.meta["id"], len(event.reports))
deviations = figure_deviations(final, event.codebook, event.figures, event.reports)

# %% [markdown] tags=[]
# ## How far do the cited figures stray from the reference values?

# %% tags=[]
figure_spread(final, event.codebook, event.figures, event.reports)

# %% [markdown] tags=[]
# ## Which number did each report cite, and on whose authority?

# %% tags=[]
first_figure = event.codebook.loc[event.codebook["role"] == "figure", "variable"].iloc[0]
ax = plot_figure_deviations(deviations, variable=first_figure, source=source)
save(ax, "06-figure-deviations", figures_dir)

# %% [markdown] tags=[]
# The dashed line is the reference value from `event.yaml`; a report's number usually differs
# because it was current on another day or taken from another source.
#
# ## What did each group of outlets leave out?

# %% tags=[]
ax = plot_fact_matrix(fact_matrix(final, event.codebook, event.reports, by=group_by), by=group_by,
                      source=source)
save(ax, "06-fact-matrix", figures_dir)

# %% tags=[]
completeness(final, event.codebook, event.reports, by="outlet").sort_values(
    ["completeness", "outlet"], ascending=[False, True]).reset_index(drop=True)

# %% [markdown] tags=[]
# ## Whom did each group quote?

# %% tags=[]
ax = plot_source_mix(source_mix(final, event.codebook, event.reports, by=group_by), by=group_by,
                     source=source)
save(ax, "06-source-mix", figures_dir)

# %% tags=[]
source_diversity(final, event.codebook, event.reports, by=group_by)
