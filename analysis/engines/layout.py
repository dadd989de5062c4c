"""The long judgements table every engine counts from, and its layout as a Parquet dataset.

An engine reads a *source*: an :class:`analysis.Event` (held in memory) or a folder in this
layout::

    PATH/
      codebook.json    {"variables": [{"variable", "level", "codes", "role"}, ...]}
      judgements/      Parquet files, hive partitions allowed (outlet=.../part-0.parquet)
      terms/           optional: Parquet files of term counts

``judgements`` has one row per judgement: ``report_id`` (string or integer: its key for the
bootstrap is the md5 of its text), ``coder`` (string),
``variable`` (string), ``value`` (double, null when missing) and report columns (string), e.g.
``outlet``, ``outlet_type``, ``day``. ``value`` holds, for nominal and ordinal variables, the
code's position in the codebook's ``codes`` (0, 1, ...: integer codes, whatever the codes are)
and for interval and ratio variables the number itself. ``terms`` has ``report_id, term, count``
and the same report columns. Every report's rows lie in one file (the Dask engine counts a
report's units within one partition; :func:`write_parquet_dataset` writes whole reports).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..events import Event

__all__ = [
    "JUDGEMENT_COLUMNS",
    "REPORT_COLUMNS",
    "Source",
    "codes_source",
    "judgements_table",
    "read_codebook",
    "source_of",
    "terms_table",
    "write_parquet_dataset",
]

JUDGEMENT_COLUMNS = ("report_id", "coder", "variable", "value")
# report columns written by default (those present); ``day`` is the UTC date of ``published``
REPORT_COLUMNS = ("outlet", "outlet_type", "outlet_country", "language", "day")
_CODEBOOK_KEYS = ("variable", "level", "codes", "role")


@dataclass(frozen=True)
class Source:
    """What an engine counts from: in-memory tables, or the folder of a Parquet dataset."""

    codebook: pd.DataFrame
    judgements: pd.DataFrame | None = None
    terms: pd.DataFrame | None = None
    path: Path | None = None

    @property
    def in_memory(self) -> bool:
        return self.path is None


def source_of(source: Source | Event | str | Path) -> Source:
    """A :class:`Source` from an Event or the path of a dataset folder (a Source as it is)."""
    if isinstance(source, Source):
        return source
    if isinstance(source, Event):
        return Source(codebook=_codebook_rows(source.codebook), judgements=judgements_table(source),
                      terms=terms_table(source))
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not (path / "judgements").is_dir():
            raise DataError(Problem(str(path), "no judgements/ folder: not a dataset written by "
                                    "write_parquet_dataset", accepted="PATH/codebook.json and PATH/judgements/"))
        return Source(codebook=read_codebook(path), path=path)
    raise TypeError(f"source must be an Event, a Source or the path of a Parquet dataset, not "
                    f"{type(source).__name__}")


def codes_source(codes: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame, *,
                 columns: Sequence[str] | None = None) -> Source:
    """A :class:`Source` in memory from a codes table, e.g. a page's consolidated codes.

    Parameters
    ----------
    codes : DataFrame
        ``report_id, variable, value`` and optionally ``coder`` (default "consolidated"); rows
        of variables not in ``codebook`` are left out.
    codebook : DataFrame
        ``variable, level, codes`` and optionally ``role``.
    reports : DataFrame
        ``report_id`` and the report columns to group by (``published`` gives ``day``).
    columns : sequence of str, optional
        Report columns to join; default those of ``REPORT_COLUMNS`` present.

    Returns
    -------
    Source
        Its judgements as :func:`judgements_table` builds them; no term counts.
    """
    coded = codes if "coder" in codes else codes.assign(coder="consolidated")
    return Source(codebook=_codebook_rows(codebook),
                  judgements=_judgements(coded, codebook, reports, columns))


def _codebook_rows(codebook: pd.DataFrame) -> pd.DataFrame:
    cb = codebook.reindex(columns=list(_CODEBOOK_KEYS))
    cb["role"] = cb["role"].fillna("other")
    cb["codes"] = [tuple(c) if isinstance(c, (list, tuple)) else () for c in cb["codes"]]
    return cb.reset_index(drop=True)


def read_codebook(path: str | Path) -> pd.DataFrame:
    """The ``variable, level, codes, role`` table of a dataset's codebook.json."""
    file = Path(path) / "codebook.json"
    try:
        rows = json.loads(file.read_text(encoding="utf-8"))["variables"]
        return _codebook_rows(pd.DataFrame(rows, columns=list(_CODEBOOK_KEYS)))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DataError(Problem(str(file), f"cannot be read as a codebook ({err})",
                                accepted='{"variables": [{"variable", "level", "codes", "role"}, ...]}')) from None


def _encoder(codebook: pd.DataFrame) -> dict[str, dict[object, int] | None]:
    """variable -> {code: position} (nominal, ordinal) or None (interval, ratio: numbers)."""
    out: dict[str, dict[object, int] | None] = {}
    for var, level, codes in zip(codebook["variable"], codebook["level"], codebook["codes"]):
        out[var] = None if level in ("interval", "ratio") else {c: i for i, c in enumerate(codes)}
    return out


def _encode(values: pd.Series, lookup: dict[object, int] | None, variable: str) -> np.ndarray:
    if lookup is None:
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            continue
        if v not in lookup:
            raise DataError(Problem("codes", f"value {v!r} of variable {variable} is not one of its codes",
                                    column="value", value=v, accepted=", ".join(map(repr, lookup))))
        out[i] = lookup[v]
    return out


def _report_columns(reports: pd.DataFrame, columns: Sequence[str] | None) -> pd.DataFrame:
    table = pd.DataFrame({"report_id": reports["report_id"].astype(str)})
    if "published" in reports:
        table["day"] = pd.to_datetime(reports["published"], utc=True).dt.strftime("%Y-%m-%d")
    wanted = [c for c in REPORT_COLUMNS if c in reports or c == "day"] if columns is None else list(columns)
    for c in wanted:
        if c == "day" and "day" in table:
            continue
        if c not in reports:
            raise ValueError(f"column {c!r} is not a report column; report columns: {', '.join(reports.columns)}")
        col = reports[c]
        table[c] = [None if pd.isna(v) or v == "" else str(v) for v in col]
    return table[["report_id", *wanted]]


def judgements_table(event: Event, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The event's judgements as the long table of the layout (values encoded, report columns joined).

    Parameters
    ----------
    event : Event
    columns : sequence of str, optional
        Report columns to join; default those of ``REPORT_COLUMNS`` present, ``day`` included.

    Returns
    -------
    DataFrame
        ``report_id, coder, variable, value`` and the report columns, rows of codebook variables
        only, in the order of ``event.codes``.
    """
    return _judgements(event.codes, event.codebook, event.reports, columns)


def _judgements(codes: pd.DataFrame, codebook: pd.DataFrame, reports: pd.DataFrame,
                columns: Sequence[str] | None) -> pd.DataFrame:
    cb = _codebook_rows(codebook)
    lookup = _encoder(cb)
    variable = codes["variable"].astype(str).to_numpy()
    keep = pd.Index(variable).isin(cb["variable"])
    table = pd.DataFrame({"report_id": codes["report_id"].astype(str).to_numpy()[keep],
                          "coder": codes["coder"].astype(str).to_numpy()[keep],
                          "variable": variable[keep]})
    values = codes["value"].to_numpy(dtype=object)[keep]
    encoded = np.full(len(table), np.nan)
    for var, rows in table.groupby("variable", sort=False).indices.items():
        encoded[rows] = _encode(pd.Series(values[rows], dtype=object), lookup[var], var)
    table["value"] = encoded
    return table.merge(_report_columns(reports, columns), on="report_id", how="left", validate="many_to_one")


def terms_table(event: Event, *, columns: Sequence[str] | None = None) -> pd.DataFrame | None:
    """The event's term counts, ``report_id, term, count`` and the report columns (None without terms)."""
    if event.terms is None:
        return None
    terms = pd.DataFrame({"report_id": event.terms["report_id"].astype(str),
                          "term": event.terms["term"].astype(str),
                          "count": event.terms["count"].astype("int64")})
    return terms.merge(_report_columns(event.reports, columns), on="report_id", how="left", validate="many_to_one")


def write_parquet_dataset(event: Event, path: str | Path, *, partition_by: Sequence[str] = (),
                          columns: Sequence[str] | None = None) -> Path:
    """Write an event as a Parquet dataset in the layout of this module.

    Parameters
    ----------
    event : Event
    path : str or Path
        The dataset folder; must not exist yet.
    partition_by : sequence of str, default ()
        Report columns to partition by (hive folders ``column=value``), e.g. ``("outlet",)``.
        They must have a value in every report.
    columns : sequence of str, optional
        Report columns to keep beside each judgement; default those of ``REPORT_COLUMNS``
        present (``partition_by`` is added).

    Returns
    -------
    Path
        ``path``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    if path.exists():
        raise ValueError(f"{path} exists; write_parquet_dataset writes a new folder")
    keep = None if columns is None else list(dict.fromkeys([*columns, *partition_by]))
    judgements = judgements_table(event, columns=keep)
    for c in partition_by:
        if c not in judgements or judgements[c].isna().any():
            raise ValueError(f"partition column {c!r} must be a report column with a value in every report")
    path.mkdir(parents=True)
    (path / "codebook.json").write_text(json.dumps(_codebook_json(event), indent=1), encoding="utf-8")
    tables = {"judgements": judgements, "terms": terms_table(event, columns=keep)}
    for name, table in tables.items():
        if table is None:
            continue
        (path / name).mkdir()
        # a report column may be empty in every row: its type is still string, not null
        schema = pa.schema([(c, pa.float64() if c == "value" else pa.int64() if c == "count" else pa.string())
                            for c in table.columns])
        arrow = pa.Table.from_pandas(table.sort_values("report_id", kind="stable"), schema=schema,
                                     preserve_index=False)
        if partition_by:
            pq.write_to_dataset(arrow, path / name, partition_cols=list(partition_by),
                                basename_template="part-{i}.parquet")
        else:
            pq.write_table(arrow, path / name / "part-0.parquet")
    return path


def _codebook_json(event: Event) -> dict:
    """codebook.json: the four keys the engines read per variable, the codebook's other columns
    (labels, frames, reverse items, contradictions: what the pages of a corpus show), the value
    labels, the frames and the event's title and window."""
    cb = _codebook_rows(event.codebook)
    rows = [{"variable": v, "level": lv, "codes": [_plain(c) for c in codes], "role": r}
            for v, lv, codes, r in cb[list(_CODEBOOK_KEYS)].itertuples(index=False)]
    for row, full in zip(rows, event.codebook.to_dict("records")):
        for key, value in full.items():
            if key not in row and _jsonable(value) is not None:
                row[key] = _jsonable(value)
    values = [{k: _jsonable(v) for k, v in r.items()} for r in event.values.to_dict("records")]
    frames = [{k: _jsonable(v) for k, v in r.items()} for r in event.frames.to_dict("records")]
    meta = {k: str(event.meta.get(k, "")) for k in ("id", "title", "start", "end", "description")}
    facts = [{k: _jsonable(v) for k, v in r.items()} for r in event.facts.to_dict("records")]
    figures = [{k: _jsonable(v) for k, v in r.items()} for r in event.figures.to_dict("records")]
    return {"variables": rows, "values": values, "frames": frames, "event": meta, "facts": facts, "figures": figures}


def _jsonable(value: object) -> object:
    """A codebook cell as JSON (None for missing; tuples as lists, numpy scalars as Python's)."""
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    value = _plain(value)
    return value if isinstance(value, (str, int, float, bool)) else str(value)


def _plain(code: object) -> object:
    """A codebook code as a JSON scalar (numpy integers as int)."""
    return code.item() if isinstance(code, np.generic) else code
