"""Read a Parquet table as text cells, each value written as an XLSX cell would read.

Plain columns (text, numbers, booleans) are read dictionary-encoded, so that each distinct value
is turned to text once; anything else (index columns, lists, structs) is read as pandas reads it.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .cells import Table, check_header, map_distinct, refuse_nul
from .errors import DataError, Problem

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["read_parquet", "parquet_as_text"]


def read_parquet(path: Path, name: str, *, categorical: bool = False) -> Table:
    """The cells of a Parquet file as text (see ``sheets.read_table``); DataError if unreadable."""
    import pyarrow.parquet as pq

    try:
        tbl = pq.read_table(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise DataError(Problem(name, f"not a readable Parquet file ({type(exc).__name__})",
                                accepted="a Parquet file written by pandas or pyarrow")) from None
    meta = tbl.schema.pandas_metadata or {}
    simple = (not any(isinstance(c, str) for c in meta.get("index_columns", []))
              and all(c.get("name") == c.get("field_name") for c in meta.get("columns", []))
              and all(_plain_arrow_type(f.type) for f in tbl.schema))
    if not simple:  # index columns, non-text names, lists, structs: as pandas reads them
        frame = _parquet_frame(path, name)
        return parquet_as_text(frame, name)
    header = check_header(list(tbl.column_names), name)
    out = {h: _column_as_text(tbl.column(h), h, name, categorical) for h in header}
    frame = pd.DataFrame(out, columns=header)
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return Table(frame, rows, name, [], len(frame))


def _column_as_text(col: pa.ChunkedArray, h: str, name: str, categorical: bool) -> pd.Series:
    """One plain column as text cells, each distinct value turned to text once."""
    import pyarrow as pa

    if not pa.types.is_dictionary(col.type):
        col = col.dictionary_encode()
    col = col.unify_dictionaries() if col.num_chunks > 1 else col
    # each distinct value is turned to text once, by the rules of the pandas path
    dictionary = col.chunk(0).dictionary if col.num_chunks else pa.array([], col.type.value_type)
    texts = parquet_as_text(pd.DataFrame({h: dictionary.to_pandas()}), name).frame[h]
    codes = (np.concatenate([c.indices.to_numpy(zero_copy_only=False).astype(np.int64)
                             if c.null_count == 0 else
                             c.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
                             for c in col.chunks]) if col.num_chunks else np.zeros(0, dtype=np.int64))
    uniques = np.append(texts.to_numpy(dtype=object), "")  # a null is an empty cell
    codes[codes < 0] = len(uniques) - 1
    if any("\x00" in u for u in uniques):
        whole = pd.Series(pd.Categorical.from_codes(codes, pd.RangeIndex(len(uniques))))
        nul = np.array(["\x00" in u for u in uniques], dtype=bool)
        rows = np.arange(2, len(codes) + 2, dtype=np.int64)
        refuse_nul(Table(pd.DataFrame({h: whole}), rows, name), {h: np.flatnonzero(nul[codes])})
    which, distinct = pd.factorize(uniques, use_na_sentinel=False)  # 12 and 12.0 are one "12"
    cat = pd.Categorical.from_codes(which[codes], pd.Index(distinct, dtype=object))
    return pd.Series(cat) if categorical else pd.Series(np.asarray(cat, dtype=object), dtype=object)


def _plain_arrow_type(t: pa.DataType) -> bool:
    import pyarrow as pa
    if pa.types.is_dictionary(t):
        t = t.value_type
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_integer(t)
                or pa.types.is_floating(t) or pa.types.is_boolean(t))


def _parquet_frame(path: Path, name: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise DataError(Problem(name, f"not a readable Parquet file ({type(exc).__name__})",
                                accepted="a Parquet file written by pandas or pyarrow")) from None


def parquet_as_text(frame: pd.DataFrame, name: str) -> Table:
    """The cells of a frame read from Parquet as text, as XLSX cells are read."""
    header = check_header(list(frame.columns), name)
    out = {}
    for h in header:
        col = frame[h]
        if pd.api.types.is_float_dtype(col):
            # as XLSX cells read: 12.0 -> "12", 0.5 -> "0.5", NaN -> "" (inf stays "inf")
            vals = col.to_numpy(dtype=float)
            text = col.astype(str).to_numpy(dtype=object)
            whole = np.isfinite(vals) & (np.abs(vals) < 2.0**63)
            whole[whole] = vals[whole] == np.floor(vals[whole])
            text[whole] = vals[whole].astype(np.int64).astype(str).astype(object)
            text[np.isnan(vals)] = ""
            out[h] = pd.Series(text, dtype=object)
        else:
            # as str(cell), "" for a missing cell; once per distinct value (millions of cells)
            out[h] = pd.Series(map_distinct(col.to_numpy(dtype=object),
                                            lambda u: "" if pd.api.types.is_scalar(u) and pd.isna(u)
                                            else str(u)), dtype=object)
    frame = pd.DataFrame(out)
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return Table(frame, rows, name, [], len(frame))
