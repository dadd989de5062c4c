"""Inter-coder reliability: Krippendorff's alpha per variable, with its bootstrap interval and verdict.

:func:`reliability` takes the long ``codes`` table and the ``codebook`` table of
docs/data-model.md and returns one row per variable (inputs are never modified). The steps live
in their own modules: :mod:`analysis.judgements` (checking and encoding the input),
:mod:`analysis.alpha` (coincidences and alpha), :mod:`analysis.alpha_bootstrap` (intervals),
:mod:`analysis.verdicts` (thresholds and notes). The adjudication side, :func:`disagreements` and
:func:`consolidate`, lives in :mod:`analysis.consolidation` and is importable from here too.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits
from tqdm.std import tqdm

from .alpha import Coincidences, alpha_of, coincidences, modal_share
from .alpha_bootstrap import UnitResamples, bootstrap_alpha
from .common import check_columns
from .consolidation import (CONSOLIDATION_COLUMNS, DISAGREEMENT_COLUMNS, consolidate, disagreements,
                            rule_counts)
from .judgements import (CODE_COLUMNS, Encoded, Rows, Spec, check_codebook, check_whole_number,
                         choose_coders, coded_by, encode, figure_flags, independent_coders, rows_of,
                         sorted_ids)
from .verdicts import (LOW_VARIATION, NO_PAIRABLE_NOTE, NOT_MEASURED_NOTE, ONE_PAIRABLE_NOTE, RELIABLE,
                       TENTATIVE, VERDICTS, figure_verdict, low_variation_note, not_reliable,
                       reaches_reliable, single_value_note, undefined_resamples_note, verdict,
                       wide_interval_note)

__all__ = [
    "RELIABILITY_COLUMNS", "DISAGREEMENT_COLUMNS", "CONSOLIDATION_COLUMNS", "RELIABLE", "TENTATIVE",
    "LOW_VARIATION", "VERDICTS", "reliability", "disagreements", "consolidate", "independent_coders",
    "rule_counts", "not_reliable",
]

RELIABILITY_COLUMNS = (
    "variable", "level", "alpha", "ci_low", "ci_high", "n_units", "n_pairable", "n_values",
    "n_coders", "coders", "d_observed", "d_expected", "percent_agreement", "verdict", "note",
    "alpha_cited", "ci_low_cited", "ci_high_cited",
)
_INTEGER_COLUMNS = ("n_units", "n_pairable", "n_values", "n_coders")
_FLOAT_COLUMNS = ("alpha", "ci_low", "ci_high", "d_observed", "d_expected", "percent_agreement",
                  "alpha_cited", "ci_low_cited", "ci_high_cited")


def reliability(codes: pd.DataFrame, codebook: pd.DataFrame, *, coders: Sequence[str] | None = None,
                exclude: Sequence[str] = ("adjudicated",), n_boot: int = 1000, ci: float = 0.95,
                seed: int = 0, progress: bool = False) -> pd.DataFrame:
    """Krippendorff's alpha for every codebook variable, with a bootstrap interval.

    Parameters
    ----------
    codes : DataFrame
        One row per judgement: ``report_id, coder, variable, value`` (``evidence`` is not used).
        A report is a unit of analysis. ``value`` is a code of the codebook for nominal and
        ordinal variables and a number for interval and ratio variables; NaN is a missing value.
        Rows for variables that are not in ``codebook`` are ignored, so a subset of the codebook
        gives a subset of the table.
    codebook : DataFrame
        One row per variable, in codebook order: ``variable, level, codes`` (other columns are
        ignored). ``level`` is one of nominal, ordinal, interval, ratio; ``codes`` holds the
        allowed codes, lowest to highest for ordinal variables.
    coders : sequence of str, optional
        The coders to compare, e.g. ``["ana", "ben", "model:x"]``. Default: every coder in
        ``codes``. At least two.
    exclude : sequence of str, default ("adjudicated",)
        Coders left out (the adjudicated codes are not an independent coder). A name may not be
        both chosen in ``coders`` and excluded; pass ``exclude=()`` to compare the adjudicator.
    n_boot : int, default 1000
        Bootstrap resamples for the interval; 0 gives no interval (NaN).
    ci : float, default 0.95
        Coverage of the percentile interval.
    seed : int, default 0
        Seed of the bootstrap. The resamples of a variable with U pairable units come from the
        stream ``numpy.random.default_rng([seed, U])``, so its interval does not depend on the
        other variables in the table, and variables with the same number of pairable units
        share their resamples (drawn once).
    progress : bool, default False
        Show a progress bar over the variables (tqdm, on stderr): worth it from about a million
        judgements with intervals.

    Returns
    -------
    DataFrame
        One row per codebook variable, in codebook order, with columns ``RELIABILITY_COLUMNS``:

        - ``variable``, ``level``: from the codebook;
        - ``alpha``: Krippendorff's alpha, NaN when undefined (see ``note``);
        - ``ci_low``, ``ci_high``: percentile bootstrap interval (NaN when ``n_boot=0`` or alpha
          is undefined);
        - ``n_units``: reports with a value from at least one chosen coder;
        - ``n_pairable``: reports with values from two or more coders (only these enter alpha);
        - ``n_values``: values in pairable reports (Krippendorff's n);
        - ``n_coders``, ``coders``: chosen coders who gave this variable at least one value,
          their number and their sorted names joined by ", ";
        - ``d_observed``, ``d_expected``: observed and expected disagreement;
        - ``percent_agreement``: share of agreeing pairs of values among all pairs of values
          within pairable reports (a pair of numbers agrees when the numbers are equal);
        - ``verdict``: "reliable" (alpha >= 0.800 and, when an interval is computed, its lower
          end >= 0.667; with ``n_boot=0`` the point estimate alone decides), "tentative" (alpha >= 0.667), "unreliable", "unknown" (alpha undefined,
          or one code holds at least ``LOW_VARIATION`` of the pairable values: too little
          variation to judge agreement), or "not measured" (no report coded by two chosen
          coders, e.g. a single-coder study);
        - ``note``: why the verdict is what it is when that is not plain from alpha, and how many
          bootstrap resamples had no variation; empty otherwise;
        - ``alpha_cited``, ``ci_low_cited``, ``ci_high_cited``: for figure variables (codebook
          role ``figure``), alpha of "a number is cited" (yes/no) over the reports each coder
          coded; ``alpha`` is then the agreement on the number where both cite one, and the
          verdict is the worse of the two. NaN for other variables.

    Raises
    ------
    DataError
        A required column is missing, a (report, coder, variable) is coded twice, a value is not
        a code of its variable (nominal, ordinal) or not a number (interval, ratio; ratio also
        rejects negative numbers), or a level is unknown.
    ValueError
        Bad arguments: unknown coders, fewer than two coders chosen, ``n_boot``, ``ci`` or
        ``seed`` out of range.

    Notes
    -----
    Alpha is computed from the coincidence matrix (Krippendorff 2011). For each pairable unit
    :math:`u` with :math:`m_u \\ge 2` values, of which :math:`n_{uc}` have value :math:`c`,

    .. math::

        o_{ck} = \\sum_u \\frac{n_{uc} n_{uk} - [c = k] n_{uc}}{m_u - 1}, \\qquad
        n_c = \\sum_k o_{ck}, \\qquad n = \\sum_c n_c,

        D_o = \\frac{1}{n} \\sum_{c,k} o_{ck} \\delta^2_{ck}, \\qquad
        D_e = \\frac{1}{n(n-1)} \\sum_{c,k} n_c n_k \\delta^2_{ck}, \\qquad
        \\alpha = 1 - \\frac{D_o}{D_e}.

    The distances are: nominal :math:`[c \\ne k]`; ordinal
    :math:`(\\sum_{g=c}^{k} n_g - (n_c + n_k)/2)^2` with :math:`g` running over the codebook
    order (a code's rank is its position in ``codes``, so codes may be words or numbers);
    interval :math:`(c - k)^2`; ratio :math:`((c - k)/(c + k))^2`, taken as 0 when both are 0.
    The results equal ``krippendorff.alpha`` (Castro 2017) given the same level of
    measurement, which the tests check on published and random data.

    Alpha is reported as undefined (NaN, verdict "unknown") when fewer than two units are
    pairable (with a single unit the observed and expected coincidences are the same and alpha
    is 0 whatever the codes) or when every pairable value is the same (:math:`D_e = 0`).

    The interval is a unit bootstrap with the percentile method (Efron and Tibshirani 1993,
    ch. 13): pairable units are drawn with replacement, keeping all the values of a drawn unit
    together, alpha is recomputed ``n_boot`` times, and the ``(1 - ci)/2`` and ``(1 + ci)/2``
    quantiles are reported as they are (not clipped, not forced to contain alpha). Resampling
    units treats reports as the sampled objects, which is what they are; Zapf et al. (2016)
    found this interval close to its nominal coverage for alpha. Hayes and Krippendorff (2007)
    resample pairable values instead, which treats values within a unit as exchangeable draws;
    we do not. Resamples that happen to contain a single value have no alpha and are left
    out; ``note`` says how many. Each resample is a vector of unit counts, so all resamples
    are computed at once as matrix products with the per-unit coincidences; resample b draws
    U units with replacement as 32-bit integers, one resample after another from the stream
    above (:func:`analysis.alpha_bootstrap.resample_counts`).

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Departmental papers
    (ASC) 43, Annenberg School for Communication, University of Pennsylvania.
    https://repository.upenn.edu/asc_papers/43

    Krippendorff, K. (2004). Content analysis: An introduction to its methodology (2nd ed.).
    Thousand Oaks, CA: Sage.

    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
    measure for coding data. Communication Methods and Measures, 1(1), 77-89.
    https://doi.org/10.1080/19312450709336664

    Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap. New York:
    Chapman & Hall.

    Zapf, A., Castell, S., Morawietz, L., & Karch, A. (2016). Measuring inter-rater reliability
    for nominal data - which coefficients and confidence intervals are appropriate? BMC Medical
    Research Methodology, 16, 93. https://doi.org/10.1186/s12874-016-0200-9

    Castro, S. (2017). Fast Krippendorff: Fast computation of Krippendorff's alpha agreement
    measure. https://github.com/pln-fing-udelar/fast-krippendorff

    Examples
    --------
    The two observers of Krippendorff (2011), section A (binary data), alpha = 0.095:

    >>> import pandas as pd
    >>> meg = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    >>> owen = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    >>> codes = pd.DataFrame({
    ...     "report_id": [f"r{i:02d}" for i in range(10)] * 2,
    ...     "coder": ["meg"] * 10 + ["owen"] * 10,
    ...     "variable": "present", "value": meg + owen})
    >>> codebook = pd.DataFrame({"variable": ["present"], "level": ["nominal"], "codes": [(0, 1)]})
    >>> table = reliability(codes, codebook, n_boot=0)
    >>> print(round(table.loc[0, "alpha"], 3), table.loc[0, "verdict"])
    0.095 unreliable
    """
    check_columns(codes, CODE_COLUMNS, "codes")
    spec = check_codebook(codebook)
    n_boot = check_whole_number(n_boot, "n_boot")
    seed = check_whole_number(seed, "seed")
    if isinstance(ci, bool) or not isinstance(ci, (int, float, np.number)) or not 0 < ci < 1:
        raise ValueError(f"ci must be a number between 0 and 1 (e.g. 0.95), not {ci!r}")
    chosen = choose_coders(codes, coders, exclude, minimum=2)
    # missing values stay in: encode marks them, and alpha counts only the coded ones
    rows = rows_of(codes, chosen, spec)
    figure = figure_flags(codebook)
    reports, coded = None, None
    if any(figure.get(v) for v in spec["variable"]):  # a pass over every row: only when needed
        reports = sorted_ids(codes)
        coded = coded_by(codes, reports, chosen)
    resamples = UnitResamples(n_boot, seed)
    out = []
    # the products are matrix-vector sized: BLAS threads cost more to wake than they give,
    # most of all on a machine shared with other work
    with threadpool_limits(limits=1, user_api="blas"):
        for var in tqdm([Spec(*v) for v in spec.itertuples(index=False)], desc="reliability",
                        unit="variable", disable=not progress):
            enc = encode(rows.get(var.variable), var)
            row = _variable_reliability(var, enc, resamples=resamples, ci=float(ci))
            if reports is not None and coded is not None and figure.get(var.variable):
                cited = _variable_reliability(Spec(var.variable, "nominal", (0, 1)),
                                              _cited(enc, reports, coded, chosen), resamples=resamples, ci=float(ci))
                row.update(alpha_cited=cited["alpha"], ci_low_cited=cited["ci_low"], ci_high_cited=cited["ci_high"])
                row = figure_verdict(row, cited)
            out.append(row)
    if not _measurable(out, codes, chosen, coded):
        for row in out:
            row["verdict"], row["note"] = "not measured", NOT_MEASURED_NOTE
    table = pd.DataFrame(out, columns=list(RELIABILITY_COLUMNS))
    return table.astype({**dict.fromkeys(_INTEGER_COLUMNS, "int64"), **dict.fromkeys(_FLOAT_COLUMNS, "float64")})


def _measurable(out: list[dict], codes: pd.DataFrame, chosen: Sequence[str], coded: np.ndarray | None) -> bool:
    """Some report was coded by two or more chosen coders (on any variable of ``codes``)."""
    if any(row["n_pairable"] for row in out):  # a pairable unit is such a report
        return True
    if coded is None:
        coded = coded_by(codes, sorted_ids(codes), chosen)
    return bool((coded.sum(axis=1) >= 2).any())


def _cited(enc: Encoded, reports: np.ndarray, coded: np.ndarray, chosen: Sequence[str]) -> Encoded:
    """A figure variable as "cited a number" (1/0) for every report each chosen coder coded.

    ``coded`` (reports, ``chosen`` coders) marks the coders who gave the report any value; a
    coder who did so and left this figure blank cited no number. The pairs keep the order of
    the long table (report, then coder), so alpha sums the units in the same order.
    """
    rows = enc.rows
    gave = np.zeros(coded.shape, dtype=bool)
    has = enc.category >= 0
    if has.any():
        col = pd.Index(chosen).get_indexer(rows.names)[rows.coder[has]]
        gave[np.searchsorted(reports, rows.ids)[rows.unit[has]], col] = True
    # one row per (report, coder) pair that coded, sorted by report and then coder
    report, coder = np.nonzero(coded)
    cited = gave[report, coder].astype(np.int64)
    pairs = Rows(report, coder, cited, np.arange(len(report)), reports, np.asarray(chosen, dtype=object),
                 len(reports), np.array([0, 1], dtype=object))
    return Encoded(pairs, cited, [0, 1], np.arange(2, dtype=np.float64))


def _variable_reliability(var: Spec, enc: Encoded, *, resamples: UnitResamples, ci: float) -> dict:
    """One row of the reliability table: alpha, its interval, the counts, the verdict and a note."""
    co = coincidences(enc, var.level)
    row = _counts_row(var, enc, co)
    if co.n_pairable == 0:
        row["note"] = NO_PAIRABLE_NOTE
        return row
    row["percent_agreement"] = float(co.same / (co.m * (co.m - 1)).sum())
    alpha, d_o, d_e = alpha_of(co, np.ones((1, co.n_pairable)))
    row["d_observed"], row["d_expected"] = float(d_o[0]), float(d_e[0])
    if co.n_pairable < 2:
        row["note"] = ONE_PAIRABLE_NOTE
        return row
    if len(co.values) == 1:
        row["note"] = single_value_note(co.values[0])
        return row
    row["alpha"] = float(alpha[0])
    if resamples.n_boot:
        row["ci_low"], row["ci_high"], undefined = bootstrap_alpha(co, resamples, ci=ci)
        if undefined:
            row["note"] = undefined_resamples_note(undefined, resamples.n_boot)
    return _judged(row, co, ci)


def _counts_row(var: Spec, enc: Encoded, co: Coincidences) -> dict:
    """A row with the counts and coders filled in, alpha undefined and verdict "unknown"."""
    names = enc.rows.names
    gave = np.bincount(enc.rows.coder[enc.category >= 0], minlength=len(names)) > 0
    coders = sorted(names[gave])
    return {
        "variable": var.variable, "level": var.level, "alpha": np.nan, "ci_low": np.nan,
        "ci_high": np.nan, "n_units": co.n_units, "n_pairable": co.n_pairable,
        "n_values": co.n_values, "n_coders": len(coders), "coders": ", ".join(coders),
        "d_observed": np.nan, "d_expected": np.nan, "percent_agreement": np.nan,
        "verdict": "unknown", "note": "", "alpha_cited": np.nan, "ci_low_cited": np.nan,
        "ci_high_cited": np.nan,
    }


def _judged(row: dict, co: Coincidences, ci: float) -> dict:
    """The row with its verdict, and a note where alpha alone does not explain it."""
    row["verdict"] = verdict(row["alpha"], row["ci_low"])
    if reaches_reliable(row["alpha"]) and row["verdict"] != "reliable":
        row["note"] = (wide_interval_note(ci, row["ci_low"]) + row["note"]).strip()
    modal = modal_share(co)
    if co.level in ("nominal", "ordinal") and modal >= LOW_VARIATION:
        row["verdict"] = "unknown"
        row["note"] = (low_variation_note(modal, co.n_values) + row["note"]).strip()
    return row
