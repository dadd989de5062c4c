"""Charts of the framing tables: one function per result table of :mod:`analysis.framing`.

Each function takes the result table (plus a few keyword options), draws on ``ax`` or on a new
8 x 5 inch Axes, and returns the Axes; nothing is shown or saved. Categories are drawn in sorted
order (a missing group, e.g. reports that are not wire copy when ``by="wire"``, last, as
"(none)"), so a chart does not depend on the row order of its table. Groups take the
colour-blind-safe palette of :mod:`analysis.plotting._style` in that order; codes take the fixed
colour of their place in the codebook (:func:`analysis.plotting._style.code_colours`; pass
``values=Event.values``), so one code has one colour in every chart, and codes that say nothing
was said are grey. Beyond the palette's eight colours, bars are told apart by hatching.

Charts that draw coded variables take ``flags`` (what is drawn -> "", "tentative",
"unreliable", "reliability unknown" or "reliability not measured", e.g. ``{v: page.flag(v)}``):
flagged variables are drawn pale and named in a note under the chart. Charts of frames,
sources and facts draw those, not variables: :func:`role_flags` turns flags of variables into
flags of what such a chart draws.

One module per chart concept, each re-exported here: :mod:`~analysis.plotting.framing.frames`,
:mod:`~analysis.plotting.framing.claims` (claim timeline and stances),
:mod:`~analysis.plotting.framing.labels`, :mod:`~analysis.plotting.framing.figures`,
:mod:`~analysis.plotting.framing.facts`, :mod:`~analysis.plotting.framing.sources` and
:mod:`~analysis.plotting.framing.flags` (:func:`role_flags`); the steps they share are in
:mod:`analysis.plotting.framing._shared`.
"""
from __future__ import annotations

from ._shared import MISSING_GROUP, NOT_CODED
from .claims import plot_claim_timeline, plot_stances
from .facts import plot_fact_matrix
from .figures import plot_figure_deviations
from .flags import role_flags
from .frames import plot_frame_profile
from .labels import plot_label_shares
from .sources import plot_source_mix

__all__ = [
    "plot_frame_profile", "plot_claim_timeline", "plot_stances", "plot_label_shares",
    "plot_figure_deviations", "plot_fact_matrix", "plot_source_mix", "role_flags",
    "MISSING_GROUP", "NOT_CODED",
]
