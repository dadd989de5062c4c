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

from analysis.framing import completeness, fact_matrix, figure_deviations, source_diversity, source_mix
from analysis import findings
from analysis.page import open_page
from analysis.plotting.framing import plot_fact_matrix, plot_figure_deviations, plot_source_mix, role_flags

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
page.describe(roles=["figure", "fact", "source"])
flags = {v: page.flag(v) for v in page.codebook["variable"]}

# %% [markdown] tags=[]
# ## What this page finds

# %% tags=[]
page.on_sample()
page.findings(findings.figures(page) + findings.facts(page))

# %% [markdown] tags=[]
# ## How far do the cited figures stray from the reference values?

# %% tags=[]
if page.can(roles=["figure"]):
    page.counted_by(corpus_only=True)
    display(page.table(page.figure_spread(), max_rows=None))

# %% [markdown] tags=[]
# ## Which number did each report cite, and on whose authority?

# %% tags=[]
if page.can(roles=["figure"]):
    page.on_sample()
    deviations = figure_deviations(page.final, page.codebook, page.event.figures, page.reports)
    for variable in page.variables("figure"):
        ax = plot_figure_deviations(deviations, variable=variable, flags=flags, source=page.source)
        page.save(ax, f"06-figure-{variable}")

# %% [markdown] tags=[]
# The dashed line is the reference value from `event.yaml`; a report's number usually differs
# because it was current on another day or taken from another source.
#
# ## What did each group of outlets leave out?

# %% tags=[]
if page.can(roles=["fact"], groups=True):
    page.on_sample()
    ax = plot_fact_matrix(fact_matrix(page.final, page.codebook, page.reports, by=page.group_by,
                                      facts=page.event.facts),
                          by=page.group_by, flags=role_flags(page.codebook, flags, role="fact"), source=page.source)
    page.save(ax, "06-fact-matrix")

# %% tags=[]
if page.can(roles=["fact"]):
    page.on_sample()
    display(page.table(completeness(page.final, page.codebook, page.reports, by="outlet", facts=page.event.facts)
                       .sort_values(["completeness", "outlet"], ascending=[False, True]),
                       ranked="the most complete first", name="06-completeness"))

# %% [markdown] tags=[]
# ## Whom did each group quote?

# %% tags=[]
if page.can(roles=["source"], groups=True):
    page.on_sample()
    ax = plot_source_mix(source_mix(page.final, page.codebook, page.reports, by=page.group_by),
                         by=page.group_by, flags=role_flags(page.codebook, flags, role="source"), source=page.source)
    page.save(ax, "06-source-mix")
    display(page.table(source_diversity(page.final, page.codebook, page.reports, by=page.group_by),
                       name="06-source-diversity"))
