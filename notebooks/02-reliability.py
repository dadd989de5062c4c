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
# # Reliability: can the coders' judgements be trusted?
#
# Krippendorff's alpha per variable between the independent coders (the adjudicator and machine
# coders left out; on a corpus with one human coder, that coder and the machine, as the page says),
# with a 95% bootstrap interval over reports. A variable is "reliable" when
# alpha is at least 0.800 and the interval's lower end at least 0.667, "tentative" from 0.667,
# "unreliable" below; "unknown" when one code holds nearly every value (too little variation to
# judge), "not measured" when no report was coded twice. Later pages leave unreliable variables
# out and flag the others.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis import findings
from analysis.page import open_page
from analysis.plotting.reliability import plot_reliability
from analysis.quality import coding_design, design_sentence
from analysis.reliability import disagreements, rule_counts

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 120)
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
table = page.reliability.merge(page.event.codebook[["variable", "label"]], on="variable", how="left")

# %% [markdown] tags=[]
# ## What this page finds

# %% tags=[]
page.findings(findings.reliability(page))

# %% [markdown] tags=[]
# ## Who coded which reports?

# %% tags=[]
page.on_sample()
design = coding_design(page.event.codes, coders=page.coders or None)
page.say(design_sentence(design, n_reports=len(page.event.reports)))
design

# %% [markdown] tags=[]
# ## How reliable is each variable?

# %% tags=[]
if page.can(measured=True):
    page.counted_by()
    ax = plot_reliability(table, source=page.source)
    page.save(ax, "02-reliability-alpha")

# %% [markdown] tags=[]
# ## The table behind the chart

# %% tags=[]
page.table(table, columns=["variable", "level", "alpha", "ci_low", "ci_high", "n_pairable", "percent_agreement",
                           "alpha_cited", "verdict"], max_rows=None)

# %% [markdown] tags=[]
# `n_pairable` is the number of reports the variable's alpha rests on (coded by two or more coders);
# reports coded by one coder carry the variable's measured reliability. For figures, `alpha` is the
# agreement on the number where both coders cite one and `alpha_cited` the agreement on whether a
# number is cited at all.
#
# ## Which variables are not reliable, and why?

# %% tags=[]
page.table(table[table["verdict"] != "reliable"], columns=["variable", "alpha", "ci_low", "verdict", "note"],
           max_rows=None)

# %% [markdown] tags=[]
# ## Where did the coders disagree?

# %% tags=[]
page.on_sample()
d = disagreements(page.event.codes, page.event.codebook, coders=page.coders or None, exclude=())
page.table(d.groupby("variable", sort=False, observed=True)["report_id"].nunique()
           .rename("reports with a disagreement").reset_index(), max_rows=None)

# %% [markdown] tags=[]
# ## How were the final codes reached?

# %% tags=[]
page.on_sample()
page.table(rule_counts(page.final), max_rows=None)

# %% [markdown] tags=[]
# `adjudicated`: the adjudicator's code; `unanimous` and `majority`: the coders' shared code;
# `single_coder`: the one coder who coded it; `machine`: a machine coder's, where no coder coded
# the report; `tie`: unresolved, left missing rather than picked; `not_coded`: no coder gave a
# value. Every later page uses these consolidated codes.
