"""The main job: run every notebook on an event folder and write an HTML report with its charts.

``python -m analysis run EVENT_DIR --out OUT_DIR`` executes the notebooks with papermill (event
folder, seed and resamples as parameters; ``engine`` and ``scheduler`` to the notebooks whose
parameters cell declares them, :func:`declared_parameters`), each in its own kernel and, with ``jobs`` above one, in
parallel worker processes; strips run-time metadata so that two runs write identical files;
exports each executed notebook (never re-run) to an HTML page without code; and leaves every chart
as PNG and SVG under ``OUT_DIR/figures/``. Beside the pages (:mod:`analysis.report_pages`) it
writes the index (key findings, how the report was made, the pages with a line each, the charts by
title), ``outlets.html`` with a card per outlet under ``outlets/``, the datasheet when the folder
has a README.md, and the downloads of :mod:`analysis.downloads` under ``downloads/``, beside the
full tables that pages show a sample of (:meth:`analysis.page.Page.table`), all listed in the index.

``python -m analysis run EVENT_DIR EVENT_DIR ... --out OUT_DIR`` (:func:`run_events`) writes such a
report for each event under ``OUT_DIR/<event id>/``, then executes the notebooks that compare
events (metadata ``{"analysis": {"events": "several"}}``, with ``event_dirs`` as a parameter),
exports them beside the reports, and writes ``OUT_DIR/index.html`` linking all of them. A run on one
event gives those notebooks a page saying they need two or more events.

A notebook that fails gets a page saying which notebook failed and why; the other notebooks run
and get their pages all the same. Every file is written atomically (temporary file, then rename),
and the files of a report are listed in ``OUT_DIR/.report-manifest.json``: a rerun deletes the
files listed there and no other, and a non-empty folder without that list is refused.

This module finds the notebooks and runs the job; the work is shared with
:mod:`analysis.execution` (running the notebooks), :mod:`analysis.report_export` (their pages),
:mod:`analysis.report_manifest` (the file list) and :mod:`analysis.report_pages` (the index and
the outlet pages).
"""
from __future__ import annotations

import html
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .execution import (
    Job,
    execute_all,
    ipc_kernel_manager,
    path_names,
    strip_runtime,
)
from .report_export import (
    ACROSS_NOT_RUN,
    Page,
    plain_page,
    write_not_run_pages,
    write_pages,
)
from .report_manifest import MANIFEST, clear_previous, read_manifest, write_manifest
from .report_notebooks import (
    CASE_STUDY_KEY,
    EVENTS_KEY,
    NOTEBOOK_GLOB,
    SEVERAL,
    SOURCE_NOTEBOOKS,
    NotebooksNotFound,
    across_notebooks,
    default_notebooks,
    find_notebooks,
    notebook_list,
    written_for_other_events,
)
from .sheets import atomic_write_bytes

if TYPE_CHECKING:
    from .events import Event

__all__ = [
    "ACROSS_NOT_RUN",
    "CASE_STUDY_KEY",
    "EVENTS_KEY",
    "KEY_FINDINGS_PERMUTATIONS",
    "MANIFEST",
    "SEVERAL",
    "SOURCE_NOTEBOOKS",
    "NotebooksNotFound",
    "Page",
    "Report",
    "Reports",
    "across_notebooks",
    "check_engine",
    "declared_parameters",
    "default_notebooks",
    "find_notebooks",
    "notebook_list",
    "refresh_notebooks",
    "run_events",
    "run_report",
    "written_for_other_events",
]

# permutations of the key findings' group test: the divergence page's default, so both agree
KEY_FINDINGS_PERMUTATIONS = 2000


@dataclass(frozen=True)
class Report:
    """What ``run_report`` wrote: the index, one page per notebook in order, the charts."""

    index: Path
    pages: tuple[Page, ...]
    figures: tuple[Path, ...]
    seconds: float

    @property
    def failed(self) -> list[Page]:
        """The pages whose notebook failed."""
        return [p for p in self.pages if p.status == "failed"]


@dataclass(frozen=True)
class Reports:
    """What ``run_events`` wrote: a report per event, the pages comparing them, the index above."""

    index: Path
    events: tuple[tuple[str, Report], ...]
    pages: tuple[Page, ...]
    figures: tuple[Path, ...]
    seconds: float

    @property
    def failed(self) -> list[Page]:
        """The pages whose notebook failed, in the event reports and among the pages comparing them."""
        return [p for _, r in self.events for p in r.failed] + [p for p in self.pages if p.status == "failed"]


def run_report(event_dir: str | Path, out_dir: str | Path, *, notebooks_dir: str | Path | None = None,
               seed: int = 0, n_boot: int = 1000, jobs: int | None = None, progress: bool = True,
               kernel: str = "python3", engine: str = "pandas", scheduler: str | None = None,
               coder: str | None = None, sample_size: int | None = None) -> Report:
    """Execute the notebooks on an event folder (or a corpus) and write the HTML report.

    Parameters
    ----------
    event_dir : str or Path
        The event folder.
    out_dir : str or Path
        Where to write ``index.html``, one HTML page per notebook, ``notebooks/`` (executed
        notebooks, with their code), ``figures/`` (PNG and SVG of every chart), ``outlets.html``
        and ``outlets/``, ``downloads/``, ``datasheet.html`` and ``datasheet.md`` (when the folder
        has a README.md) and the manifest.
        It must be new, empty, or an earlier report, whose listed files alone are replaced.
    notebooks_dir : Path, optional
        Defaults to :func:`default_notebooks`: those installed with the package, else the
        repository's ``notebooks/``. A folder given without notebooks gives the report of the
        event folder alone (index, outlet pages, downloads); the command line refuses it
        (:func:`find_notebooks`).
    seed, n_boot : int
        Passed to every notebook's parameters, and used for the index's key findings.
    jobs : int, optional
        Notebooks executed at once, each in its own kernel and worker process; default the
        number of CPUs, at most the number of notebooks. The files written do not depend on it.
    progress : bool
        Print one line to standard error as each notebook finishes.
    engine : {"pandas", "duckdb", "dask"}, default "pandas"
        What counts (:mod:`analysis.engines`): passed, with ``scheduler``, to the notebooks whose
        parameters cell declares it, and used for the downloads and the index (the reliability
        table of :func:`analysis.page.open_page`).
    scheduler : str, optional
        Dask only: the address of the cluster's scheduler.
    coder, sample_size : optional
        Corpus only (``event_dir`` a Parquet dataset, :mod:`analysis.corpus`): whose codes count
        as final and the size of the sample; passed to the notebooks that declare them.

    Returns
    -------
    Report
        The index, each page with its status (a failed notebook's page says why), the charts.

    Raises
    ------
    DataError
        The event folder is not valid.
    FileExistsError
        ``out_dir`` is not empty and not an earlier report.
    NotebooksNotFound
        No ``notebooks_dir`` given and no notebook in the default places; nothing is written.
    ValueError, ImportError
        An unknown engine, a scheduler without the Dask engine, or an engine whose optional
        packages are not installed (:func:`check_engine`); nothing is written.
    """
    check_engine(engine, scheduler)
    corpus = {"coder": coder, "sample_size": sample_size} if _is_corpus(event_dir) else None
    return _run_event(event_dir, out_dir, notebooks_dir=notebooks_dir, seed=seed, n_boot=n_boot, jobs=jobs,
                      progress=progress, kernel=kernel, engine=engine, scheduler=scheduler, corpus=corpus)


def _is_corpus(path: str | Path) -> bool:
    from .corpus import is_dataset

    return is_dataset(path)


def check_engine(engine: str, scheduler: str | None = None) -> None:
    """ValueError for an unknown engine or a scheduler without Dask; ImportError when the engine's
    optional packages (the extra ``scale``) are missing."""
    from importlib.util import find_spec

    from .engines import ENGINES

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if scheduler is not None and engine != "dask":
        raise ValueError(f"a scheduler address is for the Dask engine only, not for engine {engine!r}")
    needs = {"duckdb": ("duckdb",), "dask": ("dask", "distributed")}.get(engine, ())
    missing = [m for m in needs if find_spec(m) is None]
    if missing:
        raise ImportError(f"engine {engine!r} needs {', '.join(missing)}: pip install "
                          "'media-discrepancy[scale]' (duckdb, dask, distributed)")


def declared_parameters(notebook: str | Path) -> frozenset[str]:
    """The names assigned in a notebook's cell tagged ``parameters`` (none without one)."""
    import ast

    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    names: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
    return frozenset(names)


def _figures_folder(out_dir: Path) -> tuple[Path, set[str]]:
    """``out_dir/figures`` (made if need be) and the names of the files already in it."""
    figures = out_dir / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    return figures, {p.name for p in figures.iterdir()}


def _new_charts(figures: Path, before: set[str]) -> tuple[Path, ...]:
    """The chart files the notebooks wrote into ``figures`` (not there ``before``), sorted."""
    return tuple(sorted(p for p in figures.iterdir()
                        if p.is_file() and p.name not in before and not p.name.startswith(".")))


def _file_names(folder: Path) -> set[str]:
    """The names of the files in ``folder`` (none when it does not exist)."""
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _new_tables(out: Path, before: set[str]) -> tuple[Path, ...]:
    """The full tables the notebooks wrote into ``out/downloads`` (:meth:`analysis.page.Page.table`),
    sorted; not the files the job writes there itself."""
    from .downloads import DOWNLOADS, JOB_FILES

    folder = out / DOWNLOADS
    return _new_charts(folder, before | set(JOB_FILES)) if folder.is_dir() else ()


def _jobs(nbs: list[Path], *, kernel: str, parameters: dict[str, object], replace: dict[str, str],
          optional: dict[str, object] | None = None) -> list[Job]:
    """A job per notebook; ``optional`` parameters go only to notebooks that declare them."""
    jobs = []
    for nb in nbs:
        declared = declared_parameters(nb) if optional else frozenset()
        extra = {k: v for k, v in (optional or {}).items() if k in declared}
        jobs.append(Job(notebook=str(nb), kernel=kernel, parameters={**parameters, **extra}, replace=replace))
    return jobs


def _check_jobs(jobs: int | None) -> None:
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be a positive number of notebooks to run at once, not {jobs}")


def _run_event(event_dir: str | Path, out_dir: str | Path, *, notebooks_dir: str | Path | None, seed: int,
               n_boot: int, jobs: int | None, progress: bool, kernel: str, across_href: str | None = None,
               engine: str = "pandas", scheduler: str | None = None, corpus: dict | None = None) -> Report:
    """The work of :func:`run_report`; ``across_href`` is where the pages comparing events are (a run
    on several events), None for a run on one. ``corpus``: the corpus options when ``event_dir`` is
    a Parquet dataset (:mod:`analysis.corpus`), else None."""
    from .corpus import dataset_meta
    from .events import load_event

    start = time.perf_counter()
    folder = Path(event_dir).resolve()
    out = Path(out_dir)
    notebooks = default_notebooks() if notebooks_dir is None else Path(notebooks_dir).resolve()
    meta = dataset_meta(folder) if corpus is not None else load_event(folder).meta
    event_id = str(meta["id"])
    nbs = notebook_list(notebooks, event_id)
    _check_jobs(jobs)
    n_jobs = max(1, min(jobs or os.cpu_count() or 1, len(nbs)))
    clear_previous(out)
    figures, before = _figures_folder(out)
    tables_before = _file_names(out / "downloads")
    replace = path_names(event_dir=folder, event_id=event_id, figures=figures.resolve(), notebooks_dir=notebooks)
    params: dict[str, object] = {"event_dir": str(folder), "seed": seed, "n_boot": n_boot,
                                 "figures_dir": str(figures.resolve())}
    optional = {"engine": engine, "scheduler": scheduler, **(corpus or {})}
    results = execute_all(_jobs(nbs, kernel=kernel, parameters=params, replace=replace, optional=optional),
                          jobs=n_jobs, progress=progress)
    pages, written = write_pages(out, nbs, results, event_title=str(meta.get("title", "")))
    across = across_notebooks(notebooks)
    not_run, not_run_files = write_not_run_pages(
        out, event_id=event_id, other_events=written_for_other_events(notebooks, event_id), across=across,
        across_href=across_href)
    pages = sorted(pages + not_run, key=lambda p: p.path.name)
    charts = _new_charts(figures, before)
    tables = _new_tables(out, tables_before)
    files = _report_files(folder, pages, charts, seed=seed, n_boot=n_boot,
                          needs_events=frozenset(nb.name for nb in across), tables=tables, engine=engine,
                          scheduler=scheduler, corpus=corpus)
    for rel, data in files.items():
        atomic_write_bytes(out / rel, data)
    write_manifest(out, written + not_run_files + list(files) + [f"figures/{p.name}" for p in charts]
                   + [f"downloads/{p.name}" for p in tables])
    return Report(index=out / "index.html", pages=tuple(pages), figures=charts,
                  seconds=time.perf_counter() - start)


# an event's report goes to OUT/<event id>/: the id must be a plain folder name, not one the run uses
_FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_TAKEN = frozenset({"figures", "notebooks"})


def _check_event_ids(dirs: list[Path], ids: list[str]) -> None:
    from .errors import DataError, Problem

    problems = []
    for folder, event_id in zip(dirs, ids):
        if not _FOLDER_NAME.fullmatch(event_id) or event_id in _TAKEN:
            problems.append(Problem(f"{folder.name}/event.yaml", f"the id {event_id!r} cannot name the folder of "
                                    "the event's report", column="id", value=event_id,
                                    accepted="letters, digits, '.', '_' and '-', starting with a letter or digit, "
                                             "and not 'figures' or 'notebooks'"))
    for event_id in sorted({i for i in ids if ids.count(i) > 1}):
        names = [f.name for f, i in zip(dirs, ids) if i == event_id]
        problems.append(Problem("event.yaml", f"the folders {', '.join(names)} have the same id {event_id}",
                                column="id", value=event_id, accepted="one folder per event id"))
    if problems:
        raise DataError(problems)


def run_events(event_dirs: list[str | Path], out_dir: str | Path, *, notebooks_dir: str | Path | None = None,
               seed: int = 0, n_boot: int = 1000, jobs: int | None = None, progress: bool = True,
               kernel: str = "python3", engine: str = "pandas", scheduler: str | None = None) -> Reports:
    """Write a report per event, the pages comparing the events, and an index linking them.

    Parameters
    ----------
    event_dirs : list of str or Path
        Two or more event folders, compared in this order.
    out_dir : str or Path
        Where to write ``<event id>/`` (each event's report, as :func:`run_report` writes it),
        the pages of the notebooks that compare events (metadata ``events: several``, executed
        with ``event_dirs`` as a parameter) with ``notebooks/`` and ``figures/``, ``index.html``
        and the manifest, which lists every file of the run. It must be new, empty (empty
        folders allowed) or an earlier report.
    notebooks_dir, seed, n_boot, jobs, progress, kernel, engine, scheduler
        As for :func:`run_report`.

    Returns
    -------
    Reports
        The index, ``(event id, Report)`` per event, the pages comparing the events, their charts.

    Raises
    ------
    DataError
        An event folder is not valid, two have the same id, or an id cannot name a folder.
    FileExistsError
        ``out_dir`` holds files that are not an earlier report's.
    NotebooksNotFound
        As for :func:`run_report`.
    """
    from .events import load_event

    start = time.perf_counter()
    dirs = [Path(d).resolve() for d in event_dirs]
    notebooks = default_notebooks() if notebooks_dir is None else Path(notebooks_dir).resolve()
    if len(dirs) < 2:
        raise ValueError("run_events compares two or more event folders; run_report writes the report of one")
    _check_jobs(jobs)
    check_engine(engine, scheduler)
    events = [load_event(d) for d in dirs]
    ids = [str(ev.meta["id"]) for ev in events]
    _check_event_ids(dirs, ids)
    out = Path(out_dir)
    clear_previous(out)
    written, reports = [], []
    for folder, event_id in zip(dirs, ids):
        report = _run_event(folder, out / event_id, notebooks_dir=notebooks, seed=seed, n_boot=n_boot,
                            jobs=jobs, progress=progress, kernel=kernel, across_href="../", engine=engine,
                            scheduler=scheduler)
        reports.append((event_id, report))
        written += [f"{event_id}/{f}" for f in read_manifest(out / event_id / MANIFEST)]
        written.append(f"{event_id}/{MANIFEST}")
    pages, across_written, charts = _run_across(out, dirs, ids, notebooks_dir=notebooks, seed=seed, n_boot=n_boot,
                                                jobs=jobs, progress=progress, kernel=kernel,
                                                optional={"engine": engine, "scheduler": scheduler})
    atomic_write_bytes(out / "index.html", _events_index_html(events, reports, pages).encode("utf-8"))
    write_manifest(out, written + across_written + ["index.html"] + [f"figures/{p.name}" for p in charts])
    return Reports(index=out / "index.html", events=tuple(reports), pages=tuple(pages), figures=charts,
                   seconds=time.perf_counter() - start)


def _run_across(out: Path, dirs: list[Path], ids: list[str], *, notebooks_dir: Path, seed: int, n_boot: int,
                jobs: int | None, progress: bool, kernel: str,
                optional: dict[str, object] | None = None) -> tuple[list[Page], list[str], tuple[Path, ...]]:
    """Execute the notebooks that compare the events and write their pages into ``out``.

    Returns their Pages, the files written but the charts, and the charts.
    """
    nbs = across_notebooks(notebooks_dir)
    figures, before = _figures_folder(out)
    tables_before = _file_names(out / "downloads")
    replace = path_names(event_dir=dirs[0], event_id=ids[0], figures=figures.resolve(), notebooks_dir=notebooks_dir)
    replace.update({str(d): i for d, i in zip(dirs, ids)})
    params: dict[str, object] = {"event_dirs": [str(d) for d in dirs], "seed": seed, "n_boot": n_boot,
                                 "figures_dir": str(figures.resolve())}
    results = execute_all(_jobs(nbs, kernel=kernel, parameters=params, replace=replace, optional=optional),
                          jobs=max(1, min(jobs or os.cpu_count() or 1, len(nbs))), progress=progress)
    pages, written = write_pages(out, nbs, results, event_title=" and ".join(ids))
    written += [f"downloads/{p.name}" for p in _new_tables(out, tables_before)]
    return pages, written, _new_charts(figures, before)


def _events_index_html(events: list[Event], reports: list[tuple[str, Report]], pages: list[Page]) -> str:
    """The index of a run on several events: a line per event report, then the pages comparing them."""
    from .report_pages import inline_markdown

    e = html.escape
    status = {"ok": "", "failed": ' <span class="failed">failed: see page</span>'}
    items = []
    for event, (event_id, report) in zip(events, reports):
        meta = event.meta
        failed = len(report.failed)
        ran = sum(p.status != "not run" for p in report.pages)
        items.append(f'<li><a href="{e(event_id)}/index.html">{e(str(meta.get("title", "")) or event_id)}</a> '
                     f'(<code>{e(event_id)}</code>, {e(str(meta.get("start", "")))} to {e(str(meta.get("end", "")))}): '
                     f"{len(event.reports)} reports; {ran} pages"
                     + (f', <span class="failed">{failed} failed</span>' if failed else "") + "</li>")
    across = [f'<li><a href="{e(p.path.name)}">{e(p.title)}</a>{status[p.status]}'
              + (f' <span class="summary">{inline_markdown(p.summary)}</span>' if p.summary else "") + "</li>"
              for p in pages] or ["<li>No notebook compares events (none is marked <code>events: several</code>).</li>"]
    body = (f"<p>A report on each of {len(events)} events, and the pages that compare them.</p>\n"
            '<h2 id="events">The events</h2>\n<ul>\n' + "\n".join(items) + "\n</ul>\n"
            '<h2 id="across">Across the events</h2>\n<ul>\n' + "\n".join(across) + "\n</ul>")
    title = f"Reports on {len(events)} events"
    return plain_page(title=title, heading=title, nav="", body=body,
                      css=".failed { color: #b00020; } .summary { color: #444444; }\n")


def _chart_links(pages: list[Page], charts: tuple[Path, ...]) -> list[tuple[str, str, str]]:
    """``(image, title, page)`` per PNG chart: the title read from its SVG, the page whose notebook
    number the chart's name starts with (the chart itself when no page has it)."""
    from .report_pages import chart_title

    by_number = {p.path.name[:3]: p.path.name for p in pages if re.match(r"\d\d-", p.path.name)}
    out = []
    for png in (f for f in charts if f.suffix == ".png"):
        svg = png.with_suffix(".svg")
        title = chart_title(svg.read_text(encoding="utf-8")) if svg.is_file() else ""
        out.append((f"figures/{png.name}", title or png.stem, by_number.get(png.name[:3], f"figures/{png.name}")))
    return out


def _table_links(pages: list[Page], tables: tuple[Path, ...]) -> list[tuple[str, str]]:
    """``(href, description)`` per full table a page wrote: the page whose HTML links it is named."""
    bodies = [(p, p.path.read_text(encoding="utf-8")) for p in pages if p.status == "ok" and p.path.is_file()]
    out = []
    for table in tables:
        href = f"downloads/{table.name}"
        on = [p for p, body in bodies if f'href="{href}"' in body]
        where = f"on {on[0].path.name}, \u201c{on[0].title}\u201d" if on else "on a page"
        out.append((href, f"every row of a table shown in part {where} (CSV)"))
    return out


def _report_files(event_dir: Path, pages: list[Page], charts: tuple[Path, ...], *, seed: int, n_boot: int,
                  needs_events: frozenset[str] = frozenset(), tables: tuple[Path, ...] = (),
                  engine: str = "pandas", scheduler: str | None = None,
                  corpus: dict | None = None) -> dict[str, bytes]:
    """The files written beside the notebook pages: index, datasheet, downloads, outlet pages.

    On a corpus (``corpus`` its options), the index says the corpus's size, the engine and the
    sample, and the downloads and outlet pages are the sample's.

    ``needs_events``: notebooks that compare events; the index says they need two or more.
    ``tables``: the full tables the notebooks wrote into ``downloads/``, listed with the downloads.
    """
    from . import __version__
    from .corpus_page import dataset_hash
    from .downloads import download_files
    from .findings import key_findings
    from .page import open_page
    from .quality import coding_design, design_sentence
    from .report_pages import datasheet_html, folder_hash, index_html, outlet_files

    page = open_page(event_dir, n_boot=n_boot, seed=seed, engine=engine, scheduler=scheduler, **(corpus or {}))
    title = str(page.event.meta.get("title", ""))
    files = {f"downloads/{name}": data for name, data in download_files(page).items()}
    files.update(outlet_files(page))
    datasheet = None
    readme = event_dir / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        files["datasheet.md"] = readme.read_bytes()
        files["datasheet.html"] = datasheet_html(text, event_title=title).encode("utf-8")
        datasheet = "datasheet.html"
    provenance = {"analysis": __version__, "event folder sha256": folder_hash(event_dir), "seed": seed,
                  "n_boot": n_boot, "permutations": KEY_FINDINGS_PERMUTATIONS} if corpus is None else {
        "analysis": __version__, "dataset sha256 (codebook.json, Parquet file names and sizes)":
            dataset_hash(event_dir), "engine": engine, "seed": seed, "n_boot": n_boot,
        "sample": f"{page.corpus.n_sample:,} of {page.corpus.n_reports:,} reports"}
    design = design_sentence(coding_design(page.event.codes, coders=page.coders or None),
                             n_reports=len(page.event.reports))
    if page.corpus is not None:
        design = f"{page.corpus.about()} In the sample: {design}"
    index = index_html(
        page, findings=key_findings(page, n_perm=KEY_FINDINGS_PERMUTATIONS, seed=seed),
        pages=[(p.path.name, p.title, "needs events" if p.notebook in needs_events else p.status, p.summary)
               for p in pages], charts=_chart_links(pages, charts),
        design=design, provenance=provenance, datasheet=datasheet, downloads=[
            ("downloads/codes-long.csv", ("consolidated codes, one row per report and variable, with labels, "
                                          "rule and evidence (CSV)")),
            ("downloads/codes-wide.csv", "one row per report: its metadata and the label of each code (CSV)"),
            ("downloads/codes.sav", "the wide table with variable and value labels (SPSS)"),
            ("downloads/reliability.csv", "Krippendorff's alpha per variable with its interval and verdict (CSV)"),
        ] + _table_links(pages, tables))
    files["index.html"] = index.encode("utf-8")
    return files


def refresh_notebooks(notebooks_dir: str | Path | None = None, *, kernel: str = "python3",
                      progress: bool = True) -> list[Path]:
    """Re-execute the stored notebooks in place with their default parameters.

    This is the one command that refreshes the outputs nbval compares against
    (``python -m analysis refresh-notebooks``). Run-time metadata is stripped, so an unchanged
    result leaves the files byte-identical. ``notebooks_dir`` defaults to the repository's
    ``notebooks/`` (never the copies installed with the package); NotebooksNotFound if it holds none.
    """
    import papermill as pm
    from tqdm.std import tqdm

    folder = find_notebooks(SOURCE_NOTEBOOKS if notebooks_dir is None else notebooks_dir)
    done = []
    with tempfile.TemporaryDirectory() as tmp:
        for nb_path in tqdm(sorted(folder.glob(NOTEBOOK_GLOB)), desc="notebooks", unit="nb",
                            disable=not progress):
            executed = Path(tmp) / nb_path.name
            pm.execute_notebook(str(nb_path), str(executed), kernel_name=kernel, progress_bar=False,
                                cwd=str(folder), log_output=False, kernel_manager_class=ipc_kernel_manager())
            nb = strip_runtime(json.loads(executed.read_text(encoding="utf-8")))
            text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
            atomic_write_bytes(nb_path, text.encode("utf-8"))
            done.append(nb_path)
    return done
