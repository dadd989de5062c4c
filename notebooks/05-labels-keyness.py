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
# # Labels and word choice: which words did each outlet use for the same people and events?
#
# Label variables (role `label`) code the word a report chose for a referent. Keyness compares the
# term counts of two groups of reports (weighted log-odds with an informative Dirichlet prior,
# Monroe, Colaresi and Quinn 2008).

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis.lexicon import lexicon_agreement, lexicon_code
from analysis import findings
from analysis.page import open_page
from analysis.plotting import plot_keyness, plot_label_shares

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
keyness_column = None  # report column that splits reports for keyness (None: the page's grouping)
keyness_group = None  # its value for group A (None: the most common value); group B is the rest
page.describe(roles=["label"])

# %% [markdown] tags=[]
# ## What this page finds

# %% tags=[]
page.on_sample()
page.findings(findings.labels(page))

# %% [markdown] tags=[]
# ## Which words were used for each referent, across all reports?

# %% tags=[]
if page.can(roles=["label"]):
    page.counted_by(corpus_only=True)
    display(page.table(page.label_distribution(), columns=["variable", "code", "n", "share"],
                       max_rows=None))

# %% [markdown] tags=[]
# ## Which words did each group choose?

# %% tags=[]
if page.can(roles=["label"], groups=True):
    page.counted_by(corpus_only=True)
    shares = page.label_shares(by=page.group_by)
    for variable in page.variables("label"):
        ax = plot_label_shares(shares, variable=variable, by=page.group_by, values=page.event.values,
                               flags={variable: page.flag(variable)}, source=page.source)
        page.save(ax, f"05-labels-{variable}")

# %% [markdown] tags=[]
# ## Which terms separate one group of reports from the rest?

# %% tags=[]
column = keyness_column or page.group_by
if page.can(terms=True, groups=keyness_column is None, columns=[column] if column else []):
    group_a, why = (keyness_group, "") if keyness_group else page.keyness_group(column)
    if page.check(why):
        page.counted_by(corpus_only=True)
        keys = page.keyness(column=column, group_a=group_a)
        ax = plot_keyness(keys, k=15, source=page.source)
        page.save(ax, "05-keyness")
        page.say(" ".join(keys.attrs.get("notes", ())) or "No reports or terms were left out of the comparison.")

# %% [markdown] tags=[]
# Terms to the right are used more by the first group, to the left more by the rest. Stop words of
# the compared language are removed, reprints of one story count once, and only terms that pass
# a Benjamini-Hochberg controlled test (false discovery rate 5%) are drawn in colour; grey terms
# did not pass. Term counts cover only the text that was coded.
#
# ## Does a lexicon of label variants agree with the coders?

# %% tags=[]
if page.can(terms=True, roles=["label"]):
    page.on_sample()
    lex = lexicon_code(page.event.terms, None, page.codebook)
    display(page.table(lexicon_agreement(lex, page.final, page.codebook, n_boot=n_boot, seed=seed),
                       max_rows=None))

# %% [markdown] tags=[]
# The lexicon reads English term counts only; where it covers no label variable of an event the
# table is empty. Its agreement with the coders is the baseline the machine coder must beat.
