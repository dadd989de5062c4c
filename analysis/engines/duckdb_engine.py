"""The DuckDB engine: the sufficient statistics in SQL, out of core, over Parquet files.

DuckDB (Raasveldt and Muehleisen 2019) runs embedded in this process; with ``memory_limit`` set
it spills hash tables to ``temp_directory`` rather than fail, so the data may be larger than
memory. Each statistic is one query whose result is small (counts per group and code,
coincidence matrices, moments); the Poisson weights are computed in SQL
(:func:`analysis.engines.poisson.sql_weights`), equal to the other engines' weights.
"""
from __future__ import annotations

import tempfile
from collections.abc import Sequence

import pandas as pd

from .layout import Source
from .partition import Coders
from .poisson import sql_report_key, sql_weights, streams
from .sampling import sql_sample_key

__all__ = ["DuckDBCounter"]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literals(values: Sequence[object]) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


class DuckDBCounter:
    """Counts with an embedded DuckDB over a dataset folder or an in-memory table."""

    def __init__(self, source: Source, *, memory_limit: str = "4GB", temp_directory: str | None = None,
                 threads: int | None = None) -> None:
        import duckdb

        self._tmp = None if temp_directory else tempfile.TemporaryDirectory(prefix="duckdb-spill-")
        config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": memory_limit, "preserve_insertion_order": False,
                  "temp_directory": temp_directory or (self._tmp.name if self._tmp else "")}
        if threads:
            config["threads"] = threads
        self.con = duckdb.connect(config=config)
        self.source = source
        if source.path is None:
            self.con.register("j", source.judgements)
            if source.terms is not None:
                self.con.register("t", source.terms)
        else:
            self._view("j", "judgements")
            if (source.path / "terms").is_dir():
                self._view("t", "terms")

    def _view(self, name: str, folder: str) -> None:
        assert self.source.path is not None
        glob = str(self.source.path / folder / "**" / "*.parquet").replace("'", "''")
        self.con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{glob}', hive_partitioning = true, "
                         "hive_types_autocast = false, union_by_name = true)")

    def _where(self, variables: Sequence[str], coders: Coders) -> str:
        where = f"value IS NOT NULL AND NOT isnan(value) AND variable IN ({_literals(variables)})"
        if coders.include is not None:
            where += f" AND coder IN ({_literals(coders.include) or 'NULL'})"
        if coders.exclude:
            where += f" AND coder NOT IN ({_literals(coders.exclude)})"
        return where

    def _df(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()

    def counts(self, by: Sequence[str], variables: Sequence[str], coders: Coders) -> pd.DataFrame:
        cols = ", ".join(["variable", *map(_ident, by)])
        return self._df(f"SELECT {cols}, value AS code, count(*) AS n FROM j WHERE {self._where(variables, coders)} "
                        f"GROUP BY {cols}, value")

    def _weights(self, reports: str, n_boot: int, seed: int) -> None:
        """The temporary table ``wt (report_id, b, w)``: the weights of the reports of the query
        ``reports`` (one column, ``report_id``), hashed once per report and resample."""
        self.con.register("st", pd.DataFrame({"b": range(n_boot), "s": streams(n_boot, seed)}))
        pairs = (f"SELECT r.report_id, st.b, r.h, st.s FROM (SELECT report_id, {sql_report_key('report_id')} AS h "
                 f"FROM ({reports})) r CROSS JOIN st")
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE wt AS SELECT report_id, b, w FROM ({sql_weights(pairs)}) "
                         "WHERE w > 0")

    def boot_counts(self, by: Sequence[str], variables: Sequence[str], coders: Coders, *,
                    n_boot: int, seed: int) -> pd.DataFrame:
        where = self._where(variables, coders)
        self._weights(f"SELECT DISTINCT report_id FROM j WHERE {where}", n_boot, seed)
        cols = ", ".join(["variable", *map(_ident, by), "code"])
        rows = f"SELECT variable, {', '.join(map(_ident, by)) + ', ' if by else ''}value AS code, report_id FROM j WHERE {where}"
        out = self._df(f"SELECT b, {cols}, sum(w)::DOUBLE AS n FROM ({rows}) r JOIN wt USING (report_id) GROUP BY b, {cols}")
        self.con.execute("DROP TABLE wt")
        return out

    def reports(self, by: Sequence[str], variables: Sequence[str], coders: Coders) -> pd.DataFrame:
        cols = ", ".join(map(_ident, by))
        select = f"{cols}, " if by else ""
        group = f" GROUP BY {cols}" if by else ""
        return self._df(f"SELECT {select}count(DISTINCT report_id) AS n_reports FROM j "
                        f"WHERE {self._where(variables, coders)}{group}")

    def coincidences(self, variables: Sequence[str], coders: Coders, *, n_boot: int = 0,
                     seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
        # units of reports with two or more coders only: min(coder) < max(coder) is cheaper than
        # a distinct count; o_uck = (n_uc n_uk - [c = k] n_uc) / (m_u - 1), Krippendorff (2011)
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE units AS
            WITH v AS (SELECT variable, report_id, coder, value AS c FROM j WHERE {self._where(variables, coders)}),
            multi AS (SELECT report_id FROM v GROUP BY report_id HAVING min(coder) < max(coder)),
            uc AS (SELECT variable, report_id, c, count(*)::DOUBLE AS n FROM v
                   WHERE report_id IN (SELECT report_id FROM multi) GROUP BY variable, report_id, c),
            um AS (SELECT variable, report_id, sum(n) AS m FROM uc GROUP BY variable, report_id HAVING sum(n) >= 2)
            SELECT a.variable, a.report_id, a.c, b.c AS k, um.m,
                   (a.n * b.n - CASE WHEN a.c = b.c THEN a.n ELSE 0 END) / (um.m - 1) AS o
            FROM uc a JOIN uc b ON a.variable = b.variable AND a.report_id = b.report_id
            JOIN um ON um.variable = a.variable AND um.report_id = a.report_id""")
        coinc = self._df("SELECT variable, c, k, sum(o) AS o FROM units WHERE o <> 0 GROUP BY variable, c, k")
        # agreeing ordered pairs: sum_c n_uc (n_uc - 1) = (m_u - 1) o_ucc, summed over units
        pairable = self._df("""
            SELECT variable, count(*) AS n_pairable, sum(s)::DOUBLE AS n_same, sum(m * (m - 1))::DOUBLE AS n_pairs
            FROM (SELECT variable, report_id, any_value(m) AS m,
                         sum(CASE WHEN c = k THEN o * (m - 1) ELSE 0 END) AS s
                  FROM units GROUP BY variable, report_id) GROUP BY variable""")
        boot = None
        if n_boot:
            self._weights("SELECT DISTINCT report_id FROM units", n_boot, seed)
            boot = self._df("SELECT b, variable, c, k, sum(o * w) AS o FROM units JOIN wt USING (report_id) "
                            "WHERE o <> 0 GROUP BY b, variable, c, k")
            self.con.execute("DROP TABLE wt")
        self.con.execute("DROP TABLE units")
        return coinc, pairable, boot

    def moments(self, by: Sequence[str], variables: Sequence[str], coders: Coders) -> pd.DataFrame:
        # DuckDB's var_pop keeps a centred running state per thread and merges the states by
        # Chan et al.'s update; var_pop * n is the centred second moment sum (x - mean)^2
        cols = ", ".join(["variable", *map(_ident, by)])
        return self._df(f"SELECT {cols}, count(*) AS n, avg(value) AS mean, var_pop(value) * count(*) AS m2 "
                        f"FROM j WHERE {self._where(variables, coders)} GROUP BY {cols}")

    def boot_sums(self, by: Sequence[str], variables: Sequence[str], coders: Coders, *,
                  n_boot: int, seed: int) -> pd.DataFrame:
        where = self._where(variables, coders)
        self._weights(f"SELECT DISTINCT report_id FROM j WHERE {where}", n_boot, seed)
        cols = ", ".join(["variable", *map(_ident, by)])
        out = self._df(f"SELECT b, {cols}, sum(w)::DOUBLE AS n, sum(w * value) AS s FROM "
                       f"(SELECT {cols}, value, report_id FROM j WHERE {where}) r JOIN wt USING (report_id) "
                       f"GROUP BY b, {cols}")
        self.con.execute("DROP TABLE wt")
        return out

    def terms(self, by: Sequence[str]) -> pd.DataFrame:
        if not self._has("t"):
            raise ValueError("the source has no term counts")
        cols = ", ".join([*map(_ident, by), "term"])
        return self._df(f"SELECT {cols}, sum(count)::BIGINT AS count FROM t GROUP BY {cols}")

    def sample(self, size: int, seed: int) -> pd.DataFrame:
        return self._df(f"SELECT report_id, {sql_sample_key('report_id', seed)} AS key FROM "
                        f"(SELECT DISTINCT report_id FROM j) ORDER BY key, CAST(report_id AS VARCHAR) LIMIT {int(size)}")

    def rows(self, folder: str, report_ids: Sequence[object]) -> pd.DataFrame:
        name = "j" if folder == "judgements" else "t"
        if name == "t" and not self._has("t"):
            raise ValueError("the source has no term counts")
        self.con.register("ids", pd.DataFrame({"report_id": list(report_ids)}))
        out = self._df(f"SELECT * FROM {name} WHERE report_id IN (SELECT report_id FROM ids)")
        self.con.unregister("ids")
        return out

    def _has(self, name: str) -> bool:
        names = self.con.execute("SELECT view_name FROM duckdb_views() UNION ALL "
                                 "SELECT table_name FROM duckdb_tables()").df().iloc[:, 0]
        return name in set(names) or (name == "t" and self.source.terms is not None)

    def close(self) -> None:
        self.con.close()
        if self._tmp is not None:
            self._tmp.cleanup()
