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
# # Divergence: how far apart are outlets in what they coded, and who stands alone?
#
# Jensen-Shannon divergence (base 2, from 0 for identical to 1 for disjoint distributions) between
# groups of reports on every nominal variable, averaged with equal weight per variable, with
# bootstrap intervals over reports; each group's distance from the consensus of all others; a
# permutation test between two groups; and a map of outlets placed by their coded profiles.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import load_event
from analysis.divergence import consensus_distance, outlet_map, pairwise_divergence, permutation_test
from analysis.plotting import plot_consensus, plot_divergence_heatmap, plot_outlet_map, save, source_line
from analysis.reliability import consolidate
from analysis.sample import composition

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 60)
pd.set_option("display.max_colwidth", 80)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder
seed = 0  # random seed of the bootstrap and the permutations
n_boot = 1000  # bootstrap resamples
figures_dir = None  # where the main job saves charts; None: charts are not saved
group_by = "outlet_type"  # report column to compare groups by
test_column = "outlet_type"  # report column for the permutation test
test_group = None  # its value for group A (None: the most common value); group B is the rest
n_perm = 2000  # permutations

# %% tags=[]
event = load_event(event_dir)
final = consolidate(event.codes, event.codebook)
source = source_line(event.meta["id"], len(event.reports))

# %% [markdown] tags=[]
# ## How far apart are the groups of outlets?

# %% tags=[]
groups = pairwise_divergence(final, event.codebook, event.reports, by=group_by, n_boot=n_boot, seed=seed)
ax = plot_divergence_heatmap(groups, source=source)
save(ax, "07-divergence-groups", figures_dir)

# %% tags=[]
groups[groups["variable"] == "(mean)"].drop(columns="variable")

# %% [markdown] tags=[]
# ## Which group stands furthest from the consensus of all others?

# %% tags=[]
consensus = consensus_distance(final, event.codebook, event.reports, by=group_by, n_boot=n_boot, seed=seed)
ax = plot_consensus(consensus, source=source)
save(ax, "07-consensus-groups", figures_dir)

# %% [markdown] tags=[]
# ## Is the difference between one group and the rest more than chance?

# %% tags=[]
group_a = test_group or composition(event.reports, by=test_column)["value"].iloc[0]
test = permutation_test(final, event.codebook, event.reports, column=test_column, group_a=group_a,
                        n_perm=n_perm, seed=seed)
print(f"{test_column} = {group_a} against the rest")
test.head(15)

# %% [markdown] tags=[]
# The first row tests the mean divergence over all variables; the per-variable p-values that follow
# are not adjusted for multiple comparisons and are for orientation only.
#
# ## Where do single outlets sit, and which ones cluster together?

# %% tags=[]
outlets = pairwise_divergence(final, event.codebook, event.reports, by="outlet", n_boot=0, seed=seed)
coords = outlet_map(outlets, seed=seed)
ax = plot_outlet_map(coords, source=source)
save(ax, "07-outlet-map", figures_dir)

# %% tags=[]
print(outlets["note"].dropna().iloc[0] if outlets["note"].notna().any() else "")
coords.sort_values(["cluster", "outlet"]).reset_index(drop=True)
