"""Time ``analysis.reliability`` on a realistic-size coding study, against ``krippendorff.alpha``.

Run: ``python bench/bench_reliability.py``. Prints figures only; nothing is asserted.

Synthetic data: 500 reports x 50 variables x 2 coders, mixed levels (30 nominal yes/no or
5-code, 10 ordinal with 3-5 word codes, 5 interval, 5 ratio with zeros), 5% missing values.
Three timings:

1. ``reliability(...)`` for the full table, 1,000 bootstrap resamples per variable;
2. the same without intervals (``n_boot=0``): our point estimates alone;
3. ``krippendorff.alpha`` on ready-made coder x unit matrices (built before the clock starts),
   point estimates only, with the level of measurement passed explicitly;

then the point estimates by level, as krippendorff.alpha's cost grows with the number of
distinct values (V x V matrices), which is large for interval and ratio figures.
"""
from __future__ import annotations

import time

import krippendorff
import numpy as np
import pandas as pd

from analysis.reliability import reliability

N_REPORTS, N_CODERS, N_BOOT, REPEATS = 500, 2, 1000, 3


def synthetic(seed=1):
    rng = np.random.default_rng(seed)
    specs = ([("nominal", ("yes", "no"))] * 20 + [("nominal", tuple("abcde"))] * 10
             + [("ordinal", ("low", "mid", "high"))] * 5
             + [("ordinal", ("none", "little", "some", "much", "all"))] * 5
             + [("interval", ())] * 5 + [("ratio", ())] * 5)
    reports = [f"r{i:04d}" for i in range(N_REPORTS)]
    coders = [f"coder{j}" for j in range(N_CODERS)]
    book, frames = [], []
    for k, (level, codes) in enumerate(specs):
        name = f"v{k:02d}_{level}"
        book.append({"variable": name, "level": level, "role": "other", "codes": codes})
        if codes:
            truth = rng.integers(0, len(codes), N_REPORTS)
            values = np.array(codes, dtype=object)
        else:
            truth = np.where(rng.random(N_REPORTS) < 0.2, 0.0, rng.gamma(2.0, 50.0, N_REPORTS).round())
        for coder in coders:
            if codes:
                noisy = np.where(rng.random(N_REPORTS) < 0.15, rng.integers(0, len(codes), N_REPORTS), truth)
                value = values[noisy]
            else:
                value = np.where(rng.random(N_REPORTS) < 0.15, (truth * rng.uniform(0.5, 1.5, N_REPORTS)).round(),
                                 truth).astype(object)
            value[rng.random(N_REPORTS) < 0.05] = np.nan
            frames.append(pd.DataFrame({"report_id": reports, "coder": coder, "variable": name,
                                        "value": value, "evidence": "quote"}))
    codes = pd.concat(frames, ignore_index=True).sort_values(["report_id", "coder", "variable"])
    return codes.reset_index(drop=True), pd.DataFrame(book)


def matrices(codes, codebook):
    """Coder x unit float matrices for krippendorff.alpha (ordinal codes as codebook ranks)."""
    out = []
    for var in codebook.itertuples(index=False):
        wide = codes[codes["variable"] == var.variable].pivot(index="coder", columns="report_id", values="value")
        if var.codes:
            rank = {c: float(i) for i, c in enumerate(var.codes)}
            wide = wide.apply(lambda col: col.map(rank))
        out.append((wide.to_numpy(dtype=float), var.level))
    return out


def best_of(fn):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    codes, codebook = synthetic()
    ready = matrices(codes, codebook)
    ours_boot = best_of(lambda: reliability(codes, codebook, n_boot=N_BOOT))
    ours_point = best_of(lambda: reliability(codes, codebook, n_boot=0))
    theirs = best_of(lambda: [krippendorff.alpha(reliability_data=m, level_of_measurement=level)
                              for m, level in ready])

    table = reliability(codes, codebook, n_boot=0)
    check = np.array([krippendorff.alpha(reliability_data=m, level_of_measurement=level) for m, level in ready])
    gap = np.nanmax(np.abs(table["alpha"].to_numpy() - check))

    print(f"data: {N_REPORTS} reports x {len(codebook)} variables x {N_CODERS} coders "
          f"({len(codes):,} judgements); best of {REPEATS} runs")
    print(f"reliability(), full table with {N_BOOT:,} bootstrap resamples: {ours_boot:8.3f} s")
    print(f"reliability(), full table without intervals (n_boot=0):  {ours_point:8.3f} s")
    print(f"krippendorff.alpha on ready-made matrices, no intervals:    {theirs:8.3f} s")
    print(f"ratio reliability() with intervals / krippendorff.alpha:    {ours_boot / theirs:8.3f}")
    print(f"ratio reliability() without intervals / krippendorff.alpha: {ours_point / theirs:8.3f}")
    print(f"largest |alpha difference| from krippendorff.alpha:         {gap:.2e}")
    print("by level, point estimates only (s): level, variables, reliability(n_boot=0), krippendorff.alpha")
    for level in ("nominal", "ordinal", "interval", "ratio"):
        subset = codebook[codebook["level"] == level]
        ours = best_of(lambda: reliability(codes, subset, n_boot=0))
        theirs = best_of(lambda: [krippendorff.alpha(reliability_data=m, level_of_measurement=lev)
                                  for m, lev in ready if lev == level])
        print(f"  {level:<9}{len(subset):>4}{ours:>10.3f}{theirs:>10.3f}")


if __name__ == "__main__":
    main()
