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
# # The sample: which outlets, countries and wire copy the coded reports come from
#
# Before comparing outlets we need to know what the sample holds: how many reports from how many
# outlets, from which countries and kinds of outlet, which reports reprint another's copy, and when
# they were published. Run it on any event folder by changing `event_dir`.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import load_event, summary
from analysis.plotting import save, source_line
from analysis.plotting.sample import plot_composition, plot_timeline
from analysis.sample import composition, publication_timeline, wire_groups

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 80)
pd.set_option("display.max_colwidth", 60)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder
seed = 0  # random seed (not used here; kept for a uniform interface)
n_boot = 1000  # bootstrap resamples (not used here)
figures_dir = None  # where the main job saves charts; None: charts are not saved

# %% tags=[]
event = load_event(event_dir)
source = source_line(event.meta["id"], len(event.reports))
print(event.meta["title"])

# %% [markdown] tags=[]
# ## What does the event folder hold?

# %% tags=[]
summary(event)

# %% [markdown] tags=[]
# The summary counts reports, outlets, countries, coders and judgements, and how many judgements
# each coder left blank. Every row of every sheet is accounted for; problems would be listed here.
#
# ## Which countries do the reports come from?

# %% tags=[]
ax = plot_composition(composition(event.reports, by="outlet_country"), what="outlet country", source=source)
save(ax, "01-sample-countries", figures_dir)

# %% [markdown] tags=[]
# ## What kinds of outlet are they?

# %% tags=[]
composition(event.reports, by="outlet_type")

# %% [markdown] tags=[]
# ## Which reports reprint another report's copy?

# %% tags=[]
wire_groups(event.reports)

# %% [markdown] tags=[]
# Each row pairs a report with the report it reworks (`derived_from`). These pairs are where the
# wire-edits notebook looks for words, claims and figures changed in reprinting.
#
# ## When were the reports published, and through which wire?

# %% tags=[]
ax = plot_timeline(publication_timeline(event.reports, by="wire"), source=source,
                   title="Reports per day, by the wire copy they carry")
save(ax, "01-sample-timeline", figures_dir)

# %% [markdown] tags=[]
# Reports with no wire value are the outlets' own reporting (or the wire was not identified).
