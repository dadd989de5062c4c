"""Findings in words: sentences with counts and n, computed from an event's consolidated codes.

Each function takes a :class:`analysis.page.Page` and returns a list of sentences (Markdown);
an empty list when the folder holds nothing to say it about. Numbers are never typed in: every
count comes from the page's tables, every code is shown by its codebook label, and a sentence
resting on a variable that is not reliable says so. :func:`key_findings` picks the sentences for
the report's index by the rule documented there.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .codebook import is_neutral
from .divergence import permutation_test
from .framing import claim_stances, completeness, figure_spread
from .sample import composition

if TYPE_CHECKING:
    from .page import Page

# a test is reported as a difference below this p-value (one test per report: no correction needed)
SIGNIFICANCE = 0.05


def _label(page: Page, variable: str, code: object) -> str:
    v = page.event.values
    hit = v[(v["variable"] == variable) & (v["code"].astype(str) == str(code))]
    return str(hit["label"].iloc[0]) if len(hit) else str(code)


def _var_label(page: Page, variable: str) -> str:
    cb = page.event.codebook
    return str(cb.loc[cb["variable"] == variable, "label"].iloc[0])


def _caveat(page: Page, variable: str) -> str:
    flag = page.flag(variable)
    return f" (read with care: {flag})" if flag else ""


def _date(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts.strftime('%B %Y')}"


def sample(page: Page) -> list[str]:
    """Reports, outlets, countries, languages, dates, and how many give a date only."""
    r = page.event.reports
    parts = [f"{len(r)} reports from {r['outlet'].nunique()} outlets"]
    if r["outlet_country"].notna().any():
        parts.append(f"in {r['outlet_country'].nunique()} countries")
    if r["language"].notna().any():
        parts.append(f"and {r['language'].nunique()} languages")
    text = " ".join(parts)
    first, last = r["published"].min(), r["published"].max()
    text += f", published from {_date(first)} to {_date(last)}."
    if "published_time_known" in r:
        date_only = int((~r["published_time_known"]).sum())
        if date_only:
            verb = "gives" if date_only == 1 else "give"
            text += f" {date_only} of them {verb} a date but no time, so their order within a day is unknown."
    if page.corpus is not None:
        text = (f"A corpus of {page.corpus.n_reports:,} reports, counted whole where the pages say so; the sample "
                f"that sections needing each report's codes read: {text}")
    return [text]


def reliability(page: Page) -> list[str]:
    """How many variables are reliable, tentative, unreliable (left out) or of unknown reliability."""
    counts = page.reliability["verdict"].value_counts()
    total = len(page.reliability)
    if counts.get("not measured", 0) == total:
        return [f"Reliability was not measured: one coder coded every report, so all {total} variables "
                "are kept and marked 'reliability not measured'."]
    parts = [f"{counts[k]} {k}" for k in ("reliable", "tentative", "unreliable") if counts.get(k)]
    text = f"Of {total} coded variables, " + ", ".join(parts)
    if counts.get("unknown"):
        text += f", and {counts['unknown']} of unknown reliability (too little variation to judge)"
    text += "."
    if len(page.left_out):
        text += f" The {len(page.left_out)} unreliable ones are left out of the analyses."
    return [text]


def claims(page: Page) -> list[str]:
    """For each claim variable: how many reports carried each account, and reprint clustering."""
    out = []
    stances = claim_stances(page.final, page.codebook, page.reports)
    reports = page.event.reports.set_index("report_id")
    for variable in page.variables("claim"):
        sub = stances[(stances["variable"] == variable) & stances["value"].notna()]
        if sub.empty:
            continue
        counts = sub["value"].astype(str).value_counts()
        vals = page.event.values[page.event.values["variable"] == variable].sort_values("rank", kind="stable")
        order = [c for c in vals["code"].astype(str) if c in counts.index]
        pieces = [f"{counts[c]} '{_label(page, variable, c)}'" for c in order]
        text = (f"{_var_label(page, variable)}: of {len(sub)} reports, " + ", ".join(pieces)
                + _caveat(page, variable) + ".")
        # the largest substantive account: how many of its reports rework one story
        contr = page.codebook.loc[page.codebook["variable"] == variable, "contradicts"].iloc[0] or ()
        claim_codes = {str(c) for pair in contr for c in pair}
        top = next((c for c in counts.index if c in claim_codes), None)
        if top is not None and "derived_from" in reports and counts[top] >= 3:
            ids = sub.loc[sub["value"].astype(str) == top, "report_id"].astype(str)
            story = reports.reindex(ids)["derived_from"].dropna()
            if len(story):
                biggest = story.value_counts()
                n = int(biggest.iloc[0]) + int(biggest.index[0] in set(ids))
                if n >= 2:
                    text += (f" {n} of the {counts[top]} '{_label(page, variable, top)}' reports carry "
                             f"one story ({biggest.index[0]} or a rework of it).")
        out.append(text)
    return out


def labels(page: Page) -> list[str]:
    """For each label variable: the most common word and how many reports used no word."""
    out = []
    for variable in page.variables("label"):
        sub = page.final[(page.final["variable"] == variable) & page.final["value"].notna()]
        if sub.empty:
            continue
        counts = sub["value"].astype(str).value_counts()
        # codes that say the referent was not named are not words (codebook.is_neutral)
        words = [c for c in counts.index if not is_neutral(c, _label(page, variable, c))]
        if not words:
            continue
        shown = ", ".join(f"{counts[c]} '{_label(page, variable, c)}'" for c in words[:3])
        absent = int(counts[[c for c in counts.index if c not in words]].sum())
        text = f"{_var_label(page, variable)}, in {len(sub)} reports: {shown}"
        if len(words) > 3:
            text += f" and {len(words) - 3} other word(s)"
        if absent:
            text += f"; {absent} used no such word"
        out.append(text + _caveat(page, variable) + ".")
    return out


def figures(page: Page) -> list[str]:
    """For each figure variable: how many reports cited it, the range, against the reference."""
    if not page.variables("figure"):
        return []
    spread = figure_spread(page.final, page.codebook, page.event.figures, page.reports)
    out = []
    n = page.final["report_id"].nunique()
    refs = page.event.figures.set_index("id")
    for row in spread.itertuples(index=False):
        if not row.n:
            continue
        text = (f"{_var_label(page, row.variable)}: {row.n} of {n} reports cited a number, from "
                f"{row.min:,.0f} to {row.max:,.0f}")
        if pd.notna(row.reference) and row.figure in refs.index:
            ref = refs.loc[row.figure]
            when = f", {ref['as_of']}" if pd.notna(ref["as_of"]) else ""
            text += f" (reference {row.reference:,.0f}: {ref['source'] or 'event.yaml'}{when})"
        out.append(text + _caveat(page, row.variable) + ".")
    return out


def facts(page: Page) -> list[str]:
    """The fact least often mentioned, and how many reports mentioned every fact."""
    if not page.variables("fact"):
        return []
    table = completeness(page.final, page.codebook, page.reports, by="report_id")
    facts_used = page.codebook[page.codebook["role"] == "fact"]
    final = page.final[page.final["variable"].isin(facts_used["variable"])]
    yes = facts_used.set_index("variable")["yes_code"] if "yes_code" in facts_used else None
    mentioned = {}
    for v in facts_used["variable"]:
        sub = final[(final["variable"] == v) & final["value"].notna()]
        code = str(yes[v]) if yes is not None and pd.notna(yes[v]) else "yes"
        mentioned[v] = (int((sub["value"].astype(str) == code).sum()), len(sub))
    v, (k, n) = min(mentioned.items(), key=lambda kv: (kv[1][0] / max(kv[1][1], 1), kv[0]))
    full = int((table["completeness"] >= 1).sum())
    return [f"The fact least often mentioned: '{_var_label(page, v)}', in {k} of {n} reports"
            f"{_caveat(page, v)}. {full} of {len(table)} reports mentioned every fact in the codebook."]


def divergence(page: Page, *, n_perm: int = 2000, seed: int = 0) -> list[str]:
    """Whether the largest group's codes differ from the rest's more than chance would give."""
    if page.group_by is None or not (page.codebook["level"] == "nominal").any():
        return []
    group_a = composition(page.reports, by=page.group_by)["value"].iloc[0]
    test = permutation_test(page.final, page.codebook, page.reports, column=page.group_by, group_a=group_a,
                            n_perm=n_perm, seed=seed)
    row = test.iloc[0]
    if np.isnan(row["p_value"]):
        return []
    verdict = ("differ from the rest by more than chance would give" if row["p_value"] < SIGNIFICANCE
               else "do not differ from the rest by more than chance would give")
    return [f"Reports of {group_a} {verdict} (mean Jensen-Shannon divergence {row['statistic']:.3f} over "
            f"the variables used, permutation p = {row['p_value']:.3f}, {row['n_a']} against {row['n_b']} "
            f"reports; grouped by {page.group_by})."]


def key_findings(page: Page, *, n_perm: int = 2000, seed: int = 0) -> list[str]:
    """The index's key findings, by a fixed rule.

    In this order, each where the folder supports it: the sample; reliability; the first claim
    variable's accounts; the first label variable's words; the figure cited by most reports; the
    fact least often mentioned; the one test of the largest group against the rest (reported as
    a difference only when p < ``SIGNIFICANCE``, so a folder with no real difference gets no
    "difference" sentence). At most eight sentences.
    """
    picks = [sample(page), reliability(page), claims(page)[:1], labels(page)[:1]]
    figs = figures(page)
    if figs:
        spread = figure_spread(page.final, page.codebook, page.event.figures, page.reports)
        best = spread.sort_values(["n", "variable"], ascending=[False, True]).iloc[0]["variable"]
        picks.append([f for f in figs if f.startswith(_var_label(page, best))][:1])
    picks += [facts(page), divergence(page, n_perm=n_perm, seed=seed)]
    return [s for group in picks for s in group][:8]


def frames(page: Page, *, n_boot: int = 1000, seed: int = 0) -> list[str]:
    """The most and least present frame across all reports, with intervals."""
    from .framing import frame_profile, frame_scores

    if not page.variables("frame_item"):
        return []
    scores = frame_scores(page.final, page.codebook)
    prof = frame_profile(scores, page.reports.assign(all_reports="all reports"), by="all_reports", n_boot=n_boot,
                         seed=seed)
    prof = prof.dropna(subset=["score"]).sort_values(["score", "frame"], ascending=[False, True])
    if prof.empty:
        return []
    labels = page.event.frames.set_index("frame")["label"] if len(page.event.frames) else pd.Series(dtype=object)

    def one(row: pd.Series) -> str:
        name = labels.get(row.frame, row.frame)
        ci = (f", 95% interval {row.ci_low:.2f} to {row.ci_high:.2f}" if pd.notna(row.ci_low) else "")
        return f"{name} (mean score {row.score:.2f}{ci}, {row.n} reports)"
    text = f"The most present frame is {one(next(prof.itertuples()))}"
    if len(prof) > 1:
        text += f"; the least present is {one(list(prof.itertuples())[-1])}"
    return [text + ". A score is the share of a frame's items a report shows, from 0 to 1."]


def wire(page: Page) -> list[str]:
    """How many reprints differ from their source, and in how many meaning-changing codes."""
    from .wire import wire_edits

    if page.reports["derived_from"].notna().sum() == 0:
        return []
    edits = wire_edits(page.final, page.codebook, page.reports)
    n_pairs = int(page.reports["derived_from"].notna().sum())
    if edits.empty:
        return [f"None of the {n_pairs} reprints differs from its source in any coded variable."]
    meaning = edits[edits["meaning"]] if "meaning" in edits else edits.iloc[0:0]
    text = (f"{edits['report_id'].nunique()} of {n_pairs} reports linked to the copy they rework differ from it in "
            f"at least one coded variable ({len(edits)} differences); {meaning['report_id'].nunique()} of them "
            "in a label, claim or attribution, which changes what the reader is told.")
    if "direction" in edits:
        unknown = int((edits["direction"] != "reprint changed").sum())
        if unknown:
            text += (f" For {unknown} of the differences the order of the two copies is unknown or the link "
                     "points at a later report, so the page says they differ, not which one changed.")
    return [text]
