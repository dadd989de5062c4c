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
# # The sample: which reports, from which outlets, when?
#
# What the event folder holds, where the reports come from and when they were published.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import summary
from analysis import findings
from analysis.page import open_page
from analysis.plotting.sample import plot_composition, plot_timeline
from analysis.sample import composition, publication_timeline, wire_groups

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 80)
pd.set_option("display.max_colwidth", 60)

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
print(page.event.meta["title"])

# %% [markdown] tags=[]
# ## What this page finds

# %% tags=[]
page.on_sample()
page.findings(findings.sample(page))

# %% [markdown] tags=[]
# ## What does the event folder hold?

# %% tags=[]
page.on_sample()
summary(page.event)

# %% [markdown] tags=[]
# The summary counts reports, outlets, countries, coders and judgements, and how many judgements
# each coder left blank. Every row of every sheet is accounted for; problems would be listed here.
#
# ## Which countries do the reports come from?

# %% tags=[]
if page.can(columns=["outlet_country"]):
    page.on_sample()
    ax = plot_composition(composition(page.reports, by="outlet_country"), what="outlet country",
                          source=page.source)
    page.save(ax, "01-sample-countries")

# %% [markdown] tags=[]
# ## What kinds of outlet are they?

# %% tags=[]
if page.can(columns=["outlet_type"]):
    page.on_sample()
    display(composition(page.event.reports, by="outlet_type"))

# %% [markdown] tags=[]
# ## Which reports reprint another report's copy?

# %% tags=[]
if page.can(columns=["derived_from"]):
    page.on_sample()
    display(page.table(wire_groups(page.event.reports), name="01-reprints"))

# %% [markdown] tags=[]
# Each row pairs a report with the report it reworks (`derived_from`). These pairs are where the
# wire-edits notebook looks for words, claims and figures changed in reprinting.
#
# ## When were the reports published?

# %% tags=[]
page.on_sample()
by = "wire" if page.reports["wire"].notna().any() else None
ax = plot_timeline(publication_timeline(page.event.reports, by=by), moments=page.event.moments, source=page.source,
                   title="Reports per day" + (", by the wire copy they carry" if by else ""))
page.save(ax, "01-sample-timeline")

# %% [markdown] tags=[]
# Reports with no wire value are the outlets' own reporting (or the wire was not identified).
