"""Figures: each number a report cites against the event's reference value, and how far the
numbers cited for each figure spread."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..common import is_blank, is_missing
from ..errors import DataError, Problem
from ..sample import time_known
from ._shared import (attach_by_report, bad_value, check_table, codebook_records, empty_table, final_rows,
                      group_of, role_rows)

FIGURE_DEVIATION_COLUMNS = ("report_id", "outlet", "variable", "figure", "cited", "reference",
                            "abs_dev", "rel_dev", "attribution", "published", "published_time_known",
                            "reference_source", "reference_as_of")
FIGURE_SPREAD_COLUMNS = ("variable", "figure", "reference", "n", "n_outlets", "min", "median",
                         "max", "iqr", "n_distinct", "n_exact", "n_attributions", "n_before_reference")


def figure_deviations(final: pd.DataFrame, codebook: pd.DataFrame, figures: pd.DataFrame,
                      reports: pd.DataFrame) -> pd.DataFrame:
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


def figure_spread(final: pd.DataFrame, codebook: pd.DataFrame, figures: pd.DataFrame,
                  reports: pd.DataFrame) -> pd.DataFrame:
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
    spec = role_rows(codebook, "figure", ("figure", "attribution"))
    ref = _reference_values(figures, spec)
    rows = [_spread_row(dev[dev["variable"] == var.variable], var, ref[var.figure])
            for var in codebook_records(spec)]
    out = pd.DataFrame(rows, columns=list(FIGURE_SPREAD_COLUMNS))
    for col in ("n", "n_outlets", "n_distinct", "n_exact", "n_attributions", "n_before_reference"):
        out[col] = out[col].astype("int64")
    for col in ("reference", "min", "median", "max", "iqr"):
        out[col] = out[col].astype(float)
    return out


def _spread_row(part: pd.DataFrame, var: SimpleNamespace, reference: float) -> dict[str, object]:
    """The row of :func:`figure_spread` for one figure variable from its deviations ``part``."""
    cited = part["cited"].to_numpy(dtype=float)
    row: dict[str, object] = {
        "variable": var.variable, "figure": var.figure, "reference": reference,
        "n": len(cited), "n_outlets": int(part["outlet"].nunique(dropna=False)),
        "min": np.nan, "median": np.nan, "max": np.nan, "iqr": np.nan,
        "n_distinct": int(len(np.unique(cited))), "n_exact": int((cited == reference).sum()),
        "n_attributions": int(part["attribution"].nunique()), "n_before_reference": _n_before(part)}
    if len(cited):
        q1, q3 = np.quantile(cited, [0.25, 0.75])
        row.update({"min": float(cited.min()), "median": float(np.median(cited)),
                    "max": float(cited.max()), "iqr": float(q3 - q1)})
    return row


def _n_before(part: pd.DataFrame) -> int:
    """Reports of ``part`` (deviations of one figure) published on a UTC day before its as_of."""
    if not len(part) or is_missing(part["reference_as_of"].iloc[0]):
        return 0
    day = pd.Timestamp(part["reference_as_of"].iloc[0])
    day = (day.tz_localize("UTC") if day.tzinfo is None else day.tz_convert("UTC")).floor("D")
    published = pd.to_datetime(pd.Series(part["published"].to_numpy(dtype=object), dtype=object), utc=True,
                               format="ISO8601")
    return int((published.dt.floor("D") < day).sum())


def _reference_values(figures: pd.DataFrame, spec: pd.DataFrame) -> dict[object, float]:
    """``{figure id: reference value}``; every figure of ``spec`` must have one."""
    check_table(figures, ("id", "value"), "figures")
    ref = dict(zip(figures["id"], pd.to_numeric(figures["value"], errors="coerce").astype(float)))
    for var in codebook_records(spec):
        if var.figure not in ref:
            raise DataError(Problem("figures", f"figure {var.figure!r} of variable {var.variable} has no "
                                    "reference value", column="id", value=var.figure,
                                    accepted="a figure id of event.yaml with its value"))
    return ref


def _reference_provenance(figures: pd.DataFrame) -> dict[object, tuple[str, object]]:
    """``{figure id: (source, as_of)}``: "" and None where not given."""
    source = figures["source"] if "source" in figures.columns else pd.Series("", index=figures.index)
    as_of = figures["as_of"] if "as_of" in figures.columns else pd.Series(None, index=figures.index)
    return {f: ("" if is_blank(s) else str(s), None if is_missing(a) else a)
            for f, s, a in zip(figures["id"], source, as_of)}


def _deviations(final: pd.DataFrame, codebook: pd.DataFrame, figures: pd.DataFrame,
                reports: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`figure_deviations`, in its order."""
    spec = role_rows(codebook, "figure", ("figure", "attribution"))
    ref = _reference_values(figures, spec)
    provenance = _reference_provenance(figures)
    attributions = [a for a in spec["attribution"] if not is_blank(a)]
    rows = final_rows(final, list(spec["variable"]) + attributions)
    outlet = group_of(reports, "outlet")
    if "published" in reports.columns:
        published = pd.Series(reports["published"].array, index=outlet.index)
    else:
        published = pd.Series(pd.NaT, index=outlet.index, dtype="datetime64[ns, UTC]")
    known = pd.Series(time_known(reports), index=outlet.index)
    parts = []
    for order, var in enumerate(codebook_records(spec)):
        if var.variable in rows:
            part = _cited_numbers(rows, var, ref[var.figure])
            parts.append(part.assign(reference_source=provenance[var.figure][0],
                                     reference_as_of=provenance[var.figure][1], _order=order))
    columns = list(FIGURE_DEVIATION_COLUMNS)
    if not parts:
        empty = empty_table(columns, {**{c: float for c in ("cited", "reference", "abs_dev", "rel_dev")},
                                      "published_time_known": bool})
        empty["published"] = published.iloc[:0].to_numpy()
        return empty
    table = attach_by_report(pd.concat(parts, ignore_index=True), outlet, "final", target="outlet")
    table = attach_by_report(table, published, "final", target="published")
    table = attach_by_report(table, known, "final", target="published_time_known")
    table["published_time_known"] = table["published_time_known"].astype(bool)
    table = table.sort_values(["_order", "report_id"], kind="stable")
    return table[columns].reset_index(drop=True)


def _cited_numbers(rows: dict[str, pd.DataFrame], var: SimpleNamespace, reference: float) -> pd.DataFrame:
    """``report_id, variable, figure, cited, reference, abs_dev, rel_dev, attribution`` of the
    reports that cite a number for one figure variable."""
    sub = rows[var.variable]
    raw = sub["value"]
    cited = pd.to_numeric(raw, errors="coerce").astype(float)
    bad = cited.isna() & ~raw.map(is_missing)
    if bad.any():
        raise bad_value(sub[bad.to_numpy()].iloc[0], var, "a number (NaN when none is cited)")
    sub = sub.assign(cited=cited.to_numpy())[cited.notna().to_numpy()]
    if is_blank(var.attribution) or var.attribution not in rows:
        attr = np.full(len(sub), np.nan, dtype=object)
    else:
        given = rows[var.attribution].set_index("report_id")["value"]
        attr = given.reindex(sub["report_id"].to_numpy()).to_numpy(dtype=object)
    dev = sub["cited"].to_numpy() - reference
    return pd.DataFrame({
        "report_id": sub["report_id"].to_numpy(), "variable": var.variable, "figure": var.figure,
        "cited": sub["cited"].to_numpy(), "reference": reference, "abs_dev": dev,
        "rel_dev": dev / reference if reference != 0 else np.full(len(dev), np.nan),
        "attribution": attr,
    })
