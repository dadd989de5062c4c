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
"""
from __future__ import annotations

import zlib
from types import SimpleNamespace

import numpy as np
import pandas as pd

from .errors import DataError, Problem
from .sample import time_known
from .common import is_missing, is_blank

FRAME_SCORE_COLUMNS = ("report_id", "frame", "score", "n_items")
# the grouping column (``by``) comes first in every grouped table
FRAME_PROFILE_COLUMNS = ("frame", "score", "ci_low", "ci_high", "n", "note")
CLAIM_STANCE_COLUMNS = ("report_id", "outlet", "published", "variable", "value", "evidence")
CONTRADICTION_COLUMNS = (
    "variable", "report_a", "outlet_a", "published_a", "value_a", "evidence_a",
    "report_b", "outlet_b", "published_b", "value_b", "evidence_b",
)
TIMELINE_COLUMNS = ("variable", "variable_label", "value", "value_label", "first_published",
                    "first_time_known", "first_report", "first_outlet", "n_reports", "outlets_in_order")
LABEL_SHARE_COLUMNS = ("variable", "referent", "code", "n", "share")  # by after referent
LABEL_DISTRIBUTION_COLUMNS = ("variable", "referent", "code", "n", "share")
FIGURE_DEVIATION_COLUMNS = ("report_id", "outlet", "variable", "figure", "cited", "reference",
                            "abs_dev", "rel_dev", "attribution", "published", "published_time_known",
                            "reference_source", "reference_as_of")
FIGURE_SPREAD_COLUMNS = ("variable", "figure", "reference", "n", "n_outlets", "min", "median",
                         "max", "iqr", "n_distinct", "n_exact", "n_attributions", "n_before_reference")
FACT_MATRIX_COLUMNS = ("fact", "reported", "n", "n_not_yet")
COMPLETENESS_COLUMNS = ("completeness", "n_facts", "n", "n_not_yet")
SOURCE_MIX_COLUMNS = ("source", "n", "share")
SOURCE_DIVERSITY_COLUMNS = ("entropy", "n_sources", "n_reports")

ONE_REPORT = "one report: no interval"
NO_REPORT = "no report scored"
NO_BOOTSTRAP = "no interval: n_boot=0"

_FINAL_COLUMNS = ("report_id", "variable", "value")
_CODEBOOK_COLUMNS = ("variable", "level", "role", "codes")


# ---------------------------------------------------------------------------------------------
# 1. frames
# ---------------------------------------------------------------------------------------------

def frame_scores(final, codebook):
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
    items = _role_rows(codebook, "frame_item", ("frame", "reverse", "yes_code"))
    rows = _final_rows(final, items["variable"])
    reports = _report_ids(final)
    frames = list(dict.fromkeys(items["frame"]))
    if not frames or not len(reports):
        return _empty(FRAME_SCORE_COLUMNS, {"score": float, "n_items": "int64"})
    parts = []
    for var in _records(items):
        sub = rows.get(var.variable)
        if sub is None:
            continue
        x = _item_values(sub, var)
        parts.append(pd.DataFrame({"report_id": sub["report_id"].to_numpy(), "frame": var.frame, "x": x}))
    grid = pd.MultiIndex.from_product([reports, frames], names=["report_id", "frame"])
    if parts:
        long = pd.concat(parts, ignore_index=True)
        long = long[long["x"].notna()]
        agg = long.groupby(["report_id", "frame"], sort=False, observed=True)["x"].agg(["mean", "size"])
        agg = agg.reindex(grid)
    else:
        agg = pd.DataFrame({"mean": np.nan, "size": np.nan}, index=grid)
    out = pd.DataFrame({
        "report_id": grid.get_level_values(0), "frame": grid.get_level_values(1),
        "score": agg["mean"].to_numpy(dtype=float),
        "n_items": agg["size"].fillna(0).to_numpy().astype("int64"),
    })
    return out[list(FRAME_SCORE_COLUMNS)]


def frame_profile(scores, reports, *, by="outlet", n_boot=2000, ci=0.95, seed=0):
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
    n_boot = _check_count(n_boot, "n_boot")
    seed = _check_count(seed, "seed")
    if isinstance(ci, bool) or not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise ValueError(f"ci must be a number strictly between 0 and 1, such as 0.95, not {ci!r}")
    _check_table(scores, ("report_id", "frame", "score"), "scores")
    group = _group_of(reports, by, reserved=FRAME_PROFILE_COLUMNS)
    table = scores.assign(report_id=scores["report_id"].astype(str))[["report_id", "frame", "score"]]
    dup = table.duplicated(["report_id", "frame"])
    if dup.any():
        first = table[dup].iloc[0]
        raise DataError(Problem("scores", f"report {first['report_id']} has two scores for frame "
                                f"{first['frame']}", column="frame",
                                accepted="one row per report and frame (the result of frame_scores)"))
    table = _attach(table, group, "scores")
    table["score"] = pd.to_numeric(table["score"], errors="coerce").astype(float)
    columns = (by,) + FRAME_PROFILE_COLUMNS
    if not len(table):
        return _empty(columns, {"score": float, "ci_low": float, "ci_high": float, "n": "int64"})
    levels = _levels(table["_group"])
    table["_g"] = _positions(table["_group"], levels)
    frames = sorted(pd.unique(table["frame"]), key=str)
    out = []
    # sort so that a resample draws the same reports whatever the input row order
    table = table.sort_values(["_g", "frame", "report_id"], kind="stable")
    by_cell = {key: part["score"].to_numpy() for key, part in table.groupby(["_g", "frame"], sort=False, observed=True)}
    for g, level in enumerate(levels):
        for frame in frames:
            if (g, frame) not in by_cell:
                continue
            x = by_cell[(g, frame)]
            x = x[~np.isnan(x)]
            row = {by: level, "frame": frame, "score": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                   "n": len(x), "note": ""}
            if len(x) == 0:
                row["note"] = NO_REPORT
            else:
                row["score"] = float(x.mean())
                if len(x) == 1:
                    row["note"] = ONE_REPORT
                elif n_boot == 0:
                    row["note"] = NO_BOOTSTRAP
                else:
                    rng = np.random.default_rng([seed, zlib.crc32(f"{level}\x1f{frame}".encode())])
                    row["ci_low"], row["ci_high"] = _bootstrap_mean(x, n_boot=n_boot, ci=ci, rng=rng)
            out.append(row)
    frame_out = pd.DataFrame(out, columns=list(columns))
    frame_out["n"] = frame_out["n"].astype("int64")
    return frame_out


# ---------------------------------------------------------------------------------------------
# 2. claims
# ---------------------------------------------------------------------------------------------

def claim_stances(final, codebook, reports):
    """Each report's coded stance on each claim, with its outlet and time.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value[, evidence]``.
    codebook : DataFrame
        ``variable, level, role, codes``; claims are the rows of role ``claim``.
    reports : DataFrame
        ``report_id, outlet, published``.

    Returns
    -------
    DataFrame
        ``CLAIM_STANCE_COLUMNS``: ``report_id, outlet, published, variable, value, evidence``,
        one row per report and claim variable with a coded value (NaN values, i.e. unresolved or
        not coded, are left out), sorted by variable in codebook order, then published (missing
        last), then report_id. ``evidence`` is NaN when ``final`` has no evidence column.
    """
    claims = _role_rows(codebook, "claim")
    return _stances(final, claims, reports)[list(CLAIM_STANCE_COLUMNS)].reset_index(drop=True)


def contradictions(final, codebook, reports):
    """Every pair of reports whose stances on a claim cannot both be true.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value[, evidence]``.
    codebook : DataFrame
        ``variable, level, role, codes, contradicts``; ``contradicts`` of a claim lists pairs of
        its codes that exclude each other, e.g. ``(("asserted", "denied"),)``.
    reports : DataFrame
        ``report_id, outlet, published``.

    Returns
    -------
    DataFrame
        ``CONTRADICTION_COLUMNS``: ``variable``, then ``report, outlet, published, value,
        evidence`` of report a and of report b. Each unordered pair of reports appears once per
        variable; report a is the one published first (on a tie, the smaller report_id; a
        missing time counts as latest), so that b is the report that contradicted an earlier
        one. Sorted by variable in codebook order, then report a's and report b's time and id.

    Notes
    -----
    A pair listed twice in ``contradicts`` (in either order) counts once. Which report is a
    depends on ``published``; a date without a clock time counts as 00:00 UTC (see
    :func:`claim_timeline`). Two reports of the
    same outlet can contradict each other (an outlet changing its account); filter on
    ``outlet_a != outlet_b`` to keep only contradictions between outlets.
    """
    claims = _role_rows(codebook, "claim", ("contradicts",))
    stances = _stances(final, claims, reports)
    # a position in time order: report a is the earlier of the pair
    stances["_pos"] = np.arange(len(stances))
    keep = ["report_id", "outlet", "published", "value", "evidence", "_pos"]
    parts = []
    for order, var in enumerate(_records(claims)):
        rank = {c: i for i, c in enumerate(var.codes)}
        pairs = sorted({tuple(sorted(p, key=rank.__getitem__)) for p in _pairs(var)},
                       key=lambda p: (rank[p[0]], rank[p[1]]))
        mine = stances[stances["variable"] == var.variable]
        for one, two in pairs:
            a = mine.loc[mine["value"] == one, keep]
            b = mine.loc[mine["value"] == two, keep]
            if not len(a) or not len(b):
                continue
            both = a.merge(b, how="cross", suffixes=("_1", "_2"))
            swap = (both["_pos_1"] > both["_pos_2"]).to_numpy()
            part = {"variable": var.variable, "_order": order}
            for col in keep:
                first, second = both[f"{col}_1"].to_numpy(dtype=object), both[f"{col}_2"].to_numpy(dtype=object)
                part[f"{col}_a"] = np.where(swap, second, first)
                part[f"{col}_b"] = np.where(swap, first, second)
            parts.append(pd.DataFrame(part))
    if not parts:
        empty = _empty(CONTRADICTION_COLUMNS, {})
        for side in ("a", "b"):
            empty[f"published_{side}"] = stances["published"].iloc[:0].to_numpy()
        return empty
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["_order", "_pos_a", "_pos_b"], kind="stable")
    out = out.rename(columns={"report_id_a": "report_a", "report_id_b": "report_b"})
    for side in ("a", "b"):
        out[f"published_{side}"] = out[f"published_{side}"].astype(stances["published"].dtype)
    return out[list(CONTRADICTION_COLUMNS)].reset_index(drop=True)


def claim_timeline(final, codebook, reports, *, variable=None, values=None, all_codes=False):
    """When each stance on a claim first appeared, who published it first and who followed.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value``.
    codebook : DataFrame
        ``variable, level, role, codes, contradicts`` (and ``label``, used when present); claims
        are the rows of role ``claim``.
    reports : DataFrame
        ``report_id, outlet, published`` and, optionally, ``published_time_known``.
    variable : str, optional
        One claim variable; default every claim.
    values : DataFrame, optional
        Value labels ``variable, code, label`` (``Event.values``); default the codes as text.
    all_codes : bool, default False
        Keep every coded value, not only the claim codes.

    Returns
    -------
    DataFrame
        ``TIMELINE_COLUMNS``: ``variable, variable_label, value, value_label, first_published,
        first_time_known, first_report, first_outlet, n_reports, outlets_in_order``: one row per
        claim variable and claim code that some report carries (NaN values are left out),
        sorted by variable, then code, in codebook order. ``first_time_known`` is False when the
        first report gave a date only: ``first_published`` is then 00:00 UTC of that date and
        stands for the whole day. ``outlets_in_order`` is a tuple of the outlets that carried
        the stance, each once, in the order of their first report with it.

    Notes
    -----
    A *claim code* is a code that appears in one of the variable's ``contradicts`` pairs: a
    stance that excludes another (``asserted`` against ``denied``). Codes outside every pair
    (``not_addressed``, ``none``, "both accounts given") say that no such stance was taken and
    are left out unless ``all_codes``; a claim without ``contradicts`` keeps all its codes.

    Reports published at the same time are ordered by report_id; a report with no time comes
    last. A report that gave a date only counts from 00:00 UTC of that date, so it comes before
    the reports with a clock time on that day: the first report on a day with both kinds is then
    one of unknown time (``first_time_known`` False), since it may have come first. Order within
    a day is therefore known only among reports with clock times.
    """
    claims = _role_rows(codebook, "claim")
    if variable is not None:
        names = claims["variable"].tolist()
        if variable not in names:
            raise ValueError(f"variable {variable!r} is not a claim of the codebook; claims: "
                             f"{', '.join(map(str, names)) or 'none'}")
        claims = claims[claims["variable"] == variable].reset_index(drop=True)
    stances = _stances(final, claims, reports)
    known = pd.Series(time_known(reports), index=reports["report_id"].astype(str).to_numpy())
    known = known[~known.index.duplicated()]
    labels = {} if values is None else {(v, c): lab for v, c, lab in
                                        zip(values["variable"], values["code"], values["label"])}
    rows = []
    for order, var in enumerate(_records(claims)):
        part_v = stances[stances["variable"] == var.variable]
        shown = {c for p in _pairs(var) for c in p} if "contradicts" in claims.columns else set()
        rank = {c: i for i, c in enumerate(var.codes)}
        for value, part in part_v.groupby("value", sort=False, observed=True):
            if shown and not all_codes and value not in shown:
                continue
            first = part.iloc[0]   # stances are in time order
            rows.append({"variable": var.variable, "variable_label": _text_or(getattr(var, "label", None), var.variable),
                         "value": value, "value_label": _text_or(labels.get((var.variable, value)), value),
                         "first_published": first["published"],
                         "first_time_known": bool(known.get(str(first["report_id"]), True)),
                         "first_report": first["report_id"], "first_outlet": first["outlet"],
                         "n_reports": len(part),
                         "outlets_in_order": tuple(dict.fromkeys(part["outlet"].tolist())),
                         "_order": order, "_rank": rank.get(value, len(rank))})
    if not rows:
        empty = _empty(TIMELINE_COLUMNS, {"n_reports": "int64", "first_time_known": bool})
        empty["first_published"] = stances["published"].iloc[:0].to_numpy()
        return empty
    out = pd.DataFrame(rows).sort_values(["_order", "_rank"], kind="stable")
    out["first_published"] = out["first_published"].astype(stances["published"].dtype)
    out["n_reports"] = out["n_reports"].astype("int64")
    return out[list(TIMELINE_COLUMNS)].reset_index(drop=True)


def _text_or(label, default):
    return str(default) if label is None or is_blank(label) or str(label) == "" else str(label)


# ---------------------------------------------------------------------------------------------
# 3. labels
# ---------------------------------------------------------------------------------------------

def label_shares(final, codebook, reports, *, by="outlet"):
    """Which word each group of reports used for each referent: counts and shares.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value``.
    codebook : DataFrame
        ``variable, level, role, codes, referent``; label variables are the rows of role
        ``label``.
    reports : DataFrame
        ``report_id`` and the column named by ``by``.
    by : str, default "outlet"
        The column of ``reports`` to group by.

    Returns
    -------
    DataFrame
        ``variable, referent, <by>, code, n, share``: one row per label variable, group and
        code *observed* in that group (codes no report of the group used are not listed, so a
        missing row means a share of 0). ``n`` counts the group's reports coded with the code;
        ``share`` is ``n`` over the group's reports coded on the variable, so shares sum to 1
        within each variable and group. Sorted by variable in codebook order, group (missing
        last), then code in codebook order.

    Notes
    -----
    :math:`\\mathrm{share}_{gc} = n_{gc} / \\sum_{c'} n_{gc'}`, with :math:`n_{gc}` the reports of
    group *g* coded *c* on the variable. A code such as "not referred to" is a code like the
    others: its share is the share of the group's reports that avoided naming the referent. To
    compare word choice only among reports that named it, drop that code and recompute the
    shares.

    See Also
    --------
    label_distribution : the same over all reports.
    """
    labels = _role_rows(codebook, "label", ("referent",))
    group = _group_of(reports, by, reserved=LABEL_SHARE_COLUMNS)
    return _label_counts(final, labels, group, by)


def label_distribution(final, codebook):
    """Which word the reports used for each referent, over all reports.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value``.
    codebook : DataFrame
        ``variable, level, role, codes, referent``.

    Returns
    -------
    DataFrame
        ``LABEL_DISTRIBUTION_COLUMNS``: ``variable, referent, code, n, share``; one row per
        label variable and observed code, ``share`` is over all reports coded on the variable
        (sums to 1 per variable). Sorted by variable, then code, in codebook order.
    """
    labels = _role_rows(codebook, "label", ("referent",))
    rows = _final_rows(final, labels["variable"])
    ids = _report_ids(final)
    group = pd.Series("all", index=pd.Index(ids, name="report_id"), dtype=object)
    out = _label_counts(final, labels, group, "_all", rows=rows)
    return out.drop(columns="_all")[list(LABEL_DISTRIBUTION_COLUMNS)]


# ---------------------------------------------------------------------------------------------
# 4. figures
# ---------------------------------------------------------------------------------------------

def figure_deviations(final, codebook, figures, reports):
    """Each number a report cites against the reference value of event.yaml.

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value``; a figure's value is the number cited (NaN: none cited).
    codebook : DataFrame
        ``variable, level, role, codes, figure, attribution``; figures are the rows of role
        ``figure``; ``attribution`` names the nominal variable that codes whom the report
        credits with the number (None if not coded).
    figures : DataFrame
        ``id, value`` and, optionally, ``source, as_of``: the reference values and where and
        when they come from (``Event.figures``).
    reports : DataFrame
        ``report_id, outlet`` and, optionally, ``published, published_time_known``.

    Returns
    -------
    DataFrame
        ``FIGURE_DEVIATION_COLUMNS``: ``report_id, outlet, variable, figure, cited, reference,
        abs_dev, rel_dev, attribution, published, published_time_known, reference_source,
        reference_as_of``, one row per report and figure variable with a number cited, sorted
        by variable in codebook order, then report_id. ``attribution`` is the report's value of
        the attribution variable (NaN when the codebook names none, or the report was not coded
        on it). ``published`` (UTC, NaT without the column) and ``published_time_known`` (False
        for a report that gave a date only) say when the report cited the number;
        ``reference_source`` ("" when not given) and ``reference_as_of`` (a date, None when not
        given) where the reference comes from and which day it describes, so that a chart or
        table can say against what the numbers were measured.

    Notes
    -----
    ``abs_dev`` is the deviation in the figure's own unit, ``cited - reference``, and
    ``rel_dev`` the same as a fraction of the reference, ``(cited - reference) / reference``
    (NaN for a reference of 0). Both keep their sign: negative means the report cites less than
    the reference (often a rounded-down or older number), positive more. Take ``abs()`` for the
    size alone.
    """
    dev = _deviations(final, codebook, figures, reports)
    return dev[list(FIGURE_DEVIATION_COLUMNS)].reset_index(drop=True)


def figure_spread(final, codebook, figures, reports):
    """How far the numbers cited for each figure spread across reports and outlets.

    Parameters
    ----------
    final, codebook, figures, reports : DataFrame
        As for :func:`figure_deviations`.

    Returns
    -------
    DataFrame
        ``FIGURE_SPREAD_COLUMNS``, one row per figure variable in codebook order:

        - ``variable, figure, reference``;
        - ``n``: reports citing a number, ``n_outlets``: outlets among them;
        - ``min, median, max, iqr``: of the numbers cited (NaN when ``n = 0``);
        - ``n_distinct``: distinct numbers cited, ``n_exact``: reports citing the reference
          value exactly;
        - ``n_attributions``: distinct attributions coded for the numbers (0 when the codebook
          names no attribution variable for the figure);
        - ``n_before_reference``: reports citing a number that were published on a UTC day
          before the reference's ``as_of`` (0 when the figure has no ``as_of`` or reports have
          no ``published``): they could not have cited the reference, so their deviation says
          how the number moved rather than that they got it wrong.

    Notes
    -----
    The statistics are over reports, the unit of analysis; an outlet with many reports weighs
    more. ``iqr`` is :math:`Q_3 - Q_1` with quantiles by linear interpolation (Hyndman & Fan
    1996, type 7; numpy's default).

    References
    ----------
    Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages. *The American
    Statistician*, 50(4), 361-365.
    """
    dev = _deviations(final, codebook, figures, reports)
    spec = _role_rows(codebook, "figure", ("figure", "attribution"))
    ref = _reference_values(figures, spec)
    rows = []
    for var in _records(spec):
        part = dev[dev["variable"] == var.variable]
        cited = part["cited"].to_numpy(dtype=float)
        row = {"variable": var.variable, "figure": var.figure, "reference": ref[var.figure],
               "n": len(cited), "n_outlets": int(part["outlet"].nunique(dropna=False)),
               "min": np.nan, "median": np.nan, "max": np.nan, "iqr": np.nan,
               "n_distinct": int(len(np.unique(cited))),
               "n_exact": int((cited == ref[var.figure]).sum()),
               "n_attributions": int(part["attribution"].nunique()),
               "n_before_reference": _n_before(part)}
        if len(cited):
            q1, q3 = np.quantile(cited, [0.25, 0.75])
            row.update({"min": float(cited.min()), "median": float(np.median(cited)),
                        "max": float(cited.max()), "iqr": float(q3 - q1)})
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(FIGURE_SPREAD_COLUMNS))
    for col in ("n", "n_outlets", "n_distinct", "n_exact", "n_attributions", "n_before_reference"):
        out[col] = out[col].astype("int64")
    for col in ("reference", "min", "median", "max", "iqr"):
        out[col] = out[col].astype(float)
    return out


def _n_before(part):
    """Reports of ``part`` (deviations of one figure) published on a UTC day before its as_of."""
    if not len(part) or is_missing(part["reference_as_of"].iloc[0]):
        return 0
    day = pd.Timestamp(part["reference_as_of"].iloc[0])
    day = (day.tz_localize("UTC") if day.tzinfo is None else day.tz_convert("UTC")).floor("D")
    published = pd.to_datetime(pd.Series(part["published"].to_numpy(dtype=object), dtype=object), utc=True,
                               format="ISO8601")
    return int((published.dt.floor("D") < day).sum())


# ---------------------------------------------------------------------------------------------
# 5. facts and sources
# ---------------------------------------------------------------------------------------------

def fact_matrix(final, codebook, reports, *, by="outlet", facts=None):
    """Which facts each group of reports mentioned (and so, which it left out).

    Parameters
    ----------
    final : DataFrame
        ``report_id, variable, value``.
    codebook : DataFrame
        ``variable, level, role, codes, yes_code, fact``; facts are the yes/no rows of role
        ``fact``, each naming a fact id of event.yaml.
    reports : DataFrame
        ``report_id`` and the column named by ``by``; with ``facts``, also ``published`` (UTC)
        and, optionally, ``published_time_known``.
    by : str, default "outlet"
    facts : DataFrame, optional
        ``id, as_of`` and, optionally, ``as_of_time_known`` (``Event.facts``): when each fact
        became knowable. A report published before it is *not yet possible* for that fact and
        is left out of that fact's cell (see Notes). Default: every report could mention every
        fact.

    Returns
    -------
    DataFrame
        ``<by>, fact, reported, n, n_not_yet``: one row for every group and every fact (a full
        matrix, so an omission shows as ``reported = 0``), sorted by group (missing last), then
        fact in codebook order. ``reported`` is the share of the group's ``n`` reports coded on
        the fact (and published once it was knowable) that mention it, NaN when ``n = 0``;
        ``n_not_yet`` counts the group's reports coded on the fact that were left out because
        they were published before its ``as_of`` (0 without ``facts``).

    Notes
    -----
    :math:`\\mathrm{reported}_{gf} = \\frac{1}{n_{gf}}\\sum_{r} m_{rf}` over the :math:`n_{gf}`
    reports of group *g* coded on fact *f* and published at or after its ``as_of``, with
    :math:`m_{rf} = 1` if report *r* mentions the fact (its ``yes_code``) and 0 otherwise. An
    unresolved code is not counted as an omission.

    *Not yet possible* is decided at the precision both times are known. When the report and
    the fact both have a clock time, the report is not yet possible if it was published
    strictly before ``as_of``. When either gives a date only, the two UTC days are compared: an
    earlier day is not yet possible, a later day is possible, and the same day is of unknown
    order and counted as possible (the report is held to the fact), so that a missing time of
    day never hides an omission. A report with no ``published`` time, and a fact with no
    ``as_of``, are always possible. A report before ``as_of`` that was nonetheless coded as
    mentioning the fact is left out too (the ``as_of`` or the code is worth checking).
    """
    spec = _role_rows(codebook, "fact", ("yes_code", "fact"))
    group = _group_of(reports, by, reserved=FACT_MATRIX_COLUMNS)
    mentions, early = _split_not_yet(_yes_no(final, spec, "fact", group), spec, reports, facts)
    keys = list(spec["fact"])
    out = _group_key_matrix(mentions, keys, by, "fact", "reported")
    counts = early.groupby(["_g", "_order"], observed=True).size()
    grid = pd.MultiIndex.from_product([range(len(mentions.attrs["levels"])), range(len(keys))])
    out["n_not_yet"] = counts.reindex(grid).fillna(0).to_numpy().astype("int64")
    return out[[by, *FACT_MATRIX_COLUMNS]]


def completeness(final, codebook, reports, *, by="outlet", facts=None):
    """How many of the event's facts a group's reports mention, on average.

    Parameters
    ----------
    final, codebook, reports, by, facts
        As for :func:`fact_matrix`.

    Returns
    -------
    DataFrame
        ``<by>, completeness, n_facts, n, n_not_yet``, one row per group, sorted (missing
        last). ``completeness`` in [0, 1] is the mean over the group's ``n`` reports (those
        coded on at least one fact they could mention) of the share of those facts each report
        mentions; ``n_facts`` is the number of facts in the codebook; ``n_not_yet`` counts the
        group's reports published before the ``as_of`` of at least one fact they were coded on
        (each is judged on fewer facts; one that could mention none is left out of ``n``).

    Notes
    -----
    Report *r* coded on the facts :math:`F_r` that it could mention (published at or after
    their ``as_of``; the rule of :func:`fact_matrix`) has completeness
    :math:`c_r = \\frac{1}{|F_r|}\\sum_{f \\in F_r} m_{rf}` (:math:`m = 1` if mentioned, else 0);
    a group's completeness is :math:`\\bar c = \\frac{1}{n}\\sum_r c_r`. When every report is
    coded on every fact and could mention all of them, this equals the mean of the group's
    ``reported`` column in :func:`fact_matrix`. A group whose every report came before the
    facts it was coded on has no row.
    """
    spec = _role_rows(codebook, "fact", ("yes_code", "fact"))
    group = _group_of(reports, by, reserved=COMPLETENESS_COLUMNS)
    mentions, early = _split_not_yet(_yes_no(final, spec, "fact", group), spec, reports, facts)
    per_report = mentions.groupby(["_g", "report_id"], sort=True, observed=True)["x"].mean().reset_index()
    agg = per_report.groupby("_g", sort=True, observed=True)["x"].agg(["mean", "size"])
    n_early = early.groupby("_g", observed=True)["report_id"].nunique()
    levels = mentions.attrs["levels"]
    out = pd.DataFrame({by: [levels[g] for g in agg.index], "completeness": agg["mean"].to_numpy(float),
                        "n_facts": len(spec), "n": agg["size"].to_numpy(),
                        "n_not_yet": n_early.reindex(agg.index).fillna(0).to_numpy()})
    for col in ("n_facts", "n", "n_not_yet"):
        out[col] = out[col].astype("int64")
    return out[[by, *COMPLETENESS_COLUMNS]]


def source_mix(final, codebook, reports, *, by="outlet"):
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
    spec = _role_rows(codebook, "source", ("yes_code", "source"))
    group = _group_of(reports, by, reserved=SOURCE_MIX_COLUMNS)
    quotes = _yes_no(final, spec, "source", group)
    return _source_counts(quotes, list(spec["source"]), by)


def source_diversity(final, codebook, reports, *, by="outlet"):
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
    spec = _role_rows(codebook, "source", ("yes_code", "source"))
    group = _group_of(reports, by, reserved=SOURCE_DIVERSITY_COLUMNS)
    quotes = _yes_no(final, spec, "source", group)
    mix = _source_counts(quotes, list(spec["source"]), by)
    levels = quotes.attrs["levels"]
    n_reports = quotes.groupby("_g", sort=True, observed=True)["report_id"].nunique()
    rows = []
    for g, level in enumerate(levels):
        if g not in n_reports.index:
            continue
        p = mix.loc[_same(mix[by], level), "share"].to_numpy(dtype=float)
        counts = mix.loc[_same(mix[by], level), "n"].to_numpy()
        rows.append({by: level, "entropy": _entropy_bits(p), "n_sources": int((counts > 0).sum()),
                     "n_reports": int(n_reports[g])})
    out = pd.DataFrame(rows, columns=[by, *SOURCE_DIVERSITY_COLUMNS])
    out["entropy"] = out["entropy"].astype(float)
    out["n_sources"] = out["n_sources"].astype("int64")
    out["n_reports"] = out["n_reports"].astype("int64")
    return out


# ---------------------------------------------------------------------------------------------
# checking the input
# ---------------------------------------------------------------------------------------------

def _check_table(table, required, name):
    if not isinstance(table, pd.DataFrame):
        raise DataError(Problem(name, f"{name} must be a pandas DataFrame, not {type(table).__name__}",
                                accepted=f"a table with columns {', '.join(required)}"))
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise DataError(Problem(name, f"column(s) {', '.join(missing)} missing", column=missing[0],
                                accepted=f"a table with columns {', '.join(required)}"))


def _check_count(x, name):
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {x!r}")
    return int(x)








def _records(rows):
    """Codebook rows as attribute records (``itertuples`` builds a class per call: slow)."""
    return [SimpleNamespace(**r) for r in rows.to_dict("records")]


def _role_rows(codebook, role, fields=()):
    """The codebook rows of one role, in codebook order."""
    _check_table(codebook, _CODEBOOK_COLUMNS + tuple(fields), "codebook")
    names = codebook["variable"]
    if names.duplicated().any():
        raise DataError(Problem("codebook", f"variable {names[names.duplicated()].iloc[0]} appears twice",
                                column="variable", accepted="each variable once"))
    rows = codebook[codebook["role"] == role].reset_index(drop=True)
    for field in ("fact", "source", "figure"):
        if field in fields and role == field:
            keys = rows[field]
            bad = [v for v, k in zip(rows["variable"], keys) if is_blank(k)]
            if bad:
                raise DataError(Problem("codebook", f"variable {bad[0]} of role {role} names no {field}",
                                        column=field, accepted=f"the {field} it codes"))
            if field != "figure" and keys.duplicated().any():
                twice = keys[keys.duplicated()].iloc[0]
                who = rows.loc[keys == twice, "variable"].tolist()
                raise DataError(Problem("codebook", f"{field} {twice!r} is coded by two variables "
                                        f"({', '.join(who)})", column=field,
                                        accepted=f"one variable per {field}"))
    return rows


def _final_rows(final, variables):
    """Rows of ``final`` per variable (a dict), report_id as str, one row per report and variable."""
    _check_table(final, _FINAL_COLUMNS, "final")
    keep = ["report_id", "variable", "value"] + (["evidence"] if "evidence" in final.columns else [])
    sub = final.loc[final["variable"].isin(list(variables)), keep]
    sub = sub.assign(report_id=sub["report_id"].astype(str))
    dup = sub.duplicated(["report_id", "variable"])
    if dup.any():
        first = sub[dup].iloc[0]
        raise DataError(Problem("final", f"report {first['report_id']}, variable {first['variable']} "
                                "has more than one row", column="variable",
                                accepted="one row per report and variable (the consolidated codes)"))
    return {name: part for name, part in sub.groupby("variable", sort=False, observed=True)}


def _report_ids(final):
    return sorted(pd.unique(final["report_id"].astype(str)))


def _group_of(reports, by, *, reserved=()):
    """The group of each report: a Series indexed by report_id (str)."""
    _check_table(reports, ("report_id",), "reports")
    if not isinstance(by, str) or by not in reports.columns:
        raise ValueError(f"by={by!r} is not a column of reports; choose one of "
                         f"{', '.join(map(str, reports.columns))}")
    if by in reserved or by.startswith("_"):
        raise ValueError(f"by={by!r} would clash with a column of the result "
                         f"({', '.join(reserved)}); rename that column of reports first")
    ids = reports["report_id"].astype(str)
    if ids.duplicated().any():
        raise DataError(Problem("reports", f"report_id {ids[ids.duplicated()].iloc[0]} appears twice",
                                column="report_id", accepted="each report once"))
    return pd.Series(reports[by].to_numpy(dtype=object), index=pd.Index(ids.to_numpy(), name="report_id"))


def _attach(table, column, name, target="_group"):
    """Add ``column`` (a Series indexed by report_id) to ``table``; every report must be known."""
    ids = table["report_id"]
    unknown = ~ids.isin(column.index)
    if unknown.any():
        missing = sorted(pd.unique(ids[unknown]))
        raise DataError(Problem(name, f"report(s) {', '.join(missing[:5])}"
                                f"{' ...' if len(missing) > 5 else ''} are not in reports",
                                column="report_id", accepted="report_ids of the reports table"))
    # .array keeps the dtype (e.g. datetime64[ns, UTC]); .to_numpy() would give objects
    return table.assign(**{target: column.reindex(ids.to_numpy()).array})


def _levels(values):
    """The distinct groups, sorted, missing last (one missing group at most)."""
    present = [v for v in pd.unique(values) if not is_missing(v)]
    try:
        present = sorted(present)
    except TypeError:   # mixed types: sort by their text
        present = sorted(present, key=str)
    return present + ([np.nan] if any(is_missing(v) for v in values) else [])


def _positions(values, levels):
    index = {v: i for i, v in enumerate(levels) if not is_missing(v)}
    last = len(levels) - 1
    which, distinct = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    return np.array([last if is_missing(v) else index[v] for v in distinct], dtype=np.int64)[which]


def _same(series, level):
    return series.isna() if is_missing(level) else (series == level)


def _bad_value(row, var, accepted):
    return DataError(Problem("final", f"report {row['report_id']}: value {row['value']!r} of "
                             f"{var.level} variable {var.variable} is not one of its codes",
                             column="value", value=row["value"], accepted=accepted))


def _ranks(sub, var):
    """Rank of each value among the variable's codes (NaN where missing); other values raise."""
    codes = tuple(var.codes) if isinstance(var.codes, (tuple, list)) else ()
    rank = {c: i for i, c in enumerate(codes)}
    values = sub["value"].to_numpy(dtype=object)
    out = np.full(len(values), np.nan)
    try:
        # once per distinct value: factorize groups values as the dict does (hash and ==)
        which, distinct = pd.factorize(values, use_na_sentinel=False)
        found = np.array([np.nan if is_missing(u) else rank.get(u, -1) for u in distinct], dtype=float)
        out = found[which] if len(values) else out
        if not (out < 0).any():
            return out
    except TypeError:  # unhashable values: one by one below
        pass
    for i, v in enumerate(values):
        if is_missing(v):
            out[i] = np.nan
            continue
        try:
            out[i] = rank[v]
        except (KeyError, TypeError):
            raise _bad_value(sub.iloc[i], var, "one of " + ", ".join(map(repr, codes))) from None
    return out


def _is_yes(sub, var):
    """1.0 for the yes code, 0.0 for another code, NaN where missing."""
    if is_blank(var.yes_code) or var.yes_code not in tuple(var.codes):
        raise DataError(Problem("codebook", f"variable {var.variable} (role {var.role}) has no yes code",
                                column="yes_code", value=var.yes_code,
                                accepted="the code that means yes, one of " + ", ".join(map(repr, var.codes))))
    rank = _ranks(sub, var)
    yes = list(var.codes).index(var.yes_code)
    return np.where(np.isnan(rank), np.nan, (rank == yes).astype(float))


def _item_values(sub, var):
    """A frame item's values on [0, 1] (Notes of frame_scores)."""
    if var.level == "ordinal":
        k = len(var.codes)
        if k < 2:
            raise DataError(Problem("codebook", f"ordinal frame item {var.variable} has {k} code(s)",
                                    column="codes", accepted="two or more codes, lowest to highest"))
        x = _ranks(sub, var) / (k - 1)
    elif var.level == "nominal":
        x = _is_yes(sub, var)
    else:
        raise DataError(Problem("codebook", f"frame item {var.variable} is {var.level}", column="level",
                                value=var.level, accepted="a yes/no (nominal) or ordinal item"))
    return _reverse(x) if (not is_missing(var.reverse) and bool(var.reverse)) else x


def _reverse(x):
    """Reverse an item scored on [0, 1]."""
    return 1.0 - x


def _bootstrap_mean(x, *, n_boot, ci, rng):
    """Percentile interval of the mean: all resamples drawn at once, (n_boot, n) indices."""
    draws = rng.integers(0, len(x), size=(n_boot, len(x)))
    means = x[draws].mean(axis=1)
    low, high = np.quantile(means, [(1 - ci) / 2, (1 + ci) / 2])
    return float(low), float(high)


def _entropy_bits(p):
    p = p[~np.isnan(p)]
    p = p[p > 0]
    if not len(p):
        return np.nan
    return float(-(p * np.log2(p)).sum()) + 0.0   # + 0.0 turns -0.0 into 0.0


def _empty(columns, dtypes):
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in columns})


# ---------------------------------------------------------------------------------------------
# shared steps
# ---------------------------------------------------------------------------------------------

def _pairs(var):
    pairs = var.contradicts
    if not isinstance(pairs, (tuple, list)):
        if is_blank(pairs):
            return []
        pairs = [pairs]
    out = []
    for pair in pairs:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(p in var.codes for p in pair)
                and pair[0] != pair[1]):
            raise DataError(Problem("codebook", f"variable {var.variable}: contradicts entry {pair!r} is not "
                                    "a pair of two of its codes", column="contradicts", value=pair,
                                    accepted="pairs of " + ", ".join(map(repr, var.codes))))
        out.append(tuple(pair))
    return out


def _stances(final, claims, reports):
    """Coded claim values with outlet and time, in codebook then time order."""
    rows = _final_rows(final, claims["variable"])
    _check_table(reports, ("report_id", "outlet", "published"), "reports")
    outlet = _group_of(reports, "outlet")
    published = pd.Series(reports["published"].array, index=outlet.index)
    parts = []
    for order, var in enumerate(_records(claims)):
        sub = rows.get(var.variable)
        if sub is None:
            continue
        rank = _ranks(sub, var)
        sub = sub[~np.isnan(rank)].assign(_order=order)
        parts.append(sub)
    columns = ["report_id", "outlet", "published", "variable", "value", "evidence", "_order"]
    if not parts:
        empty = _empty(columns, {"_order": "int64"})
        empty["published"] = published.iloc[:0].to_numpy()
        return empty
    table = pd.concat(parts, ignore_index=True)
    if "evidence" not in table.columns:
        table["evidence"] = np.nan
    table = _attach(table, outlet, "final", target="outlet")
    table = _attach(table, published, "final", target="published")
    table = table.sort_values(["_order", "published", "report_id"], kind="stable", na_position="last")
    return table[columns].reset_index(drop=True)


def _label_counts(final, labels, group, by, rows=None):
    rows = _final_rows(final, labels["variable"]) if rows is None else rows
    parts = []
    for order, var in enumerate(_records(labels)):
        sub = rows.get(var.variable)
        if sub is None:
            continue
        rank = _ranks(sub, var)
        sub = sub[~np.isnan(rank)].assign(_rank=rank[~np.isnan(rank)], _order=order,
                                          referent=var.referent)
        parts.append(sub)
    columns = ["variable", "referent", by, "code", "n", "share"]
    if not parts:
        return _empty(columns, {"n": "int64", "share": float})
    table = _attach(pd.concat(parts, ignore_index=True), group, "final")
    levels = _levels(table["_group"])
    table["_g"] = _positions(table["_group"], levels)
    counts = (table.groupby(["_order", "_g", "_rank"], sort=True, observed=True)
              .agg(variable=("variable", "first"), referent=("referent", "first"),
                   code=("value", "first"), n=("report_id", "size"))
              .reset_index())
    totals = counts.groupby(["_order", "_g"], observed=True)["n"].transform("sum")
    counts["share"] = counts["n"] / totals
    counts[by] = [levels[g] for g in counts["_g"]]
    counts["n"] = counts["n"].astype("int64")
    return counts[columns].reset_index(drop=True)


def _reference_values(figures, spec):
    _check_table(figures, ("id", "value"), "figures")
    ref = dict(zip(figures["id"], pd.to_numeric(figures["value"], errors="coerce").astype(float)))
    _check_references(ref, spec)
    return ref


def _reference_provenance(figures):
    """``{figure id: (source, as_of)}``: "" and None where not given."""
    source = figures["source"] if "source" in figures.columns else pd.Series("", index=figures.index)
    as_of = figures["as_of"] if "as_of" in figures.columns else pd.Series(None, index=figures.index)
    return {f: ("" if is_blank(s) else str(s), None if is_missing(a) else a)
            for f, s, a in zip(figures["id"], source, as_of)}


def _check_references(ref, spec):
    for var in _records(spec):
        if var.figure not in ref:
            raise DataError(Problem("figures", f"figure {var.figure!r} of variable {var.variable} has no "
                                    "reference value", column="id", value=var.figure,
                                    accepted="a figure id of event.yaml with its value"))


def _deviations(final, codebook, figures, reports):
    spec = _role_rows(codebook, "figure", ("figure", "attribution"))
    ref = _reference_values(figures, spec)
    provenance = _reference_provenance(figures)
    attributions = [a for a in spec["attribution"] if not is_blank(a)]
    rows = _final_rows(final, list(spec["variable"]) + attributions)
    outlet = _group_of(reports, "outlet")
    if "published" in reports.columns:
        published = pd.Series(reports["published"].array, index=outlet.index)
    else:
        published = pd.Series(pd.NaT, index=outlet.index, dtype="datetime64[ns, UTC]")
    known = pd.Series(time_known(reports), index=outlet.index)
    parts = []
    for order, var in enumerate(_records(spec)):
        sub = rows.get(var.variable)
        if sub is None:
            continue
        raw = sub["value"]
        cited = pd.to_numeric(raw, errors="coerce").astype(float)
        bad = cited.isna() & ~raw.map(is_missing)
        if bad.any():
            raise _bad_value(sub[bad.to_numpy()].iloc[0], var, "a number (NaN when none is cited)")
        sub = sub.assign(cited=cited.to_numpy())[cited.notna().to_numpy()]
        if is_blank(var.attribution) or var.attribution not in rows:
            attr = np.full(len(sub), np.nan, dtype=object)
        else:
            given = rows[var.attribution].set_index("report_id")["value"]
            attr = given.reindex(sub["report_id"].to_numpy()).to_numpy(dtype=object)
        reference = ref[var.figure]
        dev = sub["cited"].to_numpy() - reference
        parts.append(pd.DataFrame({
            "report_id": sub["report_id"].to_numpy(), "variable": var.variable, "figure": var.figure,
            "cited": sub["cited"].to_numpy(), "reference": reference, "abs_dev": dev,
            "rel_dev": dev / reference if reference != 0 else np.full(len(dev), np.nan),
            "attribution": attr, "reference_source": provenance[var.figure][0],
            "reference_as_of": provenance[var.figure][1], "_order": order,
        }))
    columns = list(FIGURE_DEVIATION_COLUMNS)
    if not parts:
        empty = _empty(columns, {**{c: float for c in ("cited", "reference", "abs_dev", "rel_dev")},
                                 "published_time_known": bool})
        empty["published"] = published.iloc[:0].to_numpy()
        return empty
    table = _attach(pd.concat(parts, ignore_index=True), outlet, "final", target="outlet")
    table = _attach(table, published, "final", target="published")
    table = _attach(table, known, "final", target="published_time_known")
    table["published_time_known"] = table["published_time_known"].astype(bool)
    table = table.sort_values(["_order", "report_id"], kind="stable")
    return table[columns].reset_index(drop=True)


def _yes_no(final, spec, key, group):
    """Long yes/no values: ``report_id, <key>, x, _g``, missing values dropped; levels in attrs."""
    rows = _final_rows(final, spec["variable"])
    parts = []
    for order, var in enumerate(_records(spec)):
        sub = rows.get(var.variable)
        if sub is None:
            continue
        x = _is_yes(sub, var)
        parts.append(pd.DataFrame({"report_id": sub["report_id"].to_numpy(), key: getattr(var, key),
                                   "x": x, "_order": order})[~np.isnan(x)])
    table = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame({"report_id": pd.Series(dtype=object), key: pd.Series(dtype=object),
                                "x": pd.Series(dtype=float), "_order": pd.Series(dtype="int64")}))
    table = _attach(table, group, "final")
    levels = _levels(table["_group"])
    table["_g"] = _positions(table["_group"], levels)
    table.attrs["levels"] = levels
    return table


def _split_not_yet(mentions, spec, reports, facts):
    """``mentions`` (of :func:`_yes_no`) split into the rows a report could and could not yet
    mention, by the facts' ``as_of`` (rule in the Notes of :func:`fact_matrix`)."""
    if facts is None:
        return mentions, mentions.iloc[:0]
    _check_table(facts, ("id", "as_of"), "facts")
    _check_table(reports, ("report_id", "published"), "reports")
    ids = facts["id"].astype(str).to_numpy()
    missing = [f for f in spec["fact"] if str(f) not in set(ids)]
    if missing:
        raise DataError(Problem("facts", f"fact {missing[0]!r} of the codebook has no row in facts",
                                column="id", value=missing[0], accepted="every fact id of the codebook"))
    as_of, as_of_known = _times(facts, "as_of", "as_of_time_known", "facts")
    fact_time = dict(zip(ids, as_of))
    fact_known = dict(zip(ids, as_of_known))
    published, report_known = _times(reports, "published", "published_time_known", "reports")
    rid = reports["report_id"].astype(str).to_numpy()
    when = pd.Series(published.to_numpy(), index=rid)
    known = pd.Series(report_known, index=rid)
    keys = mentions["fact"].astype(str).to_numpy()
    pub = pd.DatetimeIndex(when.reindex(mentions["report_id"].to_numpy()).to_numpy(), tz="UTC")
    due = pd.DatetimeIndex([fact_time[k] for k in keys], tz="UTC") if len(keys) else pd.DatetimeIndex([], tz="UTC")
    exact = known.reindex(mentions["report_id"].to_numpy()).to_numpy(dtype=bool) & \
        np.array([fact_known[k] for k in keys], dtype=bool)
    # a clock time on both sides: the instants; else the UTC days, and the same day counts as possible
    before = np.where(exact, np.asarray(pub < due), np.asarray(pub.floor("D") < due.floor("D")))
    early = before & ~pub.isna() & ~due.isna()
    possible, not_yet = mentions[~early].copy(), mentions[early].copy()
    possible.attrs, not_yet.attrs = dict(mentions.attrs), dict(mentions.attrs)
    return possible, not_yet


def _times(table, column, known_column, name):
    """UTC times of ``table[column]`` (NaT where missing) and whether each had a clock time.

    Without ``known_column`` a time written as text of a date alone (10 characters) is a day;
    any other time counts as known.
    """
    raw = pd.Series(table[column].to_numpy(dtype=object), dtype=object)
    times = pd.to_datetime(raw, utc=True, format="ISO8601", errors="coerce")
    bad = times.isna() & ~raw.map(is_missing)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(Problem(name, f"{column} {raw.iloc[i]!r} is not a date or time", column=column,
                                value=raw.iloc[i], accepted="a UTC time or an ISO 8601 date or date and time"))
    if known_column in table.columns:
        known = np.array([True if is_missing(k) else bool(k) for k in table[known_column]], dtype=bool)
    else:
        known = np.array([not (isinstance(v, str) and len(v.strip()) <= 10) for v in raw], dtype=bool)
    return times, known


def _group_key_matrix(table, keys, by, key, value):
    """Mean and count of x for every group and key (a full matrix)."""
    levels = table.attrs["levels"]
    agg = table.groupby(["_g", "_order"], observed=True)["x"].agg(["mean", "size"])
    grid = pd.MultiIndex.from_product([range(len(levels)), range(len(keys))], names=["_g", "_order"])
    agg = agg.reindex(grid)
    out = pd.DataFrame({by: [levels[g] for g in grid.get_level_values(0)],
                        key: [keys[k] for k in grid.get_level_values(1)],
                        value: agg["mean"].to_numpy(dtype=float),
                        "n": agg["size"].fillna(0).to_numpy().astype("int64")})
    return out


def _source_counts(quotes, sources, by):
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


def codes_as_columns(reports, final, variables):
    """Reports with one extra column per variable holding its final code.

    Lets any code be used like a report column: to group reports (``by=``), to split them for
    keyness or permutation tests.

    Parameters
    ----------
    reports : DataFrame
        ``report_id`` and other report columns. Not modified.
    final : DataFrame
        Consolidated codes: ``report_id, variable, value``.
    variables : list of str

    Returns
    -------
    DataFrame
        ``reports`` plus the columns ``variables`` (missing where a report has no final code).
    """
    wide = final[final["variable"].isin(variables)].pivot(index="report_id", columns="variable", values="value")
    wide = wide.reindex(columns=list(variables))
    clash = [v for v in variables if v in reports.columns]
    if clash:
        raise ValueError(f"reports already have column(s) {clash}")
    out = reports.merge(wide.reset_index(), on="report_id", how="left")
    return out.reset_index(drop=True)
