"""Print a datasheet's alpha table (Markdown) from `python -m analysis reliability EVENT --csv`.

    python work/tools/alpha_table.py data/cairo-talks-2024-04

The datasheet test (tests/test_events.py) checks the table against the same command, so a
datasheet is refreshed by pasting this output over its table.
"""
import subprocess
import sys
from io import StringIO

import pandas as pd


def fmt(x: float) -> str:
    return "" if pd.isna(x) else f"{x:.3f}"


def main(event: str) -> None:
    out = subprocess.run([sys.executable, "-m", "analysis", "reliability", event, "--csv"], check=True,
                         capture_output=True, text=True).stdout
    t = pd.read_csv(StringIO(out))
    print("| variable | level | alpha | 95% interval | units | pairable | agreement | verdict |")
    print("|---|---|---|---|---|---|---|---|")
    for r in t.itertuples(index=False):
        alpha = fmt(r.alpha)
        if pd.notna(r.alpha_cited):
            alpha += f" (cited: {fmt(r.alpha_cited)})"
        ci = "" if pd.isna(r.ci_low) else f"{fmt(r.ci_low)} to {fmt(r.ci_high)}"
        print(f"| {r.variable} | {r.level} | {alpha} | {ci} | {r.n_units} | {r.n_pairable} | "
              f"{fmt(r.percent_agreement)} | {r.verdict} |")
    counts = t["verdict"].value_counts()
    print()
    print(", ".join(f"{counts.get(v, 0)} {v}" for v in ("reliable", "tentative", "unreliable", "unknown", "not measured")
                    if counts.get(v, 0)), f"of {len(t)} variables.", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
