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
# reports. Frames and items come from the codebook's `frame_item` variables; unreliable items are
# left out of the scores.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis.framing import frame_scores
from analysis import findings
from analysis.page import open_page
from analysis.plotting.framing import plot_frame_profile, role_flags

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 120)

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
page.describe(roles=["frame_item"])

# %% [markdown] tags=[]
# ## What this page finds

# %% tags=[]
page.on_sample()
page.findings(findings.frames(page, n_boot=n_boot, seed=seed))

# %% [markdown] tags=[]
# ## How present is each frame across all reports?

# %% tags=[]
if page.can(roles=["frame_item"]):
    page.counted_by()
    scores = frame_scores(page.final, page.codebook)
    overall = page.frame_profile(scores, page.reports.assign(all_reports="all reports"), by="all_reports",
                                 n_boot=n_boot, seed=seed)
    display(page.table(overall, columns=["frame", "score", "ci_low", "ci_high", "n"]))

# %% [markdown] tags=[]
# ## Do groups of outlets frame the event differently?

# %% tags=[]
if page.can(roles=["frame_item"], groups=True):
    page.counted_by()
    profile = page.frame_profile(scores, page.reports, by=page.group_by, n_boot=n_boot, seed=seed)
    flags = role_flags(page.codebook, {v: page.flag(v) for v in page.codebook["variable"]}, role="frame_item")
    ax = plot_frame_profile(profile, by=page.group_by, flags=flags, source=page.source)
    page.save(ax, "03-frames-by-group")

# %% [markdown] tags=[]
# Overlapping intervals mean the sample cannot tell the groups apart on that frame; a group of one
# report has no interval. Each group's n is on its label.
#
# ## Which outlets lean most on each frame?

# %% tags=[]
if page.can(roles=["frame_item"]):
    by_outlet = page.frame_profile(scores, page.reports, by="outlet", n_boot=n_boot, seed=seed)
    display(by_outlet.pivot(index="outlet", columns="frame", values="score").round(2))
