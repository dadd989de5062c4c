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
# # Outlets across events: does an outlet that covered two events take the same line in both?
#
# Outlets of different event folders are matched on `outlet_id` (their main web domain). A concept
# is a question both codebooks ask alike (`compare_as` in a codebook, or a mapping file in
# `data/compare/`); an outlet's position on it in an event is the share of its reports with the
# concept's code, with a Wilson interval. By default only an outlet's own reporting counts: agency
# copy carries the agency's words. This page compares two or more events and is run on them
# together; it is not run on a single event.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import across
from analysis.plotting.across import plot_positions

pd.set_option("display.max_rows", 120)

# %% tags=["parameters"]
event_dirs = ["../data/cairo-talks-2024-04", "../data/ahli-hospital-2023-10"]  # the event folders, in this order
seed = 0  # random seed of the bootstraps
n_boot = 1000  # bootstrap resamples
figures_dir = None  # where the main job saves charts; None: charts are not saved
lineage = "own reporting"  # which reports count: "own reporting", "agency copy" or "all"
compare = None  # a concept mapping file or folder; None: the folder "compare" beside the first event folder

# %% tags=[]
events = across.open_events(event_dirs, compare=compare, n_boot=n_boot, seed=seed, figures_dir=figures_dir)
events.describe()

# %% [markdown] tags=[]
# ## What this page finds

# %% tags=[]
events.findings(across.findings(events.pages, events.concepts, lineage=lineage, n_boot=n_boot, seed=seed))

# %% [markdown] tags=[]
# ## Which outlets appear in more than one event?

# %% tags=[]
shared = across.shared_outlets(events.pages)
if events.nonempty(shared):
    display(events.table(shared))

# %% [markdown] tags=[]
# `n_own` counts the outlet's own reports, `n_copy` its agency copy (a report naming a wire or the
# report it reworks). An outlet whose reports in one event are all agency copy has no position of
# its own there.
#
# ## Where does each shared outlet stand in each event?

# %% tags=[]
positions = across.outlet_positions(events.pages, events.concepts, lineage=lineage)
if events.nonempty(positions):
    ax = plot_positions(positions, source=events.source)
    events.save(ax, "10-across-events-positions")

# %% [markdown] tags=[]
# One row per outlet and concept with a position in two events; the marks are the events, the bars
# their 95% Wilson intervals, the n on each label the reports coded in each event. With one or two
# reports an interval spans most of the scale: a position then says what the outlet did, not what
# it usually does.
#
# ## Do outlets keep their order from one event to the next?

# %% tags=[]
correlations = across.position_correlations(positions, n_boot=n_boot, seed=seed)
if events.nonempty(correlations) and events.check(correlations, "rho"):
    display(events.table(correlations.drop(columns="concept")))

# %% [markdown] tags=[]
# Spearman's rho over the outlets with a position in both events (n_outlets): +1 when they keep
# their rank order, -1 when it is reversed. It needs three outlets, and its bootstrap interval ten.
#
# ## Which outlets changed position most?

# %% tags=[]
changes = across.position_changes(positions)
if events.nonempty(changes):
    display(events.table(changes.drop(columns=["concept", "outlet_id"]).head(15)))

# %% [markdown] tags=[]
# The difference is the later-listed event's position minus the earlier one's, with Newcombe's
# interval. "changed": the interval excludes 0; "consistent": it includes 0, which with one report
# a side means the data cannot tell, not that the outlet held its line; "undefined": a position is
# missing (no report coded on the concept).
#
# ## Which concepts are compared?

# %% tags=[]
events.say(across.left_out_sentence(events.concepts) or "Every declared concept is compared.")
display(events.table(events.concepts[["concept", "event", "variable", "positive", "exclude", "used"]]))
