"""Charts: one function per result table, each returning a matplotlib Axes.

The chart functions live in :mod:`analysis.plotting.framing` and
:mod:`analysis.plotting.divergence` and are re-exported here; :func:`save` writes a chart as PNG
and SVG with fixed metadata, so two runs write identical files.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib as mpl

from ._style import PALETTE, finish, new_axes, source_line


def save(ax, name: str, figures_dir=None) -> None:
    """Write the Axes' figure as ``<name>.png`` and ``<name>.svg`` into ``figures_dir``.

    Does nothing when ``figures_dir`` is None (interactive use and tests). Returns None so that a
    notebook cell ending with it prints nothing.
    """
    if not figures_dir:
        return None
    from ..sheets import atomic_write_bytes
    import io

    folder = Path(figures_dir)
    fig = ax.figure
    with mpl.rc_context({"svg.hashsalt": "analysis", "svg.fonttype": "path"}):
        for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            buf = io.BytesIO()
            fig.savefig(buf, format=ext, metadata=meta, dpi=150 if ext == "png" else None)
            atomic_write_bytes(folder / f"{name}.{ext}", buf.getvalue())
    return None


__all__ = ["PALETTE", "finish", "new_axes", "source_line", "save"]
