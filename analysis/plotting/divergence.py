"""Charts of divergences, outlet maps, keyness and wire edits.

Each function takes a result table of :mod:`analysis.divergence`, :mod:`analysis.lexicon` or
:mod:`analysis.wire` and returns a matplotlib Axes (a new figure unless ``ax`` is given), with
a title, labelled axes, a source line and the colour-blind-safe palette of
:mod:`analysis.plotting._style`. Orders are deterministic: the same table gives the same chart.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.transforms import ScaledTranslation
from matplotlib.patches import Patch

from ..divergence import _leaf_order, _mean_matrix
from ..wire import REPRINT_CHANGED, WIRE_ROLES
from ._style import PALETTE, SEQUENTIAL, finish, new_axes

__all__ = ["plot_divergence_heatmap", "plot_outlet_map", "plot_consensus", "plot_keyness",
           "plot_wire_edits"]

DEFAULT_SOURCE = "Source: coded reports"
JSD_UNIT = "Jensen-Shannon divergence (bits, 0 = same codes, 1 = no code in common)"
_GREY = "#BBBBBB"
_MAX_ANNOTATED = 20


def plot_divergence_heatmap(distances, *, ax=None, source=None, title=None):
    """Heatmap of the mean divergence between every pair of groups, in dendrogram order.

    Parameters
    ----------
    distances : DataFrame
        The result of :func:`analysis.divergence.pairwise_divergence` (its ``"(mean)"`` rows).
    ax : matplotlib Axes, optional
    source : str, optional
        The source line, e.g. ``source_line(event_id, n_reports)``.
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Rows and columns follow the leaves of the average-linkage dendrogram of the square root of
    the divergences (as in :func:`analysis.divergence.outlet_map`), in optimal leaf order, so
    that groups that code alike sit together. Cells are annotated up to 20 groups.
    """
    groups, jsd = _mean_matrix(distances)
    order = _leaf_order(np.sqrt(jsd))
    groups, jsd = groups[order], jsd[np.ix_(order, order)]
    n = len(groups)
    by = distances.attrs.get("by", "outlet")
    fresh = ax is None
    ax = new_axes(ax, width=max(6.0, 0.45 * n + 3.5), height=max(5.0, 0.45 * n + 2.5))
    image = ax.imshow(jsd, cmap=SEQUENTIAL, vmin=0.0, vmax=1.0, aspect="equal")
    labels = [str(g) for g in groups]
    ax.set_xticks(range(n), labels=labels, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(n), labels=labels)
    ax.spines[:].set_visible(False)
    if n <= _MAX_ANNOTATED:
        for i in range(n):
            for j in range(n):
                # cividis runs dark to light: dark text on the light (high) end
                colour = "black" if jsd[i, j] > 0.55 else "white"
                ax.text(j, i, f"{jsd[i, j]:.2f}", ha="center", va="center", fontsize=7, color=colour)
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("Mean Jensen-Shannon divergence (bits)")
    return _finish(ax, fresh, title=title or f"Divergence between {_plural(by)}",
                  xlabel=_label(by), ylabel=_label(by),
                  source=_source(source, "mean over nominal variables; order: average-linkage clustering"))


def plot_outlet_map(coords, *, ax=None, source=None, title=None):
    """Scatter of the outlet map, coloured by cluster and labelled.

    Parameters
    ----------
    coords : DataFrame
        The result of :func:`analysis.divergence.outlet_map`: ``<by>, x, y, cluster``.
    ax, source, title
        As in :func:`plot_divergence_heatmap`.

    Returns
    -------
    matplotlib Axes
    """
    by = coords.attrs.get("by", coords.columns[0])
    _require(coords, (by, "x", "y", "cluster"), "coords")
    table = coords.assign(_k=coords[by].astype(str)).sort_values(["cluster", "_k"], kind="stable")
    fresh = ax is None
    ax = new_axes(ax, width=7.5, height=6.0)
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    handles = []
    for k, (cluster, sub) in enumerate(table.groupby("cluster", sort=True, observed=True)):
        colour = PALETTE[k % len(PALETTE)]
        marker = markers[(k // len(PALETTE)) % len(markers)]
        ax.scatter(sub["x"], sub["y"], s=60, color=colour, marker=marker, edgecolor="white",
                   linewidth=0.8, zorder=3)
        handles.append(Line2D([], [], color=colour, marker=marker, linestyle="", markersize=7,
                              label=f"Cluster {cluster}"))
        for x, y, name in zip(sub["x"], sub["y"], sub["_k"]):
            ax.annotate(name, (x, y), xytext=(5, 4), textcoords="offset points", fontsize=8)
    ax.axhline(0, color="#cccccc", linewidth=0.6, zorder=1)
    ax.axvline(0, color="#cccccc", linewidth=0.6, zorder=1)
    ax.set_aspect("equal", adjustable="datalim")
    ax.margins(0.15)
    if len(handles) > 1:
        ax.legend(handles=handles, loc="best", frameon=False)
    stress = coords.attrs.get("stress")
    extra = "multidimensional scaling of the square root of the mean divergence"
    if stress is not None and np.isfinite(stress):
        extra += f"; Stress-1 = {stress:.2f}"
    unit = "(square root of bits)"
    return _finish(ax, fresh, title=title or f"Map of {_plural(by)}: near means coded alike",
                  xlabel=f"Dimension 1 {unit}", ylabel=f"Dimension 2 {unit}",
                  source=_source(source, extra))


def plot_consensus(consensus, *, ax=None, source=None, title=None):
    """Each group's divergence from the consensus, ranked, with its bootstrap interval.

    Parameters
    ----------
    consensus : DataFrame
        The result of :func:`analysis.divergence.consensus_distance`:
        ``<by>, jsd, ci_low, ci_high, n, rank``.
    ax, source, title
        As in :func:`plot_divergence_heatmap`.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    The farthest group is at the top. Groups without an interval (a single report) are drawn
    as open circles.
    """
    by = consensus.columns[0]
    _require(consensus, (by, "jsd", "ci_low", "ci_high", "rank"), "consensus")
    table = consensus.assign(_k=consensus[by].astype(str)).sort_values(["rank", "_k"], kind="stable")
    n = len(table)
    fresh = ax is None
    ax = new_axes(ax, width=7.5, height=max(3.0, 0.32 * n + 1.8))
    y = np.arange(n)[::-1]
    has_ci = table["ci_low"].notna().to_numpy() & table["ci_high"].notna().to_numpy()
    jsd = table["jsd"].to_numpy(dtype=float)
    if has_ci.any():
        lo = jsd[has_ci] - table["ci_low"].to_numpy(dtype=float)[has_ci]
        hi = table["ci_high"].to_numpy(dtype=float)[has_ci] - jsd[has_ci]
        ax.errorbar(jsd[has_ci], y[has_ci], xerr=[np.clip(lo, 0, None), np.clip(hi, 0, None)],
                    fmt="o", color=PALETTE[0], ecolor=PALETTE[0], elinewidth=1.2, capsize=3,
                    label="bootstrap interval")
    if (~has_ci).any():
        ax.scatter(jsd[~has_ci], y[~has_ci], facecolor="white", edgecolor=PALETTE[0], zorder=3,
                   label="single report: no interval")
    ax.set_yticks(y, labels=table["_k"].tolist())
    # divergences are in [0, 1]; leave room right of the largest point or interval
    ax.set_xlim(0, min(1.0, np.nanmax(np.r_[jsd, table["ci_high"].to_numpy(dtype=float), 0.1]) * 1.1))
    ax.legend(loc="best", frameon=False)
    return _finish(ax, fresh, title=title or f"Which {_plural(by)} stand apart from the others",
                  xlabel="Divergence from all other reports (bits, mean over variables)",
                  ylabel=_label(by), source=_source(source, "consensus: all other reports pooled"))


def plot_keyness(keys, *, k=15, ax=None, source=None, title=None, labels=None):
    """The terms most typical of each group: z-scores of the log-odds ratio, tested terms in colour.

    Parameters
    ----------
    keys : DataFrame
        The result of :func:`analysis.keyness.keyness`: ``term, z, rank`` and ``significant``
        (a table without ``significant`` is drawn all in colour, as untested).
    k : int, default 15
        Terms shown on each side.
    ax, source, title
        As in :func:`plot_divergence_heatmap`; a long title is wrapped.
    labels : (str, str), optional
        Names of groups A and B; default from ``keys.attrs``. Their sizes (reports and distinct
        stories, from ``keys.attrs``) are added in the legend.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    The k terms with the largest z (typical of A) and the k with the smallest (typical of B),
    strongest at the top of each side. Terms significant after the Benjamini-Hochberg
    correction are drawn in their group's colour, the others in grey; dashed lines mark the
    smallest |z| that passed. The legend sits below the chart, clear of the bars.
    """
    _require(keys, ("term", "z", "rank"), "keys")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a whole number >= 1, not {k!r}")
    attrs = keys.attrs
    name_a = str(attrs.get("group_a", "group A")) if labels is None else str(labels[0])
    name_b = str(attrs.get("group_b", "group B")) if labels is None else str(labels[1])
    tested = "significant" in keys.columns
    ordered = keys.sort_values(["z", "term"], ascending=[False, True], kind="stable")
    top_a = ordered[ordered["z"] > 0].head(k)
    top_b = ordered[ordered["z"] < 0].tail(k)
    shown = pd.concat([top_a, top_b])
    n = len(shown)
    fresh = ax is None
    ax = new_axes(ax, width=7.5, height=max(3.6, 0.26 * n + 2.6))
    y = np.arange(n)[::-1]
    z = shown["z"].to_numpy(dtype=float)
    passed = shown["significant"].to_numpy(dtype=bool) if tested else np.ones(n, dtype=bool)
    colours = [(PALETTE[0] if v > 0 else PALETTE[1]) if ok else _GREY for v, ok in zip(z, passed)]
    ax.barh(y, z, color=colours, height=0.7)
    ax.set_yticks(y, labels=shown["term"].astype(str).tolist())
    ax.axvline(0, color="black", linewidth=0.8)
    cut = _significance_cut(keys) if tested else None
    if cut is not None:
        for x in (-cut, cut):
            ax.axvline(x, color="#777777", linestyle="--", linewidth=0.8)
    handles = [Line2D([], [], color=PALETTE[0], linewidth=6,
                      label=f"more typical of {_with_n(name_a, attrs, 'a')}"),
               Line2D([], [], color=PALETTE[1], linewidth=6,
                      label=f"more typical of {_with_n(name_b, attrs, 'b')}")]
    fdr = attrs.get("fdr", 0.05)
    if tested:
        handles.append(Line2D([], [], color=_GREY, linewidth=6,
                              label=f"not significant (Benjamini-Hochberg, FDR {fdr:g})"))
    for h in handles:
        h.set_label(textwrap.fill(h.get_label(), width=70, subsequent_indent="  "))
    # below the x-axis label (0.55 inch under the axes), so that it never covers a bar
    below = ax.transAxes + ScaledTranslation(0.0, -0.55, ax.figure.dpi_scale_trans)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), bbox_transform=below,
              frameon=False, borderaxespad=0.0)
    if tested:
        xlabel = ("z-score of the log-odds ratio (standard errors; "
                  + (f"dashed: |z| = {cut:.2f}, the smallest that passed)" if cut is not None
                     else "no term passed the test)"))
    else:
        xlabel = "z-score of the log-odds ratio (standard errors)"
    title = title or f"Words that set {name_a} apart from {name_b}"
    width_in = ax.figure.get_size_inches()[0]
    return _finish(ax, fresh, title=textwrap.fill(title, width=max(30, int(width_in * 9))),
                  xlabel=xlabel, ylabel="Term", source=_source(
                      source, "log-odds ratio, informative Dirichlet prior (Monroe et al. 2008); "
                              "stop words removed; reprints counted once"))


def _with_n(name, attrs, side):
    n_rep, n_sto = attrs.get(f"n_reports_{side}"), attrs.get(f"n_stories_{side}")
    if n_rep is None:
        return name
    if n_sto is None:
        return f"{name} (n = {n_rep} reports)"
    return f"{name} (n = {n_rep} reports, {n_sto} distinct stories)"


def _significance_cut(keys):
    """The smallest |z| among significant terms, or None when none is significant."""
    sig = keys.loc[keys["significant"].astype(bool), "z"].abs()
    return float(sig.min()) if len(sig) else None


def plot_wire_edits(edits, *, ax=None, source=None, title=None):
    """Codes in which reprints differ from their source, by outlet, stacked by role.

    Parameters
    ----------
    edits : DataFrame
        One row per edit: the result of :func:`analysis.wire.wire_edits` or of
        :func:`analysis.wire.wire_edit_summary` (``outlet, role, change, direction``).
    ax, source, title
        As in :func:`plot_divergence_heatmap`.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    One bar per outlet (most edits at the top, ties by name), one segment per role in the
    order label, claim, attribution (edits that change meaning), figure, fact, source; per role,
    a filled segment for edits of a reprint whose source came first and a hatched one for
    copies that differ without a known direction (order unknown, or a link to a later report).
    The counts are written at the end of each bar: changed, added and dropped for reprints,
    "differ" for the others.
    """
    _require(edits, ("outlet", "role", "change", "direction"), "edits")
    table = edits.assign(_k=edits["outlet"].astype(str), _r=edits["role"].astype(str),
                         _d=edits["direction"] == REPRINT_CHANGED)
    roles = [r for r in WIRE_ROLES if r in set(table["_r"])]
    roles += sorted(set(table["_r"]) - set(WIRE_ROLES))
    totals = table.groupby("_k").size()
    order = sorted(totals.index, key=lambda o: (-totals[o], o))
    n = len(order)
    fresh = ax is None
    ax = new_axes(ax, width=8.0, height=max(3.0, 0.4 * n + 1.8))
    y = np.arange(n)[::-1]
    left = np.zeros(n)
    for i, role in enumerate(roles):
        colour = PALETTE[i % len(PALETTE)]
        for directed in (True, False):
            part = table[(table["_r"] == role) & (table["_d"] == directed)]
            values = part.groupby("_k").size().reindex(order, fill_value=0).to_numpy(dtype=float)
            ax.barh(y, values, left=left, height=0.65, label=role if directed else None,
                    color=colour if directed else "white", edgecolor=colour,
                    hatch=None if directed else "///", linewidth=0.8)
            left += values
    count = table.groupby(["_k", "change"]).size()
    for yi, total, outlet in zip(y, left, order):
        c = {k: int(count.get((outlet, k), 0)) for k in ("changed", "added", "dropped", "differs")}
        directed = c["changed"] + c["added"] + c["dropped"]
        text = [f"{c['changed']} changed, {c['added']} added, {c['dropped']} dropped"] if directed else []
        if c["differs"]:
            text.append(f"{c['differs']} differ, direction unknown")
        ax.text(total + 0.1, yi, "; ".join(text), va="center", fontsize=8)
    ax.set_yticks(y, labels=order)
    ax.set_xlim(0, max(1.0, float(left.max(initial=0))) * 1.9)
    ax.xaxis.get_major_locator().set_params(integer=True)
    handles = [Patch(facecolor=PALETTE[i % len(PALETTE)], label=r) for i, r in enumerate(roles)]
    if not table["_d"].all():
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="///",
                             label="hatched: copies differ,\norder unknown or\nlink to a later report"))
    if handles:
        ax.legend(handles=handles, title="Role", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  fontsize=8)
    return _finish(ax, fresh, title=title or "Where reprints differ from their source",
                  xlabel="Codes that differ from the source report (count)", ylabel="Outlet",
                  source=_source(source, "reports with derived_from naming a report of the event"))


# ---------------------------------------------------------------------------------------------

def _finish(ax, fresh, **kw):
    """``finish`` (which also keeps room for the source line on constrained layouts)."""
    return finish(ax, **kw)


def _source(source, extra):
    if source:
        return source
    return f"{DEFAULT_SOURCE}; {extra}" if extra else DEFAULT_SOURCE


def _label(by):
    return str(by).replace("_", " ").capitalize()


def _plural(by):
    word = str(by).replace("_", " ")
    return word if word.endswith("s") else word + "s"


def _require(frame, columns, name):
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(map(str, missing))}")
