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
# # Frames: how strongly does each outlet use each generic news frame?
#
# Each frame's score for a report is the mean of its yes/no items (reverse items flipped), from 0
# (no item present) to 1 (every item present); groups of reports get a bootstrap interval over
# reports. Frames and items come from the codebook's `frame_item` variables.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import load_event
from analysis.framing import frame_profile, frame_scores
from analysis.plotting import save, source_line
from analysis.plotting.framing import plot_frame_profile
from analysis.reliability import consolidate, independent_coders, not_reliable, reliability

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 120)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder
seed = 0  # random seed of the bootstrap
n_boot = 1000  # bootstrap resamples
figures_dir = None  # where the main job saves charts; None: charts are not saved
group_by = "outlet_type"  # report column to compare groups by (outlet, outlet_country, wire, ...)

# %% tags=[]
event = load_event(event_dir)
final = consolidate(event.codes, event.codebook)
scores = frame_scores(final, event.codebook)
rel = reliability(event.codes, event.codebook, coders=independent_coders(event.codes), exclude=(), n_boot=0)
items = event.codebook[event.codebook["role"] == "frame_item"]
source = source_line(event.meta["id"], len(event.reports))
print("Frame items not reliable (read their frames as tentative):",
      ", ".join(v for v in not_reliable(rel) if v in set(items["variable"])) or "none")

# %% [markdown] tags=[]
# ## How present is each frame across all reports?

# %% tags=[]
overall = frame_profile(scores, event.reports.assign(all_reports="all reports"), by="all_reports",
                        n_boot=n_boot, seed=seed)
overall[["frame", "score", "ci_low", "ci_high", "n"]]

# %% [markdown] tags=[]
# ## Do groups of outlets frame the event differently?

# %% tags=[]
profile = frame_profile(scores, event.reports, by=group_by, n_boot=n_boot, seed=seed)
ax = plot_frame_profile(profile, by=group_by, source=source)
save(ax, "03-frames-by-group", figures_dir)

# %% [markdown] tags=[]
# Overlapping intervals mean the sample cannot tell the groups apart on that frame; a group of one
# report has no interval.
#
# ## Which outlets lean most on each frame?

# %% tags=[]
by_outlet = frame_profile(scores, event.reports, by="outlet", n_boot=n_boot, seed=seed)
by_outlet.pivot(index="outlet", columns="frame", values="score").round(2)
