"""The same tables from corpora no single machine holds: counting apart from statistics.

Every analysis whose cost grows with the number of reports is split in two: an *engine* counts
sufficient statistics from the long judgements table (counts per group, variable and code;
coincidence matrices per variable; count, mean and centred second moment of figures; term counts
per group), and :mod:`analysis.engines.statistics` computes the statistic from those small
tables in numpy and pandas. The engine is one parameter:

- ``engine="pandas"`` (default): in memory, the whole table as one partition;
- ``engine="duckdb"``: DuckDB embedded in this process, SQL over a Parquet dataset, out of core
  (``memory_limit``, spilling to ``temp_directory``);
- ``engine="dask"``: ``dask.dataframe`` on a ``distributed`` cluster (``scheduler`` address, or
  the Client current in this process), one partition per Parquet file.

A ``source`` is an :class:`analysis.Event`, the folder of a Parquet dataset in the layout of
:mod:`analysis.engines.layout` (write one with :func:`write_parquet_dataset`), or a codes table
in memory (:func:`codes_source`, e.g. a page's consolidated codes). The main job and the pages
take an engine as well (:func:`analysis.page.open_page`, ``python -m analysis run --engine``);
:mod:`analysis.engines.pages` maps the engines' tables onto the in-memory functions' columns.
Point estimates are equal across engines: counts exactly, statistics to rounding (sums taken in another order).
Intervals come from the Poisson bootstrap (:mod:`analysis.engines.poisson`): report r's weight
in resample b is a Poisson(1) count computed from a hash of (report_id, b, seed), so every
engine weighs every report alike and the engines' intervals are equal too. They estimate the
same sampling variation as the in-memory functions' multinomial bootstraps
(:func:`analysis.reliability.reliability`, :func:`analysis.divergence.pairwise_divergence`), and
agree with them within Monte Carlo error, but are not the same draws.

References
----------
Chamandy, N., Muralidharan, O., Najmi, A., & Naidu, S. (2012). Estimating uncertainty for
massive data streams. Google Technical Report.

Hanley, J. A., & MacGibbon, B. (2006). Creating non-parametric bootstrap samples using Poisson
frequencies. Computer Methods and Programs in Biomedicine, 83(1), 57-62.

Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating formulae and a pairwise algorithm
for computing sample variances. Technical Report STAN-CS-79-773, Stanford University.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Any

import pandas as pd

from ..events import Event
from ..judgements import check_whole_number
from . import statistics as st
from .layout import REPORT_COLUMNS, codes_source, judgements_table, source_of, write_parquet_dataset
from .layout import Source as _Source
from .partition import Coders
from .poisson import check_seed

__all__ = [
    "ENGINES",
    "REPORT_COLUMNS",
    "alpha",
    "codes_source",
    "divergence",
    "judgements_table",
    "moments",
    "report_counts",
    "sample_reports",
    "sample_rows",
    "shares",
    "term_counts",
    "write_parquet_dataset",
]

ENGINES = ("pandas", "duckdb", "dask")
Source = _Source | Event | str | Path


@contextmanager
def _counter(source: Source, engine: str, options: dict[str, Any]) -> Iterator[Any]:
    """The engine's counter over ``source``, closed afterwards."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    src = source_of(source)
    if engine != "pandas":
        try:
            import_module("duckdb" if engine == "duckdb" else "distributed")
        except ImportError:
            raise ImportError(f"engine={engine!r} needs the optional extra: pip install "
                              "'media-discrepancy[scale]' (duckdb, dask, distributed)") from None
    if engine == "pandas":
        from .pandas_engine import PandasCounter
        counter: Any = PandasCounter(src)
    elif engine == "duckdb":
        from .duckdb_engine import DuckDBCounter
        counter = DuckDBCounter(src, memory_limit=options.get("memory_limit") or "4GB",
                                temp_directory=options.get("temp_directory"))
    else:
        from .dask_engine import DaskCounter
        counter = DaskCounter(src, scheduler=options.get("scheduler"))
    try:
        yield counter, src.codebook
    finally:
        counter.close()


def _variables(codebook: pd.DataFrame, variables: str | Sequence[str] | None, levels: Sequence[str]) -> list[str]:
    """The named variables (checked against the codebook) or every variable of ``levels``."""
    if variables is None:
        return codebook.loc[codebook["level"].isin(levels), "variable"].tolist()
    named = [variables] if isinstance(variables, str) else list(variables)
    known = dict(zip(codebook["variable"], codebook["level"]))
    bad = [v for v in named if known.get(v) not in levels]
    if bad:
        raise ValueError(f"variable(s) {', '.join(map(str, bad))} are not {' or '.join(levels)} variables of the "
                         f"codebook; those are: {', '.join(v for v, lv in known.items() if lv in levels)}")
    return named


def _by(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def _check(n_boot: object, ci: object, seed: object) -> int:
    n = check_whole_number(n_boot, "n_boot")
    if isinstance(ci, bool) or not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise ValueError(f"ci must be a number between 0 and 1 (e.g. 0.95), not {ci!r}")
    check_seed(seed)
    return n


def shares(source: Source, *, engine: str = "pandas", by: str | Sequence[str] = "outlet",
           variables: str | Sequence[str] | None = None, coder: str | None = None, n_boot: int = 0,
           ci: float = 0.95, seed: int = 0, scheduler: str | None = None, memory_limit: str | None = None,
           temp_directory: str | None = None) -> pd.DataFrame:
    """Counts and shares of each code per group of reports, e.g. frame items per outlet and day.

    Parameters
    ----------
    source : Event or path
        An event, or a Parquet dataset folder (:mod:`analysis.engines.layout`).
    engine : {"pandas", "duckdb", "dask"}, default "pandas"
    by : str or sequence of str, default "outlet"
        Report columns that form the groups (``day``: the UTC date of publication).
    variables : str or sequence of str, optional
        Nominal or ordinal variables; default all of them.
    coder : str, optional
        The coder whose judgements count (e.g. ``"model:x"`` or ``"adjudicated"``); default every
        judgement counts once.
    n_boot : int, default 0
        Poisson bootstrap resamples of reports for the interval; 0: none (NaN).
    ci : float, default 0.95
        Coverage of the percentile interval.
    seed : int, default 0
        Seed of the resamples (0 to 2**32 - 1).
    scheduler : str, optional
        Dask only: address of the cluster's scheduler.
    memory_limit, temp_directory : str, optional
        DuckDB only: its memory limit (default "4GB") and where it spills (default a new
        temporary folder).

    Returns
    -------
    DataFrame
        ``variable, *by, code, n, share, ci_low, ci_high``: one row per variable, group and code
        observed in the group; ``n`` the judgements with that code, ``share`` n over the group's
        judgements with a value (shares sum to 1 per variable and group). Sorted by variable in
        codebook order, group (missing last), code in codebook order.
    """
    n_boot = _check(n_boot, ci, seed)
    keys = _by(by)
    options = {"scheduler": scheduler, "memory_limit": memory_limit, "temp_directory": temp_directory}
    with _counter(source, engine, options) as (counter, codebook):
        chosen = _variables(codebook, variables, ("nominal", "ordinal"))
        coders = Coders(None if coder is None else (coder,))
        counts = counter.counts(keys, chosen, coders)
        boot = counter.boot_counts(keys, chosen, coders, n_boot=n_boot, seed=seed) if n_boot else None
    return st.shares_table(counts, boot, codebook, keys, ci=float(ci))


def divergence(source: Source, *, engine: str = "pandas", by: str = "outlet",
               variables: str | Sequence[str] | None = None, coder: str | None = None, n_boot: int = 0,
               ci: float = 0.95, seed: int = 0, scheduler: str | None = None, memory_limit: str | None = None,
               temp_directory: str | None = None) -> pd.DataFrame:
    """Jensen-Shannon divergence between every pair of groups, per variable and averaged.

    Parameters are those of :func:`shares`; ``variables`` defaults to every nominal variable.

    Returns
    -------
    DataFrame
        ``a, b, variable, jsd, ci_low, ci_high, n_a, n_b``: per pair of groups (``a`` before ``b``
        in sorted order; reports without a group left out), the row ``variable == "(mean)"``
        first, then the variables in the order given. ``jsd`` is in bits
        (:func:`analysis.divergence.jensen_shannon`) between the groups' code distributions;
        the mean runs over the variables both groups coded. ``n_a, n_b``: judgements with a
        value (for the mean, reports with a value on any of the variables). Equal to
        :func:`analysis.divergence.pairwise_divergence`'s ``jsd``, ``n_a`` and ``n_b`` with one
        value per report and variable; the interval is the Poisson bootstrap's.
    """
    n_boot = _check(n_boot, ci, seed)
    options = {"scheduler": scheduler, "memory_limit": memory_limit, "temp_directory": temp_directory}
    with _counter(source, engine, options) as (counter, codebook):
        chosen = _variables(codebook, variables, ("nominal",) if variables is None else ("nominal", "ordinal"))
        coders = Coders(None if coder is None else (coder,))
        counts = counter.counts([by], chosen, coders)
        reports = counter.reports([by], chosen, coders)
        boot = counter.boot_counts([by], chosen, coders, n_boot=n_boot, seed=seed) if n_boot else None
    return st.divergence_table(counts, boot, reports, codebook, by, chosen, n_boot=n_boot, ci=float(ci))


def alpha(source: Source, *, engine: str = "pandas", variables: str | Sequence[str] | None = None,
          coders: Sequence[str] | None = None, exclude: Sequence[str] = ("adjudicated",), n_boot: int = 0,
          ci: float = 0.95, seed: int = 0, scheduler: str | None = None, memory_limit: str | None = None,
          temp_directory: str | None = None) -> pd.DataFrame:
    """Krippendorff's alpha per variable from its coincidence matrix, counted by the engine.

    Parameters
    ----------
    coders : sequence of str, optional
        The coders compared; default all but ``exclude``. Only reports with values from two or
        more of them enter (the double-coded subsample).
    exclude : sequence of str, default ("adjudicated",)
        Coders left out when ``coders`` is None.
    variables : optional
        Default: every variable of the codebook (all four levels of measurement).

    Other parameters are those of :func:`shares`.

    Returns
    -------
    DataFrame
        ``variable, level, alpha, ci_low, ci_high, n_units, n_pairable, n_values, d_observed,
        d_expected, percent_agreement`` in codebook order, with the meanings of
        :func:`analysis.reliability.reliability`'s columns and its values: counts exactly, alpha,
        disagreements and percent agreement to rounding. The interval is the Poisson
        bootstrap's percentile interval over reports (all of a report's values together).
        ``n_units`` counts every report with a value (one more pass over the chosen coders'
        judgements); percent agreement is the share of agreeing ordered pairs of values within
        pairable units, sum_u sum_c n_uc (n_uc - 1) / sum_u m_u (m_u - 1), counted beside the
        coincidences (n_uc (n_uc - 1) = (m_u - 1) o_ucc).
    """
    n_boot = _check(n_boot, ci, seed)
    options = {"scheduler": scheduler, "memory_limit": memory_limit, "temp_directory": temp_directory}
    with _counter(source, engine, options) as (counter, codebook):
        chosen = _variables(codebook, variables, ("nominal", "ordinal", "interval", "ratio"))
        who = Coders(tuple(sorted(coders)), ()) if coders is not None else Coders(None, tuple(exclude))
        coinc, pairable, boot = counter.coincidences(chosen, who, n_boot=n_boot, seed=seed)
        units = counter.reports(["variable"], chosen, who)
    return st.alpha_table(coinc, boot, pairable, units, codebook, chosen, n_boot=n_boot, ci=float(ci))


def moments(source: Source, *, engine: str = "pandas", by: str | Sequence[str] = "outlet",
            variables: str | Sequence[str] | None = None, coder: str | None = None, n_boot: int = 0,
            ci: float = 0.95, seed: int = 0, scheduler: str | None = None, memory_limit: str | None = None,
            temp_directory: str | None = None) -> pd.DataFrame:
    """Count, mean and standard deviation of figures (interval and ratio variables) per group.

    Parameters are those of :func:`shares`; with ``n_boot`` 0 (default) the interval is
    analytic, otherwise the Poisson bootstrap's.

    Returns
    -------
    DataFrame
        ``variable, *by, n, mean, sd, ci_low, ci_high``: ``sd`` with n - 1 (NaN for one value),
        the interval Student's t interval of the mean, or with ``n_boot`` the percentile interval
        of the Poisson-weighted means sum w x / sum w (a report's weight applies to all its
        values). Each partition's count, mean and centred second moment are merged by Chan et
        al. (1979), never from raw sums of squares.
    """
    n_boot = _check(n_boot, ci, seed)
    keys = _by(by)
    options = {"scheduler": scheduler, "memory_limit": memory_limit, "temp_directory": temp_directory}
    with _counter(source, engine, options) as (counter, codebook):
        chosen = _variables(codebook, variables, ("interval", "ratio"))
        coders = Coders(None if coder is None else (coder,))
        parts = counter.moments(keys, chosen, coders)
        boot = counter.boot_sums(keys, chosen, coders, n_boot=n_boot, seed=seed) if n_boot else None
    return st.moments_table(st.merge_moments(parts, ["variable", *keys]), codebook, keys, ci=float(ci),
                            boot=boot, n_boot=n_boot)


def term_counts(source: Source, *, engine: str = "pandas", by: str | Sequence[str] = "outlet",
                scheduler: str | None = None, memory_limit: str | None = None,
                temp_directory: str | None = None) -> pd.DataFrame:
    """Term counts summed per group: ``*by, term, count`` (what keyness compares), sorted."""
    keys = _by(by)
    options = {"scheduler": scheduler, "memory_limit": memory_limit, "temp_directory": temp_directory}
    with _counter(source, engine, options) as (counter, _):
        return st.terms_table(counter.terms(keys), keys)


def report_counts(source: Source, *, engine: str = "pandas", by: str | Sequence[str] = (),
                  coders: Sequence[str] | None = None, exclude: Sequence[str] = (),
                  scheduler: str | None = None, memory_limit: str | None = None,
                  temp_directory: str | None = None) -> pd.DataFrame:
    """Reports with a value on any variable, per group: ``*by, n_reports`` (``by`` may be ``coder``).

    ``coders``: only their judgements count (default all but ``exclude``). Unsorted.
    """
    keys = _by(by)
    options = {"scheduler": scheduler, "memory_limit": memory_limit, "temp_directory": temp_directory}
    with _counter(source, engine, options) as (counter, codebook):
        who = Coders(tuple(coders), ()) if coders is not None else Coders(None, tuple(exclude))
        out = counter.reports(keys, codebook["variable"].tolist(), who)
    return out.astype({"n_reports": "int64"})


def sample_reports(source: Source, *, engine: str = "pandas", size: int, seed: int = 0,
                   scheduler: str | None = None, memory_limit: str | None = None,
                   temp_directory: str | None = None) -> pd.DataFrame:
    """A deterministic sample of at most ``size`` reports, the same on every engine.

    The ``size`` reports (all when fewer) whose key ``md5(f"{seed}:{report_id}")`` is smallest
    (:mod:`analysis.engines.sampling`): a simple random sample without replacement.

    Returns
    -------
    DataFrame
        ``report_id, key``, smallest key first; ``report_id`` of the dataset's type.
    """
    size = check_whole_number(size, "size")
    check_seed(seed)
    options = {"scheduler": scheduler, "memory_limit": memory_limit, "temp_directory": temp_directory}
    with _counter(source, engine, options) as (counter, _):
        return counter.sample(size, seed).reset_index(drop=True)


def sample_rows(source: Source, report_ids: Sequence[object], *, engine: str = "pandas", terms: bool = False,
                scheduler: str | None = None, memory_limit: str | None = None,
                temp_directory: str | None = None) -> pd.DataFrame:
    """The rows of the judgements (or, with ``terms``, the term counts) of the named reports.

    Read by the engine with a filter on ``report_id``; the whole table is never in memory
    (but on the pandas engine). All columns of the layout, hive partition columns included.
    """
    options = {"scheduler": scheduler, "memory_limit": memory_limit, "temp_directory": temp_directory}
    with _counter(source, engine, options) as (counter, _):
        return counter.rows("terms" if terms else "judgements", list(report_ids)).reset_index(drop=True)
