"""The notebook pages of the report: an executed notebook exported to HTML without code, or,
when there is none to export, a plain page saying why (the notebook failed, is a case study of
another event, or compares events).

Pages are written in notebook order in the calling process, so the files never depend on the
order in which the notebooks finished.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .execution import Failure, Result
from .sheets import atomic_write_bytes

if TYPE_CHECKING:
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

__all__ = ["Page", "ACROSS_NOT_RUN", "notebook_title", "plain_page", "page_nav", "one_line",
           "write_pages", "write_not_run_pages"]

ACROSS_NOT_RUN = "Compares two or more events; not run on a single event."
_HIDDEN_TAGS = ("parameters", "injected-parameters")
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


def notebook_title(nb: dict, fallback: str) -> str:
    """The notebook's first ``# `` heading; ``fallback`` when it has none."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            src = "".join(cell.get("source", ""))
            for line in src.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _file_title(nb: Path) -> str:
    """:func:`notebook_title` of a notebook file, its stem when it has no heading."""
    return notebook_title(json.loads(nb.read_text(encoding="utf-8")), nb.stem)


def plain_page(*, title: str, heading: str, nav: str, body: str, css: str = "") -> str:
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


def page_nav(pages: list[tuple[str, str]], i: int) -> str:
    """Links to the index and to the previous and next of ``pages`` (``(href, title)``)."""
    e = html.escape
    links = ['<a href="index.html">Index</a>']
    if i > 0:
        links.append(f'<a href="{e(pages[i - 1][0])}" rel="prev">Previous: {e(pages[i - 1][1])}</a>')
    if i + 1 < len(pages):
        links.append(f'<a href="{e(pages[i + 1][0])}" rel="next">Next: {e(pages[i + 1][1])}</a>')
    return '<nav class="report-nav" aria-label="Report pages">\n' + "\n".join(links) + "\n</nav>\n"


def _not_run_html(*, title: str, heading: str, written_for: str, event_id: str) -> str:
    """The page of a case study written for another event: what it is and why it was not run."""
    e = html.escape
    return plain_page(title=title, heading=heading, nav=page_nav([], 0), body=(
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
    return plain_page(title=title, heading=heading, nav=page_nav([], 0), body=(
        f"<p>Not run: this page needs two or more events. It compares outlets across event folders, so it\n"
        f"was not run on <code>{e(event_id)}</code> alone. {where}</p>"))


def one_line(error: Failure) -> str:
    """The exception's type and message on one line: ``ValueError: planted``."""
    return f"{error['ename']}: {' '.join(str(error['evalue']).split())}"


def _failure_sentence(notebook: str, error: Failure) -> str:
    where = f" in the cell run as In [{error['cell']}]" if error.get("cell") else ""
    return f"The notebook {notebook} failed{where} with {one_line(error)}"


def _failure_html(*, title: str, heading: str, notebook: str, error: Failure, nav: str, stored: bool) -> str:
    """The page of a notebook that failed: which one, why, and the traceback folded below."""
    e = html.escape
    where = (f'The notebook as far as it ran is stored as <a href="notebooks/{e(notebook)}">'
             f'notebooks/{e(notebook)}</a>.' if stored else "")
    return plain_page(title=title, heading=heading, nav=nav, css=(
        ".failed { border-left: 4px solid #b00020; padding: 0.5em 1em; background: #fdf0f2; }\n"
        "pre { white-space: pre-wrap; font-size: 0.85em; }\n"), body=(
        f'<p class="failed"><strong>This page could not be made.</strong> '
        f"{e(_failure_sentence(notebook, error))}.</p>\n"
        f"<p>The other pages of the report were written. {where}</p>\n"
        f"<details><summary>Traceback</summary>\n<pre>{e(error['traceback'])}</pre>\n</details>"))


def _prepare_page(nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
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


def _exporter() -> HTMLExporter:
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


def write_pages(out_dir: Path, nbs: list[Path], results: dict[str, Result], *,
                event_title: str) -> tuple[list[Page], list[str]]:
    """Store each executed notebook and write its page (or its failure page).

    Returns the Pages in notebook order and the files written (relative to ``out_dir``).
    Runs in notebook order in this process, so the files never depend on the order runs finished.
    """
    import nbformat

    from .report_pages import page_summary

    order = [(nb.stem + ".html", _file_title(nb)) for nb in nbs]
    exporter = _exporter()
    pages, written = [], []
    for i, nb_path in enumerate(nbs):
        result, (page_name, heading) = results[nb_path.name], order[i]
        title = f"{heading} - {event_title}" if event_title else heading
        text = result["text"]
        if text is not None:
            atomic_write_bytes(out_dir / "notebooks" / nb_path.name, text.encode("utf-8"))
            written.append(f"notebooks/{nb_path.name}")
        err = result["error"]
        if err is None:
            assert text is not None  # a notebook that ran to its end is always saved
            nb = nbformat.reads(text, as_version=4)
            nb.metadata["title"] = title
            body, _ = exporter.from_notebook_node(nb, resources={"report_nav": page_nav(order, i),
                                                                 "report_heading": heading})
        else:
            body = _failure_html(title=title, heading=heading, notebook=nb_path.name, error=err,
                                 nav=page_nav(order, i), stored=text is not None)
        atomic_write_bytes(out_dir / page_name, body.encode("utf-8"))
        written.append(page_name)
        summary = page_summary(json.loads(text)) if err is None and text is not None else ""
        pages.append(Page(nb_path.name, out_dir / page_name, heading, "ok" if err is None else "failed",
                          error="" if err is None else one_line(err), seconds=result["seconds"], summary=summary))
    return pages, written


def write_not_run_pages(out_dir: Path, *, event_id: str, other_events: list[tuple[Path, str]],
                        across: list[Path], across_href: str | None) -> tuple[list[Page], list[str]]:
    """Write the pages of the notebooks not run on one event; the Pages and the files written.

    ``other_events``: ``(notebook, event id)`` of the case studies written for another event.
    ``across``: the notebooks that compare events; ``across_href`` is the folder of their pages in
    a run on several events (None for a run on one event).
    """
    pages, written = [], []
    for nb, other in other_events:
        heading = _file_title(nb)
        body = _not_run_html(title=heading, heading=heading, written_for=other, event_id=event_id)
        atomic_write_bytes(out_dir / (nb.stem + ".html"), body.encode("utf-8"))
        written.append(nb.stem + ".html")
        pages.append(Page(nb.name, out_dir / (nb.stem + ".html"), heading, "not run", error="", seconds=0.0,
                          summary=f"A case study written for {other}; not run on this event."))
    for nb in across:
        heading = _file_title(nb)
        href = None if across_href is None else across_href + nb.stem + ".html"
        body = _needs_events_html(title=heading, heading=heading, event_id=event_id, across_href=href)
        atomic_write_bytes(out_dir / (nb.stem + ".html"), body.encode("utf-8"))
        written.append(nb.stem + ".html")
        pages.append(Page(nb.name, out_dir / (nb.stem + ".html"), heading, "not run", error="", seconds=0.0,
                          summary=ACROSS_NOT_RUN if href is None else
                          "Compares the events of this run, on a page beside the event reports; this page links to it."))
    return pages, written
