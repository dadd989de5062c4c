"""Frames: each report's score on each frame, and each group's mean score with an interval."""
from __future__ import annotations

import zlib
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..common import is_missing, percentile_interval
from ..errors import DataError, Problem
from ._shared import (attach_by_report, check_count, check_table, code_ranks, codebook_records, empty_table,
                      final_rows, group_levels, group_of, group_positions, is_yes, report_ids, role_rows)

FRAME_SCORE_COLUMNS = ("report_id", "frame", "score", "n_items")
# the grouping column (``by``) comes first in every grouped table
FRAME_PROFILE_COLUMNS = ("frame", "score", "ci_low", "ci_high", "n", "note")

ONE_REPORT = "one report: no interval"
NO_REPORT = "no report scored"
NO_BOOTSTRAP = "no interval: n_boot=0"


def frame_scores(final: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Score every report on every frame: the mean of the frame's coded items, from 0 to 1.

    Parameters
    ----------
    final : DataFrame
        Consolidated codes, one row per report and variable: ``report_id, variable, value``.
        NaN values (unresolved, not coded) are skipped. Rows of other variables are ignored.
    codebook : DataFrame
        ``variable, level, role, codes, frame, reverse, yes_code``. Items are the rows of role
        ``frame_item``; a nominal item needs its ``yes_code``, an ordinal item two or more codes.

    Returns
    -------
    DataFrame
        ``FRAME_SCORE_COLUMNS``: ``report_id, frame, score, n_items``; one row for every report
        in ``final`` and every frame that has items, sorted by report_id, then frame in codebook
        order. ``score`` is in [0, 1], NaN when no item of the frame was coded for the report;
        ``n_items`` counts the items used.

    Raises
    ------
    DataError
        A value that is not one of the item's codes, or an item that cannot be scored.

    Notes
    -----
    Item value :math:`x_{ri}` of report *r* on item *i*:

    - yes/no item: :math:`x = 1` for the ``yes_code``, 0 for any other code;
    - ordinal item with codes :math:`c_0 < \\dots < c_{k-1}`: :math:`x = \\mathrm{rank}/(k-1)`;
    - reverse item (``reverse`` true: "yes" means the frame is absent): :math:`1 - x`.

    The frame score is :math:`s_{rf} = \\frac{1}{|I_{rf}|}\\sum_{i \\in I_{rf}} x_{ri}`, where
    :math:`I_{rf}` are the items of frame *f* coded for report *r*. Semetko and Valkenburg (2000)
    score each frame as the mean of its yes (1) / no (0) items, which gives a scale from 0 (no
    item present) to 1 (every item present); ordinal and reverse items extend it in the usual
    way for summated scales. Skipping missing items, rather than counting them as "no", keeps an
    unresolved judgement from lowering a score; ``n_items`` shows how many items a score rests on.

    References
    ----------
    Semetko, H. A., & Valkenburg, P. M. (2000). Framing European politics: A content analysis of
    press and television news. *Journal of Communication*, 50(2), 93-109.
    https://doi.org/10.1111/j.1460-2466.2000.tb02843.x
    """
    items = role_rows(codebook, "frame_item", ("frame", "reverse", "yes_code"))
    rows = final_rows(final, items["variable"])
    reports = report_ids(final)
    frames = list(dict.fromkeys(items["frame"]))
    if not frames or not len(reports):
        return empty_table(FRAME_SCORE_COLUMNS, {"score": float, "n_items": "int64"})
    grid = pd.MultiIndex.from_product([reports, frames], names=["report_id", "frame"])
    agg = _item_means(rows, items, grid)
    out = pd.DataFrame({
        "report_id": grid.get_level_values(0), "frame": grid.get_level_values(1),
        "score": agg["mean"].to_numpy(dtype=float),
        "n_items": agg["size"].fillna(0).to_numpy().astype("int64"),
    })
    return out[list(FRAME_SCORE_COLUMNS)]


def _item_means(rows: dict[str, pd.DataFrame], items: pd.DataFrame, grid: pd.MultiIndex) -> pd.DataFrame:
    """Mean and number of the coded item values of every report and frame of ``grid``."""
    parts = []
    for var in codebook_records(items):
        sub = rows.get(var.variable)
        if sub is None:
            continue
        x = _item_values(sub, var)
        parts.append(pd.DataFrame({"report_id": sub["report_id"].to_numpy(), "frame": var.frame, "x": x}))
    if not parts:
        return pd.DataFrame({"mean": np.nan, "size": np.nan}, index=grid)
    long = pd.concat(parts, ignore_index=True)
    long = long[long["x"].notna()]
    agg = long.groupby(["report_id", "frame"], sort=False, observed=True)["x"].agg(["mean", "size"])
    return agg.reindex(grid)


def _item_values(sub: pd.DataFrame, var: SimpleNamespace) -> np.ndarray:
    """A frame item's values on [0, 1] (Notes of frame_scores)."""
    if var.level == "ordinal":
        k = len(var.codes)
        if k < 2:
            raise DataError(Problem("codebook", f"ordinal frame item {var.variable} has {k} code(s)",
                                    column="codes", accepted="two or more codes, lowest to highest"))
        x = code_ranks(sub, var) / (k - 1)
    elif var.level == "nominal":
        x = is_yes(sub, var)
    else:
        raise DataError(Problem("codebook", f"frame item {var.variable} is {var.level}", column="level",
                                value=var.level, accepted="a yes/no (nominal) or ordinal item"))
    # reverse item: "yes" means the frame is absent
    return 1.0 - x if (not is_missing(var.reverse) and bool(var.reverse)) else x


def frame_profile(scores: pd.DataFrame, reports: pd.DataFrame, *, by: str = "outlet", n_boot: int = 2000,
                  ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Mean frame score per group of reports, with a percentile bootstrap interval.

    Parameters
    ----------
    scores : DataFrame
        ``report_id, frame, score`` (the result of :func:`frame_scores`); NaN scores are left out.
    reports : DataFrame
        ``report_id`` and the column named by ``by``; every report of ``scores`` must be in it.
    by : str, default "outlet"
        The column of ``reports`` to group by (outlet, outlet_country, outlet_type, wire, ...).
    n_boot : int, default 2000
        Bootstrap resamples; 0 gives no interval.
    ci : float, default 0.95
        Coverage of the interval, strictly between 0 and 1.
    seed : int, default 0
        Seed of the bootstrap. Each (group, frame) draws from its own stream, derived from the
        seed and the two names, so an interval does not change when other groups are added.

    Returns
    -------
    DataFrame
        ``<by>, frame, score, ci_low, ci_high, n, note``, one row per group and frame, sorted by
        group (missing last), then frame name. ``score`` is the mean over the group's ``n``
        scored reports; ``ci_low, ci_high`` the interval (NaN when ``n < 2`` or ``n_boot = 0``);
        ``note`` says why an interval or score is missing (``ONE_REPORT``, ``NO_REPORT``,
        ``NO_BOOTSTRAP``), else "".

    Notes
    -----
    The report is the resampling unit: each resample draws :math:`n` of the group's :math:`n`
    scored reports with replacement and takes the mean; the interval is the
    :math:`(1-\\mathrm{ci})/2` and :math:`(1+\\mathrm{ci})/2` quantiles of the resampled means
    (percentile interval, Efron & Tibshirani 1993, ch. 13; quantiles by linear interpolation,
    Hyndman & Fan 1996 type 7). With few reports the interval is narrow and too optimistic; with
    one report there is nothing to resample.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages. *The American
    Statistician*, 50(4), 361-365.
    """
    n_boot = check_count(n_boot, "n_boot")
    seed = check_count(seed, "seed")
    if isinstance(ci, bool) or not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise ValueError(f"ci must be a number strictly between 0 and 1, such as 0.95, not {ci!r}")
    table = _grouped_scores(scores, reports, by)
    columns = (by,) + FRAME_PROFILE_COLUMNS
    if not len(table):
        return empty_table(columns, {"score": float, "ci_low": float, "ci_high": float, "n": "int64"})
    levels = group_levels(table["_group"])
    table["_g"] = group_positions(table["_group"], levels)
    frames = sorted(pd.unique(table["frame"]), key=str)
    # sort so that a resample draws the same reports whatever the input row order
    table = table.sort_values(["_g", "frame", "report_id"], kind="stable")
    by_cell = {key: part["score"].to_numpy()
               for key, part in table.groupby(["_g", "frame"], sort=False, observed=True)}
    out = [{by: level, **_profile_cell(by_cell[(g, frame)], level=level, frame=frame,
                                       n_boot=n_boot, ci=ci, seed=seed)}
           for g, level in enumerate(levels) for frame in frames if (g, frame) in by_cell]
    profile = pd.DataFrame(out, columns=list(columns))
    profile["n"] = profile["n"].astype("int64")
    return profile


def _grouped_scores(scores: pd.DataFrame, reports: pd.DataFrame, by: str) -> pd.DataFrame:
    """``report_id, frame, score, _group``: checked scores with the group of their report."""
    check_table(scores, ("report_id", "frame", "score"), "scores")
    group = group_of(reports, by, reserved=FRAME_PROFILE_COLUMNS)
    table = scores.assign(report_id=scores["report_id"].astype(str))[["report_id", "frame", "score"]]
    dup = table.duplicated(["report_id", "frame"])
    if dup.any():
        first = table[dup].iloc[0]
        raise DataError(Problem("scores", f"report {first['report_id']} has two scores for frame "
                                f"{first['frame']}", column="frame",
                                accepted="one row per report and frame (the result of frame_scores)"))
    table = attach_by_report(table, group, "scores")
    table["score"] = pd.to_numeric(table["score"], errors="coerce").astype(float)
    return table


def _profile_cell(x: np.ndarray, *, level: object, frame: object, n_boot: int, ci: float,
                  seed: int) -> dict[str, object]:
    """``frame, score, ci_low, ci_high, n, note`` of one group and frame from its scores ``x``."""
    x = x[~np.isnan(x)]
    row: dict[str, object] = {"frame": frame, "score": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                              "n": len(x), "note": ""}
    if len(x) == 0:
        row["note"] = NO_REPORT
        return row
    row["score"] = float(x.mean())
    if len(x) == 1:
        row["note"] = ONE_REPORT
    elif n_boot == 0:
        row["note"] = NO_BOOTSTRAP
    else:
        rng = np.random.default_rng([seed, zlib.crc32(f"{level}\x1f{frame}".encode())])
        row["ci_low"], row["ci_high"] = _bootstrap_mean(x, n_boot=n_boot, ci=ci, rng=rng)
    return row


def _bootstrap_mean(x: np.ndarray, *, n_boot: int, ci: float, rng: np.random.Generator) -> tuple[float, float]:
    """Percentile interval of the mean: all resamples drawn at once, (n_boot, n) indices."""
    draws = rng.integers(0, len(x), size=(n_boot, len(x)))
    low, high = percentile_interval(x[draws].mean(axis=1), level=ci)
    return float(low), float(high)
