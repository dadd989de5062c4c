"""The Poisson bootstrap's weights: the same resamples in every engine, drawn from a hash.

Report r's weight in resample b is a Poisson(1) count (Hanley and MacGibbon 2006; Chamandy et
al. 2012) computed, not drawn from a stream: no engine has to see the reports in any order or
all at once, and DuckDB (in SQL) and Dask (in pandas partitions) give each report the same
weight. The recipe, all in unsigned 64-bit arithmetic (mod 2**64):

1. ``key = first 8 bytes of md5(str(report_id) as UTF-8)``, read big-endian;
2. ``stream_b = splitmix64(seed * 2**32 + b)``;
3. ``u = splitmix64(key XOR stream_b)``, a uniform 64-bit integer;
4. ``weight = #{k : u >= T_k}`` with ``T_k = floor(F(k) * 2**64)`` and F the Poisson(1)
   distribution function, k = 0, 1, ... while ``T_k < 2**64`` (22 thresholds).

splitmix64 is Steele, Lea and Flood's (2014) finaliser, the seeding generator of
xoshiro (Vigna): ``z += 0x9E3779B97F4A7C15; z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9;
z = (z ^ z >> 27) * 0x94D049BB133111EB; z ^ z >> 31``.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal, getcontext

import numpy as np

__all__ = ["MAX_SEED", "THRESHOLDS", "poisson_weights", "report_keys", "splitmix64"]

_MASK = (1 << 64) - 1
_GAMMA, _M1, _M2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
MAX_SEED = (1 << 32) - 1


def _thresholds() -> tuple[int, ...]:
    """floor(F(k) 2^64) for the Poisson(1) distribution function F, in exact decimal arithmetic."""
    getcontext().prec = 60
    term = total = Decimal(-1).exp()
    out: list[int] = []
    k = 0
    while True:
        t = int(total * (1 << 64))
        if t >= 1 << 64 or (out and t == out[-1]):
            return tuple(out)
        out.append(t)
        k += 1
        term /= k
        total += term


THRESHOLDS = _thresholds()


def splitmix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 of unsigned 64-bit integers, elementwise (wrapping arithmetic)."""
    z = np.asarray(x, dtype=np.uint64) + np.uint64(_GAMMA)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_M1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_M2)
    return z ^ (z >> np.uint64(31))


def report_keys(report_ids: Iterable[object]) -> np.ndarray:
    """The 64-bit key of each report id: the first 8 bytes of md5(str(id)), big-endian."""
    return np.array([int.from_bytes(hashlib.md5(str(r).encode("utf-8")).digest()[:8], "big")
                     for r in report_ids], dtype=np.uint64)


def streams(n_boot: int, seed: int) -> np.ndarray:
    """splitmix64(seed * 2**32 + b) for b = 0 .. n_boot - 1."""
    check_seed(seed)
    return splitmix64(np.uint64(seed) * np.uint64(1 << 32) + np.arange(n_boot, dtype=np.uint64))


def poisson_weights(keys: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Weights (len(keys), n_boot) of the reports with these keys in resamples 0 .. n_boot - 1.

    Examples
    --------
    >>> w = poisson_weights(report_keys(range(20000)), 1, 0)
    >>> round(float(w.mean()), 1), round(float(w.var()), 1)
    (1.0, 1.0)
    """
    u = splitmix64(np.asarray(keys, dtype=np.uint64)[:, None] ^ streams(n_boot, seed)[None, :])
    out = np.zeros(u.shape, dtype=np.int64)
    for t in THRESHOLDS:
        out += u >= np.uint64(t)
    return out


def check_seed(seed: object) -> int:
    """``seed`` as an int; ValueError unless a whole number from 0 to 2**32 - 1."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be a whole number from 0 to {MAX_SEED}, not {seed!r}")
    return int(seed)


# ---------------------------------------------------------------------------------------------
# the same in DuckDB's SQL
# ---------------------------------------------------------------------------------------------

def _sql_mod(expr: str) -> str:
    return f"(({expr}) % {1 << 64}::UHUGEINT)::UBIGINT"


def sql_weights(pairs: str, key: str = "h", stream: str = "s") -> str:
    """SQL for the Poisson(1) weights ``w`` of the rows of the query ``pairs``, which has a UBIGINT
    report key ``key`` and a UBIGINT resample stream ``stream``; its other columns are kept (the
    key and stream are not).

    Each step of splitmix64 is its own nested SELECT, so no expression is repeated (an alias used
    twice in one SELECT would be computed twice); sums and products are taken in 128 bits, then
    mod 2**64.
    """
    q = f"SELECT * EXCLUDE ({key}, {stream}), xor({key}, {stream}) AS _z FROM ({pairs})"
    for step in (f"_z::UHUGEINT + {_GAMMA}::UHUGEINT", f"xor(_z, _z >> 30)::UHUGEINT * {_M1}::UHUGEINT",
                 f"xor(_z, _z >> 27)::UHUGEINT * {_M2}::UHUGEINT"):
        q = f"SELECT * REPLACE ({_sql_mod(step)} AS _z) FROM ({q})"
    q = f"SELECT * EXCLUDE (_z), xor(_z, _z >> 31) AS _u FROM ({q})"
    weight = " + ".join(f"(_u >= {t}::UBIGINT)::INTEGER" for t in THRESHOLDS)
    return f"SELECT * EXCLUDE (_u), ({weight}) AS w FROM ({q})"


def sql_report_key(column: str) -> str:
    """The report key of :func:`report_keys` as SQL over the column ``column``."""
    return f"('0x' || md5(CAST({column} AS VARCHAR))[1:16])::UBIGINT"
