"""Charts of divergences, outlet maps, keyness and wire edits.

Each function takes a result table of :mod:`analysis.divergence`, :mod:`analysis.lexicon` or
:mod:`analysis.wire` and returns a matplotlib Axes (a new figure unless ``ax`` is given), with
a title, labelled axes, a source line and the colour-blind-safe palette of
:mod:`analysis.plotting._style`. Orders are deterministic: the same table gives the same chart.
"""
from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox, ScaledTranslation

from ..common import check_columns
from ..divergence import MIN_GROUP
from ..divergence_map import group_sizes, leaf_order, mean_matrix
from ..distributions import MEAN
from ..wire import REPRINT_CHANGED, WIRE_ROLES
from ._style import PALETTE, SEQUENTIAL, finish, new_axes

__all__ = ["plot_divergence_heatmap", "plot_outlet_map", "plot_consensus", "plot_keyness",
           "plot_wire_edits"]

DEFAULT_SOURCE = "Source: coded reports"
_GREY = "#BBBBBB"
_DIM = "#8C8C8C"  # small groups: labels and hatching
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
_MAX_ANNOTATED = 20


def plot_divergence_heatmap(distances: pd.DataFrame, *, ax: Axes | None = None,
                            source: str | None = None, title: str | None = None) -> Axes:
    """Heatmap of the mean divergence between every pair of groups, in dendrogram order.

    Parameters
    ----------
    distances : DataFrame
        The result of :func:`analysis.divergence.pairwise_divergence` (its ``"(mean)"`` rows;
        ``n_a, n_b`` give the sizes on the labels, ``significant`` the stars).
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
    that groups that code alike sit together. Each label carries the group's number of
    reports (unless the name already ends with one, as ``"Europe (n=7)"``); groups with fewer
    than ``min_group`` reports (``distances.attrs``, default 5) have their row and column
    hatched and their label greyed: their divergences are inflated by the small sample. Cells
    are annotated up to 20 groups, with a star where the pair differs beyond chance
    (``significant``).
    """
    groups, jsd = mean_matrix(distances)
    order = leaf_order(np.sqrt(jsd))
    groups, jsd = groups[order], jsd[np.ix_(order, order)]
    n = len(groups)
    by = distances.attrs.get("by", "outlet")
    sizes = group_sizes(distances)
    small = np.array([sizes.get(g, np.inf) < _min_group(distances) for g in groups])
    stars = _significant_pairs(distances)
    ax = new_axes(ax, width=max(6.0, 0.45 * n + 3.5), height=max(5.0, 0.45 * n + 2.5))
    image = ax.imshow(jsd, cmap=SEQUENTIAL, vmin=0.0, vmax=1.0, aspect="equal")
    labels = [_with_size(g, sizes.get(g)) for g in groups]
    ax.set_xticks(range(n), labels=labels, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(n), labels=labels)
    for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
        for tick, is_small in zip(ticks, small):
            if is_small:
                tick.set_color(_DIM)
    for row in np.flatnonzero(small).tolist():
        for xy, w, h in (((-0.5, row - 0.5), n, 1), ((row - 0.5, -0.5), 1, n)):
            ax.add_patch(Rectangle(xy, w, h, facecolor="none", edgecolor=_DIM, hatch="////",
                                   linewidth=0, zorder=2))
    ax.spines[:].set_visible(False)
    if n <= _MAX_ANNOTATED:
        for i in range(n):
            for j in range(n):
                # cividis runs dark to light: dark text on the light (high) end
                colour = "black" if jsd[i, j] > 0.55 else "white"
                star = "*" if frozenset((groups[i], groups[j])) in stars else ""
                ax.text(j, i, f"{jsd[i, j]:.2f}{star}", ha="center", va="center", fontsize=7,
                        color=colour, zorder=3)
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("Mean Jensen-Shannon divergence (bits)")
    keys = []
    if small.any():
        keys.append(f"hatched: fewer than {_min_group(distances)} reports")
    if stars:
        keys.append("* beyond chance (permutation test, Benjamini-Hochberg)")
    # the keys go under the axis label: a source line given by the caller stays as it is
    return finish(ax, title=title or f"Divergence between {_plural(by)}",
                  xlabel="\n".join([_label(by), *keys]), ylabel=_label(by),
                  source=_source(source, "mean over nominal variables; order: average-linkage clustering"))


def plot_outlet_map(coords: pd.DataFrame, *, groups: Mapping[object, object] | pd.Series | None = None,
                    marker_by: Mapping[object, object] | pd.Series | None = None, label: int = 12,
                    ax: Axes | None = None, source: str | None = None,
                    title: str | None = None) -> Axes:
    """Scatter of the outlet map, coloured by cluster or by a grouping, with selective labels.

    Parameters
    ----------
    coords : DataFrame
        The result of :func:`analysis.divergence.outlet_map`: ``<by>, x, y, cluster`` and
        optionally ``n`` (groups with fewer than 5 reports are drawn hollow).
    groups : Mapping or Series, optional
        Each point's group (e.g. outlet to outlet type or country), for the colours; default:
        the clusters. Points without a group are grey.
    marker_by : Mapping or Series, optional
        Each point's kind (e.g. outlet to "mostly reprints" or "own reporting"), one marker
        shape per kind.
    label : int, default 12
        Points labelled: all when there are at most this many, else the ``label`` points
        farthest from the centre. Labels are placed around their point so as not to overlap.
    ax, source, title
        As in :func:`plot_divergence_heatmap`.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Only distances between points mean anything: the axes of a multidimensional scaling have
    no units of their own, so they carry no tick numbers. The subtitle says so.
    """
    by = coords.attrs.get("by", coords.columns[0])
    check_columns(coords, (by, "x", "y", "cluster"), "coords")
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or label < 0:
        raise ValueError(f"label must be a whole number >= 0, not {label!r}")
    table = coords.assign(_k=coords[by].astype(str)).sort_values(["cluster", "_k"], kind="stable")
    if groups is not None:
        table["_colour"] = _lookup(groups, table[by], "groups")
        colour_title = getattr(groups, "name", None) or "Group"
    else:
        table["_colour"] = [f"Cluster {c}" for c in table["cluster"]]
        colour_title = None
    table["_marker"] = _lookup(marker_by, table[by], "marker_by") if marker_by is not None else ""
    sizes = table["n"] if "n" in table.columns else pd.Series(pd.NA, index=table.index)
    table["_small"] = [pd.notna(v) and v < MIN_GROUP for v in sizes]
    ax = new_axes(ax, width=7.5, height=6.0)
    colour_of = _levels(table["_colour"], PALETTE, missing=_GREY)
    marker_of = _levels(table["_marker"], _MARKERS, missing="o")
    keys = list(zip(table["_colour"], table["_marker"], table["_small"]))
    for key in sorted(set(keys), key=str):
        c, m, small = key
        sub = table[[k == key for k in keys]]
        colour = colour_of[c]
        ax.scatter(sub["x"], sub["y"], s=60, marker=marker_of[m], linewidth=1.2, zorder=3,
                   facecolor="white" if small else colour, edgecolor=colour)
    ax.set_aspect("equal", adjustable="datalim")
    ax.margins(0.15)
    ax.set_xticks([])
    ax.set_yticks([])
    handles = _map_legend(colour_of, marker_of, table)
    if handles:
        ax.legend(handles=handles, loc="best", frameon=False, fontsize=8, title=colour_title)
    _place_labels(ax, table, k=label)
    stress = coords.attrs.get("stress")
    extra = "multidimensional scaling of the square root of the mean divergence"
    if stress is not None and np.isfinite(stress):
        extra += f"; Stress-1 = {stress:.2f}"
    ax = finish(ax, title=title or f"Map of {_plural(by)}: near means coded alike",
                 xlabel="Dimension 1", ylabel="Dimension 2", source=_source(source, extra))
    ax.set_title(ax.get_title(loc="left"), loc="left", pad=20, fontsize=12, fontweight="bold")
    ax.annotate(f"Closer points: {_plural(by)} whose codes are more alike. Only distances count; "
                "the axes have no units.", xy=(0, 1), xycoords="axes fraction", xytext=(0, 5),
                textcoords="offset points", fontsize=8.5, color="#444444", va="bottom")
    return ax


def plot_consensus(consensus: pd.DataFrame, *, ax: Axes | None = None, source: str | None = None,
                   title: str | None = None) -> Axes:
    """Each group's divergence from all other reports, against what its size alone would give.

    Parameters
    ----------
    consensus : DataFrame
        The result of :func:`analysis.divergence.consensus_distance`: ``<by>, jsd, ci_low,
        ci_high, n, null_mean, p_value, rank`` (``q_value``, ``significant`` and ``small``
        used when present).
    ax, source, title
        As in :func:`plot_divergence_heatmap`.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Groups are ranked by their excess over the null model (the observed divergence minus
    the mean divergence of random groups of the same size), the largest at the top; small
    groups (not ranked) follow below a line, by name, drawn hollow. For each group a filled
    dot marks the observed divergence (with its bootstrap interval where there is one) and a
    grey bar the divergence expected from its size alone; the line between them is the
    excess. Beside each group, its permutation p-value and Benjamini-Hochberg q-value (bold
    where significant).
    """
    by = consensus.columns[0]
    check_columns(consensus, (by, "jsd", "ci_low", "ci_high", "n", "null_mean", "p_value", "rank"),
             "consensus")
    table = consensus.assign(_k=consensus[by].astype(str))
    table = table.sort_values(["rank", "_k"], kind="stable", na_position="last").reset_index(drop=True)
    small = (table["small"].to_numpy(dtype=bool) if "small" in table.columns
             else table["rank"].isna().to_numpy())
    n = len(table)
    ax = new_axes(ax, width=8.0, height=max(3.6, 0.36 * n + 2.8))
    y = np.arange(n)[::-1].astype(float)
    jsd = table["jsd"].to_numpy(dtype=float)
    null = table["null_mean"].to_numpy(dtype=float)
    lo, hi = table["ci_low"].to_numpy(dtype=float), table["ci_high"].to_numpy(dtype=float)
    ax.hlines(y, np.fmin(jsd, null), np.fmax(jsd, null), color=_DIM, linewidth=1.0, zorder=1)
    ax.scatter(null, y, marker="|", s=160, linewidths=2.2, color="#777777", zorder=2,
               label="expected from group size alone (random groups of that size)")
    has_ci = ~np.isnan(lo) & ~np.isnan(hi)
    if has_ci.any():
        ax.errorbar(jsd[has_ci], y[has_ci], xerr=[np.clip(jsd[has_ci] - lo[has_ci], 0, None),
                                                  np.clip(hi[has_ci] - jsd[has_ci], 0, None)],
                    fmt="none", ecolor=PALETTE[0], elinewidth=1.0, capsize=3, zorder=2)
    if (~small).any():
        ax.scatter(jsd[~small], y[~small], color=PALETTE[0], s=40, zorder=3,
                   label="observed, with bootstrap interval")
    if small.any():
        ax.scatter(jsd[small], y[small], facecolor="white", edgecolor=PALETTE[0], s=40, zorder=3,
                   label=f"fewer than {consensus.attrs.get('min_group', MIN_GROUP)} reports: not ranked")
        if (~small).any():
            ax.axhline(y[small][0] + 0.5, color="#999999", linewidth=0.6, linestyle="--")
    ax.set_yticks(y, labels=[_with_size(g, k) for g, k in zip(table["_k"], table["n"])])
    for tick, is_small in zip(ax.get_yticklabels(), small):
        if is_small:
            tick.set_color(_DIM)
    right = float(np.nanmax(np.r_[jsd, null, hi, 0.1]))
    ax.set_xlim(0, right * 1.55)
    _p_values(ax, table, y=y, x=right * 1.08)
    # below the x-axis label, clear of the points
    below = ax.transAxes + ScaledTranslation(0.0, -0.5, ax.figure.dpi_scale_trans)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.0), bbox_transform=below, frameon=False,
              fontsize=8, borderaxespad=0.0, title_fontsize=8, alignment="left",
              title="p: permutation test (random groups of the same size); q: Benjamini-Hochberg; "
                    "bold: significant")
    default = (f"How far each {_label(by).lower()} stands from all other reports, and how far its "
               "size alone would put it")
    width_in = _figure_width(ax)
    return finish(ax, title=textwrap.fill(title or default, width=max(30, int(width_in * 8))),
                  xlabel="Divergence from all other reports (bits, mean over variables)",
                  ylabel=_label(by), source=_source(source, "consensus: all other reports pooled"))


def _p_values(ax: Axes, table: pd.DataFrame, *, y: np.ndarray, x: float) -> None:
    """Each row's p-value and q-value at ``x``, in bold where significant."""
    n = len(table)
    p = table["p_value"].to_numpy(dtype=float)
    q = table["q_value"].to_numpy(dtype=float) if "q_value" in table.columns else np.full(n, np.nan)
    sig = (table["significant"].to_numpy(dtype=bool) if "significant" in table.columns
           else np.zeros(n, dtype=bool))
    for yi, pi, qi, si in zip(y, p, q, sig):
        text = "no test" if np.isnan(pi) else f"p = {_pfmt(pi)}"
        text += "" if np.isnan(pi) or np.isnan(qi) else f", q = {_pfmt(qi)}"
        ax.text(x, yi, text, va="center", fontsize=8, fontweight="bold" if si else "normal")


def plot_keyness(keys: pd.DataFrame, *, k: int = 15, ax: Axes | None = None,
                 source: str | None = None, title: str | None = None,
                 labels: Sequence[object] | None = None) -> Axes:
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
    check_columns(keys, ("term", "z", "rank"), "keys")
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
    _keyness_legend(ax, name_a, name_b, attrs, tested=tested)
    if tested:
        xlabel = ("z-score of the log-odds ratio (standard errors; "
                  + (f"dashed: |z| = {cut:.2f}, the smallest that passed)" if cut is not None
                     else "no term passed the test)"))
    else:
        xlabel = "z-score of the log-odds ratio (standard errors)"
    title = title or f"Words that set {name_a} apart from {name_b}"
    width_in = _figure_width(ax)
    return finish(ax, title=textwrap.fill(title, width=max(30, int(width_in * 9))),
                  xlabel=xlabel, ylabel="Term", source=_source(
                      source, "log-odds ratio, informative Dirichlet prior (Monroe et al. 2008); "
                              "stop words removed; reprints counted once"))


def _keyness_legend(ax: Axes, name_a: str, name_b: str, attrs: Mapping[str, object], *,
                    tested: bool) -> None:
    """The legend of :func:`plot_keyness`: the two groups with their sizes, and grey."""
    handles = [Line2D([], [], color=PALETTE[0], linewidth=6,
                      label=f"more typical of {_with_n(name_a, attrs, 'a')}"),
               Line2D([], [], color=PALETTE[1], linewidth=6,
                      label=f"more typical of {_with_n(name_b, attrs, 'b')}")]
    fdr = attrs.get("fdr", 0.05)
    if tested:
        handles.append(Line2D([], [], color=_GREY, linewidth=6,
                              label=f"not significant (Benjamini-Hochberg, FDR {fdr:g})"))
    for h in handles:
        h.set_label(textwrap.fill(str(h.get_label()), width=70, subsequent_indent="  "))
    # below the x-axis label (0.55 inch under the axes), so that it never covers a bar
    below = ax.transAxes + ScaledTranslation(0.0, -0.55, ax.figure.dpi_scale_trans)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), bbox_transform=below,
              frameon=False, borderaxespad=0.0)


def _with_n(name: str, attrs: Mapping[str, object], side: str) -> str:
    n_rep, n_sto = attrs.get(f"n_reports_{side}"), attrs.get(f"n_stories_{side}")
    if n_rep is None:
        return name
    if n_sto is None:
        return f"{name} (n = {n_rep} reports)"
    return f"{name} (n = {n_rep} reports, {n_sto} distinct stories)"


def _significance_cut(keys: pd.DataFrame) -> float | None:
    """The smallest |z| among significant terms, or None when none is significant."""
    sig = keys.loc[keys["significant"].astype(bool), "z"].abs()
    return float(sig.min()) if len(sig) else None


def plot_wire_edits(edits: pd.DataFrame, *, ax: Axes | None = None, source: str | None = None,
                    title: str | None = None) -> Axes:
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
    check_columns(edits, ("outlet", "role", "change", "direction"), "edits")
    table = edits.assign(_k=edits["outlet"].astype(str), _r=edits["role"].astype(str),
                         _d=edits["direction"] == REPRINT_CHANGED)
    roles = [r for r in WIRE_ROLES if r in set(table["_r"])]
    roles += sorted(set(table["_r"]) - set(WIRE_ROLES))
    totals = table.groupby("_k").size()
    order = sorted(totals.index, key=lambda o: (-totals[o], o))
    n = len(order)
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
        n_directed = c["changed"] + c["added"] + c["dropped"]
        text = [f"{c['changed']} changed, {c['added']} added, {c['dropped']} dropped"] if n_directed else []
        if c["differs"]:
            text.append(f"{c['differs']} differ, direction unknown")
        ax.text(total + 0.1, yi, "; ".join(text), va="center", fontsize=8)
    ax.set_yticks(y, labels=order)
    ax.set_xlim(0, max(1.0, float(left.max(initial=0))) * 1.9)
    locator = ax.xaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)
    handles = [Patch(facecolor=PALETTE[i % len(PALETTE)], label=r) for i, r in enumerate(roles)]
    if not table["_d"].all():
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="///",
                             label="hatched: copies differ,\norder unknown or\nlink to a later report"))
    if handles:
        ax.legend(handles=handles, title="Role", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  fontsize=8)
    return finish(ax, title=title or "Where reprints differ from their source",
                  xlabel="Codes that differ from the source report (count)", ylabel="Outlet",
                  source=_source(source, "reports with derived_from naming a report of the event"))


# ---------------------------------------------------------------------------------------------
# sizes, labels and legends
# ---------------------------------------------------------------------------------------------

_SIZED = re.compile(r"\(n\s*=\s*\d+\)\s*$")


def _with_size(name: object, n: float | None) -> str:
    """``"name (n=7)"``, unless the name already ends with its size or the size is unknown."""
    name = str(name)
    if n is None or pd.isna(n) or _SIZED.search(name):
        return name
    return f"{name} (n={int(n)})"


def _min_group(table: pd.DataFrame) -> int:
    return int(table.attrs.get("min_group", MIN_GROUP))


def _significant_pairs(distances: pd.DataFrame) -> set[frozenset[object]]:
    if "significant" not in distances.columns:
        return set()
    rows = distances[(distances["variable"] == MEAN) & distances["significant"].astype(bool)]
    return {frozenset((a, b)) for a, b in zip(rows["a"], rows["b"])}


def _pfmt(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def _lookup(mapping: Mapping[object, object] | pd.Series, keys: Iterable[object],
            name: str) -> list[object]:
    """Values of ``mapping`` (a dict or Series) for ``keys``; missing ones are None."""
    if isinstance(mapping, pd.Series):
        mapping = mapping.to_dict()
    elif not isinstance(mapping, Mapping):
        raise ValueError(f"{name} must be a mapping or a pandas Series, not {type(mapping).__name__}")
    return [mapping.get(k) if pd.notna(mapping.get(k, np.nan)) else None for k in keys]


def _levels(values: Iterable[object], styles: Sequence[str], *,
            missing: str) -> dict[object, str]:
    """One style per distinct value, in sorted order; None (no value) gets ``missing``."""
    present = sorted({v for v in values if v is not None}, key=str)
    out = {v: styles[i % len(styles)] for i, v in enumerate(present)}
    out[None] = missing
    return out


def _map_legend(colour_of: dict[object, str], marker_of: dict[object, str],
                table: pd.DataFrame) -> list[Line2D]:
    handles = []
    colours = [c for c in colour_of if c is not None and c in set(table["_colour"])]
    if len(colours) > 1 or table["_colour"].isna().any():
        handles += [Line2D([], [], color=colour_of[c], marker="o", linestyle="", label=str(c))
                    for c in colours]
        if table["_colour"].isna().any():
            handles.append(Line2D([], [], color=_GREY, marker="o", linestyle="", label="no group"))
    markers = [m for m in marker_of if m not in (None, "") and m in set(table["_marker"])]
    handles += [Line2D([], [], color="#444444", marker=marker_of[m], linestyle="", label=str(m))
                for m in markers]
    if table["_small"].any():
        handles.append(Line2D([], [], markerfacecolor="white", markeredgecolor="#444444", marker="o",
                              linestyle="", label=f"hollow: fewer than {MIN_GROUP} reports"))
    return handles


# label positions around a point (offset in points, alignment), tried in this order
_SPOTS = [((5, 4), "left", "bottom"), ((5, -4), "left", "top"), ((-5, 4), "right", "bottom"),
          ((-5, -4), "right", "top"), ((0, 7), "center", "bottom"), ((0, -7), "center", "top"),
          ((9, 0), "left", "center"), ((-9, 0), "right", "center")]


def _place_labels(ax: Axes, table: pd.DataFrame, *, k: int) -> None:
    """Label the points (all, or the k farthest from the centre), each where it overlaps least.

    Greedy: points in order of distance from the centre, each label put at the first of eight
    spots around its point that overlaps no earlier label and no point, else at the spot
    with the least overlap.
    """
    xy = table[["x", "y"]].to_numpy(dtype=float)
    far = np.hypot(*(xy - xy.mean(axis=0)).T)
    order = np.lexsort((table["_k"].to_numpy(), -far))
    if len(order) > k:
        order = order[:k]
    fig = ax.figure
    fig.canvas.draw()  # fixes the limits and layout that the positions depend on
    # extents below are measured with the renderer of that draw (the figure keeps it)
    pts = ax.transData.transform(xy)
    r = 5 * fig.dpi / 72  # about a marker's radius, in pixels
    obstacles = [Bbox.from_extents(px - r, py - r, px + r, py + r) for px, py in pts]
    legend = ax.get_legend()
    if legend is not None:
        obstacles.append(legend.get_window_extent())
    frame = ax.get_window_extent()
    names = table["_k"].to_numpy()
    for i in order:
        best: tuple[float, Annotation, Bbox] | None = None
        for offset, ha, va in _SPOTS:
            text = ax.annotate(names[i], xy[i], xytext=offset, textcoords="offset points", ha=ha,
                               va=va, fontsize=8, zorder=4)
            box = text.get_window_extent()
            # a label sticking out of the axes counts as overlapping by the part outside
            clash = box.width * box.height - _overlap(box, frame)
            clash += sum(_overlap(box, o) for j, o in enumerate(obstacles) if j != i)
            if best is None or clash < best[0]:
                if best is not None:
                    best[1].remove()
                best = (clash, text, box)
            else:
                text.remove()
            if clash == 0:
                break
        if best is not None:
            obstacles.append(best[2])


def _overlap(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


# ---------------------------------------------------------------------------------------------

def _figure_width(ax: Axes) -> float:
    """Width in inches of the figure that holds ``ax`` (the whole figure, for a subfigure)."""
    fig = ax.get_figure(root=True)
    if fig is None:
        raise ValueError("the axes belong to no figure")
    return float(fig.get_size_inches()[0])


def _source(source: str | None, extra: str) -> str:
    if source:
        return source
    return f"{DEFAULT_SOURCE}; {extra}" if extra else DEFAULT_SOURCE


def _label(by: object) -> str:
    return str(by).replace("_", " ").capitalize()


def _plural(by: object) -> str:
    word = str(by).replace("_", " ")
    return word if word.endswith("s") else word + "s"
