"""Charts: one function per result table, each returning a matplotlib Axes.

The chart functions live in :mod:`analysis.plotting.framing` and
:mod:`analysis.plotting.divergence` and are re-exported here; :func:`save` writes a chart as PNG
and SVG with fixed metadata, so two runs write identical files.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl

from ._style import (PALETTE, SAVE_RC, code_colour, code_colours, finish, is_neutral, new_axes, root_figure,
                     source_line)
from .autocode import plot_machine_agreement
from .divergence import (plot_consensus, plot_divergence_heatmap, plot_keyness, plot_outlet_map,
                         plot_wire_edits)
from .framing import (plot_claim_timeline, plot_fact_matrix, plot_figure_deviations, plot_frame_profile,
                      plot_label_shares, plot_source_mix, plot_stances, role_flags)
from .reliability import plot_reliability
from .sample import plot_composition, plot_timeline

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def save(ax: Axes, name: str, figures_dir: str | Path | None = None) -> None:
    """Write the Axes' figure as ``<name>.png`` and ``<name>.svg`` into ``figures_dir``.

    Does nothing when ``figures_dir`` is None (interactive use and tests). Returns None so that a
    notebook cell ending with it prints nothing. The SVG keeps its text as ``<text>`` elements
    (``svg.fonttype: none``, set for this call only), so that titles and labels can be searched,
    selected and read by screen readers; fixed metadata and hash salt make two runs identical.
    """
    if not figures_dir:
        return None
    from ..sheets import atomic_write_bytes
    import io

    folder = Path(figures_dir)
    fig = root_figure(ax.figure)
    # text stays text in the SVG (searchable, selectable): for this save only, not process-wide
    with mpl.rc_context(SAVE_RC):
        for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            buf = io.BytesIO()
            fig.savefig(buf, format=ext, metadata=meta, dpi=150 if ext == "png" else None)
            atomic_write_bytes(folder / f"{name}.{ext}", buf.getvalue())
    return None


__all__ = [
    "PALETTE", "finish", "new_axes", "source_line", "save", "code_colour", "code_colours", "is_neutral",
    "role_flags",
    "plot_consensus", "plot_divergence_heatmap", "plot_keyness", "plot_outlet_map", "plot_wire_edits",
    "plot_claim_timeline", "plot_fact_matrix", "plot_figure_deviations", "plot_frame_profile",
    "plot_label_shares", "plot_source_mix", "plot_reliability", "plot_composition", "plot_timeline",
    "plot_machine_agreement", "plot_stances",
]
