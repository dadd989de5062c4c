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
# # Claims: who said what, who contradicted whom, and when each account first appeared
#
# Claim variables (role `claim`) code the stance each report takes; the codebook lists pairs of
# codes that cannot both be true (`contradicts`). This notebook shows the stances by group, every
# pair of reports that contradict each other, and when each stance first appeared.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import load_event
from analysis.framing import claim_stances, claim_timeline, contradictions, label_shares
from analysis.plotting import save, source_line
from analysis.plotting.framing import plot_claim_timeline
from analysis.reliability import consolidate, independent_coders, not_reliable, reliability

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 120)
pd.set_option("display.max_colwidth", 45)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder
seed = 0  # random seed (not used here)
n_boot = 1000  # bootstrap resamples (not used here)
figures_dir = None  # where the main job saves charts; None: charts are not saved
group_by = "outlet_type"  # report column to compare groups by

# %% tags=[]
event = load_event(event_dir)
final = consolidate(event.codes, event.codebook)
claims = event.codebook.loc[event.codebook["role"] == "claim", "variable"].tolist()
rel = reliability(event.codes, event.codebook, coders=independent_coders(event.codes), exclude=(), n_boot=0)
source = source_line(event.meta["id"], len(event.reports))
print("Claim variables:", ", ".join(claims))
print("Not reliable (tentative):", ", ".join(v for v in not_reliable(rel) if v in claims) or "none")

# %% [markdown] tags=[]
# ## Which stance did each group of outlets take?

# %% tags=[]
stances = claim_stances(final, event.codebook, event.reports).merge(
    event.reports[["report_id", group_by]], on="report_id", how="left")
stances.pivot_table(index=["variable", "value"], columns=group_by, values="report_id", aggfunc="count",
                    fill_value=0, dropna=False, observed=True)

# %% [markdown] tags=[]
# ## When did each stance first appear, and who carried it?

# %% tags=[]
timeline = claim_timeline(final, event.codebook, event.reports)
ax = plot_claim_timeline(timeline, source=source)
save(ax, "04-claims-timeline", figures_dir)

# %% tags=[]
timeline[["variable", "value", "first_published", "first_outlet", "n_reports"]]

# %% [markdown] tags=[]
# Times are UTC; reports that give only a date count from midnight, so order within a day is not
# reliable.
#
# ## Which reports contradict each other?

# %% tags=[]
pairs = contradictions(final, event.codebook, event.reports)
print(f"{len(pairs)} contradicting pairs of reports")
pairs.groupby(["variable", "value_a", "value_b"], observed=True).size().rename("pairs").reset_index()

# %% tags=[]
pairs[["variable", "outlet_a", "value_a", "evidence_a", "outlet_b", "value_b", "evidence_b"]].head(20)
