"""Benchmark of analysis.engines: the same tables on pandas, DuckDB and Dask (issue 20).

Generates N reports x 40 variables, coded by one machine coder, with a 1 % subsample also coded
by a human, as a Parquet dataset in the layout of :mod:`analysis.engines.layout` (integer codes;
one file per chunk of reports, written chunk by chunk, so N = 10,000,000 is never in memory).
Then, one subprocess per engine and size: frame shares per outlet and day, label shares per
outlet, divergence between outlet types, and reliability (alpha) on the double-coded subsample,
with and without Poisson-bootstrap resamples. Prints wall time and peak resident memory (VmHWM,
reset before each stage; for Dask the client plus each worker process) and ratios against
pandas at the first size. Not part of CI; nothing is asserted.

    python bench/bench_engines.py --sizes 1000000 10000000 --workdir /tmp/engines
    python bench/bench_engines.py --sizes 100000 --engines pandas duckdb     # quick
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

N_OUTLETS, N_DAYS, CHUNK = 20, 10, 250_000
TYPES = ("state", "public", "private")
# 40 variables: 24 frame items (yes/no), 4 labels, 4 claims, 4 ordinal, 2 ratio, 2 interval
VARIABLES = ([(f"item_{i:02d}", "nominal", [0, 1], "frame_item") for i in range(24)]
             + [(f"label_{i}", "nominal", [0, 1, 2], "label") for i in range(4)]
             + [(f"claim_{i}", "nominal", [0, 1, 2], "claim") for i in range(4)]
             + [(f"tone_{i}", "ordinal", [0, 1, 2, 3, 4], "other") for i in range(4)]
             + [(f"deaths_{i}", "ratio", [], "figure") for i in range(2)]
             + [(f"score_{i}", "interval", [], "other") for i in range(2)])


def _chunk(lo: int, hi: int, rng: np.random.Generator):
    """The judgements of reports lo..hi-1 as a pyarrow Table (machine coder, then the human)."""
    import pyarrow as pa

    n, nv = hi - lo, len(VARIABLES)
    outlet = rng.integers(0, N_OUTLETS, n)
    day = rng.integers(0, N_DAYS, n)
    values = np.empty((n, nv))
    for j, (_, level, codes, _) in enumerate(VARIABLES):
        if level in ("nominal", "ordinal"):
            # each outlet leans to its own code: the divergence is not zero
            p = rng.random(n) < 0.5 + 0.4 * np.sin(outlet + j)
            values[:, j] = np.where(p, (outlet + j) % len(codes), rng.integers(0, len(codes), n))
        elif level == "ratio":
            values[:, j] = np.round(rng.lognormal(4 + 0.1 * (outlet % 5), 0.5, n))
        else:
            values[:, j] = np.round(rng.normal(outlet % 7, 2.0, n), 1)
    values[rng.random((n, nv)) < 0.05] = np.nan
    human = rng.random(n) < 0.01
    agree = rng.random((int(human.sum()), nv)) < 0.9
    other = values[human].copy()
    for j, (_, level, codes, _) in enumerate(VARIABLES):
        noise = rng.integers(0, len(codes), len(other)) if codes else np.round(other[:, j] * rng.uniform(0.8, 1.2, len(other)))
        other[:, j] = np.where(agree[:, j], other[:, j], noise)
    ids = np.arange(lo, hi, dtype=np.int64)
    rid = np.concatenate([np.repeat(ids, nv), np.repeat(ids[human], nv)])
    coder = np.concatenate([np.zeros(n * nv, np.int32), np.ones(int(human.sum()) * nv, np.int32)])
    var = np.concatenate([np.tile(np.arange(nv, dtype=np.int32), n), np.tile(np.arange(nv, dtype=np.int32), int(human.sum()))])
    rep = np.concatenate([np.repeat(np.arange(n), nv), np.repeat(np.flatnonzero(human), nv)])
    order = np.argsort(rid, kind="stable")  # a report's rows together
    dictionary = lambda codes, labels: pa.DictionaryArray.from_arrays(pa.array(codes[order], pa.int32()), pa.array(labels))
    return pa.table({
        "report_id": pa.array(rid[order]), "coder": dictionary(coder, ["model:x", "human"]),
        "variable": dictionary(var, [v[0] for v in VARIABLES]),
        "value": pa.array(np.concatenate([values.ravel(), other.ravel()])[order], from_pandas=True),
        "outlet": dictionary(outlet[rep].astype(np.int32), [f"outlet {i:02d}" for i in range(N_OUTLETS)]),
        "outlet_type": dictionary((outlet[rep] % 3).astype(np.int32), list(TYPES)),
        "day": dictionary(day[rep].astype(np.int32), [f"2024-03-{d + 1:02d}" for d in range(N_DAYS)]),
    })


def generate(path: Path, n_reports: int, seed: int = 0) -> None:
    """Write the dataset of ``n_reports`` reports to ``path`` (one file per chunk of reports)."""
    import pyarrow.parquet as pq

    (path / "judgements").mkdir(parents=True)
    rows = [{"variable": v, "level": lv, "codes": c, "role": r} for v, lv, c, r in VARIABLES]
    (path / "codebook.json").write_text(json.dumps({"variables": rows}), encoding="utf-8")
    rng = np.random.default_rng(seed)
    for k, lo in enumerate(range(0, n_reports, CHUNK)):
        pq.write_table(_chunk(lo, min(lo + CHUNK, n_reports), rng), path / "judgements" / f"part-{k:05d}.parquet",
                       row_group_size=1_000_000)


def _peak_gib(pid: str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 2 ** 20
    return float("nan")


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def run_engine(path: Path, engine: str, n_boot: int, duckdb_memory: str = "4GB") -> dict:
    """The stages on one engine, in this process: {stage: (seconds, peak GiB)}."""
    from analysis import engines

    frames = [v[0] for v in VARIABLES if v[3] == "frame_item"]
    labels = [v[0] for v in VARIABLES if v[3] == "label"]
    options: dict = {}
    client = cluster = None
    if engine == "dask":
        from distributed import Client, LocalCluster
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, memory_limit="3GiB", processes=True,
                               dashboard_address=None, local_directory=os.environ.get("TMPDIR", "/tmp"))
        client = Client(cluster)
        options["scheduler"] = cluster.scheduler_address
    if engine == "duckdb":
        options["memory_limit"] = duckdb_memory
    stages = {
        "frame shares (outlet x day)": lambda: engines.shares(path, engine=engine, by=["outlet", "day"],
                                                              variables=frames, coder="model:x", **options),
        "label shares (outlet)": lambda: engines.shares(path, engine=engine, by="outlet", variables=labels,
                                                        coder="model:x", **options),
        "divergence (outlet_type)": lambda: engines.divergence(path, engine=engine, by="outlet_type",
                                                               coder="model:x", **options),
        "reliability (subsample)": lambda: engines.alpha(path, engine=engine, **options),
        f"reliability, {n_boot} resamples": lambda: engines.alpha(path, engine=engine, n_boot=n_boot, **options),
    }
    out = {}
    for name, stage in stages.items():
        _reset_peak()
        if client is not None:
            client.run(_reset_peak)
        t = time.perf_counter()
        table = stage()
        seconds = time.perf_counter() - t
        peak = _peak_gib()
        if client is not None:
            peak += sum(client.run(_peak_gib).values())
        out[name] = (seconds, peak, len(table), float(table.select_dtypes("number").sum().sum()))
    if client is not None:
        client.close()
        cluster.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--engines", nargs="+", default=["pandas", "duckdb", "dask"])
    ap.add_argument("--pandas-max", type=int, default=1_000_000, help="largest size run on pandas")
    ap.add_argument("--n-boot", type=int, default=100)
    ap.add_argument("--workdir", default="/tmp/bench-engines")
    ap.add_argument("--duckdb-memory", default="3.5GB", help="DuckDB's memory_limit (its buffers, not the process: 3.5GB keeps the process within the 4 GiB target at 10,000,000 reports)")
    ap.add_argument("--child", nargs=4, metavar=("PATH", "ENGINE", "N_BOOT", "MEMORY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_engine(Path(args.child[0]), args.child[1], int(args.child[2]), args.child[3])))
        return
    results: dict = {}
    for n in args.sizes:
        path = Path(args.workdir) / f"n{n}"
        if not (path / "judgements").is_dir():
            t = time.perf_counter()
            generate(path, n)
            print(f"generated {n:,} reports in {time.perf_counter() - t:.0f} s", flush=True)
        for engine in args.engines:
            if engine == "pandas" and n > args.pandas_max:
                continue
            done = subprocess.run([sys.executable, __file__, "--child", str(path), engine, str(args.n_boot),
                                   args.duckdb_memory],
                                  capture_output=True, text=True)
            if done.returncode:
                print(f"{engine} at {n:,} failed:\n{done.stderr[-3000:]}", flush=True)
                continue
            results[(engine, n)] = json.loads(done.stdout.strip().splitlines()[-1])
            for stage, (sec, peak, rows, check) in results[(engine, n)].items():
                print(f"{engine:7s} {n:>11,} {stage:32s} {sec:8.1f} s {peak:6.2f} GiB  rows {rows:6d}  "
                      f"check {check:.6g}", flush=True)
    base = results.get(("pandas", args.sizes[0]))
    if base:
        print(f"\nratios against pandas at {args.sizes[0]:,} (time, memory):")
        for (engine, n), res in results.items():
            cells = [f"{res[s][0] / base[s][0]:.2f}x, {res[s][1] / base[s][1]:.2f}x" for s in res if s in base]
            print(f"  {engine} at {n:,}: " + "; ".join(cells))


if __name__ == "__main__":
    main()
