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
# # Case study: the Cairo ceasefire talks of April 2024 — progress, or none?
#
# On 6-8 April 2024 Israeli, Hamas, Qatari and US delegations met Egyptian mediators in Cairo. Early
# on 8 April Egypt's state-affiliated Al-Qahera News reported progress and agreement on basic
# points; a Hamas official told Reuters there was no progress, and Israeli officials told Ynet no
# deal was on the horizon. This notebook tells how the world's outlets carried the two accounts,
# from the reports of the event folder (version 2 of the dataset: 87 reports, each coded by two
# independent coders, every disagreement adjudicated and every agreed code reviewed; see the
# datasheet in `data/cairo-talks-2024-04/README.md`). It is the only notebook written for this
# event; the numbered notebooks that follow run on any event folder.

# %% tags=[]
# %matplotlib inline
import pandas as pd

from analysis.framing import claim_stances, codes_as_columns, figure_deviations, label_distribution
from analysis.keyness import keyness
from analysis.page import open_page
from analysis.plotting import plot_keyness, plot_stances
from analysis.wire import wire_edits

pd.set_option("display.precision", 3)
pd.set_option("display.max_rows", 80)
pd.set_option("display.max_colwidth", 60)

# %% tags=["parameters"]
event_dir = "../data/cairo-talks-2024-04"  # the event folder (this notebook is written for this event)
seed = 0  # random seed of the bootstrap
n_boot = 1000  # bootstrap resamples
figures_dir = None  # where the main job saves charts; None: charts are not saved

# %% tags=[]
page = open_page(event_dir, n_boot=n_boot, seed=seed, figures_dir=figures_dir)
event, final, source = page.event, page.final, page.source
rel = page.reliability.set_index("variable")
flags = {v: page.flag(v) for v in event.codebook["variable"]}
stances = claim_stances(final, event.codebook, event.reports).merge(
    event.reports[["report_id", "outlet_type", "outlet_country", "published_time_known"]], on="report_id")
print(f"{len(event.reports)} reports, {event.reports['outlet'].nunique()} outlets, "
      f"{event.reports['outlet_country'].nunique()} countries")

# %% [markdown] tags=[]
# ## Who said the talks made progress, who said there was none, and when?

# %% tags=[]
ax = plot_stances(stances, variable="progress_claim", color_by="outlet_type", values=event.values, flags=flags,
                  source=source, title="Progress at the Cairo talks: each report's account over time")
page.save(ax, "00-progress-over-time")

# %% [markdown] tags=[]
# `attributed`: the report passes on Al-Qahera's (or an Egyptian source's) progress account with no
# denial; `denied`: only the no-progress account; `both`: the two side by side; `asserted`: progress
# in the report's own voice. The reliability of this variable between the two coders:

# %% tags=[]
rel.loc[["progress_claim", "headline_stance", "no_progress_source"], ["alpha", "ci_low", "ci_high", "verdict"]]

# %% [markdown] tags=[]
# ## Which account did outlets in each country carry?

# %% tags=[]
progress = stances[stances["variable"] == "progress_claim"]
progress.pivot_table(index="outlet_country", columns="value", values="report_id", aggfunc="count",
                     fill_value=0, observed=True)

# %% [markdown] tags=[]
# ## How strongly was progress worded, and whose voice denied it?
#
# The wording of the progress claim (ordinal, from "not worded" to "significant progress"), who
# the first "no progress" statement is attributed to, and whom the report credits for it: the
# wire agency whose copy it carries, another outlet, or its own reporting.

# %% tags=[]
counts = (final[final["variable"].isin(["progress_wording", "no_progress_source", "no_progress_credit"])]
          .groupby(["variable", "value"], observed=True).size().rename("n").reset_index())
page.table(counts, columns=["variable", "value", "n"])

# %% [markdown] tags=[]
# ## Which word did outlets use for the people held in Gaza?

# %% tags=[]
label_distribution(final, event.codebook).query("variable == 'label_captives'")[["code", "n", "share"]]

# %% [markdown] tags=[]
# Coded in each report's own voice; page 05 draws the words by group of outlets. Reliability
# (tentative: alpha below 0.800 or an interval reaching below 0.667):

# %% tags=[]
rel.loc[["label_captives", "label_palestinian_prisoners", "label_hamas", "label_alqahera"],
        ["alpha", "ci_low", "ci_high", "verdict"]]

# %% [markdown] tags=[]
# ## What did reprints of the same wire story change?

# %% tags=[]
edits = wire_edits(final, event.codebook, event.reports)
edits.loc[edits["role"].isin(["label", "claim"]),
          ["outlet", "source_outlet", "variable", "source_value", "value", "evidence"]]

# %% [markdown] tags=[]
# ## Which Gaza death toll was cited, and on whose authority?

# %% tags=[]
deviations = figure_deviations(final, event.codebook, event.figures, event.reports)
(deviations[deviations["variable"] == "fig_gaza_deaths"]
 .sort_values(["published", "outlet"])[["outlet", "published", "cited", "rel_dev", "attribution"]])

# %% [markdown] tags=[]
# ## How was Al-Qahera described?

# %% tags=[]
label_distribution(final, event.codebook).query("variable == 'label_alqahera'")[["code", "n", "share"]]

# %% [markdown] tags=[]
# ## Which words set the reports that passed on progress apart from those that denied it?

# %% tags=[]
accounts = codes_as_columns(event.reports, final, ["progress_claim"])
keys = keyness(event.terms, accounts, column="progress_claim", group_a=["attributed", "asserted"],
               group_b=["denied"])
ax = plot_keyness(keys, k=12, labels=("progress (attributed or asserted)", "no progress (denied)"),
                  source=source)
page.save(ax, "00-keyness-progress")
page.say(" ".join(keys.attrs.get("notes", ())))

# %% [markdown] tags=[]
# Term counts come from the stored opening of each page, so they reflect how reports began.
