"""Inter-coder reliability: Krippendorff's alpha per variable, bootstrap intervals, consolidation.

Three public functions, all taking the long ``codes`` table and the ``codebook`` table of
docs/data-model.md and returning a new DataFrame (inputs are never modified):

- :func:`reliability`: one row per codebook variable with alpha, its bootstrap interval and the
  counts behind it;
- :func:`disagreements`: the judgements to put on the table at an adjudication meeting;
- :func:`consolidate`: one value per report and variable, with the rule that produced it.
"""
from __future__ import annotations

import zlib
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse
from tqdm.std import tqdm

from ._columns import by_identity, key_codes, used_sorted
from .codebook import LEVELS
from .errors import DataError, Problem
from .common import check_columns

RELIABILITY_COLUMNS = (
    "variable", "level", "alpha", "ci_low", "ci_high", "n_units", "n_pairable", "n_values",
    "n_coders", "coders", "d_observed", "d_expected", "percent_agreement", "verdict", "note",
    "alpha_cited", "ci_low_cited", "ci_high_cited",
)
DISAGREEMENT_COLUMNS = ("report_id", "variable", "coder", "value", "evidence", "n_distinct")
CONSOLIDATION_COLUMNS = ("report_id", "variable", "value", "evidence", "rule", "n_coders")

# Krippendorff (2004), p. 241: alpha >= .800 to rely on a variable, >= .667 for tentative conclusions;
# Krippendorff (2004), ch. 12, decides on the chance that alpha falls below the minimum: "reliable"
# also needs the lower end of the interval at .667 or above.
RELIABLE = 0.800
TENTATIVE = 0.667
# a code holding this share of the pairable values leaves too little variation to judge agreement
LOW_VARIATION = 0.95
VERDICTS = ("reliable", "tentative", "unreliable", "unknown", "not measured")
# alpha is a ratio of float sums; a value printed as 0.800 may be 0.79999999999 in the last bit.
_TOLERANCE = 1e-12

_CODE_COLUMNS = ("report_id", "coder", "variable", "value")
_CODEBOOK_COLUMNS = ("variable", "level", "codes")


# ---------------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------------

def reliability(codes, codebook, *, coders=None, exclude=("adjudicated",), n_boot=1000, ci=0.95,
                seed=0, progress=False):
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
        Seed of the bootstrap. Each variable draws from its own stream, derived from ``seed`` and
        the variable name, so its interval does not depend on the other variables in the table.
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

    Alpha is reported as undefined (NaN, verdict "undefined") when fewer than two units are
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
    are computed at once as matrix products with the per-unit coincidences.

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
    check_columns(codes, _CODE_COLUMNS, "codes")
    spec = _check_codebook(codebook)
    n_boot = _check_int(n_boot, "n_boot")
    seed = _check_int(seed, "seed")
    if isinstance(ci, bool) or not isinstance(ci, (int, float, np.number)) or not 0 < ci < 1:
        raise ValueError(f"ci must be a number between 0 and 1 (e.g. 0.95), not {ci!r}")
    chosen = _choose_coders(codes, coders, exclude, minimum=2)
    # missing values stay in: _encode marks them, and alpha counts only the coded ones
    rows = _rows_of(codes, chosen, spec, keep_missing=True)

    figure = _figure_flags(codebook)
    cited = _cited_rows(codes, chosen, [v for v in spec["variable"] if figure.get(v)])
    measurable = bool((_coded_by(codes, _sorted_ids(codes), chosen).sum(axis=1) >= 2).any())
    out = []
    for var in tqdm(list(spec.itertuples(index=False)), desc="reliability", unit="variable",
                    disable=not progress):
        sub = rows.get(var.variable)
        enc = _encode(sub, var)
        rng = np.random.default_rng([seed, zlib.crc32(var.variable.encode("utf-8"))])
        row = _variable_reliability(var, enc, n_boot=n_boot, ci=float(ci), rng=rng)
        if var.variable in cited:
            yes_no = _Spec(var.variable, "nominal", (0, 1))
            c_rng = np.random.default_rng([seed, zlib.crc32(("cited:" + var.variable).encode("utf-8"))])
            c_row = _variable_reliability(yes_no, _encode(cited[var.variable], yes_no), n_boot=n_boot,
                                          ci=float(ci), rng=c_rng)
            row.update(alpha_cited=c_row["alpha"], ci_low_cited=c_row["ci_low"], ci_high_cited=c_row["ci_high"])
            row = _figure_verdict(row, c_row)
        if not measurable:
            row["verdict"] = "not measured"
            row["note"] = ("Not measurable: one coder. No report was coded by two or more of the chosen "
                           "coders; the variable is kept and marked 'reliability not measured'.")
        out.append(row)
    table = pd.DataFrame(out, columns=list(RELIABILITY_COLUMNS))
    for col in ("n_units", "n_pairable", "n_values", "n_coders"):
        table[col] = table[col].astype("int64")
    for col in ("alpha", "ci_low", "ci_high", "d_observed", "d_expected", "percent_agreement",
                "alpha_cited", "ci_low_cited", "ci_high_cited"):
        table[col] = table[col].astype("float64")
    return table


class _Spec(NamedTuple):
    variable: str
    level: str
    codes: tuple


def _cited_rows(codes, chosen, figures):
    """Per figure variable, rows "cited a number" (1/0) for every report each chosen coder coded."""
    if not figures:
        return {}
    has_value = codes["value"].notna().to_numpy()
    coder = codes["coder"].astype(str).to_numpy()
    report = codes["report_id"].astype(str).to_numpy()
    mine = np.isin(coder, chosen)
    pairs = pd.DataFrame({"report_id": report[mine & has_value], "coder": coder[mine & has_value]}).drop_duplicates()
    variable = codes["variable"].astype(str).to_numpy()
    out = {}
    for v in figures:
        gave = pd.DataFrame({"report_id": report[mine & has_value & (variable == v)],
                             "coder": coder[mine & has_value & (variable == v)], "cited": 1})
        table = pairs.merge(gave, on=["report_id", "coder"], how="left")
        table["cited"] = table["cited"].fillna(0).astype(int).astype(object)
        table = table.sort_values(["report_id", "coder"], kind="stable").reset_index(drop=True)
        long = table.assign(variable=v).rename(columns={"cited": "value"})
        out[v] = _rows_of(long, chosen, pd.DataFrame({"variable": [v]}), keep_missing=True).get(v)
    return out


def _figure_verdict(row, cited):
    """A figure is as reliable as the worse of "a number is cited" and "which number"."""
    rank = {"unreliable": 0, "unknown": 1, "tentative": 2, "reliable": 3}
    if rank[cited["verdict"]] < rank[row["verdict"]]:
        row["verdict"] = cited["verdict"]
        row["note"] = (f"Whether a number is cited is {cited['verdict']} (alpha "
                       f"{_fmt_alpha(cited['alpha'])}); the number itself: alpha {_fmt_alpha(row['alpha'])}. "
                       + row["note"]).strip()
    return row


def _fmt_alpha(x):
    return "undefined" if np.isnan(x) else f"{x:.3f}"


def disagreements(codes, codebook, *, coders=None, exclude=("adjudicated",)):
    """The judgements on which coders differ, laid out for an adjudication meeting.

    Parameters
    ----------
    codes : DataFrame
        ``report_id, coder, variable, value, evidence`` (see :func:`reliability`).
    codebook : DataFrame
        ``variable, level, codes``, in codebook order.
    coders : sequence of str, optional
        The coders to compare; default every coder in ``codes``.
    exclude : sequence of str, default ("adjudicated",)
        Coders left out.

    Returns
    -------
    DataFrame
        Columns ``DISAGREEMENT_COLUMNS``: ``report_id, variable, coder, value, evidence,
        n_distinct``. For every (report, variable) where the chosen coders' non-missing values
        are not all equal, one row per chosen coder who has a row for it, including a coder who
        left it missing (value NaN): the meeting sees who did not code it too. ``n_distinct``
        counts the distinct non-missing values. Sorted by variable in codebook order, then
        report_id, then coder.

    Notes
    -----
    A (report, variable) where one coder gave a value and the others left it missing is not
    a disagreement here, as alpha does not count it either; :func:`consolidate` reports it as
    "single_coder".
    """
    check_columns(codes, _CODE_COLUMNS + ("evidence",), "codes")
    spec = _check_codebook(codebook)
    chosen = _choose_coders(codes, coders, exclude, minimum=1)
    rows = _rows_of(codes, chosen, spec, keep_missing=True)

    evidence = codes["evidence"].to_numpy(dtype=object)
    parts = []
    for order, var in enumerate(spec.itertuples(index=False)):
        sub = rows.get(var.variable)
        if sub is None or not len(sub.unit):
            continue
        enc = _encode(sub, var)
        coded = enc.category >= 0
        distinct = (pd.DataFrame({"unit": sub.unit[coded], "category": enc.category[coded]})
                    .groupby("unit", sort=False)["category"].nunique())
        distinct = distinct[distinct > 1]
        if distinct.empty:
            continue
        mask = np.isin(sub.unit, distinct.index.to_numpy())
        unit = sub.unit[mask]
        parts.append(pd.DataFrame({
            "report_id": sub.ids[unit], "variable": var.variable, "coder": sub.names[sub.coder[mask]],
            "value": pd.Series(sub.value[mask], dtype=object),
            "evidence": pd.Series(evidence[sub.pos[mask]], dtype=object),
            "n_distinct": distinct.reindex(unit).to_numpy(dtype=np.int64), "_order": order}))
    if not parts:
        return _empty(DISAGREEMENT_COLUMNS, {"n_distinct": "int64"})
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values(["_order", "report_id", "coder"], kind="stable")
    return table[list(DISAGREEMENT_COLUMNS)].reset_index(drop=True)


def consolidate(codes, codebook, *, adjudicator="adjudicated", coders=None, single_coder=True,
                machines=True):
    """One value per report and variable, from the adjudicator or the coders' agreement.

    Parameters
    ----------
    codes : DataFrame
        ``report_id, coder, variable, value, evidence`` (see :func:`reliability`).
    codebook : DataFrame
        ``variable, level, codes``, in codebook order.
    adjudicator : str, default "adjudicated"
        The coder whose non-missing values settle a judgement. It need not be in ``codes``.
    coders : sequence of str, optional
        The coders to consolidate; default every independent coder in ``codes``: all but the
        adjudicator and machine coders (``model:...``).
    single_coder : bool, default True
        Take the code of a report that one coder alone coded (rule "single_coder"), as in the
        common design where a reliability subsample is double-coded and the rest single-coded.
        False leaves such codes unresolved (value NaN).
    machines : bool, default True
        With ``coders=None``, let machine coders (``model:...``) fill the reports that no
        independent coder coded (rule "machine"). Machines never count as independent coders.

    Returns
    -------
    DataFrame
        Columns ``CONSOLIDATION_COLUMNS``: ``report_id, variable, value, evidence, rule,
        n_coders``; one row for every report in ``codes`` and every codebook variable, sorted
        by report_id, then variable in codebook order; ``report_id`` and ``variable`` are
        categorical, their categories sorted. ``n_coders`` counts the chosen coders
        (not the adjudicator) who gave a non-missing value. ``rule`` says where ``value`` comes
        from:

        - "adjudicated": the adjudicator gave a non-missing value; it wins even if no coder
          gave it;
        - "unanimous": every non-missing value of two or more coders is the same;
        - "majority": (nominal and ordinal only) one value has more than half of the
          non-missing values;
        - "tie": values differ and no value has a strict majority (for interval and ratio
          variables: the numbers are not all equal); value NaN, unresolved;
        - "single_coder": one coder only gave a value; it is taken (value NaN with
          ``single_coder=False``);
        - "machine": no independent coder coded the report; the machine coders' value, where
          they agree;
        - "not_coded": no coder gave a value; value NaN.

        Figure variables (codebook role ``figure``, where a blank means "no number cited") count
        a coder who coded the report but gave no number as a vote for "none": a number against
        a blank is a "tie", two blanks are "unanimous" (value NaN: no number cited).

        ``evidence`` is the adjudicator's, or else that of the first coder in sorted order
        whose value is the consolidated value; NaN when the value is NaN.

    Notes
    -----
    Numbers are consolidated only when equal: an average or a majority of figures would
    invent or hide a discrepancy that the adjudicator should look at.
    """
    check_columns(codes, _CODE_COLUMNS + ("evidence",), "codes")
    spec = _check_codebook(codebook)
    if not isinstance(adjudicator, str):
        raise ValueError(f"adjudicator must be a coder name, not {adjudicator!r}")
    if coders is not None and adjudicator in _as_names(coders, "coders"):
        raise ValueError(f"the adjudicator {adjudicator!r} cannot also be one of the coders; "
                         "choose another adjudicator or leave it out of coders")
    present = sorted(map(str, pd.unique(codes["coder"])))
    machine = [c for c in present if c.startswith("model:")] if machines and coders is None else []
    chosen = _choose_coders(codes, coders, (adjudicator, *machine) if coders is None else (adjudicator,),
                            minimum=1)
    if coders is None:
        chosen = [c for c in chosen if not c.startswith("model:")]
    rows = _rows_of(codes, chosen + machine + [adjudicator], spec, keep_missing=True)
    reports = _sorted_ids(codes)
    coded_by = _coded_by(codes, reports, chosen)
    figure = _figure_flags(codebook)
    any_rows = next(iter(rows.values()), None)
    ids = any_rows.ids if any_rows is not None else np.zeros(0, dtype=object)
    unit_row = np.searchsorted(reports, ids)  # row of reports of each unit
    evidence = codes["evidence"].to_numpy(dtype=object)

    n_rep, n_var = len(reports), len(spec)
    if not n_var or not n_rep:
        return _empty(CONSOLIDATION_COLUMNS, {"n_coders": "int64"})
    # report x variable tables, filled a variable (column) at a time: read row by row they are
    # sorted by report_id, then variable in codebook order, with no sort
    value = np.empty((n_rep, n_var), dtype=object)
    ev = np.empty((n_rep, n_var), dtype=object)
    rule = np.empty((n_rep, n_var), dtype=np.int8)
    n_coders = np.empty((n_rep, n_var), dtype=np.int64)
    for j, var in enumerate(spec.itertuples(index=False)):
        value[:, j], ev[:, j], rule[:, j], n_coders[:, j] = _consolidate_variable(
            rows.get(var.variable), var, reports, unit_row, chosen, adjudicator, evidence,
            machine=machine, coded_by=coded_by, figure=bool(figure.get(var.variable)), single=single_coder)
    # keys categorical with sorted categories, as in Event.codes: later steps use their codes
    names = spec["variable"].to_numpy(dtype=object)
    name_order = np.argsort(names, kind="stable")
    name_rank = np.empty(n_var, dtype=np.int64)
    name_rank[name_order] = np.arange(n_var)
    small = np.int32 if n_rep > 30000 else np.int16
    return pd.DataFrame({
        "report_id": pd.Categorical.from_codes(np.repeat(np.arange(n_rep, dtype=small), n_var),
                                               pd.Index(reports, dtype=object)),
        "variable": pd.Categorical.from_codes(np.tile(name_rank.astype(np.int16 if n_var < 30000 else np.int32), n_rep),
                                              pd.Index(names[name_order], dtype=object)),
        "value": pd.Series(value.ravel(), dtype=object), "evidence": pd.Series(ev.ravel(), dtype=object),
        "rule": np.asarray(_RULES, dtype=object)[rule.ravel()], "n_coders": n_coders.ravel()},
        columns=list(CONSOLIDATION_COLUMNS))


_RULES = ("adjudicated", "unanimous", "majority", "tie", "single_coder", "machine", "not_coded")


def _coded_by(codes, reports, chosen):
    """(reports, chosen coders) bool: the coder gave the report at least one value."""
    out = np.zeros((len(reports), len(chosen)), dtype=bool)
    if not len(reports) or not chosen:
        return out
    c_code, c_uniq = key_codes(codes["coder"], True)
    r_code, r_uniq = key_codes(codes["report_id"], True)
    col = pd.Index(chosen).get_indexer(c_uniq)[c_code]
    col[pd.isna(codes["value"]).to_numpy()] = -1
    row = np.searchsorted(reports, np.asarray(r_uniq, dtype=object)[r_code].astype(str)) if len(r_code) else r_code
    keep = col >= 0
    out[row[keep], col[keep]] = True
    return out


def _figure_flags(codebook):
    """variable -> True for figure variables (a blank means "no number cited")."""
    if "role" not in codebook.columns:
        return {}
    return dict(zip(codebook["variable"], codebook["role"] == "figure"))


# ---------------------------------------------------------------------------------------------
# checking and encoding the input
# ---------------------------------------------------------------------------------------------

class _Encoded(NamedTuple):
    """One variable's rows as categories.

    ``category`` holds, per row, the index into ``domain`` (-1: missing); ``points`` are the
    positions used by the distance (codebook rank for ordinal, the number for interval/ratio).
    """

    rows: pd.DataFrame
    category: np.ndarray
    domain: list
    points: np.ndarray


def independent_coders(codes, *, adjudicator="adjudicated"):
    """Names of the human coders: all but the adjudicator and machine coders (``model:...``), sorted."""
    names = sorted(map(str, pd.unique(codes["coder"])))
    return [c for c in names if c != adjudicator and not c.startswith("model:")]


def rule_counts(final):
    """How each final code was reached: ``rule, n, share`` (from :func:`consolidate`), sorted by rule."""
    counts = final.groupby("rule", observed=True).size().rename("n").reset_index()
    counts["share"] = counts["n"] / max(len(final), 1)
    return counts.sort_values("rule", kind="stable").reset_index(drop=True)


def not_reliable(table):
    """Variables whose verdict is not "reliable" (from :func:`reliability`), in table order."""
    return table.loc[table["verdict"] != "reliable", "variable"].tolist()



def _check_codebook(codebook):
    check_columns(codebook, _CODEBOOK_COLUMNS, "codebook")
    problems = []
    for variable, level in zip(codebook["variable"], codebook["level"]):
        if level not in LEVELS:
            problems.append(Problem("codebook", f"variable {variable}: level {level!r} is unknown",
                                    column="level", value=level, accepted=", ".join(LEVELS)))
    names = codebook["variable"]
    if names.duplicated().any():
        problems.append(Problem("codebook", f"variable {names[names.duplicated()].iloc[0]} appears twice",
                                column="variable", accepted="each variable once"))
    if problems:
        raise DataError(problems)
    return codebook[list(_CODEBOOK_COLUMNS)].reset_index(drop=True)


def _check_int(x, name):
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {x!r}")
    return int(x)


def _as_names(names, what):
    if isinstance(names, str):
        return [names]
    try:
        names = list(names)
    except TypeError:
        raise ValueError(f"{what} must be a list of coder names, not {names!r}") from None
    if not all(isinstance(n, str) for n in names):
        raise ValueError(f"{what} must be a list of coder names (str), not {names!r}")
    return names


def _choose_coders(codes, coders, exclude, *, minimum):
    c_code, c_uniq = key_codes(codes["coder"], True)
    present = sorted(c_uniq[np.bincount(c_code, minlength=len(c_uniq)) > 0])
    dropped = set(_as_names(exclude, "exclude"))
    if coders is None:
        chosen = [c for c in present if c not in dropped]
    else:
        chosen = sorted(set(_as_names(coders, "coders")))
        unknown = [c for c in chosen if c not in present]
        if unknown:
            raise ValueError(f"coder(s) {', '.join(unknown)} not in codes; "
                             f"coders present: {', '.join(present) or 'none'}")
        both = [c for c in chosen if c in dropped]
        if both:
            raise ValueError(f"coder(s) {', '.join(both)} both chosen and excluded; "
                             "pass exclude=() to keep them")
    if coders is not None and len(chosen) < minimum:
        raise ValueError(f"choose at least {minimum} coders, not {chosen}")
    return chosen


class _Rows(NamedTuple):
    """One variable's judgements by the chosen coders, as arrays (no text per row).

    ``unit``: the rank of the report_id among the sorted ids of all chosen rows (``ids``);
    ``coder``: the index of the coder's name in ``names``; ``value``: the values as given;
    ``pos``: the row's position in ``codes`` (for evidence and messages).
    """

    unit: np.ndarray
    coder: np.ndarray
    value: np.ndarray
    pos: np.ndarray
    ids: np.ndarray
    names: np.ndarray
    n_units: int


def _sorted_ids(codes):
    """The distinct report_ids (as str) of ``codes``, sorted."""
    r_code, r_uniq = key_codes(codes["report_id"], True)
    return used_sorted(r_code, r_uniq)[1]


def _rows_of(codes, chosen, spec, *, keep_missing=False):
    """The chosen coders' rows of each codebook variable (a dict of :class:`_Rows`).

    Checks that no (report, coder, variable) is coded twice. The key columns are used through
    their category codes (or factorized once), and the split by variable runs on those integers:
    millions of rows, few distinct values; a row's text is looked up only to be shown.
    """
    c_code, c_uniq = key_codes(codes["coder"], True)
    v_code, v_uniq = key_codes(codes["variable"], False)
    keep = pd.Index(c_uniq).isin(chosen)[c_code] & pd.Index(v_uniq).isin(spec["variable"])[v_code]
    values = codes["value"].to_numpy(dtype=object)
    everything = bool(keep.all())  # every row chosen: no copies of the columns
    sel = np.arange(len(keep)) if everything else np.flatnonzero(keep)
    r_code, r_uniq = key_codes(codes["report_id"], True)
    r_sel = r_code if everything else r_code[sel]
    # units: the rank of report_id among the sorted distinct ids of the chosen rows
    rank, ids = used_sorted(r_sel, r_uniq)
    unit = rank[r_sel]
    c_sel, v_sel = (c_code, v_code) if everything else (c_code[sel], v_code[sel])
    nc, nv = max(len(c_uniq), 1), max(len(v_uniq), 1)
    key = unit * nc
    key += c_sel
    key *= nv
    key += v_sel
    # sorted by report, coder and variable (as load_event gives them), a repeat is a neighbour
    steps = np.diff(key)
    repeated = not (steps > 0).all()
    if repeated and len(ids) * nc * nv <= 4 * len(key) + 1024:  # a count per possible key
        repeated = (np.bincount(key, minlength=len(ids) * nc * nv) > 1).any()
    if repeated:
        dup = pd.Series(key).duplicated().to_numpy()
        if dup.any():
            j = int(np.argmax(dup))
            raise DataError(Problem("codes", f"report {ids[unit[j]]}, coder {c_uniq[c_sel[j]]}, variable "
                                    f"{v_uniq[v_sel[j]]} is coded more than once",
                                    accepted="one row per report, coder and variable"))
    if not keep_missing:
        uniq_of, first = by_identity(values[sel])
        has = pd.notna(values[sel][first])[uniq_of]
        if not has.all():
            sel, unit, c_sel, v_sel = sel[has], unit[has], c_sel[has], v_sel[has]
    # split by variable: a stable sort on the variable's code keeps each variable's rows in order
    by_var = np.argsort(v_sel.astype(np.int32 if nv > 32767 else np.int16), kind="stable")
    bounds = np.cumsum(np.bincount(v_sel, minlength=nv))
    rows, lo = {}, 0
    for j, hi in enumerate(bounds):
        if hi > lo:
            part = by_var[lo:hi]
            pos = sel[part]
            rows[v_uniq[j]] = _Rows(unit[part], c_sel[part], values[pos], pos, ids, c_uniq, len(ids))
        lo = hi
    return rows


def _no_rows():
    empty = np.zeros(0, dtype=np.int64)
    return _Rows(empty, empty, np.zeros(0, dtype=object), empty, np.zeros(0, dtype=object),
                 np.zeros(0, dtype=object), 0)


def _encode(sub, var):
    """Map one variable's values to categories, checking them against the codebook."""
    if sub is None:
        sub = _no_rows()
    values = sub.value
    group, first = by_identity(values)
    distinct = values[first]
    missing = pd.isna(distinct)[group] if len(values) else np.zeros(0, dtype=bool)
    category = np.full(len(values), -1, dtype=np.int64)
    if var.level in ("nominal", "ordinal"):
        domain = list(var.codes) if isinstance(var.codes, (tuple, list)) else []
        if var.level == "nominal" and not domain:
            # a nominal variable without listed codes: its observed values, in any order
            domain = list(dict.fromkeys(values[~missing]))
        if var.level == "ordinal" and not domain:
            raise DataError(Problem("codebook", f"ordinal variable {var.variable} has no codes",
                                    column="codes", accepted="its codes, lowest to highest"))
        rank = {code: i for i, code in enumerate(domain)}
        coded = np.flatnonzero(~missing)
        try:
            # a dict lookup per distinct object (a dict matches values by hash and ==)
            found = np.array([rank.get(u, -1) for u in distinct], dtype=np.int64)
            category[coded] = found[group[coded]] if len(coded) else []
        except TypeError:  # unhashable values: one at a time, to name the first
            found = None
        if found is None or (category[coded] < 0).any():
            for i in coded:
                try:
                    category[i] = rank[values[i]]
                except (KeyError, TypeError):
                    raise _bad_value(sub, i, var, "is not one of its codes",
                                     "one of " + ", ".join(map(repr, domain))) from None
        points = np.arange(len(domain), dtype=np.float64)
        return _Encoded(sub, category, domain, points)

    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~missing & ~np.isfinite(numbers)
    if var.level == "ratio":
        bad |= ~missing & (numbers < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        accepted = "a number >= 0 (ratio scale)" if var.level == "ratio" else "a finite number"
        raise _bad_value(sub, i, var, "is not a number of this scale", accepted)
    domain, category[~missing] = np.unique(numbers[~missing], return_inverse=True)
    return _Encoded(sub, category, list(domain), domain.astype(np.float64))


def _bad_value(sub, i, var, what, accepted):
    value = sub.value[i]
    return DataError(Problem("codes", f"report {sub.ids[sub.unit[i]]}, coder {sub.names[sub.coder[i]]}: value "
                             f"{value!r} of {var.level} variable {var.variable} {what}",
                             column="value", value=value, accepted=accepted))


def _empty(columns, dtypes):
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in columns})


# ---------------------------------------------------------------------------------------------
# alpha from coincidences
# ---------------------------------------------------------------------------------------------

def _unit_counts(enc):
    """Value counts per unit: (units, categories) over the units with at least one value."""
    coded = enc.category >= 0
    # unit: the unit's rank among the sorted report_ids (see _rows_of), so units are in that order
    n_units, unit = _renumber(enc.rows.unit[coded], enc.rows.n_units)
    n_cat = len(enc.domain)
    flat = np.bincount(unit * n_cat + enc.category[coded], minlength=n_units * n_cat)
    return flat.reshape(n_units, n_cat).astype(np.float64)


def _renumber(unit, n_all):
    """The units present numbered 0..U-1 in their order: ``(U, new numbers)``, without sorting."""
    present = np.bincount(unit, minlength=n_all) > 0
    return int(present.sum()), (np.cumsum(present) - 1)[unit]


def _sparse_counts(enc):
    """The nonzero value counts per unit as entries (unit, category, count), sorted by unit.

    Interval and ratio variables have as many categories as distinct numbers (thousands), so a
    dense (units, categories) table would be too large; units are numbered 0..U-1 as in
    :func:`_unit_counts`. Returns ``n_units, unit, category, count``.
    """
    coded = enc.category >= 0
    n_units, unit = _renumber(enc.rows.unit[coded], enc.rows.n_units)
    n_cat = max(len(enc.domain), 1)
    pair, count = np.unique(unit.astype(np.int64) * n_cat + enc.category[coded], return_counts=True)
    return n_units, pair // n_cat, pair % n_cat, count.astype(np.float64)


def _pair_delta(a, b, level):
    """Squared distances between the numbers a and b (elementwise), as in :func:`_fixed_delta`."""
    diff = a - b
    if level == "interval":
        return diff ** 2
    total = a + b
    return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2


def _sparse_alpha(unit, category, count, m, weights, level, points):
    """:func:`_alpha` for interval and ratio variables, from the entries of :func:`_sparse_counts`.

    ``unit, category, count`` are the nonzero counts of the pairable units (numbered 0..U-1,
    sorted), ``m`` (U,) their numbers of values; other arguments and the result as in
    :func:`_alpha`. A unit's disagreement is summed over the pairs of its distinct values (a few
    per unit), never over all (V, V) pairs of categories.
    """
    n_units, n_cat = len(m), len(points)
    distinct = np.bincount(unit, minlength=n_units)
    start = np.cumsum(distinct) - distinct
    size = distinct[unit]
    ii = np.repeat(np.arange(len(unit)), size)
    jj = start[unit[ii]] + np.arange(len(ii)) - np.repeat(np.cumsum(size) - size, size)
    pair = count[ii] * count[jj] * _pair_delta(points[category[ii]], points[category[jj]], level)
    per_unit = np.bincount(unit[ii], weights=pair, minlength=n_units) / (m - 1)
    observed = weights @ per_unit
    # n_c = weights @ counts, with counts a sparse (U, V) matrix (weights (B, U)); the products
    # and sums are of whole numbers, so exact whatever the order of summation
    n_boot = weights.shape[0]
    sparse_counts = scipy.sparse.csr_matrix((count, (unit, category)), shape=(n_units, n_cat))
    n_c = np.asarray((sparse_counts.T @ weights.T).T)
    n = n_c.sum(axis=1)
    if n_cat <= _DENSE_DELTA:
        delta = _fixed_delta(points, level)
        expected = ((n_c @ delta) * n_c).sum(axis=1)
    elif level == "interval":
        # sum_ck n_c n_k (c - k)^2 = 2 (n sum_c n_c c^2 - (sum_c n_c c)^2)
        expected = 2 * (n * (n_c @ points ** 2) - (n_c @ points) ** 2)
    else:
        expected = np.zeros(n_boot)
        for lo in range(0, n_cat, _DENSE_DELTA):
            block = _pair_delta(points[:, None], points[None, lo:lo + _DENSE_DELTA], level)
            expected += ((n_c @ block) * n_c[:, lo:lo + _DENSE_DELTA]).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_observed = observed / n
        d_expected = expected / (n * (n - 1))
        alpha = np.where(expected > 0, 1.0 - (n - 1) * observed / expected, np.nan)
    return alpha, d_observed, d_expected


# categories up to which the (V, V) distances of interval and ratio variables are one matrix
_DENSE_DELTA = 4096


def _fixed_delta(points, level):
    """Squared distances between categories for the metrics that do not depend on frequencies."""
    if level == "nominal":
        return 1.0 - np.eye(len(points))
    diff = points[:, None] - points[None, :]
    if level == "interval":
        return diff ** 2
    total = points[:, None] + points[None, :]
    # Krippendorff (2011): ratio distance ((c-k)/(c+k))^2, and 0 between two zeros
    return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2


def _ordinal_delta(n_c):
    """Ordinal distances per resample, (B, V, V), from the value frequencies n_c (B, V)."""
    n_cat = n_c.shape[1]
    idx = np.arange(n_cat)
    lo, hi = np.minimum.outer(idx, idx), np.maximum.outer(idx, idx)
    cum = np.cumsum(n_c, axis=1)
    # Krippendorff (2011): sum of n_g for g from c to k, less half the two end frequencies
    between = cum[:, hi] - cum[:, lo] + n_c[:, lo]
    return (between - (n_c[:, :, None] + n_c[:, None, :]) / 2) ** 2


def _alpha(counts, weights, level, points):
    """Alpha for each row of ``weights``.

    Parameters
    ----------
    counts : ndarray, shape (U, V)
        Value counts of the pairable units (two or more values each).
    weights : ndarray, shape (B, U)
        How many times each unit enters each (re)sample; a row of ones is the data itself.
    level : str
    points : ndarray, shape (V,)

    Returns
    -------
    alpha, d_observed, d_expected : ndarray, shape (B,)
    """
    m = counts.sum(axis=1)
    n_c = weights @ counts
    n = n_c.sum(axis=1)
    if level == "ordinal":
        n_units, n_cat = counts.shape
        per_unit = counts[:, :, None] * counts[:, None, :]
        per_unit[:, np.arange(n_cat), np.arange(n_cat)] -= counts
        per_unit /= (m - 1)[:, None, None]
        o = (weights @ per_unit.reshape(n_units, -1)).reshape(-1, n_cat, n_cat)
        delta = _ordinal_delta(n_c)
        observed = (o * delta).sum(axis=(1, 2))
        expected = np.einsum("bc,bck,bk->b", n_c, delta, n_c)
    else:
        delta = _fixed_delta(points, level)
        # a unit's disagreement sum_ck o_uck delta_ck; the diagonal of delta is zero
        per_unit = ((counts @ delta) * counts).sum(axis=1) / (m - 1)
        observed = weights @ per_unit
        expected = ((n_c @ delta) * n_c).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_observed = observed / n
        d_expected = expected / (n * (n - 1))
        alpha = np.where(expected > 0, 1.0 - (n - 1) * observed / expected, np.nan)
    return alpha, d_observed, d_expected


def _resample_weights(n_units, n_boot, rng):
    """Counts of each unit in each bootstrap resample, (n_boot, n_units)."""
    out = np.empty((n_boot, n_units))
    # one resample at a time: its draws and counts stay in cache, and the draws are those of one
    # (n_boot, n_units) call, row after row (the generator fills arrays in order)
    for b in range(n_boot):
        out[b] = np.bincount(rng.integers(0, n_units, size=n_units), minlength=n_units)
    return out


def _verdict(alpha, ci_low=np.nan):
    if np.isnan(alpha):
        return "unknown"
    if alpha >= RELIABLE - _TOLERANCE and not ci_low < TENTATIVE - _TOLERANCE:
        return "reliable"
    if alpha >= TENTATIVE - _TOLERANCE:
        return "tentative"
    return "unreliable"


def _variable_reliability(var, enc, *, n_boot, ci, rng):
    coded = enc.category >= 0
    names = sorted(enc.rows.names[np.bincount(enc.rows.coder[coded], minlength=len(enc.rows.names)) > 0])
    if var.level in ("interval", "ratio"):
        n_units, e_unit, e_cat, e_count = _sparse_counts(enc)
        m_all = np.bincount(e_unit, weights=e_count, minlength=n_units)
        is_pairable = m_all >= 2
        keep = is_pairable[e_unit]
        e_unit = (np.cumsum(is_pairable) - 1)[e_unit[keep]]
        e_cat, e_count = e_cat[keep], e_count[keep]
        used_cat = np.unique(e_cat)
        e_cat = np.searchsorted(used_cat, e_cat)
        points = enc.points[used_cat]
        used_values = [enc.domain[i] for i in used_cat]
        pm = m_all[is_pairable]
        n_pairable, n_values, same = len(pm), int(e_count.sum()), (e_count * (e_count - 1)).sum()

        def alpha_of(weights):
            return _sparse_alpha(e_unit, e_cat, e_count, pm, weights, var.level, points)
    else:
        counts = _unit_counts(enc)
        n_units = len(counts)
        is_pairable = counts.sum(axis=1) >= 2
        pairable = counts[is_pairable]
        used = pairable.sum(axis=0) > 0
        # categories no pairable unit uses add nothing to any sum (ordinal included)
        if not used.all():
            pairable = pairable[:, used]
        points = enc.points[used]
        used_values = [v for v, u in zip(enc.domain, used) if u]
        pm = pairable.sum(axis=1)
        n_pairable, n_values, same = len(pairable), int(pairable.sum()), (pairable * (pairable - 1)).sum()

        def alpha_of(weights):
            return _alpha(pairable, weights, var.level, points)
    row = {
        "variable": var.variable, "level": var.level, "alpha": np.nan, "ci_low": np.nan,
        "ci_high": np.nan, "n_units": n_units, "n_pairable": n_pairable,
        "n_values": n_values, "n_coders": len(names), "coders": ", ".join(names),
        "d_observed": np.nan, "d_expected": np.nan, "percent_agreement": np.nan,
        "verdict": "unknown", "note": "", "alpha_cited": np.nan, "ci_low_cited": np.nan,
        "ci_high_cited": np.nan,
    }
    if n_pairable == 0:
        row["note"] = ("Alpha is undefined: no unit was coded by two or more of the chosen coders, "
                       "and at least 2 such units are needed.")
        return row
    row["percent_agreement"] = float(same / (pm * (pm - 1)).sum())
    alpha, d_o, d_e = alpha_of(np.ones((1, n_pairable)))
    row["d_observed"], row["d_expected"] = float(d_o[0]), float(d_e[0])
    if n_pairable < 2:
        row["note"] = ("Alpha is undefined: only 1 unit was coded by two or more of the chosen "
                       "coders, and at least 2 are needed (with one unit alpha is 0 whatever the codes).")
        return row
    if len(used_values) == 1:
        row["note"] = (f"Alpha is undefined: every pairable value is {_show(used_values[0])}, so the "
                       "expected disagreement is zero (too little variation to judge agreement).")
        return row
    row["alpha"] = float(alpha[0])
    if n_boot:
        # resamples in blocks of about 16 million unit counts: the same draws, in the same order,
        # without holding (n_boot, units) counts for a million units at once
        step = max(1, (1 << 24) // n_pairable)
        boot = np.concatenate([alpha_of(_resample_weights(n_pairable, min(step, n_boot - lo), rng))[0]
                               for lo in range(0, n_boot, step)])
        defined = boot[~np.isnan(boot)]
        if len(defined):
            row["ci_low"], row["ci_high"] = np.quantile(defined, [(1 - ci) / 2, (1 + ci) / 2])
        if len(defined) < n_boot:
            row["note"] = (f"{n_boot - len(defined)} of {n_boot} bootstrap resamples had a single "
                           "value (no alpha) and were left out of the interval.")
    row["verdict"] = _verdict(row["alpha"], row["ci_low"])
    if alpha[0] >= RELIABLE - _TOLERANCE and row["verdict"] != "reliable":
        row["note"] = (f"Alpha reaches {RELIABLE:.3f}, but its {ci:.0%} interval reaches down to "
                       f"{row['ci_low']:.3f}, below {TENTATIVE:.3f}. " + row["note"]).strip()
    modal = _modal_share(enc, var, used_values)
    if var.level in ("nominal", "ordinal") and modal >= LOW_VARIATION:
        row["verdict"] = "unknown"
        row["note"] = (f"Too little variation to judge agreement: one code holds {modal:.0%} of the "
                       f"{n_values} pairable values (threshold {LOW_VARIATION:.0%}). " + row["note"]).strip()
    return row


def _modal_share(enc, var, used_values):
    """Share of the most common code among the pairable values (nominal and ordinal)."""
    if var.level not in ("nominal", "ordinal"):
        return 0.0
    counts = _unit_counts(enc)
    pairable = counts[counts.sum(axis=1) >= 2].sum(axis=0)
    total = pairable.sum()
    return float(pairable.max() / total) if total else 0.0


def _show(value):
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"
    return repr(value)


# ---------------------------------------------------------------------------------------------
# consolidation
# ---------------------------------------------------------------------------------------------

def _consolidate_variable(sub, var, reports, unit_row, chosen, adjudicator, evidence_all, *,
                          machine=(), coded_by=None, figure=False, single=True):
    """One variable's final value, evidence, rule (index into _RULES) and n_coders per report.

    ``coded_by`` marks the chosen coders who coded each report at all: machines fill only
    reports none of them coded, and for a ``figure`` a coder's blank counts as "no number cited".
    """
    enc = _encode(sub, var)
    n_rep, n_cod = len(reports), len(chosen)
    mach_cat = np.full((n_rep, max(len(machine), 1)), -1, dtype=np.int64)
    mach_pos = np.full((n_rep, max(len(machine), 1)), -1, dtype=np.int64)
    if len(machine) and len(enc.rows.unit):
        is_m = pd.Index(machine).get_indexer(enc.rows.names)[enc.rows.coder]
        m = is_m >= 0
        rm = unit_row[enc.rows.unit[m]]
        mach_cat[rm, is_m[m]] = enc.category[m]
        mach_pos[rm, is_m[m]] = enc.rows.pos[m]
        keep = ~m
        enc = _Encoded(enc.rows._replace(unit=enc.rows.unit[keep], coder=enc.rows.coder[keep],
                                         value=enc.rows.value[keep], pos=enc.rows.pos[keep]),
                       enc.category[keep], enc.domain, enc.points)
    # wide tables report x coder (sorted), of categories (-1 missing) and of row positions
    category = np.full((n_rep, n_cod), -1, dtype=np.int64)
    position = np.full((n_rep, n_cod), -1, dtype=np.int64)
    adj_cat = np.full(n_rep, -1, dtype=np.int64)
    adj_pos = np.full(n_rep, -1, dtype=np.int64)
    if len(enc.rows.unit):
        r = unit_row[enc.rows.unit]
        is_adj = (enc.rows.names == adjudicator)[enc.rows.coder]
        c = pd.Index(chosen).get_indexer(enc.rows.names)[enc.rows.coder[~is_adj]]
        category[r[~is_adj], c] = enc.category[~is_adj]
        position[r[~is_adj], c] = enc.rows.pos[~is_adj]
        adj_cat[r[is_adj]] = enc.category[is_adj]
        adj_pos[r[is_adj]] = enc.rows.pos[is_adj]

    n_cat = len(enc.domain)
    k = (category >= 0).sum(axis=1)
    if var.level in ("nominal", "ordinal"):
        counts = np.zeros((n_rep, max(n_cat, 1)), dtype=np.int64)
        for j in range(n_cod):
            has = category[:, j] >= 0
            counts[np.flatnonzero(has), category[has, j]] += 1
        top = counts.argmax(axis=1)
        top_count = counts.max(axis=1)
    else:
        # numbers have thousands of categories: no (reports, categories) table; only unanimity
        # counts, so the top category is the highest, and it has all k values when the lowest
        # equals it
        top = category.max(axis=1, initial=-1)
        low = np.where(category >= 0, category, np.iinfo(np.int64).max).min(axis=1, initial=np.iinfo(np.int64).max)
        top_count = np.where(low == top, k, 0)

    rule = np.full(n_rep, _RULES.index("tie"), dtype=np.int8)
    winner = np.full(n_rep, -1, dtype=np.int64)
    unanimous = (k >= 2) & (top_count == k)
    rule[unanimous] = _RULES.index("unanimous")
    winner[unanimous] = top[unanimous]
    if var.level in ("nominal", "ordinal"):
        majority = (k >= 2) & ~unanimous & (2 * top_count > k)
        rule[majority] = _RULES.index("majority")
        winner[majority] = top[majority]
    lone = k == 1
    rule[lone] = _RULES.index("single_coder")
    if single:
        winner[lone] = top[lone]
    rule[k == 0] = _RULES.index("not_coded")
    if figure:
        # figures: a coder who coded the report and left the number blank says "none cited"
        none = coded_by.sum(axis=1) - k
        rule[(k >= 1) & (none >= 1)] = _RULES.index("tie")
        winner[(k >= 1) & (none >= 1)] = -1
        rule[(k == 0) & (none >= 2)] = _RULES.index("unanimous")
        rule[(k == 0) & (none == 1)] = _RULES.index("single_coder")
    uncoded = ~coded_by.any(axis=1)
    first = np.full(n_rep, -1, dtype=np.int64)
    if len(machine):
        # machines fill only reports no independent coder coded, and only where they agree
        m_has = mach_cat >= 0
        m_top = mach_cat.max(axis=1)
        m_low = np.where(m_has, mach_cat, np.iinfo(np.int64).max).min(axis=1)
        agree = uncoded & m_has.any(axis=1) & (m_low == m_top)
        rule[agree] = _RULES.index("machine")
        winner[agree] = m_top[agree]
        first[agree] = mach_pos[agree, m_has[agree].argmax(axis=1)] if agree.any() else []
        clash = uncoded & m_has.any(axis=1) & (m_low != m_top)
        rule[clash] = _RULES.index("tie")

    # the first coder in sorted order whose value is the winner
    agrees = (category == winner[:, None]) & (winner[:, None] >= 0)
    first = np.where(agrees.any(axis=1), position[np.arange(n_rep), agrees.argmax(axis=1)], first)
    adjudicated = adj_cat >= 0
    rule[adjudicated] = _RULES.index("adjudicated")
    winner[adjudicated] = adj_cat[adjudicated]
    first[adjudicated] = adj_pos[adjudicated]

    value = np.full(n_rep, np.nan, dtype=object)
    ev = np.full(n_rep, np.nan, dtype=object)
    has = winner >= 0
    if has.any():
        domain = np.empty(n_cat, dtype=object)
        domain[:] = enc.domain
        value[has] = domain[winner[has]]
        ev[has] = evidence_all[first[has]]
    return value, ev, rule, k
