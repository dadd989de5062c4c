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
# # Claims: who reported which account, when, and who contradicted whom?
#
# Claim variables (role `claim`) code what a report said about a contested point; pairs of codes
# listed under `contradicts` cannot both be true, so reports that carry them contradict each other.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis.framing import claim_stances, claim_timeline, contradictions
from analysis import findings
from analysis.page import open_page
from analysis.plotting.framing import plot_claim_timeline

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 120)
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
page.describe(roles=["claim"])

# %% [markdown] tags=[]
# ## What this page finds

# %% tags=[]
page.on_sample()
page.findings(findings.claims(page))

# %% [markdown] tags=[]
# ## Which stance did each group of outlets take?

# %% tags=[]
if page.can(roles=["claim"], groups=True):
    page.on_sample()
    stances = page.labelled(claim_stances(page.final, page.codebook, page.reports).merge(
        page.reports[["report_id", page.group_by]], on="report_id", how="left"))
    display(stances.pivot_table(index=["variable", "value"], columns=page.group_by, values="report_id",
                                aggfunc="count", fill_value=0, observed=True))

# %% [markdown] tags=[]
# ## When did each stance first appear, and who carried it?

# %% tags=[]
if page.can(roles=["claim"]):
    page.on_sample()
    timeline = claim_timeline(page.final, page.codebook, page.reports, values=page.event.values)
    ax = plot_claim_timeline(timeline, moments=page.event.moments, values=page.event.values,
                             flags={v: page.flag(v) for v in page.variables("claim")}, source=page.source)
    page.save(ax, "04-claims-timeline")
    display(page.table(timeline, columns=["variable", "value", "first_published", "first_time_known",
                                          "first_outlet", "n_reports"], max_rows=None))

# %% [markdown] tags=[]
# Only claim codes (those listed under `contradicts`) are drawn, in codebook order. Times are UTC;
# a report that gives only a date is drawn as a mark across its day, never at a time of day, so
# the order of reports within a day is unknown.
#
# ## Which reports contradict each other?

# %% tags=[]
if page.can(roles=["claim"]):
    page.on_sample()
    pairs = contradictions(page.final, page.codebook, page.reports)
    print(f"{len(pairs)} contradicting pairs of reports")
    display(page.table(pairs.groupby(["variable", "value_a", "value_b"], observed=True).size()
                       .rename("pairs").reset_index(), max_rows=None))
    display(page.table(pairs, columns=["variable", "outlet_a", "value_a", "evidence_a", "outlet_b", "value_b",
                                       "evidence_b"], max_rows=20, ranked="claim by claim, the earliest first",
                       name="04-contradicting-pairs"))
