"""Sources: whom each group of reports quoted, and how evenly it spread its quotes."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._shared import group_of, in_group, role_rows, yes_no_values

SOURCE_MIX_COLUMNS = ("source", "n", "share")
SOURCE_DIVERSITY_COLUMNS = ("entropy", "n_sources", "n_reports")


def source_mix(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *,
               by: str = "outlet") -> pd.DataFrame:
    """Whom each group of reports quoted: counts and shares of the quoted sources.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value``.
    codebook : DataFrame
        ``variable, level, role, codes, yes_code, source``; sources are the yes/no rows of role
        ``source``, each naming who is quoted.
    reports : DataFrame
        ``report_id`` and the column named by ``by``.
    by : str, default "outlet"

    Returns
    -------
    DataFrame
        ``<by>, source, n, share``, one row for every group and every source (n may be 0),
        sorted by group (missing last), then source in codebook order. ``n`` counts the group's
        reports that quote the source; ``share`` is ``n`` over all quotes of the group (the sum
        of ``n``), so shares sum to 1 per group; NaN for a group whose reports quote no source.

    Notes
    -----
    :math:`\\mathrm{share}_{gs} = n_{gs} / \\sum_{s'} n_{gs'}`: the unit is a quote (a report
    quoting three sources counts three times), so a report that quotes many sources weighs more
    than one that quotes one.
    """
    spec = role_rows(codebook, "source", ("yes_code", "source"))
    group = group_of(reports, by, reserved=SOURCE_MIX_COLUMNS)
    quotes = yes_no_values(final, spec, "source", group)
    return _source_counts(quotes, list(spec["source"]), by)


def source_diversity(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *,
                     by: str = "outlet") -> pd.DataFrame:
    """How evenly each group of reports spreads its quotes over the sources: Shannon entropy.

    Parameters
    ----------
    final, codebook, reports, by
        As for :func:`source_mix`.

    Returns
    -------
    DataFrame
        ``<by>, entropy, n_sources, n_reports``, one row per group, sorted (missing last).
        ``entropy`` is in bits (NaN when the group quotes no source); ``n_sources`` counts the
        sources quoted at least once; ``n_reports`` the group's reports coded on a source.

    Notes
    -----
    With :math:`p_s` the share of source *s* in the group's quotes (:func:`source_mix`),
    :math:`H = -\\sum_{s: p_s > 0} p_s \\log_2 p_s` (Shannon 1948). :math:`H = 0` when a group
    quotes one source only and :math:`H = \\log_2 S` when it quotes all *S* sources equally; it
    measures spread over the codebook's sources, not whether the sources disagree.

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical
    Journal*, 27(3), 379-423. https://doi.org/10.1002/j.1538-7305.1948.tb01338.x
    """
    spec = role_rows(codebook, "source", ("yes_code", "source"))
    group = group_of(reports, by, reserved=SOURCE_DIVERSITY_COLUMNS)
    quotes = yes_no_values(final, spec, "source", group)
    mix = _source_counts(quotes, list(spec["source"]), by)
    levels = quotes.attrs["levels"]
    n_reports = quotes.groupby("_g", sort=True, observed=True)["report_id"].nunique()
    rows = []
    for g, level in enumerate(levels):
        if g not in n_reports.index:
            continue
        p = mix.loc[in_group(mix[by], level), "share"].to_numpy(dtype=float)
        counts = mix.loc[in_group(mix[by], level), "n"].to_numpy()
        rows.append({by: level, "entropy": _entropy_bits(p), "n_sources": int((counts > 0).sum()),
                     "n_reports": int(n_reports[g])})
    out = pd.DataFrame(rows, columns=[by, *SOURCE_DIVERSITY_COLUMNS])
    out["entropy"] = out["entropy"].astype(float)
    out["n_sources"] = out["n_sources"].astype("int64")
    out["n_reports"] = out["n_reports"].astype("int64")
    return out


def _source_counts(quotes: pd.DataFrame, sources: Sequence[object], by: str) -> pd.DataFrame:
    """``<by>, source, n, share`` for every group and source, from the yes/no ``quotes``."""
    levels = quotes.attrs["levels"]
    agg = quotes.groupby(["_g", "_order"], observed=True)["x"].sum()
    grid = pd.MultiIndex.from_product([range(len(levels)), range(len(sources))], names=["_g", "_order"])
    n = agg.reindex(grid).fillna(0).to_numpy().astype("int64")
    out = pd.DataFrame({by: [levels[g] for g in grid.get_level_values(0)],
                        "source": [sources[k] for k in grid.get_level_values(1)], "n": n,
                        "_g": grid.get_level_values(0)})
    total = out.groupby("_g", observed=True)["n"].transform("sum").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(total > 0, out["n"] / np.where(total > 0, total, 1), np.nan)
    return out[[by, *SOURCE_MIX_COLUMNS]]


def _entropy_bits(p: np.ndarray) -> float:
    """Shannon entropy in bits of the shares ``p`` (NaN and 0 shares left out); NaN if none."""
    p = p[~np.isnan(p)]
    p = p[p > 0]
    if not len(p):
        return np.nan
    return float(-(p * np.log2(p)).sum()) + 0.0   # + 0.0 turns -0.0 into 0.0
