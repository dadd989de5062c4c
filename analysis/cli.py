"""The command line: ``python -m analysis COMMAND EVENT_DIR ...``."""
from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from .errors import DataError


def _print_table(frame: pd.DataFrame, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                           "display.max_colwidth", 60):
        print(frame.to_string(index=False), file=out)


def cmd_validate(args: argparse.Namespace) -> int:
    from .events import summary, validate_event

    event, problems = validate_event(args.event_dir, progress=sys.stderr.isatty())
    if event is not None:
        print(f"Event: {event.meta.get('id')} ({event.meta.get('title')})")
        _print_table(summary(event))
        if event.counts:
            print("\nRows per coding sheet:")
            counts = pd.DataFrame.from_dict(event.counts, orient="index").rename_axis("file").reset_index()
            _print_table(counts)
        if len(event.warnings):
            # kept and loaded, but worth a look: they never change the exit code
            print(f"\nWarnings: {len(event.warnings)}")
            for w in event.warnings.head(args.max_problems).itertuples(index=False):
                print(f"- {_where(w)}: {w.message}")
            if len(event.warnings) > args.max_problems:
                print(f"... and {len(event.warnings) - args.max_problems} more")
    if len(problems):
        print(f"\n{len(problems)} problem(s):")
        for p in problems.head(args.max_problems).itertuples(index=False):
            text = f"- {_where(p)}: {p.message}"
            if isinstance(p.accepted, str) and p.accepted:
                text += f"; {p.accepted}"
            print(text)
        if len(problems) > args.max_problems:
            print(f"... and {len(problems) - args.max_problems} more")
        return 1
    print("\nNo problems found.")
    return 0


def _where(p: Any) -> str:
    """'file, row N, column C' of a problem or warning row (``line`` for YAML and JSON files).

    ``p`` is a row of the problems or warnings table, as ``DataFrame.itertuples`` gives it.
    """
    where: str = p.file
    if pd.notna(p.row):
        unit = "line" if str(p.file).endswith((".yaml", ".yml", ".json")) else "row"
        where += f", {unit} {p.row}"
    if isinstance(p.column, str):
        where += f", column {p.column}"
    return where


def cmd_sheet(args: argparse.Namespace) -> int:
    from .events import load_event
    from .sheets import write_blank_sheet

    event = load_event(args.event_dir)
    write_blank_sheet(event.reports, event.codebook, coder=args.coder, path=args.out)
    print(f"Wrote a blank sheet for {args.coder}: {len(event.reports)} reports x {len(event.codebook)} variables.")
    return 0


def cmd_datapackage(args: argparse.Namespace) -> int:
    from ._yaml import read_yaml
    from .datapackage import build_datapackage
    from .sheets import atomic_write_bytes

    folder = Path(args.event_dir)
    meta = read_yaml(folder / "event.yaml", "event.yaml")
    desc = build_datapackage(folder, name=str(meta.get("id", folder.name)), title=str(meta.get("title", "")))
    atomic_write_bytes(folder / "datapackage.json", (json.dumps(desc, indent=2, ensure_ascii=False) + "\n").encode())
    print(f"Wrote datapackage.json with {len(desc['resources'])} resources.")
    return 0


def cmd_reliability(args: argparse.Namespace) -> int:
    from .events import load_event
    from .reliability import reliability

    shown = sys.stderr.isatty()  # progress bars for a person at a terminal, never in logs or tests
    event = load_event(args.event_dir, progress=shown)
    exclude = tuple(args.exclude) if args.exclude is not None else ("adjudicated",)
    table = reliability(event.codes, event.codebook, coders=args.coders or None, exclude=exclude,
                        n_boot=args.n_boot, seed=args.seed, progress=shown)
    if not args.csv:
        from .quality import coding_design, design_sentence
        print(design_sentence(coding_design(event.codes), n_reports=len(event.reports)))
        print("Verdicts: reliable = alpha >= 0.800 and the 95% interval's lower end >= 0.667; tentative = alpha "
              ">= 0.667; unknown = alpha undefined or too little variation; not measured = one coder.\n")
    if args.csv:
        from .sheets import safe_frame
        sys.stdout.write(safe_frame(table).to_csv(index=False, lineterminator="\n", float_format="%.4f"))
    else:
        shown = table[["variable", "level", "alpha", "ci_low", "ci_high", "n_units", "n_pairable",
                       "percent_agreement", "verdict", "note"]]
        with pd.option_context("display.float_format", "{:.3f}".format):
            _print_table(shown)
    return 0


def cmd_terms(args: argparse.Namespace) -> int:
    from .sheets import write_csv
    from .text import read_texts, term_counts

    folder = Path(args.event_dir)
    texts = read_texts(Path(args.texts) if args.texts else folder / ".text")
    terms = term_counts(texts)
    write_csv(terms, folder / "terms.csv")
    print(f"Wrote terms.csv: {len(terms)} rows for {terms['report_id'].nunique()} reports.")
    return 0


def cmd_autocode(args: argparse.Namespace) -> int:
    from .autocode import autocode
    from .events import load_event
    from .sheets import write_csv

    event = load_event(args.event_dir)
    train = load_event(args.train_on)
    sheet = autocode(event, train, variables=args.variables or None, name=args.name, seed=args.seed)
    out = Path(args.out) if args.out else Path(args.event_dir) / "codes" / f"model-{args.name}.csv"
    write_csv(sheet, out)
    print(f"Wrote {len(sheet)} machine judgements for {sheet['report_id'].nunique()} reports "
          f"as coder model:{args.name}.")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .corpus import check_engine_for
    from .report import NotebooksNotFound, Report, Reports, find_notebooks, run_events, run_report

    report: Report | Reports
    try:
        for folder in args.event_dirs:
            check_engine_for(folder, args.engine)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    try:
        # a run without notebooks would write a report of nothing: refused before anything is written
        notebooks = find_notebooks(args.notebooks)
        if len(args.event_dirs) == 1:
            report = run_report(args.event_dirs[0], args.out, seed=args.seed, n_boot=args.n_boot,
                                notebooks_dir=notebooks, jobs=args.jobs, progress=not args.quiet,
                                engine=args.engine, scheduler=args.scheduler, coder=args.coder,
                                sample_size=args.sample_size)
        else:
            report = run_events(args.event_dirs, args.out, seed=args.seed, n_boot=args.n_boot,
                                notebooks_dir=notebooks, jobs=args.jobs, progress=not args.quiet,
                                engine=args.engine, scheduler=args.scheduler)
    except (FileExistsError, NotebooksNotFound, ImportError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    out = Path(args.out)
    for page in report.failed:
        print(f"failed page {page.path.relative_to(out).as_posix()}: notebook {page.notebook} raised {page.error}",
              file=sys.stderr)
    if not args.quiet:
        n_pages = len(report.pages) + sum(len(r.pages) for _, r in getattr(report, "events", ()))
        print(f"Wrote {n_pages} pages, {len(report.failed)} failed, in {report.seconds:.1f} s; "
              f"open {report.index}")
    return 1 if report.failed else 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return value


# a Dask scheduler address: tcp://host:port, another scheme's, or host:port
_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?[^\s/:]+(?::\d{1,5})?")


def _scheduler_address(text: str) -> str:
    if not _ADDRESS.fullmatch(text):
        raise argparse.ArgumentTypeError(f"expected a Dask scheduler address such as tcp://10.0.0.5:8786 "
                                         f"or 10.0.0.5:8786, not {text!r}")
    return text


def cmd_refresh(args: argparse.Namespace) -> int:
    from .report import NotebooksNotFound, refresh_notebooks

    try:
        done = refresh_notebooks(args.notebooks, progress=not args.quiet)
    except NotebooksNotFound as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Refreshed {len(done)} notebooks.")
    return 0


MODULE_PROG = "python -m analysis"


def invoked_as(argv: Sequence[str] | None = None) -> str:
    """The program name for usage lines: how the command line was invoked.

    The console script's file name (``media-discrepancy``) when it runs as one; otherwise, run as a
    module (``python -m analysis``) or called from Python with ``argv``, :data:`MODULE_PROG`.
    """
    main_module = sys.modules.get("__main__")
    as_script = main_module is not None and getattr(main_module, "__spec__", None) is None
    name = os.path.basename(sys.argv[0]) if sys.argv else ""
    if argv is None and as_script and name not in ("", "-c") and not name.endswith(".py"):
        return name
    return MODULE_PROG


def build_parser(*, prog: str = MODULE_PROG) -> argparse.ArgumentParser:
    """The parser of the command line; ``prog`` names the program in usage lines."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check an event folder and print a summary and warnings; exit 1 on any problem")
    p.add_argument("event_dir")
    p.add_argument("--max-problems", type=int, default=50)
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("sheet", help="write a blank XLSX coding sheet with drop-downs")
    p.add_argument("event_dir")
    p.add_argument("--coder", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_sheet)
    p = sub.add_parser("datapackage", help="write datapackage.json describing the folder's tables")
    p.add_argument("event_dir")
    p.set_defaults(func=cmd_datapackage)
    p = sub.add_parser("reliability", help="Krippendorff's alpha per variable with bootstrap intervals")
    p.add_argument("event_dir")
    p.add_argument("--csv", action="store_true", help="write CSV to standard output")
    p.add_argument("--coders", nargs="*", help="coders to compare (default: all but --exclude)")
    p.add_argument("--exclude", nargs="*", help="coders to leave out (default: adjudicated)")
    p.add_argument("--n-boot", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_reliability)
    p = sub.add_parser("terms", help="write terms.csv from a folder of <report_id>.txt texts (default EVENT_DIR/.text)")
    p.add_argument("event_dir")
    p.add_argument("--texts", default=None)
    p.set_defaults(func=cmd_terms)
    p = sub.add_parser("autocode", help="machine-code reports that have term counts but no human codes")
    p.add_argument("event_dir")
    p.add_argument("--train-on", required=True, help="event folder whose consolidated codes train the model")
    p.add_argument("--out", default=None, help="coding sheet to write (default EVENT_DIR/codes/model-NAME.csv)")
    p.add_argument("--variables", nargs="*")
    p.add_argument("--name", default="tfidf-logreg")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_autocode)
    p = sub.add_parser("run", help="execute every notebook on an event (or on a corpus: a Parquet dataset folder, "
                                      "counted by --engine, see analysis.corpus) and write the HTML report and charts; "
                                      "with several events, a report per event under OUT/<event id>/, the pages "
                                      "comparing them and an index; exit 1 if a notebook failed (its page says why)")
    p.add_argument("event_dirs", nargs="+", metavar="event_dir")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--n-boot", type=int, default=1000)
    p.add_argument("--notebooks", default=None, help="folder of notebooks (default: those installed with the package, "
                                                     "else the repository's notebooks/)")
    p.add_argument("--jobs", type=_positive_int, default=None,
                   help="notebooks run at once, each in its own kernel (default: CPUs, at most the notebooks)")
    p.add_argument("--quiet", action="store_true", help="print nothing but failures")
    p.add_argument("--engine", choices=("pandas", "duckdb", "dask"), default="pandas",
                   help="what counts the reliability, frame and divergence tables: pandas in memory (default), "
                        "DuckDB out of core, or Dask on a cluster; point estimates are the same, the "
                        "engines' intervals are the Poisson bootstrap's (analysis.engines)")
    p.add_argument("--scheduler", type=_scheduler_address, default=None, metavar="ADDRESS",
                   help="address of a Dask cluster's scheduler (with --engine dask only; default Dask's "
                        "local threads)")
    p.add_argument("--coder", default=None, help="corpus only (a Parquet dataset folder): whose codes count as "
                                                 "final (default: the one machine coder model:*)")
    p.add_argument("--sample-size", type=_positive_int, default=None, metavar="N",
                   help="corpus only: reports in the sample that per-report sections use (default 5000)")
    p.set_defaults(func=cmd_run, check=functools.partial(_check_run, parser=p))
    p = sub.add_parser("refresh-notebooks", help="re-execute the stored notebooks in place (refresh nbval outputs)")
    p.add_argument("--notebooks", default=None, help="folder of notebooks (default: the repository's notebooks/)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_refresh)
    return parser


def _check_run(args: argparse.Namespace, *, parser: argparse.ArgumentParser) -> None:
    """Exit as argparse does (status 2) when options of ``run`` do not go together."""
    if args.scheduler is not None and args.engine != "dask":
        parser.error(f"argument --scheduler: only with --engine dask, not --engine {args.engine}")


def parse_args(argv: Sequence[str] | None = None, *, prog: str = MODULE_PROG) -> argparse.Namespace:
    """The parsed command line; options that do not go together exit as argparse errors do (status 2)."""
    args = build_parser(prog=prog).parse_args(argv)
    if getattr(args, "check", None) is not None:
        args.check(args)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default ``sys.argv[1:]``); the exit status."""
    args = parse_args(argv, prog=invoked_as(argv))
    try:
        status: int = args.func(args)
        return status
    except DataError as exc:
        print(str(exc), file=sys.stderr)
        return 1
