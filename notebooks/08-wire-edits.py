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
# # Wire edits: what did reprints change in the copy they carried?
#
# A report with `derived_from` reworks another report (or wire story). Comparing its codes with
# its source's shows the edits: a label swapped, a claim dropped, a figure updated.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import findings
from analysis.page import open_page
from analysis.plotting import plot_wire_edits
from analysis.sample import wire_groups
from analysis.wire import wire_edit_summary, wire_edits

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 200)
pd.set_option("display.max_colwidth", 45)

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
page.describe()

# %% tags=[]
if page.can(columns=["derived_from"]):
    page.on_sample()
    edits = wire_edits(page.final, page.codebook, page.reports)
    print(f"{len(wire_groups(page.event.reports))} reprints; {len(edits)} edits")

# %% [markdown] tags=[]
# ## What this page finds

# %% tags=[]
page.findings(findings.wire(page))

# %% [markdown] tags=[]
# ## Which outlets changed the most, and what?

# %% tags=[]
if page.can(columns=["derived_from"]) and page.nonempty(edits, "No reprint differs from its source in any coded variable."):
    ax = plot_wire_edits(wire_edit_summary(edits), source=page.source)
    page.save(ax, "08-wire-edits")

# %% [markdown] tags=[]
# ## Which words did reprints change?

# %% tags=[]
if page.can(columns=["derived_from"]) and page.nonempty(edits, "No reprint differs from its source in any coded variable."):
    display(page.table(edits[edits["role"] == "label"].rename(columns={"source_value": "value_a"}),
                       columns=["outlet", "source_outlet", "variable", "value_a", "value", "direction", "evidence"],
                       name="08-label-edits"))

# %% [markdown] tags=[]
# ## What did reprints change, edits that change meaning first?

# %% tags=[]
if page.can(columns=["derived_from"]) and page.nonempty(edits, "No reprint differs from its source in any coded variable."):
    display(page.table(wire_edit_summary(edits), ranked="edits that change meaning first", name="08-edits"))

# %% [markdown] tags=[]
# `direction` says whether the copy came after its source ("reprint changed"), or whether the
# order is unknown (two date-only reports of one day) or the link points at a later report: then
# the two copies differ, and the page does not say which one changed. A reprint may also be
# shorter than its source in the coded text, so a missing fact can mean the coded text did not
# reach it.
