"""The pandas engine: the sufficient statistics of the whole table, in memory, in one partition."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from . import partition as part
from .layout import JUDGEMENT_COLUMNS, Source
from .partition import Coders
from .sampling import smallest_keys

__all__ = ["PandasCounter"]


class PandasCounter:
    """Counts from a :class:`~analysis.engines.layout.Source` held in (or read into) memory."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def _rows(self, by: Sequence[str], variables: Sequence[str], coders: Coders) -> pd.DataFrame:
        columns = list(dict.fromkeys([*JUDGEMENT_COLUMNS, *by]))
        if self.source.judgements is not None:
            table = self.source.judgements
        else:
            assert self.source.path is not None
            table = pd.read_parquet(self.source.path / "judgements", columns=columns,
                                    filters=[("variable", "in", list(variables))] if variables else None)
        missing = [c for c in columns if c not in table]
        if missing:
            raise ValueError(f"column(s) {', '.join(missing)} not in the judgements; "
                             f"columns: {', '.join(map(str, table.columns))}")
        return part.chosen(table, coders=coders, variables=variables)

    def counts(self, by: Sequence[str], variables: Sequence[str], coders: Coders) -> pd.DataFrame:
        return part.code_counts(self._rows(by, variables, coders), by)

    def boot_counts(self, by: Sequence[str], variables: Sequence[str], coders: Coders, *,
                    n_boot: int, seed: int) -> pd.DataFrame:
        rows = self._rows(by, variables, coders)
        table = rows.assign(code=rows["value"])
        return part.weighted_sums(table, ["variable", *by, "code"], None, n_boot=n_boot, seed=seed)

    def reports(self, by: Sequence[str], variables: Sequence[str], coders: Coders) -> pd.DataFrame:
        return part.report_counts(self._rows(by, variables, coders), by)

    def coincidences(self, variables: Sequence[str], coders: Coders, *, n_boot: int = 0,
                     seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
        units = part.unit_coincidences(self._rows((), variables, coders))
        boot = part.weighted_sums(units, ["variable", "c", "k"], "o", n_boot=n_boot, seed=seed) if n_boot else None
        return part.coincidences(units), part.pairable_counts(units), boot

    def moments(self, by: Sequence[str], variables: Sequence[str], coders: Coders) -> pd.DataFrame:
        return part.moments(self._rows(by, variables, coders), by)

    def boot_sums(self, by: Sequence[str], variables: Sequence[str], coders: Coders, *,
                  n_boot: int, seed: int) -> pd.DataFrame:
        return part.boot_sums(self._rows(by, variables, coders), by, n_boot=n_boot, seed=seed)

    def terms(self, by: Sequence[str]) -> pd.DataFrame:
        terms = self.source.terms
        if terms is None and self.source.path is not None and (self.source.path / "terms").is_dir():
            terms = pd.read_parquet(self.source.path / "terms", columns=["report_id", "term", "count", *by])
        if terms is None:
            raise ValueError("the source has no term counts")
        return part.term_counts(terms, by)

    def sample(self, size: int, seed: int) -> pd.DataFrame:
        if self.source.judgements is not None:
            ids = self.source.judgements["report_id"]
        else:
            assert self.source.path is not None
            ids = pd.read_parquet(self.source.path / "judgements", columns=["report_id"])["report_id"]
        return smallest_keys(ids, size, seed)

    def rows(self, folder: str, report_ids: Sequence[object]) -> pd.DataFrame:
        table = self.source.judgements if folder == "judgements" else self.source.terms
        if table is None and self.source.path is not None and (self.source.path / folder).is_dir():
            return pd.read_parquet(self.source.path / folder, filters=[("report_id", "in", list(report_ids))])
        if table is None:
            raise ValueError(f"the source has no {folder}")
        return table[table["report_id"].isin(list(report_ids))].reset_index(drop=True)

    def close(self) -> None:
        """Nothing to release."""
