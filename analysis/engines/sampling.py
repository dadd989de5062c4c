"""A deterministic sample of reports that every engine draws alike, and reading its rows.

The sample is *bottom-k* sampling on a hash (a simple random sample without replacement): each
report gets the key ``md5(f"{seed}:{report_id}")`` (its hexadecimal digest, ``report_id`` as text),
and the sample is the ``size`` reports with the smallest keys (ties, which need an md5 collision,
broken by the report id as text). The key depends on nothing but the report id and the seed, so
DuckDB (in SQL), Dask (per partition, then the smallest of the partitions' smallest) and pandas
draw the same reports, without seeing the reports in any order or all at once; adding reports
to a corpus keeps a sampled report sampled unless a new report's key is smaller.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .poisson import check_seed

__all__ = ["sample_keys", "smallest_keys", "sql_sample_key"]


def sample_keys(report_ids: Iterable[object], seed: int) -> np.ndarray:
    """The sampling key of each report id: the hex md5 digest of ``f"{seed}:{report_id}"``."""
    check_seed(seed)
    return np.array([hashlib.md5(f"{seed}:{r}".encode("utf-8")).hexdigest() for r in report_ids], dtype=object)


def smallest_keys(report_ids: pd.Series, size: int, seed: int) -> pd.DataFrame:
    """``report_id, key``: the ``size`` distinct reports with the smallest keys, smallest first."""
    ids = pd.unique(report_ids.to_numpy(dtype=object))
    table = pd.DataFrame({"report_id": ids, "key": sample_keys(ids, seed), "text": [str(r) for r in ids]})
    table = table.sort_values(["key", "text"], kind="stable").head(size)
    return table[["report_id", "key"]].reset_index(drop=True)


def sql_sample_key(column: str, seed: int) -> str:
    """The key of :func:`sample_keys` as DuckDB SQL over the column ``column``."""
    return f"md5('{check_seed(seed)}:' || CAST({column} AS VARCHAR))"
