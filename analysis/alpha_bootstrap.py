"""Bootstrap intervals of alpha: units resampled with replacement, the percentile interval.

A resample of U pairable units is a vector of counts (how often each unit was drawn), so alpha
of many resamples is a few matrix products with the units' coincidences
(:func:`analysis.alpha.alpha_of`). The counts depend only on the seed and on U: every variable
with the same number of pairable units uses the same resamples, and they are drawn once per
call of :func:`analysis.reliability.reliability` (:class:`UnitResamples`).
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .alpha import Coincidences, alpha_of
from .common import percentile_interval

# float64 unit counts handed to alpha_of at once (64 MiB): large enough for fast matrix
# products, small enough to stay out of the way of a million-unit study
BLOCK_ELEMENTS = 1 << 23
# bytes of drawn counts kept for reuse by later variables of the same size
CACHE_BYTES = 1 << 28


def resample_counts(n_units: int, n_boot: int, seed: int) -> np.ndarray:
    """Counts of each unit in each bootstrap resample, (n_boot, n_units), as small integers.

    Resample b draws ``n_units`` indices uniformly from ``0..n_units-1`` with replacement, as
    unsigned 32-bit integers (64-bit beyond 2**32 units), from the stream
    ``numpy.random.default_rng([seed, n_units])``: resample after resample, in order, so the
    first k resamples are the same for any ``n_boot >= k``.
    """
    rng = np.random.default_rng([seed, n_units])
    dtype = np.uint32 if n_units <= np.iinfo(np.uint32).max else np.int64
    out = np.zeros((n_boot, n_units), dtype=np.uint8)
    for b in range(n_boot):
        counts = np.bincount(rng.integers(0, n_units, size=n_units, dtype=dtype), minlength=n_units)
        if len(counts) and counts.max() > np.iinfo(out.dtype).max:  # almost never: widen and go on
            out = out.astype(np.min_scalar_type(max(n_units, 256)))
        out[b] = counts
    return out


class UnitResamples:
    """The bootstrap resamples of one call, drawn once per number of units and reused.

    Parameters
    ----------
    n_boot : int
        Resamples per variable.
    seed : int
        Seed of every stream (see :func:`resample_counts`).
    """

    def __init__(self, n_boot: int, seed: int) -> None:
        self.n_boot = n_boot
        self.seed = seed
        self._drawn: dict[int, np.ndarray] = {}
        self._buffer = np.zeros(0)

    def counts(self, n_units: int) -> np.ndarray:
        """(n_boot, n_units) counts of :func:`resample_counts`, drawn at the first request."""
        if n_units in self._drawn:
            return self._drawn[n_units]
        drawn = resample_counts(n_units, self.n_boot, self.seed)
        while self._drawn and sum(a.nbytes for a in self._drawn.values()) + drawn.nbytes > CACHE_BYTES:
            del self._drawn[next(iter(self._drawn))]  # the oldest size first
        if drawn.nbytes <= CACHE_BYTES:
            self._drawn[n_units] = drawn
        return drawn

    def blocks(self, n_units: int) -> Iterator[np.ndarray]:
        """The resamples as float64 weights, (k, n_units) blocks in order, in one reused buffer."""
        counts = self.counts(n_units)
        step = max(1, BLOCK_ELEMENTS // max(n_units, 1))
        if self._buffer.size < min(step, self.n_boot) * n_units:
            self._buffer = np.empty(min(step, self.n_boot) * n_units)
        for lo in range(0, self.n_boot, step):
            k = min(step, self.n_boot - lo)
            block = self._buffer[:k * n_units].reshape(k, n_units)
            np.copyto(block, counts[lo:lo + k], casting="safe")
            yield block


def bootstrap_alpha(co: Coincidences, resamples: UnitResamples, *, ci: float) -> tuple[float, float, int]:
    """Percentile interval of alpha over the resamples of ``co``'s pairable units.

    Returns ``(ci_low, ci_high, n_undefined)``: resamples with a single value have no alpha and
    are left out (``n_undefined`` of them); the interval is NaN when no resample has one.
    """
    boot = np.concatenate([alpha_of(co, block)[0] for block in resamples.blocks(co.n_pairable)])
    low, high = percentile_interval(boot, level=ci)
    return low, high, int(np.isnan(boot).sum())
