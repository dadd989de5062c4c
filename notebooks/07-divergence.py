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
# # Divergence: how far apart are outlets, and is it more than chance?
#
# For every nominal and ordinal variable, the Jensen-Shannon divergence (base 2, 0 to 1) between
# two groups' distributions of codes, with a bootstrap interval over reports; the mean over
# variables summarises a pair. Unreliable variables are left out.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis.divergence import consensus_distance, outlet_map, pairwise_divergence, permutation_test
from analysis import findings
from analysis.page import open_page
from analysis.plotting import plot_consensus, plot_divergence_heatmap, plot_outlet_map
from analysis.sample import composition

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 60)
pd.set_option("display.max_colwidth", 80)

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
n_perm = 2000  # permutations
page.describe()

# %% [markdown] tags=[]
# ## What this page finds

# %% tags=[]
page.on_sample()
page.findings(findings.divergence(page, seed=seed))

# %% [markdown] tags=[]
# ## How far apart are the groups of outlets?

# %% tags=[]
if page.can(groups=True, nominal=True):
    page.counted_by(null_model=True)
    groups = page.divergence(by=page.group_by, n_boot=n_boot, seed=seed)
    ax = plot_divergence_heatmap(groups, source=page.source)
    page.save(ax, "07-divergence-groups")
    display(page.table(groups[groups["variable"] == "(mean)"],
                       columns=["a", "b", "jsd", "ci_low", "ci_high", "n_a", "n_b", "null_mean", "excess",
                                "p_value", "q_value", "significant"], name="07-group-pairs"))

# %% [markdown] tags=[]
# ## Is the difference between the largest group and the rest more than chance?

# %% tags=[]
if page.can(groups=True, nominal=True):
    page.on_sample()
    group_a = composition(page.reports, by=page.group_by)["value"].iloc[0]
    test = permutation_test(page.final, page.codebook, page.reports, column=page.group_by, group_a=group_a,
                            n_perm=n_perm, seed=seed)
    print(f"{page.group_by} = {group_a} against the rest")
    display(page.table(test, columns=["variable", "statistic", "p_value", "n_a", "n_b", "n_perm"], max_rows=None))

# %% [markdown] tags=[]
# The first row tests the mean divergence over all variables; the per-variable p-values that follow
# are not adjusted for multiple comparisons and are for orientation only.
#
# ## Which group stands furthest from the consensus of all others?

# %% tags=[]
if page.can(groups=True, nominal=True):
    page.on_sample()
    consensus = consensus_distance(page.final, page.codebook, page.reports, by=page.group_by,
                                   n_boot=n_boot, seed=seed)
    ax = plot_consensus(consensus, source=page.source)
    page.save(ax, "07-consensus-groups")

# %% [markdown] tags=[]
# Jensen-Shannon divergence grows as groups get smaller even when nothing differs, so each group
# is ranked by its excess over the divergence expected under random relabelling of reports with
# the same group sizes (hollow marker); p and q (Benjamini-Hochberg) come from the same
# permutations. Groups under 5 reports are drawn hollow and not ranked.
#
# ## Where do single outlets sit, and which ones cluster together?

# %% tags=[]
if page.can(nominal=True):
    page.on_sample()
    outlets = page.mappable(pairwise_divergence(page.final, page.codebook, page.reports, by="outlet",
                                                n_boot=0, n_perm=0, seed=seed))
if page.can(nominal=True) and outlets is not None:
    coords = outlet_map(outlets, seed=seed)
    groups = (page.reports.drop_duplicates("outlet").set_index("outlet")[page.group_by]
              if page.group_by else None)
    marks = page.reports.drop_duplicates("outlet").set_index("outlet")["lineage"]
    ax = plot_outlet_map(coords, groups=groups, marker_by=marks, source=page.source)
    page.save(ax, "07-outlet-map")
    display(page.table(coords.sort_values(["cluster", "outlet"]), name="07-outlet-map"))
