"""The main job: run every notebook on an event folder and write an HTML report with its charts.

``python -m analysis run EVENT_DIR --out OUT_DIR`` executes the notebooks with papermill (event
folder, seed and resamples as parameters), each in its own kernel and, with ``jobs`` above one, in
parallel worker processes; strips run-time metadata so that two runs write identical files;
exports each executed notebook (never re-run) to an HTML page without code; and leaves every chart
as PNG and SVG under ``OUT_DIR/figures/``. Beside the pages (:mod:`analysis.report_pages`) it
writes the index (key findings, how the report was made, the pages with a line each, the charts by
title), ``outlets.html`` with a card per outlet under ``outlets/``, the datasheet when the folder
has a README.md, and the downloads of :mod:`analysis.downloads` under ``downloads/``.

``python -m analysis run EVENT_DIR EVENT_DIR ... --out OUT_DIR`` (:func:`run_events`) writes such a
report for each event under ``OUT_DIR/<event id>/``, then executes the notebooks that compare
events (metadata ``{"analysis": {"events": "several"}}``, with ``event_dirs`` as a parameter),
exports them beside the reports, and writes ``OUT_DIR/index.html`` linking all of them. A run on one
event gives those notebooks a page saying they need two or more events.

A notebook that fails gets a page saying which notebook failed and why; the other notebooks run
and get their pages all the same. Every file is written atomically (temporary file, then rename),
and the files of a report are listed in ``OUT_DIR/.report-manifest.json``: a rerun deletes the
files listed there and no other, and a non-empty folder without that list is refused.
"""
from __future__ import annotations

import functools
import html
import json
import os
import re
import sys
import tempfile
import time
import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from .sheets import atomic_write_bytes

# the folder that holds the package: the repository in a checkout or an editable install,
# site-packages in an installed wheel; tracebacks show paths under it relative to it
_PACKAGE_PARENT = Path(__file__).resolve().parents[1]
# the repository's notebooks/ (a checkout or an editable install); the wheel ships them as
# analysis/notebooks/ (pyproject.toml)
SOURCE_NOTEBOOKS = _PACKAGE_PARENT / "notebooks"
_NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
CASE_STUDY_KEY = "event_id"
# notebook metadata {"analysis": {"events": "several"}}: the notebook compares two or more events,
# is run on them together, and never on one event alone
EVENTS_KEY, SEVERAL = "events", "several"
ACROSS_NOT_RUN = "Compares two or more events; not run on a single event."
MANIFEST = ".report-manifest.json"
_GENERATOR = "python -m analysis run"
_HIDDEN_TAGS = ("parameters", "injected-parameters")
# permutations of the key findings' group test: the divergence page's default, so both agree
KEY_FINDINGS_PERMUTATIONS = 2000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")

# A page is the lab template without code, with navigation at top and bottom and the alt text that
# _prepare_page puts on each chart output (nbconvert writes a placeholder alt otherwise). Pages
# hold no math, diagrams or widgets, and are read offline: the template's require.js, MathJax and
# Mermaid scripts, loaded from a CDN, are left out.
_PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js_requirejs %}{% endblock html_head_js_requirejs %}
{% block html_head_js_mathjax %}{% endblock html_head_js_mathjax %}
{% block html_head_js_mermaidjs %}{% endblock html_head_js_mermaidjs %}
{% block extra_css %}{{ super() }}<style>
nav.report-nav { max-width: 1100px; margin: 1em auto; padding: 0 1em; font-family: system-ui, sans-serif; }
nav.report-nav a { margin-right: 1.5em; }
</style>{% endblock extra_css %}
{%- block body_header -%}{{ super() }}
{{ resources.report_nav }}{%- endblock body_header -%}
{% block body_footer %}{{ resources.report_nav }}{{ super() }}{% endblock body_footer %}
{% block data_png scoped %}{{ super() | replace('<img ', '<img alt="' ~ (output | get_metadata('alt') | escape_html) ~ '" ', 1) }}{% endblock data_png %}
{% block data_jpg scoped %}{{ super() | replace('<img ', '<img alt="' ~ (output | get_metadata('alt') | escape_html) ~ '" ', 1) }}{% endblock data_jpg %}
"""


@dataclass(frozen=True)
class Page:
    """One page of the report and how its notebook ran.

    Attributes
    ----------
    notebook : str
        The notebook's file name, e.g. ``03-frames.ipynb``.
    path : Path
        The HTML page written for it.
    title : str
        The notebook's first ``# `` heading.
    status : str
        ``"ok"``, or ``"failed"`` when the notebook raised; its page then says why.
    error : str
        For a failed page, the exception's type and message on one line (``ValueError: planted``).
    seconds : float
        Wall time of the execution (shown as progress, never written to a file).
    summary : str
        One line on what the page found (Markdown), shown in the index.
    """

    notebook: str
    path: Path
    title: str
    status: str
    error: str = ""
    seconds: float = 0.0
    summary: str = ""


@dataclass(frozen=True)
class Report:
    """What ``run_report`` wrote: the index, one page per notebook in order, the charts."""

    index: Path
    pages: tuple
    figures: tuple
    seconds: float

    @property
    def failed(self) -> list:
        """The pages whose notebook failed."""
        return [p for p in self.pages if p.status == "failed"]


class NotebooksNotFound(FileNotFoundError):
    """No notebook ``NN-*.ipynb`` where the main job looked for them; the message names the places."""


def _notebook_places() -> list:
    """Where the notebooks are looked for, in order: shipped inside the installed package, then
    the source tree (only folders on disk: papermill and the kernels need real files)."""
    from importlib.resources import files

    places = []
    shipped = files(__package__) / "notebooks"
    if isinstance(shipped, Path):
        places.append(shipped.resolve())
    if SOURCE_NOTEBOOKS not in places:
        places.append(SOURCE_NOTEBOOKS)
    return places


def _has_notebooks(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob(_NOTEBOOK_GLOB))


def find_notebooks(notebooks_dir=None) -> Path:
    """The folder of notebooks to run: ``notebooks_dir`` if given, else :func:`default_notebooks`.

    Raises
    ------
    NotebooksNotFound
        The folder holds no notebook ``NN-*.ipynb``; the message names where it looked.
    """
    if notebooks_dir is None:
        return default_notebooks()
    folder = Path(notebooks_dir).resolve()
    if not _has_notebooks(folder):
        raise NotebooksNotFound(f"no notebooks to run: no NN-*.ipynb file in {folder}")
    return folder


def default_notebooks() -> Path:
    """The folder of notebooks the main job runs when none is given.

    The notebooks installed with the package (``analysis/notebooks/`` in the wheel), else the
    repository's ``notebooks/`` (a checkout, or an editable install).

    Raises
    ------
    NotebooksNotFound
        Neither place holds a notebook ``NN-*.ipynb``; the message names both.
    """
    places = _notebook_places()
    for folder in places:
        if _has_notebooks(folder):
            return folder
    raise NotebooksNotFound(f"no notebooks to run: no NN-*.ipynb file in {' nor in '.join(map(str, places))} "
                            "(the notebooks installed with the package, then the repository's notebooks/); "
                            "reinstall the package, or pass a folder of notebooks with --notebooks")


def _analysis_meta(nb: Path) -> dict:
    """The notebook's ``metadata.analysis`` ({} when absent)."""
    return json.loads(nb.read_text(encoding="utf-8")).get("metadata", {}).get("analysis", {}) or {}


def notebook_list(notebooks_dir: Path, event_id: str) -> list:
    """Notebooks to run on one event, sorted by name.

    Skipped: a notebook whose metadata names another event (a case study), and one marked
    ``{"analysis": {"events": "several"}}``, which compares events (:func:`across_notebooks`).
    """
    out = []
    for nb in sorted(Path(notebooks_dir).glob(_NOTEBOOK_GLOB)):
        meta = _analysis_meta(nb)
        only = meta.get(CASE_STUDY_KEY)
        if (only and only != event_id) or meta.get(EVENTS_KEY) == SEVERAL:
            continue
        out.append(nb)
    return out


def across_notebooks(notebooks_dir: Path) -> list:
    """Notebooks that compare two or more events (metadata ``events: several``), sorted by name."""
    return [nb for nb in sorted(Path(notebooks_dir).glob(_NOTEBOOK_GLOB))
            if _analysis_meta(nb).get(EVENTS_KEY) == SEVERAL]


def written_for_other_events(notebooks_dir: Path, event_id: str) -> list:
    """``(notebook, event id)`` of the case studies written for another event, sorted by name."""
    out = []
    for nb in sorted(Path(notebooks_dir).glob(_NOTEBOOK_GLOB)):
        only = _analysis_meta(nb).get(CASE_STUDY_KEY)
        if only and only != event_id:
            out.append((nb, str(only)))
    return out


def _not_run_html(*, title: str, heading: str, written_for: str, event_id: str) -> str:
    """The page of a case study written for another event: what it is and why it was not run."""
    e = html.escape
    return _plain_page(title=title, heading=heading, nav=_nav([], 0), body=(
        f"<p>This page is a case study written for another event, <code>{e(written_for)}</code>: it asks\n"
        f"questions about that event's own variables, so it was not run on <code>{e(event_id)}</code>. The\n"
        "other pages are generic and were run on this event.</p>"))


def _needs_events_html(*, title: str, heading: str, event_id: str, across_href: str | None = None) -> str:
    """The page of a notebook that compares events, in the report of one event: why it was not run."""
    e = html.escape
    where = (f'It was run on the events of this report together: see <a href="{e(across_href)}">{e(heading)}</a>.'
             if across_href else
             "Run the main job on two or more event folders (<code>python -m analysis run EVENT EVENT ... "
             "--out OUT</code>) to make it.")
    return _plain_page(title=title, heading=heading, nav=_nav([], 0), body=(
        f"<p>Not run: this page needs two or more events. It compares outlets across event folders, so it\n"
        f"was not run on <code>{e(event_id)}</code> alone. {where}</p>"))


def _plain_page(*, title: str, heading: str, nav: str, body: str, css: str = "") -> str:
    """A report page written without a notebook: title, navigation, heading and ``body`` (HTML)."""
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{e(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; }}
nav.report-nav {{ margin: 1.5em 0; }} nav.report-nav a {{ margin-right: 1.5em; }}
{css}</style></head>
<body>
{nav}<main>
<h1>{e(heading)}</h1>
{body}
</main>
{nav}</body></html>
"""


def _strip_runtime(nb: dict) -> dict:
    """Remove papermill's timings and other run-dependent metadata."""
    nb = json.loads(json.dumps(nb))
    nb.get("metadata", {}).pop("papermill", None)
    n_error_cells = 0
    for cell in nb.get("cells", []):
        md = cell.get("metadata", {})
        md.pop("papermill", None)
        md.pop("execution", None)
        # papermill gives the cells it adds random ids
        if "injected-parameters" in md.get("tags", []):
            cell["id"] = "injected-parameters"
        if "papermill-error-cell-tag" in md.get("tags", []):
            n_error_cells += 1
            cell["id"] = f"papermill-error-{n_error_cells}"
    return nb


def _hide_paths(nb: dict, replace: dict) -> dict:
    """Replace local paths (in the injected parameters and anywhere else) by stable names."""
    text = json.dumps(nb, ensure_ascii=False)
    for path, name in sorted(replace.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(json.dumps(path, ensure_ascii=False)[1:-1], name)
    return json.loads(text)


def _hide_text(text: str, replace: dict) -> str:
    """``_hide_paths`` for plain text (a traceback), with the terminal's colour codes removed."""
    text = _ANSI.sub("", text)
    for path, name in sorted(replace.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(path, name)
    return text


def _path_names(*, event_dir: Path, event_id: str, figures: Path, notebooks_dir: Path) -> dict:
    """Local paths that pages and stored notebooks show by a stable name instead."""
    replace = {str(event_dir): event_id, str(figures): "figures", str(notebooks_dir): "notebooks",
               str(_PACKAGE_PARENT) + os.sep: "", sys.prefix: "<python>", sys.base_prefix: "<python>"}
    home = str(Path.home())
    if len(Path(home).parts) > 1:
        replace.setdefault(home, "~")
    return replace


def _title(nb: dict, fallback: str) -> str:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            src = "".join(cell.get("source", ""))
            for line in src.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


@functools.cache
def _ipc_kernel_manager() -> type:
    """A kernel manager whose kernels listen on local IPC sockets instead of TCP ports.

    A kernel on TCP without CurveZMQ keys logs a warning about plain-text traffic at every start;
    kernels of the main job are local, so IPC sockets (files in the temporary folder, removed at
    shutdown) are the transport the warning itself recommends. Set per kernel manager, so no
    process-wide logging or configuration changes.

    jupyter_client also interrupts (SIGINT) every kernel it shuts down. papermill shuts the kernel
    down as soon as the reply to its last request arrives, and a fast transport lets the signal
    land before the kernel's handler has finished, which then logs "KeyboardInterrupt caught in
    kernel" (about one run in ten over IPC). The job only shuts down kernels that are idle, or past
    a timeout, where the shutdown request and the kill after it stop them anyway; so no interrupt
    is sent while shutting down. An interrupt asked for outside a shutdown is sent as usual.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            if self.transport != "ipc":
                return super()._ip_default()
            # absolute: the kernel runs in the notebooks' folder, the client does not
            return os.path.join(tempfile.gettempdir(), f"analysis-kernel-{uuid.uuid4().hex[:16]}-ipc")

        async def _async_interrupt_kernel(self):
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return IPCKernelManager


def _execute(job: dict) -> dict:
    """Execute one notebook; return its stored text, and why it failed if it did.

    This is the per-notebook boundary of the main job: an exception raised inside the notebook
    (or a kernel that died or timed out) is reported, so that the other notebooks run and get
    their pages. Runs in-process or in a worker process; the result is plain data.
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    nb_path = Path(job["notebook"])
    start = time.perf_counter()
    error = None
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / nb_path.name
        try:
            pm.execute_notebook(str(nb_path), str(executed), kernel_name=job["kernel"], progress_bar=False,
                                parameters=job["parameters"], cwd=str(nb_path.parent), log_output=False,
                                kernel_manager_class=_ipc_kernel_manager())
        except PapermillExecutionError as exc:
            error = {"ename": exc.ename, "evalue": exc.evalue, "cell": exc.exec_count,
                     "traceback": "\n".join(exc.traceback)}
        except (DeadKernelError, CellTimeoutError) as exc:
            error = {"ename": type(exc).__name__, "evalue": str(exc), "cell": None,
                     "traceback": "".join(traceback.format_exception(exc))}
        text = None
        if executed.exists():  # papermill saves the notebook up to the failing cell too
            nb = _strip_runtime(json.loads(executed.read_text(encoding="utf-8")))
            nb = _hide_paths(nb, job["replace"])
            text = json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if error is not None:
        error = {k: _hide_text(v, job["replace"]) if isinstance(v, str) else v for k, v in error.items()}
    return {"notebook": nb_path.name, "text": text, "error": error,
            "seconds": time.perf_counter() - start}


def _execute_all(jobs_list: list, *, jobs: int, progress: bool) -> dict:
    """Execute the notebooks, ``jobs`` at a time; results by notebook name."""
    results = {}

    def done(result):
        results[result["notebook"]] = result
        if progress:
            status = "failed" if result["error"] else "ok"
            print(f"[{len(results)}/{len(jobs_list)}] {result['notebook']}: {status} "
                  f"({result['seconds']:.1f} s)", file=sys.stderr, flush=True)

    if jobs == 1:
        for job in jobs_list:
            done(_execute(job))
        return results
    # spawn: workers start clean (no forked threads or event loops), the same on every platform
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"))
    try:
        for future in as_completed([pool.submit(_execute, job) for job in jobs_list]):
            done(future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def _prepare_page(nb, resources):
    """nbconvert preprocessor: drop stderr streams; give each chart the heading above it as alt text."""
    heading = resources.get("report_heading", "")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                match = _HEADING.match(line)
                if match:
                    heading = match.group(2).replace("`", "").replace("*", "")
            continue
        if "outputs" not in cell:
            continue
        cell.outputs = [o for o in cell.outputs
                        if not (o.output_type == "stream" and o.get("name") == "stderr")]
        for out in cell.outputs:
            if {"image/png", "image/jpeg"} & set(out.get("data", {})):
                out.setdefault("metadata", {})["alt"] = heading
    return nb, resources


def _exporter():
    """The HTML exporter of the pages: no code, no parameter cells, navigation, chart alt text."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="lab", template_file="report-page.html.j2",
                            extra_loaders=[DictLoader({"report-page.html.j2": _PAGE_TEMPLATE})],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(_HIDDEN_TAGS)), enabled=True)
    exporter.register_preprocessor(_prepare_page, enabled=True)
    return exporter


def _nav(pages: list, i: int) -> str:
    """Links to the index and to the previous and next pages."""
    e = html.escape
    links = ['<a href="index.html">Index</a>']
    if i > 0:
        links.append(f'<a href="{e(pages[i - 1][0])}" rel="prev">Previous: {e(pages[i - 1][1])}</a>')
    if i + 1 < len(pages):
        links.append(f'<a href="{e(pages[i + 1][0])}" rel="next">Next: {e(pages[i + 1][1])}</a>')
    return '<nav class="report-nav" aria-label="Report pages">\n' + "\n".join(links) + "\n</nav>\n"


def _one_line(error: dict) -> str:
    """The exception's type and message on one line: ``ValueError: planted``."""
    return f"{error['ename']}: {' '.join(str(error['evalue']).split())}"


def _failure_sentence(notebook: str, error: dict) -> str:
    where = f" in the cell run as In [{error['cell']}]" if error.get("cell") else ""
    return f"The notebook {notebook} failed{where} with {_one_line(error)}"


def _failure_html(*, title: str, heading: str, notebook: str, error: dict, nav: str, stored: bool) -> str:
    """The page of a notebook that failed: which one, why, and the traceback folded below."""
    e = html.escape
    where = (f'The notebook as far as it ran is stored as <a href="notebooks/{e(notebook)}">'
             f'notebooks/{e(notebook)}</a>.' if stored else "")
    return _plain_page(title=title, heading=heading, nav=nav, css=(
        ".failed { border-left: 4px solid #b00020; padding: 0.5em 1em; background: #fdf0f2; }\n"
        "pre { white-space: pre-wrap; font-size: 0.85em; }\n"), body=(
        f'<p class="failed"><strong>This page could not be made.</strong> '
        f"{e(_failure_sentence(notebook, error))}.</p>\n"
        f"<p>The other pages of the report were written. {where}</p>\n"
        f"<details><summary>Traceback</summary>\n<pre>{e(error['traceback'])}</pre>\n</details>"))


def _read_manifest(path: Path) -> list:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        ok = manifest.get("generator") == _GENERATOR and all(isinstance(f, str) for f in manifest["files"])
    except (ValueError, AttributeError, KeyError, TypeError):
        ok = False
    if not ok:
        raise FileExistsError(f"{path} is not the file list of an earlier report of `{_GENERATOR}`; "
                              "choose a new or empty folder for the report")
    return manifest["files"]


def _clear_previous(out_dir: Path) -> None:
    """Delete the files an earlier report listed in its manifest; refuse any other non-empty folder."""
    manifest = out_dir / MANIFEST
    if manifest.is_file():
        root = out_dir.resolve()
        emptied = set()
        for rel in _read_manifest(manifest):
            path = out_dir / rel
            # only files inside the folder: never follow '..', absolute names or linked folders out
            if Path(rel).is_absolute() or ".." in Path(rel).parts or not path.parent.resolve().is_relative_to(root):
                continue
            if path.is_symlink() or path.is_file():
                path.unlink()
                emptied.update(p for p in Path(rel).parents if p != Path("."))
        # folders the report made and that its files alone filled (a rerun makes them again)
        for rel in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
            folder = out_dir / rel
            if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
                folder.rmdir()
        return
    # empty folders are no one's work (a report removes its own, a user may have made one)
    if out_dir.exists() and (not out_dir.is_dir() or any(p.is_file() or p.is_symlink() for p in out_dir.rglob("*"))):
        raise FileExistsError(f"{out_dir} is not empty and holds no earlier report (no {MANIFEST}); the report "
                              "only replaces files it wrote itself: choose a new or empty folder")


def _write_pages(out_dir: Path, nbs: list, results: dict, *, event_title: str) -> tuple:
    """Store each executed notebook and write its page (or its failure page); Pages and files written.

    Runs in notebook order in this process, so the files never depend on the order runs finished.
    """
    import nbformat

    from .report_pages import page_summary

    order = [(nb.stem + ".html", _title(json.loads(nb.read_text(encoding="utf-8")), nb.stem)) for nb in nbs]
    exporter = _exporter()
    pages, written = [], []
    for i, nb_path in enumerate(nbs):
        result, (page_name, heading) = results[nb_path.name], order[i]
        title = f"{heading} - {event_title}" if event_title else heading
        if result["text"] is not None:
            atomic_write_bytes(out_dir / "notebooks" / nb_path.name, result["text"].encode("utf-8"))
            written.append(f"notebooks/{nb_path.name}")
        err = result["error"]
        if err is None:
            nb = nbformat.reads(result["text"], as_version=4)
            nb.metadata["title"] = title
            body, _ = exporter.from_notebook_node(nb, resources={"report_nav": _nav(order, i),
                                                                 "report_heading": heading})
        else:
            body = _failure_html(title=title, heading=heading, notebook=nb_path.name, error=err,
                                 nav=_nav(order, i), stored=result["text"] is not None)
        atomic_write_bytes(out_dir / page_name, body.encode("utf-8"))
        written.append(page_name)
        summary = page_summary(json.loads(result["text"])) if err is None else ""
        pages.append(Page(nb_path.name, out_dir / page_name, heading, "ok" if err is None else "failed",
                          error="" if err is None else _one_line(err), seconds=result["seconds"], summary=summary))
    return pages, written


def run_report(event_dir, out_dir, *, notebooks_dir=None, seed: int = 0, n_boot: int = 1000,
               jobs: int | None = None, progress: bool = True, kernel: str = "python3") -> Report:
    """Execute the notebooks on an event folder and write the HTML report.

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
    """
    return _run_event(event_dir, out_dir, notebooks_dir=notebooks_dir, seed=seed, n_boot=n_boot, jobs=jobs,
                      progress=progress, kernel=kernel)


def _run_event(event_dir, out_dir, *, notebooks_dir, seed: int, n_boot: int, jobs: int | None, progress: bool,
               kernel: str, across_href: str | None = None) -> Report:
    """The work of :func:`run_report`; ``across_href`` is where the pages comparing events are (a run
    on several events), None for a run on one."""
    from .events import load_event

    start = time.perf_counter()
    event_dir = Path(event_dir).resolve()
    out_dir = Path(out_dir)
    notebooks_dir = default_notebooks() if notebooks_dir is None else Path(notebooks_dir).resolve()
    event = load_event(event_dir)
    event_id = str(event.meta["id"])
    nbs = notebook_list(notebooks_dir, event_id)
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be a positive number of notebooks to run at once, not {jobs}")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(nbs)))
    _clear_previous(out_dir)
    figures = out_dir / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in figures.iterdir()}
    replace = _path_names(event_dir=event_dir, event_id=event_id, figures=figures.resolve(),
                          notebooks_dir=notebooks_dir)
    params = {"event_dir": str(event_dir), "seed": seed, "n_boot": n_boot, "figures_dir": str(figures.resolve())}
    results = _execute_all([{"notebook": str(nb), "kernel": kernel, "parameters": params, "replace": replace}
                            for nb in nbs], jobs=jobs, progress=progress)

    pages, written = _write_pages(out_dir, nbs, results, event_title=str(event.meta.get("title", "")))
    for nb, other in written_for_other_events(notebooks_dir, event_id):
        heading = _title(json.loads(nb.read_text(encoding="utf-8")), nb.stem)
        body = _not_run_html(title=heading, heading=heading, written_for=other, event_id=event_id)
        atomic_write_bytes(out_dir / (nb.stem + ".html"), body.encode("utf-8"))
        written.append(nb.stem + ".html")
        pages.append(Page(nb.name, out_dir / (nb.stem + ".html"), heading, "not run", error="", seconds=0.0,
                          summary=f"A case study written for {other}; not run on this event."))
    across = across_notebooks(notebooks_dir)
    for nb in across:
        heading = _title(json.loads(nb.read_text(encoding="utf-8")), nb.stem)
        href = None if across_href is None else across_href + nb.stem + ".html"
        body = _needs_events_html(title=heading, heading=heading, event_id=event_id, across_href=href)
        atomic_write_bytes(out_dir / (nb.stem + ".html"), body.encode("utf-8"))
        written.append(nb.stem + ".html")
        pages.append(Page(nb.name, out_dir / (nb.stem + ".html"), heading, "not run", error="", seconds=0.0,
                          summary=ACROSS_NOT_RUN if href is None else
                          "Compares the events of this run, on a page beside the event reports; this page links to it."))
    pages.sort(key=lambda p: p.path.name)
    charts = tuple(sorted(p for p in figures.iterdir()
                          if p.is_file() and p.name not in before and not p.name.startswith(".")))
    files = _report_files(event_dir, pages, charts, seed=seed, n_boot=n_boot,
                          needs_events=frozenset(nb.name for nb in across))
    for rel, data in files.items():
        atomic_write_bytes(out_dir / rel, data)
    written += list(files) + [f"figures/{p.name}" for p in charts]
    manifest = {"generator": _GENERATOR, "files": sorted(written)}
    atomic_write_bytes(out_dir / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))
    return Report(index=out_dir / "index.html", pages=tuple(pages), figures=charts,
                  seconds=time.perf_counter() - start)


@dataclass(frozen=True)
class Reports:
    """What ``run_events`` wrote: a report per event, the pages comparing them, the index above."""

    index: Path
    events: tuple
    pages: tuple
    figures: tuple
    seconds: float

    @property
    def failed(self) -> list:
        """The pages whose notebook failed, in the event reports and among the pages comparing them."""
        return [p for _, r in self.events for p in r.failed] + [p for p in self.pages if p.status == "failed"]


# an event's report goes to OUT/<event id>/: the id must be a plain folder name, not one the run uses
_FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_TAKEN = frozenset({"figures", "notebooks"})


def _check_event_ids(dirs: list, ids: list) -> None:
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


def run_events(event_dirs, out_dir, *, notebooks_dir=None, seed: int = 0, n_boot: int = 1000,
               jobs: int | None = None, progress: bool = True, kernel: str = "python3") -> Reports:
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
    notebooks_dir, seed, n_boot, jobs, progress, kernel
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
    notebooks_dir = default_notebooks() if notebooks_dir is None else Path(notebooks_dir).resolve()
    if len(dirs) < 2:
        raise ValueError("run_events compares two or more event folders; run_report writes the report of one")
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be a positive number of notebooks to run at once, not {jobs}")
    events = [load_event(d) for d in dirs]
    ids = [str(ev.meta["id"]) for ev in events]
    _check_event_ids(dirs, ids)
    out_dir = Path(out_dir)
    _clear_previous(out_dir)
    written, reports = [], []
    for folder, event_id in zip(dirs, ids):
        report = _run_event(folder, out_dir / event_id, notebooks_dir=notebooks_dir, seed=seed, n_boot=n_boot,
                            jobs=jobs, progress=progress, kernel=kernel, across_href="../")
        reports.append((event_id, report))
        written += [f"{event_id}/{f}" for f in _read_manifest(out_dir / event_id / MANIFEST)]
        written.append(f"{event_id}/{MANIFEST}")
    nbs = across_notebooks(notebooks_dir)
    figures = out_dir / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in figures.iterdir()}
    replace = _path_names(event_dir=dirs[0], event_id=ids[0], figures=figures.resolve(), notebooks_dir=notebooks_dir)
    replace.update({str(d): i for d, i in zip(dirs, ids)})
    params = {"event_dirs": [str(d) for d in dirs], "seed": seed, "n_boot": n_boot,
              "figures_dir": str(figures.resolve())}
    results = _execute_all([{"notebook": str(nb), "kernel": kernel, "parameters": params, "replace": replace}
                            for nb in nbs], jobs=max(1, min(jobs or os.cpu_count() or 1, len(nbs))),
                           progress=progress)
    pages, pages_written = _write_pages(out_dir, nbs, results, event_title=" and ".join(ids))
    written += pages_written
    charts = tuple(sorted(p for p in figures.iterdir()
                          if p.is_file() and p.name not in before and not p.name.startswith(".")))
    index = _events_index_html(events, reports, pages)
    atomic_write_bytes(out_dir / "index.html", index.encode("utf-8"))
    written += ["index.html"] + [f"figures/{p.name}" for p in charts]
    manifest = {"generator": _GENERATOR, "files": sorted(written)}
    atomic_write_bytes(out_dir / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))
    return Reports(index=out_dir / "index.html", events=tuple(reports), pages=tuple(pages), figures=charts,
                   seconds=time.perf_counter() - start)


def _events_index_html(events: list, reports: list, pages: list) -> str:
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
    return _plain_page(title=title, heading=title, nav="", body=body,
                       css=".failed { color: #b00020; } .summary { color: #444444; }\n")


def _chart_links(pages: list, charts: tuple) -> list:
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


def _report_files(event_dir: Path, pages: list, charts: tuple, *, seed: int, n_boot: int,
                  needs_events: frozenset = frozenset()) -> dict:
    """The files written beside the notebook pages: index, datasheet, downloads, outlet pages.

    ``needs_events``: notebooks that compare events; the index says they need two or more.
    """
    from . import __version__
    from .downloads import download_files
    from .findings import key_findings
    from .page import open_page
    from .quality import coding_design, design_sentence
    from .report_pages import datasheet_html, folder_hash, index_html, outlet_files

    page = open_page(event_dir, n_boot=n_boot, seed=seed)
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
                  "n_boot": n_boot, "permutations": KEY_FINDINGS_PERMUTATIONS}
    design = design_sentence(coding_design(page.event.codes), n_reports=len(page.event.reports))
    index = index_html(
        page, findings=key_findings(page, n_perm=KEY_FINDINGS_PERMUTATIONS, seed=seed),
        pages=[(p.path.name, p.title, "needs events" if p.notebook in needs_events else p.status, p.summary)
               for p in pages], charts=_chart_links(pages, charts),
        design=design, provenance=provenance, datasheet=datasheet, downloads=[
            ("downloads/codes-long.csv", "consolidated codes, one row per report and variable, with labels, "
                                         "rule and evidence (CSV)"),
            ("downloads/codes-wide.csv", "one row per report: its metadata and the label of each code (CSV)"),
            ("downloads/codes.sav", "the wide table with variable and value labels (SPSS)"),
            ("downloads/reliability.csv", "Krippendorff's alpha per variable with its interval and verdict (CSV)"),
        ])
    files["index.html"] = index.encode("utf-8")
    return files


def refresh_notebooks(notebooks_dir=None, *, kernel: str = "python3", progress: bool = True) -> list:
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
        for nb_path in tqdm(sorted(folder.glob(_NOTEBOOK_GLOB)), desc="notebooks", unit="nb",
                            disable=not progress):
            executed = Path(tmp) / nb_path.name
            pm.execute_notebook(str(nb_path), str(executed), kernel_name=kernel, progress_bar=False,
                                cwd=str(folder), log_output=False, kernel_manager_class=_ipc_kernel_manager())
            nb = _strip_runtime(json.loads(executed.read_text(encoding="utf-8")))
            text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
            atomic_write_bytes(nb_path, text.encode("utf-8"))
            done.append(nb_path)
    return done
