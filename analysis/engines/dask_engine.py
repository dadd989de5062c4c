"""The Dask engine: the sufficient statistics per partition on a ``distributed`` cluster, summed.

Each partition (a Parquet file, or a slice of an in-memory table) holds whole reports, so a
report's units are counted within one partition: every worker runs the pandas functions of
:mod:`analysis.engines.partition` on its partitions and sends back small tables, which are
summed (counts, coincidences) or merged (moments, Chan et al. 1979) here. Only those small
tables cross the network.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from . import partition as part
from .layout import JUDGEMENT_COLUMNS, Source
from .partition import Coders
from .sampling import smallest_keys

__all__ = ["DaskCounter"]

# rows per partition when the source is an in-memory table
_ROWS_PER_PARTITION = 2_000_000


class DaskCounter:
    """Counts with ``dask.dataframe`` on the cluster at ``scheduler`` (an address), on the Client
    already current in this process, or else on Dask's local threads."""

    def __init__(self, source: Source, *, scheduler: str | None = None) -> None:
        from distributed import Client

        self.source = source
        self._client = Client(scheduler, set_as_default=False) if scheduler else None

    def _frame(self, folder: str, columns: list[str] | None, variables: Sequence[str] | None) -> Any:  # a dask DataFrame
        import dask.dataframe as dd

        table = self.source.judgements if folder == "judgements" else self.source.terms
        if table is not None:
            ordered = table[columns or list(table.columns)].sort_values("report_id", kind="stable")
            ordered.index = pd.factorize(ordered["report_id"])[0]
            n_parts = max(1, min(8, len(ordered) // _ROWS_PER_PARTITION + 2))
            # sorted on the report's number: a report's rows never straddle two partitions
            return dd.from_pandas(ordered, npartitions=n_parts, sort=True)
        if self.source.path is None or not (self.source.path / folder).is_dir():
            raise ValueError(f"the source has no {folder}")
        filters = [("variable", "in", list(variables))] if variables else None
        # one partition per file: a file holds whole reports, a row group may not
        return dd.read_parquet(str(self.source.path / folder), columns=columns, filters=filters,
                               split_row_groups=False)

    def _run(self, folder: str, columns: list[str] | None, variables: Sequence[str] | None,
             func: Callable[[pd.DataFrame], object]) -> list:
        import dask

        frame = self._frame(folder, columns, variables)
        tasks = [dask.delayed(func)(p) for p in frame.to_delayed()]
        if self._client is not None:
            return self._client.gather(self._client.compute(tasks))
        return list(dask.compute(*tasks))

    def _judgements(self, by: Sequence[str], variables: Sequence[str], coders: Coders,
                    func: Callable[[pd.DataFrame], object]) -> list:
        columns = list(dict.fromkeys([*JUDGEMENT_COLUMNS, *by]))

        def each(p: pd.DataFrame) -> object:
            return func(part.chosen(p, coders=coders, variables=variables))

        return self._run("judgements", columns, variables, each)

    def counts(self, by: Sequence[str], variables: Sequence[str], coders: Coders) -> pd.DataFrame:
        parts = self._judgements(by, variables, coders, lambda p: part.code_counts(p, by))
        return _summed(parts, ["variable", *by, "code"], "n")

    def boot_counts(self, by: Sequence[str], variables: Sequence[str], coders: Coders, *,
                    n_boot: int, seed: int) -> pd.DataFrame:
        keys = ["variable", *by, "code"]
        parts = self._judgements(by, variables, coders, lambda p: part.weighted_sums(
            p.assign(code=p["value"]), keys, None, n_boot=n_boot, seed=seed))
        return _summed(parts, ["b", *keys], "n")

    def reports(self, by: Sequence[str], variables: Sequence[str], coders: Coders) -> pd.DataFrame:
        parts = self._judgements(by, variables, coders, lambda p: part.report_counts(p, by))
        if not by:
            return pd.DataFrame({"n_reports": [int(sum(p["n_reports"].sum() for p in parts))]})
        return _summed(parts, list(by), "n_reports")

    def coincidences(self, variables: Sequence[str], coders: Coders, *, n_boot: int = 0,
                     seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
        def each(p: pd.DataFrame) -> tuple:
            units = part.unit_coincidences(p)
            boot = part.weighted_sums(units, ["variable", "c", "k"], "o", n_boot=n_boot, seed=seed) if n_boot else None
            return part.coincidences(units), part.pairable_counts(units), boot

        parts = self._judgements((), variables, coders, each)
        coinc = _summed([p[0] for p in parts], ["variable", "c", "k"], "o")
        pairable = _summed([p[1] for p in parts], ["variable"], ["n_pairable", "n_same", "n_pairs"])
        boot = _summed([p[2] for p in parts], ["b", "variable", "c", "k"], "o") if n_boot else None
        return coinc, pairable, boot

    def moments(self, by: Sequence[str], variables: Sequence[str], coders: Coders) -> pd.DataFrame:
        parts = self._judgements(by, variables, coders, lambda p: part.moments(p, by))
        return pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)

    def boot_sums(self, by: Sequence[str], variables: Sequence[str], coders: Coders, *,
                  n_boot: int, seed: int) -> pd.DataFrame:
        parts = self._judgements(by, variables, coders, lambda p: part.boot_sums(p, by, n_boot=n_boot, seed=seed))
        return _summed(parts, ["b", "variable", *by], ["n", "s"])

    def terms(self, by: Sequence[str]) -> pd.DataFrame:
        parts = self._run("terms", ["report_id", "term", "count", *by], None, lambda p: part.term_counts(p, by))
        return _summed(parts, [*by, "term"], "count")

    def sample(self, size: int, seed: int) -> pd.DataFrame:
        parts = self._run("judgements", ["report_id"], None, lambda p: smallest_keys(p["report_id"], size, seed))
        # the smallest keys of all are among each partition's smallest
        return smallest_keys(pd.concat(parts, ignore_index=True)["report_id"], size, seed)

    def rows(self, folder: str, report_ids: Sequence[object]) -> pd.DataFrame:
        wanted = set(report_ids)
        parts = self._run(folder, None, None, lambda p: p[p["report_id"].isin(wanted)])
        kept = [p for p in parts if len(p)]
        out = pd.concat(kept or parts[:1], ignore_index=True)
        for c in out.columns:  # hive partitions come back categorical
            if isinstance(out[c].dtype, pd.CategoricalDtype):
                out[c] = out[c].astype(object)
        return out

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def _summed(parts: list, keys: list[str], value: str | list[str]) -> pd.DataFrame:
    """The partitions' tables stacked and summed per key (``value``: the column or columns summed)."""
    frames = [p for p in parts if p is not None and len(p)]
    if not frames:
        return parts[0] if parts else pd.DataFrame(columns=[*keys, *([value] if isinstance(value, str) else value)])
    stacked = pd.concat(frames, ignore_index=True)
    for k in keys:
        if isinstance(stacked[k].dtype, pd.CategoricalDtype):
            stacked[k] = stacked[k].astype(object)
    return stacked.groupby(keys, dropna=False, sort=False)[value].sum().reset_index()
