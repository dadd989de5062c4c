"""Wall time of the main job and of the strict nbval run on the bundled event.

Run from the repository root:  python bench/bench_notebooks.py
Prints seconds for each and their ratio (nbval re-executes every stored notebook and compares
outputs; the main job executes them, converts them to HTML and saves every chart twice).
"""
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVENT = ROOT / "data" / "cairo-talks-2024-04"


def timed(cmd):
    start = time.perf_counter()
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    return seconds


def main():
    with tempfile.TemporaryDirectory() as out:
        job = timed([sys.executable, "-m", "analysis", "run", str(EVENT), "--out", out, "--quiet"])
    nbval = timed([sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider", "notebooks"])
    print(f"main job (python -m analysis run, {EVENT.name}): {job:7.1f} s")
    print(f"strict nbval (pytest --nbval notebooks):        {nbval:7.1f} s")
    print(f"ratio main job / nbval:                           {job / nbval:7.2f}")


if __name__ == "__main__":
    main()
