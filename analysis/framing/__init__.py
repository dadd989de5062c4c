"""How outlets framed one event: frames, claims, labels, figures, facts and sources.

Every function takes the consolidated codes ``final`` (one row per report and variable:
``report_id, variable, value[, evidence]``, as returned by
:func:`analysis.reliability.consolidate`, value NaN where unresolved or not coded) and the codebook
table of docs/data-model.md. Variables are chosen by their codebook *role* and role fields
(``frame``, ``reverse``, ``yes_code``, ``contradicts``, ``referent``, ``fact``, ``figure``,
``attribution``, ``source``), never by their name, so the functions work on any event's codebook.
Each returns a new tidy DataFrame with a plain RangeIndex; inputs are never modified, and the
order of the input rows never changes a result.

The unit of analysis is the report: a group's share or mean is taken over its reports. Reports
are grouped by any column of ``reports`` (``by="outlet"``, ``"outlet_country"``, ``"wire"``, ...);
reports whose group value is missing form one group of their own, shown as NaN and sorted last,
so that no report silently drops out of a comparison.

Missing values (NaN in ``final``) are left out of every mean, share and count: a report counts in
a denominator only for the variables it was coded on.

The functions live in one module per concept and are imported from here:
:mod:`~analysis.framing.frames` (frame scores and profiles), :mod:`~analysis.framing.claims`
(stances, contradictions, the claim timeline), :mod:`~analysis.framing.labels` (words for a
referent), :mod:`~analysis.framing.figures` (numbers cited against the reference),
:mod:`~analysis.framing.facts` (facts mentioned and omitted) and :mod:`~analysis.framing.sources`
(whom reports quoted); the steps they share are in :mod:`analysis.framing._shared`.
"""
from __future__ import annotations

from ._shared import codes_as_columns
from .claims import (CLAIM_STANCE_COLUMNS, CONTRADICTION_COLUMNS, TIMELINE_COLUMNS, claim_stances, claim_timeline,
                     contradictions)
from .facts import COMPLETENESS_COLUMNS, FACT_MATRIX_COLUMNS, completeness, fact_matrix
from .figures import FIGURE_DEVIATION_COLUMNS, FIGURE_SPREAD_COLUMNS, figure_deviations, figure_spread
from .frames import (FRAME_PROFILE_COLUMNS, FRAME_SCORE_COLUMNS, NO_BOOTSTRAP, NO_REPORT, ONE_REPORT, frame_profile,
                     frame_scores)
from .labels import LABEL_DISTRIBUTION_COLUMNS, LABEL_SHARE_COLUMNS, label_distribution, label_shares
from .sources import SOURCE_DIVERSITY_COLUMNS, SOURCE_MIX_COLUMNS, source_diversity, source_mix

__all__ = [
    "frame_scores", "frame_profile", "FRAME_SCORE_COLUMNS", "FRAME_PROFILE_COLUMNS",
    "ONE_REPORT", "NO_REPORT", "NO_BOOTSTRAP",
    "claim_stances", "contradictions", "claim_timeline",
    "CLAIM_STANCE_COLUMNS", "CONTRADICTION_COLUMNS", "TIMELINE_COLUMNS",
    "label_shares", "label_distribution", "LABEL_SHARE_COLUMNS", "LABEL_DISTRIBUTION_COLUMNS",
    "figure_deviations", "figure_spread", "FIGURE_DEVIATION_COLUMNS", "FIGURE_SPREAD_COLUMNS",
    "fact_matrix", "completeness", "FACT_MATRIX_COLUMNS", "COMPLETENESS_COLUMNS",
    "source_mix", "source_diversity", "SOURCE_MIX_COLUMNS", "SOURCE_DIVERSITY_COLUMNS",
    "codes_as_columns",
]
