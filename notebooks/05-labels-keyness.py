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
# # Labels and word choice: which words did each outlet choose for the same people and acts?
#
# Label variables (role `label`) code the word a report used in its own voice for a referent. We
# show which words each group chose, which terms separate two groups of reports (log-odds ratio
# with an informative Dirichlet prior, Monroe, Colaresi and Quinn 2008), and how far a simple
# lexicon of label variants agrees with the human coders.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import load_event
from analysis.framing import label_distribution, label_shares
from analysis.lexicon import keyness, lexicon_agreement, lexicon_code
from analysis.plotting import plot_keyness, plot_label_shares, save, source_line
from analysis.reliability import consolidate, independent_coders, not_reliable, reliability
from analysis.sample import composition

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 120)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder
seed = 0  # random seed of the bootstrap
n_boot = 1000  # bootstrap resamples
figures_dir = None  # where the main job saves charts; None: charts are not saved
group_by = "outlet_type"  # report column to compare groups by
keyness_column = "outlet_type"  # report column that splits reports for keyness
keyness_group = None  # its value for group A (None: the most common value); group B is the rest

# %% tags=[]
event = load_event(event_dir)
final = consolidate(event.codes, event.codebook)
labels = event.codebook.loc[event.codebook["role"] == "label", "variable"].tolist()
rel = reliability(event.codes, event.codebook, coders=independent_coders(event.codes), exclude=(), n_boot=0)
source = source_line(event.meta["id"], len(event.reports))
print("Label variables:", ", ".join(labels))
print("Not reliable (tentative):", ", ".join(v for v in not_reliable(rel) if v in labels) or "none")

# %% [markdown] tags=[]
# ## Which words were used for each referent, across all reports?

# %% tags=[]
label_distribution(final, event.codebook)

# %% [markdown] tags=[]
# ## Which words did each group choose?

# %% tags=[]
shares = label_shares(final, event.codebook, event.reports, by=group_by)
for variable in labels:
    ax = plot_label_shares(shares, variable=variable, by=group_by, source=source)
    save(ax, f"05-labels-{variable}", figures_dir)

# %% [markdown] tags=[]
# ## Which terms separate one group of reports from the rest?

# %% tags=[]
if event.terms is None:
    print("This event folder has no terms.csv: no keyness.")
else:
    group_a = keyness_group or composition(event.reports, by=keyness_column)["value"].iloc[0]
    keys = keyness(event.terms, event.reports, column=keyness_column, group_a=group_a)
    ax = plot_keyness(keys, k=15, source=source)
    save(ax, "05-keyness", figures_dir)

# %% [markdown] tags=[]
# Terms to the right are used more by the first group, to the left more by the rest; |z| > 1.96
# marks a difference unlikely under equal use. Term counts cover only the stored text of each page.
#
# ## Does a lexicon of label variants agree with the human coders?

# %% tags=[]
if event.terms is None:
    print("This event folder has no terms.csv: no lexicon coding.")
else:
    lex = lexicon_code(event.terms, None, event.codebook)
    display(lexicon_agreement(lex, final, event.codebook, n_boot=n_boot, seed=seed))

# %% [markdown] tags=[]
# The lexicon reads English term counts only; where it covers no label variable of an event the
# table is empty. Its agreement with the humans is the baseline the machine coder must beat.
