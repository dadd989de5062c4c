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
# # Wire edits: what did outlets change when they reprinted another report's copy?
#
# For every report whose `derived_from` names another report of the event, the labels, claims,
# figures, facts and sources that differ from its source: changed (both coded, different codes),
# added or dropped. Unresolved codes are never compared.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import load_event
from analysis.plotting import plot_wire_edits, save, source_line
from analysis.reliability import consolidate
from analysis.sample import wire_groups
from analysis.wire import wire_edit_summary, wire_edits

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 200)
pd.set_option("display.max_colwidth", 45)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder
seed = 0  # random seed (not used here)
n_boot = 1000  # bootstrap resamples (not used here)
figures_dir = None  # where the main job saves charts; None: charts are not saved

# %% tags=[]
event = load_event(event_dir)
final = consolidate(event.codes, event.codebook)
edits = wire_edits(final, event.codebook, event.reports)
source = source_line(event.meta["id"], len(event.reports))
print(f"{len(wire_groups(event.reports))} reprints; {len(edits)} edits")

# %% [markdown] tags=[]
# ## Which outlets changed the most, and what?

# %% tags=[]
ax = plot_wire_edits(wire_edit_summary(edits), source=source)
save(ax, "08-wire-edits", figures_dir)

# %% [markdown] tags=[]
# ## Which words did reprints change?

# %% tags=[]
edits.loc[edits["role"] == "label", ["outlet", "source_outlet", "variable", "source_value", "value",
                                     "evidence"]]

# %% [markdown] tags=[]
# ## Every edit, by reprint

# %% tags=[]
edits[["outlet", "source_outlet", "variable", "role", "change", "source_value", "value"]]

# %% [markdown] tags=[]
# A reprint may be shorter than its source in the stored text (pages are stored from their
# beginning), so a "dropped" fact can also mean the stored opening did not reach it.
