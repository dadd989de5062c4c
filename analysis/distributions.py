"""Groups of reports and their distributions of codes: the data behind every divergence.

:func:`jensen_shannon` is the divergence between two distributions of codes.
:func:`prepare_codes` turns the consolidated codes into one category number per report and
variable, with the reports sorted by group; :func:`two_groups` picks two groups of reports by
the values of a column. :mod:`analysis.divergence`, :mod:`analysis.permutation` and
:mod:`analysis.keyness` build on these. Inputs are never modified.
"""
from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import rel_entr

from ._columns import by_identity, key_codes
from .common import check_columns
from .errors import DataError, Problem

__all__ = ["jensen_shannon", "CodedReports", "prepare_codes", "two_groups", "stream",
           "check_whole_number", "MEAN", "CATEGORICAL_LEVELS"]

# the label of the mean over variables, in the variable column of every result table
MEAN = "(mean)"
CATEGORICAL_LEVELS = ("nominal", "ordinal")

_FINAL_COLUMNS = ("report_id", "variable", "value")
_CODEBOOK_COLUMNS = ("variable", "level", "codes")


def jensen_shannon(p: npt.ArrayLike, q: npt.ArrayLike, *, axis: int = -1) -> np.ndarray:
    """Jensen-Shannon divergence in bits (base 2) between distributions or counts.

    Parameters
    ----------
    p, q : array_like, shape (..., K)
        Non-negative weights over the same K categories (counts or probabilities); each is
        normalised to sum to one along ``axis``. Arrays broadcast against each other.
    axis : int, default -1
        The axis of the categories.

    Returns
    -------
    ndarray or float
        The divergence, between 0 (equal distributions) and 1 (disjoint supports); NaN where
        ``p`` or ``q`` sums to zero.

    Notes
    -----
    .. math::

        \\mathrm{JSD}(P, Q) = \\tfrac12 \\mathrm{KL}(P \\| M) + \\tfrac12 \\mathrm{KL}(Q \\| M),
        \\qquad M = \\tfrac12 (P + Q),

    with the Kullback-Leibler divergence in base 2 (Lin 1991, eq. 4.1). In base 2 the
    divergence is bounded by 1. Its square root is a metric (Endres and Schindelin 2003) and is
    what :func:`scipy.spatial.distance.jensenshannon` returns. That function is not called
    here: squaring its square root is not exact, and float cancellation can leave a sum a few
    ulps below 0, whose square root is NaN; the tests use it as the independent check.

    References
    ----------
    Lin, J. (1991). Divergence measures based on the Shannon entropy. IEEE Transactions on
    Information Theory, 37(1), 145-151. https://doi.org/10.1109/18.61115

    Endres, D. M., & Schindelin, J. E. (2003). A new metric for probability distributions. IEEE
    Transactions on Information Theory, 49(7), 1858-1860. https://doi.org/10.1109/TIT.2003.813506

    Examples
    --------
    >>> float(jensen_shannon([1, 0], [0, 1]))
    1.0
    >>> float(jensen_shannon([3, 1], [6, 2]))
    0.0
    """
    pa = np.asarray(p, dtype=np.float64)
    qa = np.asarray(q, dtype=np.float64)
    if (pa < 0).any() or (qa < 0).any():
        raise ValueError("jensen_shannon takes non-negative counts or probabilities")
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = pa / pa.sum(axis=axis, keepdims=True)
        qa = qa / qa.sum(axis=axis, keepdims=True)
        m = (pa + qa) / 2
        # rel_entr(x, m) = x log(x / m), 0 where x = 0
        js = (rel_entr(pa, m).sum(axis=axis) + rel_entr(qa, m).sum(axis=axis)) / (2 * math.log(2))
    # cancellation can leave a few ulps outside [0, 1]
    return np.clip(js, 0.0, 1.0)


@dataclass(frozen=True)
class CodedReports:
    """Reports sorted by group then report_id, with each variable's codes as category numbers.

    ``category[:, v]`` is the index of the report's code in the codebook's codes of variable v
    (-1: no value); ``group_of`` the index of the report's group in ``groups``;
    ``coded_reports`` the number of reports of each group with a value for some variable.
    """

    groups: np.ndarray
    group_of: np.ndarray
    variables: list[str]
    n_codes: list[int]
    category: np.ndarray
    coded_reports: np.ndarray

    def onehot(self, v: int) -> np.ndarray:
        """(reports, codes) indicator of each report's code for variable v (zero row: no value)."""
        cat = self.category[:, v]
        out = np.zeros((len(cat), self.n_codes[v]))
        has = cat >= 0
        out[np.flatnonzero(has), cat[has]] = 1.0
        return out


def prepare_codes(final: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *, by: str,
                  variables: str | Sequence[str] | None) -> CodedReports:
    """The consolidated codes of the chosen variables, per report, grouped by column ``by``.

    Parameters
    ----------
    final, codebook, reports
        As in :func:`analysis.divergence.pairwise_divergence`.
    by : str
        The report column that forms the groups; reports without a value are left out.
    variables : str or list of str, optional
        The variables; None: every nominal variable of the codebook.

    Returns
    -------
    CodedReports

    Raises
    ------
    DataError
        A column is missing, a report is unknown or given twice, a value is not a code.
    """
    check_columns(final, _FINAL_COLUMNS, "final")
    check_columns(codebook, _CODEBOOK_COLUMNS, "codebook")
    check_columns(reports, ("report_id",), "reports")
    if not isinstance(by, str) or by not in reports.columns:
        raise DataError(Problem("reports", f"column {by!r} missing", column=str(by),
                                accepted="a column of reports, e.g. outlet, outlet_type, outlet_country"))
    spec = _choose_variables(codebook, variables)
    rep, groups = _grouped_reports(reports, by)
    rows = _FinalRows.of(final, reports, rep, spec)
    category = _categories(final, spec, rows)
    group_of = rep["_g"].to_numpy()
    any_coded = (category >= 0).any(axis=1)
    coded_reports = np.bincount(group_of[any_coded], minlength=len(groups)).astype(np.int64)
    return CodedReports(groups=np.array(groups, dtype=object), group_of=group_of,
                        variables=list(spec["variable"]),
                        n_codes=[len(tuple(codes)) for codes in spec["codes"]],
                        category=category, coded_reports=coded_reports)


def _grouped_reports(reports: pd.DataFrame, by: str) -> tuple[pd.DataFrame, list[object]]:
    """Reports with a value in ``by``, sorted by group then report_id, with the group index
    ``_g``; and the groups, sorted by name."""
    rep = reports[["report_id", by]]
    rep = rep[rep[by].notna()]
    rep = rep.assign(report_id=rep["report_id"].astype(str))
    if rep["report_id"].duplicated().any():
        dup = rep.loc[rep["report_id"].duplicated(), "report_id"].iloc[0]
        raise DataError(Problem("reports", f"report_id {dup} appears twice", column="report_id",
                                value=dup, accepted="each report once"))
    groups = sorted(pd.unique(rep[by]), key=str)
    if not groups:
        raise ValueError(f"no report has a value in column {by!r}")
    g_index = {str(g): i for i, g in enumerate(groups)}
    which, distinct = pd.factorize(rep[by].to_numpy(dtype=object))
    rep = rep.assign(_g=np.array([g_index[str(g)] for g in distinct], dtype=np.int64)[which])
    return rep.sort_values(["_g", "report_id"], kind="stable").reset_index(drop=True), groups


@dataclass(frozen=True)
class _FinalRows:
    """The rows of ``final`` that count: a chosen variable of a report in a group.

    ``rows`` index ``final``; ``position`` is each row's report in the sorted reports, ``var``
    its variable in the chosen ones; ``report_of`` names each row's report.
    """

    rows: np.ndarray
    position: np.ndarray
    var: np.ndarray
    report_of: np.ndarray
    n_reports: int

    @classmethod
    def of(cls, final: pd.DataFrame, reports: pd.DataFrame, rep: pd.DataFrame,
           spec: pd.DataFrame) -> _FinalRows:
        # the final table through integer codes of its keys: millions of rows, few distinct values
        r_code, r_uniq = key_codes(final["report_id"], True)
        v_code, v_uniq = key_codes(final["variable"], False)
        present = np.bincount(r_code, minlength=len(r_uniq)) > 0
        known = pd.Index(reports["report_id"].astype(str).to_numpy(dtype=object))
        unknown = sorted(r_uniq[present & ~pd.Index(r_uniq).isin(known)])
        if unknown:
            raise DataError(Problem("final", f"report {unknown[0]} is not in reports"
                                    + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""),
                                    column="report_id", value=unknown[0],
                                    accepted="the report_id of a row of reports"))
        position_of = pd.Index(rep["report_id"].to_numpy(dtype=object)).get_indexer(r_uniq)  # -1: no group
        var_of = pd.Index(spec["variable"]).get_indexer(v_uniq)                              # -1: not chosen
        rows = np.flatnonzero((var_of[v_code] >= 0) & (position_of[r_code] >= 0))
        row_pos, row_var = position_of[r_code[rows]], var_of[v_code[rows]]
        key = row_pos.astype(np.int64) * max(len(spec), 1) + row_var
        if (np.bincount(key, minlength=len(rep) * len(spec)) > 1).any():
            i = rows[int(np.argmax(pd.Series(key).duplicated().to_numpy()))]
            raise DataError(Problem("final", f"report {r_uniq[r_code[i]]}, variable {v_uniq[v_code[i]]} "
                                    "has more than one row",
                                    accepted="one consolidated value per report and variable"))
        return cls(rows=rows, position=row_pos, var=row_var, report_of=r_uniq[r_code[rows]],
                   n_reports=len(rep))


def _categories(final: pd.DataFrame, spec: pd.DataFrame, at: _FinalRows) -> np.ndarray:
    """(reports, variables) index of each report's code among its variable's codes (-1: none)."""
    category = np.full((at.n_reports, len(spec)), -1, dtype=np.int64)
    values = final["value"].to_numpy(dtype=object)[at.rows]
    group, first = by_identity(values)
    distinct = values[first]
    coded = ~pd.isna(distinct)[group] if len(values) else np.zeros(0, dtype=bool)
    # rows of each variable by a stable sort on the variable's index (not one scan per variable)
    by_var = np.argsort(at.var, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(at.var, minlength=len(spec)))])
    for v, (name, codes) in enumerate(zip(spec["variable"], spec["codes"])):
        part = by_var[bounds[v]:bounds[v + 1]]
        part = part[coded[part]]
        if not len(part):
            continue
        lookup = {c: i for i, c in enumerate(tuple(codes))}
        groups_here, inverse = np.unique(group[part], return_inverse=True)
        try:
            # one dict lookup per distinct object (a dict matches values by hash and ==)
            cats = np.array([lookup.get(u, -1) for u in distinct[groups_here]], dtype=np.int64)[inverse]
        except TypeError:  # unhashable values: looked up one by one, to name the first
            cats = np.array([_code_of(lookup, u) for u in values[part]], dtype=np.int64)
        for i in np.flatnonzero(cats < 0)[:1]:
            value = values[part[i]]
            raise DataError(Problem("final", f"report {at.report_of[part[i]]}: value {value!r} of "
                                    f"variable {name} is not one of its codes", column="value",
                                    value=value, accepted="one of " + ", ".join(map(repr, codes))))
        category[at.position[part], v] = cats
    return category


def _code_of(lookup: dict[object, int], value: object) -> int:
    try:
        return lookup[value]
    except (KeyError, TypeError):
        return -1


def _choose_variables(codebook: pd.DataFrame,
                      variables: str | Sequence[str] | None) -> pd.DataFrame:
    """The codebook rows of the variables to compare, in codebook order."""
    cb = codebook.reset_index(drop=True)
    if cb["variable"].duplicated().any():
        raise DataError(Problem("codebook", f"variable {cb['variable'][cb['variable'].duplicated()].iloc[0]} "
                                "appears twice", column="variable", accepted="each variable once"))
    if variables is None:
        spec = cb[cb["level"] == "nominal"]
    else:
        chosen = [variables] if isinstance(variables, str) else list(variables)
        unknown = [v for v in chosen if v not in set(cb["variable"])]
        if unknown:
            raise ValueError(f"variable(s) {', '.join(map(str, unknown))} not in the codebook")
        spec = cb[cb["variable"].isin(chosen)]
        bad = spec[~spec["level"].isin(CATEGORICAL_LEVELS)]
        if len(bad):
            raise ValueError(f"variable {bad['variable'].iloc[0]} is {bad['level'].iloc[0]}: divergences "
                             "compare distributions of codes (nominal or ordinal variables)")
    empty = [name for name, codes in zip(spec["variable"], spec["codes"]) if not len(tuple(codes))]
    if empty:
        raise DataError(Problem("codebook", f"variable {empty[0]} has no codes", column="codes",
                                accepted="the codes of every nominal variable"))
    if spec.empty:
        raise ValueError("no nominal variable to compare: pass variables=[...]")
    return spec.reset_index(drop=True)


def two_groups(reports: pd.DataFrame, *, column: str, group_a: object,
               group_b: object = None) -> tuple[pd.Series, pd.Series]:
    """Boolean masks of the reports in group A and in group B.

    Parameters
    ----------
    reports : DataFrame
        Needs ``column``.
    column : str
        The report column that defines the groups.
    group_a, group_b : value or list of values
        Values of ``column``; ``group_b=None`` means every other report with a value in
        ``column``.

    Returns
    -------
    (Series of bool, Series of bool)
        Indexed like ``reports``.

    Raises
    ------
    DataError
        ``column`` is missing.
    ValueError
        A group has no report, or a value is in both groups.

    Examples
    --------
    >>> reports = pd.DataFrame({"outlet": ["A", "B", "C", None]})
    >>> a, b = two_groups(reports, column="outlet", group_a="A")
    >>> a.tolist(), b.tolist()
    ([True, False, False, False], [False, True, True, False])
    """
    if not isinstance(reports, pd.DataFrame):
        raise ValueError(f"reports must be a pandas DataFrame, not {type(reports).__name__}")
    if column not in reports.columns:
        raise DataError(Problem("reports", f"column {column!r} missing", column=column,
                                accepted="one of " + ", ".join(map(str, reports.columns))))
    values = reports[column]
    a_values = _as_values(group_a)
    in_a = values.isin(a_values).to_numpy()
    if group_b is None:
        in_b = values.notna().to_numpy() & ~in_a
    else:
        b_values = _as_values(group_b)
        both = set(map(str, a_values)) & set(map(str, b_values))
        if both:
            raise ValueError(f"value(s) {', '.join(sorted(both))} are in both group_a and group_b")
        in_b = values.isin(b_values).to_numpy()
    present = sorted(map(str, pd.unique(values.dropna())))
    for name, mask, given in (("group_a", in_a, group_a), ("group_b", in_b, group_b)):
        if not mask.any():
            raise ValueError(f"{name} {given!r} has no report (column {column!r} holds "
                             f"{', '.join(present) or 'no value'})")
    return pd.Series(in_a, index=reports.index), pd.Series(in_b, index=reports.index)


def _as_values(group: object) -> list[object]:
    if isinstance(group, (list, tuple, set, frozenset, np.ndarray, pd.Index, pd.Series)):
        values = list(group)
    else:
        values = [group]
    if not values:
        raise ValueError("a group needs at least one value")
    return values


def stream(seed: int, *names: object) -> np.random.Generator:
    """A random stream of its own for one group or comparison, from the seed and the names.

    Streams keyed by names keep a group's or a pair's draws independent of which other groups
    are present.
    """
    return np.random.default_rng([seed, *(zlib.crc32(str(n).encode("utf-8")) for n in names)])


def check_whole_number(x: object, name: str) -> int:
    """``x`` as an int; ValueError naming ``name`` unless it is a whole number >= 0."""
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {x!r}")
    return int(x)
