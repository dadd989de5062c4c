"""Wall time of the main job (one notebook at a time and two at once) and of strict nbval on the
bundled event.

Run from the repository root:  python bench/bench_notebooks.py [--no-nbval]
Prints seconds for each and their ratios (nbval re-executes every stored notebook and compares
outputs; the main job executes them, converts them to HTML and saves every chart twice). The two
main-job runs must write identical files; the script checks that too.
"""
import hashlib
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


def digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def main():
    seconds, digests = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in (1, 2):
            out = Path(tmp) / f"jobs{jobs}"
            seconds[jobs] = timed([sys.executable, "-m", "analysis", "run", str(EVENT), "--out", str(out),
                                   "--jobs", str(jobs), "--quiet"])
            digests[jobs] = digest(out)
    same = "identical files" if digests[1] == digests[2] else "DIFFERENT FILES"
    print(f"main job, --jobs 1 (python -m analysis run, {EVENT.name}): {seconds[1]:7.1f} s")
    print(f"main job, --jobs 2:                                          {seconds[2]:7.1f} s  ({same})")
    print(f"speed-up jobs 1 / jobs 2:                                    {seconds[1] / seconds[2]:7.2f}")
    if "--no-nbval" not in sys.argv:
        nbval = timed([sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider", "notebooks"])
        print(f"strict nbval (pytest --nbval notebooks):                     {nbval:7.1f} s")
        print(f"ratio main job (jobs 1) / nbval:                             {seconds[1] / nbval:7.2f}")
    if digests[1] != digests[2]:
        sys.exit(1)


if __name__ == "__main__":
    main()
