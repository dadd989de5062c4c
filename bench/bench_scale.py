"""Time and size the whole pipeline from 1,000 to 1,000,000 reports, against bare baselines.

Run: ``python bench/bench_scale.py [--sizes 1000 10000 100000 1000000] [--quick] [--fmt csv]``.
Prints figures only; nothing is asserted. Results and the machine are recorded in bench/README.md.

Each size runs in a fresh subprocess, so that its peak memory is its own. Before the clock
starts, a synthetic event folder (``analysis.synthetic.make_event_folder``: N reports x 40
variables x 2 coders, 20 outlets of 3 types, term counts) is written under ``--workdir``
(default: the system's temporary folder) by yet another subprocess, so the generator's memory
is not counted either; the folder is deleted afterwards unless ``--keep``.

Stages, each with wall time and peak resident memory (the process's high-water mark, reset
before each stage through ``/proc/self/clear_refs``; where that is not allowed, the peak so far,
``ru_maxrss``):

- ``baseline_numpy``: plain numpy passes over as many integers as there are judgements (fill,
  arithmetic, a reversed copy, a count per value): how the machine itself scales;
- ``baseline_read``: ``pandas.read_csv`` (``read_parquet``) of the same files (reports, codes,
  terms), nothing checked; ``baseline_groupby``: a plain ``groupby(["variable", "coder"])``
  mean of the values;
- ``load``: ``load_event`` (read and validate everything);
- ``reliability``: alpha of every variable with 200 bootstrap resamples;
  ``reliability_point``: the same without intervals, from the long judgements;
- ``reliability_point_cat`` and ``krippendorff_cat``: point estimates of the 36 nominal and
  ordinal variables, ours from the long judgements, and the ``krippendorff`` package's on
  ready-made coder x unit matrices (built before the clock starts), level of measurement passed
  explicitly. ``krippendorff.alpha`` builds (units, V, V) arrays, which for the hundreds of
  distinct numbers of the 4 interval and ratio variables need tens of GiB (38.6 GiB at 10,000
  reports), so it is not run on those;
- ``consolidate``; ``frames``: ``frame_scores`` + ``frame_profile`` by outlet (200 resamples);
- ``divergence``: ``pairwise_divergence`` and ``consensus_distance`` by outlet_type (50
  resamples each); ``keyness``: state outlets against the others.

The targets (issue "Scale"): at 100,000 reports, load + reliability + frames + divergence under
30 s and 4 GiB; from 100,000 to 1,000,000 reports at most 12 times the time; load within 3 times
the bare read; reliability point estimates within 2 times ``krippendorff``.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_VARIABLES, N_CODERS, N_OUTLETS, AGREEMENT = 40, 2, 20, 0.9
N_BOOT_RELIABILITY, N_BOOT_FRAMES, N_BOOT_DIVERGENCE = 200, 200, 50
PIPELINE = ("load", "reliability", "frames", "divergence")  # the 30 s / 4 GiB target


# --- memory -------------------------------------------------------------------------------------

def _reset_peak() -> bool:
    """Reset the resident-memory high-water mark (Linux >= 4.0); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_bytes() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


class Stages:
    """Wall time and peak memory of named stages, in order."""

    def __init__(self):
        self.rows = {}

    def run(self, name, fn):
        _reset_peak()
        start = time.perf_counter()
        result = fn()
        self.rows[name] = {"seconds": time.perf_counter() - start, "peak_bytes": _peak_bytes()}
        # the figures so far, in case a later stage is killed (for lack of memory)
        print(json.dumps({"stages": self.rows}), flush=True)
        return result


# --- one size, in its own process ---------------------------------------------------------------

def generate(folder: Path, n_reports: int, fmt: str) -> None:
    from analysis.synthetic import make_event_folder
    make_event_folder(folder, n_reports=n_reports, n_variables=N_VARIABLES, n_coders=N_CODERS,
                      agreement=AGREEMENT, n_outlets=N_OUTLETS, fmt=fmt, seed=0)


def _tables(folder: Path, fmt: str):
    """The files load_event reads, by role."""
    codes = sorted((folder / "codes").glob(f"*.{fmt}"))
    terms = folder / ("terms.parquet" if fmt == "parquet" else "terms.csv")
    return folder / "reports.csv", codes, terms


def baseline_read(folder: Path, fmt: str):
    import pandas as pd
    reports, codes, terms = _tables(folder, fmt)
    read = pd.read_parquet if fmt == "parquet" else pd.read_csv
    frames = [read(p) for p in codes]
    return pd.read_csv(reports), pd.concat(frames, ignore_index=True), read(terms)


def baseline_numpy(n: int):
    """Plain numpy passes over n integers (fill, arithmetic, reversed copy, a count per value):
    how this machine's memory scales, with no pandas and no package code at all."""
    import numpy as np
    x = np.arange(n, dtype=np.int64)
    y = x * 3 + 1
    z = y[::-1].copy()
    return np.bincount(z % 4096, minlength=4096)


def baseline_groupby(codes):
    import pandas as pd
    values = pd.to_numeric(codes["value"], errors="coerce")
    return values.groupby([codes["variable"], codes["coder"]]).mean()


def ready_matrices(codes, codebook):
    """Coder x unit float matrices per variable, as krippendorff.alpha takes them."""
    import numpy as np
    out = []
    for var in codebook.itertuples(index=False):
        sub = codes[codes["variable"] == var.variable]
        wide = sub.pivot(index="coder", columns="report_id", values="value")
        if var.level in ("nominal", "ordinal"):
            rank = {c: float(i) for i, c in enumerate(var.codes)}
            matrix = np.vstack([wide.loc[c].map(rank).to_numpy(dtype=float) for c in wide.index])
        else:
            matrix = wide.to_numpy(dtype=float)
        out.append((matrix, var.level))
    return out


def child(n_reports: int, fmt: str, folder: Path) -> dict:
    import krippendorff
    import numpy as np

    from analysis import load_event
    from analysis.divergence import consensus_distance, pairwise_divergence
    from analysis.framing import frame_profile, frame_scores
    from analysis.lexicon import keyness
    from analysis.reliability import consolidate, reliability

    st = Stages()
    st.run("baseline_numpy", lambda: baseline_numpy(N_VARIABLES * N_CODERS * n_reports))
    _, base_codes, _ = st.run("baseline_read", lambda: baseline_read(folder, fmt))
    st.run("baseline_groupby", lambda: baseline_groupby(base_codes))
    del base_codes
    ev = st.run("load", lambda: load_event(folder))
    rel = st.run("reliability", lambda: reliability(ev.codes, ev.codebook, n_boot=N_BOOT_RELIABILITY))
    st.run("reliability_point", lambda: reliability(ev.codes, ev.codebook, n_boot=0))
    # krippendorff.alpha builds (units, V, V) arrays: with the hundreds of distinct numbers of an
    # interval or ratio variable that is tens of GiB, so the comparison is on the categorical ones
    cat = ev.codebook[ev.codebook["level"].isin(["nominal", "ordinal"])].reset_index(drop=True)
    point = st.run("reliability_point_cat", lambda: reliability(ev.codes, cat, n_boot=0))
    ready = ready_matrices(ev.codes, cat)
    kripp = st.run("krippendorff_cat", lambda: [
        krippendorff.alpha(reliability_data=m, level_of_measurement=level) for m, level in ready])
    del ready
    gap = float(np.nanmax(np.abs(point["alpha"].to_numpy() - np.array(kripp))))
    final = st.run("consolidate", lambda: consolidate(ev.codes, ev.codebook))
    st.run("frames", lambda: frame_profile(frame_scores(final, ev.codebook), ev.reports, by="outlet",
                                           n_boot=N_BOOT_FRAMES))
    st.run("divergence", lambda: (
        pairwise_divergence(final, ev.codebook, ev.reports, by="outlet_type", n_boot=N_BOOT_DIVERGENCE, n_perm=0),
        consensus_distance(final, ev.codebook, ev.reports, by="outlet_type", n_boot=N_BOOT_DIVERGENCE,
                           n_perm=100)))
    st.run("keyness", lambda: keyness(ev.terms, ev.reports, column="outlet_type", group_a="state"))
    return {"n_reports": n_reports, "judgements": len(ev.codes), "fmt": fmt, "stages": st.rows,
            "max_alpha_gap": gap, "reliable": int((rel["verdict"] == "reliable").sum()),
            "process_peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


# --- the driver ---------------------------------------------------------------------------------

def _run_size(n: int, args) -> dict:
    folder = Path(args.workdir) / f"event-{args.fmt}-{n}"
    made = False
    if not (folder / "codebook.yaml").is_file():
        subprocess.run([sys.executable, __file__, "--generate", str(n), "--fmt", args.fmt,
                        "--folder", str(folder)], check=True)
        made = True
    try:
        out = subprocess.run([sys.executable, __file__, "--child", str(n), "--fmt", args.fmt,
                              "--folder", str(folder)], capture_output=True, text=True)
    finally:
        if made and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    lines = out.stdout.strip().splitlines()
    if out.returncode:  # e.g. killed for lack of memory: keep the stages done, say where it stopped
        print(f"N = {n:,}: the run failed (exit status {out.returncode}): {out.stderr[-2000:]}",
              file=sys.stderr)
        done = json.loads(lines[-1])["stages"] if lines else {}
        return {"n_reports": n, "fmt": args.fmt, "stages": done, "failed": out.returncode}
    return json.loads(lines[-1])


def _gib(b):
    return b / 1024**3


def report(results: list) -> None:
    stages = max((list(r["stages"]) for r in results), key=len)
    nan = {"seconds": float("nan"), "peak_bytes": float("nan")}
    for r in results:
        if "failed" in r:
            print(f"N = {r['n_reports']:,}: killed (exit status {r['failed']}) after the stages "
                  f"{', '.join(r['stages']) or '(none)'}; later stages not measured")
            r["stages"] = {s: r["stages"].get(s, nan) for s in stages}
    complete = [r for r in results if "failed" not in r]
    print()
    print("wall time (s) and peak resident memory (GiB) per stage")
    head = f"{'stage':<20}" + "".join(f"{r['n_reports']:>12,} rep. " for r in results)
    print(head)
    for s in stages:
        cells = "".join(f"{r['stages'][s]['seconds']:>9.2f}s {_gib(r['stages'][s]['peak_bytes']):>5.2f}G"
                        for r in results)
        print(f"{s:<20}{cells}")
    print()
    print("targets and ratios")
    for r in complete:
        t = {s: v["seconds"] for s, v in r["stages"].items()}
        mem = max(r["stages"][s]["peak_bytes"] for s in PIPELINE)
        pipeline = sum(t[s] for s in PIPELINE)
        print(f"N = {r['n_reports']:,} reports ({r['judgements']:,} judgements, {r['fmt']}):")
        print(f"  load + reliability({N_BOOT_RELIABILITY}) + frames + divergence: {pipeline:8.2f} s, "
              f"peak {_gib(mem):.2f} GiB   (target at 100,000: < 30 s, < 4 GiB)")
        print(f"  load_event / bare read:                        {t['load'] / t['baseline_read']:8.2f}   (target <= 3)")
        print(f"  load_event / (bare read + groupby-mean):       "
              f"{t['load'] / (t['baseline_read'] + t['baseline_groupby']):8.2f}")
        print(f"  reliability point estimates / krippendorff (nominal and ordinal variables): "
              f"{t['reliability_point_cat'] / t['krippendorff_cat']:8.2f}   (target <= 2)")
        print(f"  largest |alpha - krippendorff.alpha|:          {r['max_alpha_gap']:.1e}")
    by_n = {r["n_reports"]: r for r in results}
    if 100_000 in by_n and 1_000_000 in by_n:
        a, b = by_n[100_000]["stages"], by_n[1_000_000]["stages"]
        print("growth from 100,000 to 1,000,000 reports (time ratio, target <= 12):")
        for s in stages:
            print(f"  {s:<20}{b[s]['seconds'] / a[s]['seconds']:8.2f}")
        ta, tb = (sum(x[s]["seconds"] for s in PIPELINE) for x in (a, b))
        print(f"  {'pipeline':<20}{tb / ta:8.2f}")
    print()
    print(json.dumps(results))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    p.add_argument("--quick", action="store_true", help="sizes 1,000 and 10,000 only")
    p.add_argument("--fmt", choices=("csv", "parquet"), default="csv")
    p.add_argument("--workdir", default=tempfile.gettempdir())
    p.add_argument("--keep", action="store_true", help="keep the generated folders")
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)
    p.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    p.add_argument("--folder", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.generate:
        generate(Path(args.folder), args.generate, args.fmt)
        return
    if args.child:
        print(json.dumps(child(args.child, args.fmt, Path(args.folder))))
        return
    sizes = [1_000, 10_000] if args.quick else args.sizes
    results = []
    for n in sizes:
        start = time.perf_counter()
        result = _run_size(n, args)
        if result is not None:
            results.append(result)
        print(f"N = {n:,}: done in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    if results:
        report(results)


if __name__ == "__main__":
    main()
