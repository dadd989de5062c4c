"""The report's own pages: the index (key findings, method, pages, charts), the datasheet, and
"How each outlet told it" (a searchable table of every report and one card per outlet).

Every function returns text or ``{relative path: bytes}``; the main job (:mod:`analysis.report`)
writes the files. Data reaches a page only escaped: Markdown from the findings is escaped first
and then allowed its simple inline formatting (code, bold, italics); a datasheet is rendered with
raw HTML disabled and only web links kept; headlines, quotes and names are escaped text.
"""
from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .common import is_missing
from .downloads import code_label, code_labels, published_text

if TYPE_CHECKING:
    from .page import Page

ROLES_SHOWN = ("claim", "label", "figure", "source")  # columns of the outlet table, with attributions
OUTLET_TABLE_ID = "outlet-reports"
NOT_STATED = "not stated in event.yaml"
_SAFE_SCHEMES = ("http://", "https://")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_STRONG = re.compile(r"\*\*(\S(?:[^*\n]*?\S)?)\*\*")
_EM = re.compile(r"(?<![\w*])\*(\S(?:[^*\n]*?\S)?)\*(?![\w*])")
# matplotlib writes each text (its lines) as <text> elements inside <g id="text_N">
_SVG_GROUP = re.compile(r'<g id="text_\d+">(.*?)</g>', re.S)
_SVG_TEXT = re.compile(r'<text style="[^"]*?font-size: ([0-9.]+)px[^"]*"[^>]*>(.*?)</text>', re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
body.wide { max-width: 1600px; }
nav.report-nav { margin: 1.5em 0; } nav.report-nav a { margin-right: 1.5em; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1em; }
figure { margin: 0; } figure img { width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #333; }
.status { font-size: 0.85em; color: #555; } .status.failed { color: #b00020; font-weight: bold; }
.summary { color: #333; } .key-findings li { margin-bottom: 0.4em; }
.method { border: 1px solid #ccd; background: #f7f8fb; padding: 0.5em 1.2em; border-radius: 4px; }
.method dt { font-weight: bold; margin-top: 0.6em; } .method dd { margin-left: 1.2em; }
.date-only { font-size: 0.85em; color: #6a4c00; background: #fff3cd; padding: 0 0.3em; border-radius: 3px; }
table.codes { border-collapse: collapse; width: 100%; font-size: 0.92em; }
table.codes th, table.codes td { border-bottom: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
blockquote { margin: 0; color: #333; } blockquote::before { content: "\201C"; } blockquote::after { content: "\201D"; }
"""


def e(text: object) -> str:
    """Escape text for HTML element content and attribute values."""
    return html.escape("" if text is None else str(text), quote=True)


# ---------------------------------------------------------------------------------- small parts


def inline_markdown(text: str) -> str:
    """One line of Markdown as safe HTML: escaped, then `code`, **bold** and *italics* allowed.

    Nothing else is interpreted: HTML tags, links and images in ``text`` come out as text.
    """
    parts = _CODE_SPAN.split(str(text))
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # inside a code span: no emphasis
            out.append(f"<code>{html.escape(part, quote=False)}</code>")
            continue
        part = html.escape(part, quote=False)
        part = _STRONG.sub(r"<strong>\1</strong>", part)
        out.append(_EM.sub(r"<em>\1</em>", part))
    return "".join(out)


def markdown_document(text: str) -> str:
    """A Markdown document (a datasheet) as HTML: raw HTML escaped, tables kept, and only
    ``http(s)``, ``mailto`` and in-page links kept as links (links to the folder's files, which
    the report does not hold, become plain text)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        kept, dropped = [], []
        for child in token.children:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                drop = not href.startswith(_SAFE_SCHEMES + ("mailto:", "#"))
                dropped.append(drop)
                if drop:
                    continue
            elif child.type == "link_close" and dropped and dropped.pop():
                continue
            kept.append(child)
        token.children = kept
    return md.renderer.render(tokens, md.options, {})


def folder_hash(folder: str | Path) -> str:
    """SHA-256 of an event folder's content, the same on any machine.

    Every file under ``folder`` whose path has no hidden part (``.text/``, ``.DS_Store``), in
    order of its relative POSIX path, contributes ``path``, a NUL byte, its size in bytes as
    decimal text, a NUL byte and its bytes. Dates, owners and the folder's own name do not count.
    """
    root = Path(folder)
    digest = hashlib.sha256()
    files = sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*") if p.is_file())
    for rel, path in files:
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        data = path.read_bytes()
        digest.update(rel.encode("utf-8") + b"\0" + str(len(data)).encode("ascii") + b"\0" + data)
    return digest.hexdigest()


def _anchor(report_id: str) -> str:
    """An id safe in a URL fragment: letters, digits, - and _ kept, anything else as _<hex>_."""
    return re.sub(r"[^A-Za-z0-9_-]", lambda m: f"_{ord(m.group()):x}_", report_id)


def chart_title(svg: str) -> str:
    """A chart's title, read from its SVG: the text drawn at the largest font size, its lines joined.

    Charts keep their text as SVG text (``analysis.plotting.save``); the title
    (``analysis.plotting.finish``) is the largest. "" when the SVG holds no text.
    """
    best, size = "", 0.0
    for group in _SVG_GROUP.findall(svg):
        lines = _SVG_TEXT.findall(group)
        if lines and float(lines[0][0]) > size:
            size = float(lines[0][0])
            best = " ".join(html.unescape(text).strip() for _, text in lines)
    return best


def page_summary(nb: dict) -> str:
    """One line on what a notebook page found: the first sentence of its first finding.

    The finding is the first Markdown output after the page's "What this page finds" heading;
    a page without one is summed up by the first sentence under its title. Markdown text.
    """
    cells = nb.get("cells", [])
    after = False
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            after = "what this page finds" in "".join(cell.get("source", "")).lower()
            continue
        if not after:
            continue
        for out in cell.get("outputs", []):
            text = "".join(out.get("data", {}).get("text/markdown", ""))
            if text.strip():
                return _first_sentence(text.strip().splitlines()[0].lstrip("-* ").strip())
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            lines = "".join(cell.get("source", "")).splitlines()
            if lines and lines[0].startswith("# "):
                body = " ".join(line.strip() for line in lines[1:] if line.strip() and not line.startswith("#"))
                return _first_sentence(body)
    return ""


def coders_are_people(coders: str) -> bool:
    """Whether event.yaml's ``coders`` text says the coders were people (not AI or machine coders)."""
    people = re.search(r"\b(humans?|people|persons?|students?|researchers?|journalists?|annotators?|"
                       r"assistants?|experts?|volunteers?|authors?)\b", coders or "", flags=re.I)
    machines = re.search(r"\b(AI|LLMs?|language[- ]models?|machines?|models?|agents?|automated)\b", coders or "",
                         flags=re.I)
    return bool(people) and not machines


def truthful(text: str, *, people: bool) -> str:
    """``text`` with "human coder(s)" and "human vs human" said as "coder(s)" and "coder vs coder"
    unless the coders were people: the report never calls coders human without event.yaml saying so."""
    if people:
        return text
    text = re.sub(r"\b(the |two |three )?human([ -])(coders?)\b", lambda m: (m.group(1) or "") + m.group(3), text,
                  flags=re.I)
    return re.sub(r"\bhuman vs\.? human\b", "coder vs coder", text, flags=re.I)


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text, maxsplit=1)[0]


def html_page(*, title: str, body: str, nav: str = "", head: str = "", wide: bool = False) -> str:
    """A complete page with the report's style, ``nav`` at top and bottom; ``wide`` for tables."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{e(title)}</title>
<style>{CSS}</style>{head}
</head>
<body{' class="wide"' if wide else ''}>
{nav}<main>
{body}
</main>
{nav}</body></html>
"""


def nav(links: list[tuple[str, str]]) -> str:
    """A navigation bar of ``(href, text)`` links."""
    items = "\n".join(f'<a href="{e(href)}">{e(text)}</a>' for href, text in links)
    return f'<nav class="report-nav" aria-label="Report pages">\n{items}\n</nav>\n'


def _link(url: object, text: object, *, dir_auto: bool = False) -> str:
    """A link to a report's address; plain text when the address is not a web address."""
    d = ' dir="auto"' if dir_auto else ""
    if isinstance(url, str) and url.startswith(_SAFE_SCHEMES):
        return f'<a href="{e(url)}"{d}>{e(text)}</a>'
    return f"<span{d}>{e(text)}</span>"


def _published_html(reports: pd.DataFrame) -> list[str]:
    text = published_text(reports)
    return [f'{e(t)} <span class="date-only">date only</span>' if not known else e(t.replace("T", " ").replace("Z", " UTC"))
            for t, known in zip(text, reports["published_time_known"])]


# ---------------------------------------------------------------------------------- the index


def _date(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts.strftime('%B %Y')}"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def method_items(page: Page, *, design: str, datasheet: str | None,
                 provenance: dict[str, object]) -> list[tuple[str, str]]:
    """The method box as ``(term, HTML)`` rows: sample, coders, design, text, sampling, caveats,
    datasheet, provenance."""
    meta, r = page.event.meta, page.event.reports
    counts = [_count(len(r), "report"), _count(r["outlet"].nunique(), "outlet")]
    for col, one, many in (("outlet_country", "country", "countries"), ("language", "language", "languages")):
        n = int(r[col].nunique()) if col in r else 0
        counts.append(_count(n, one, many) if n else f"{many}: not given in reports.csv")
    sample = ", ".join(counts) + (f"; published from {_date(r['published'].min())} to "
                                  f"{_date(r['published'].max())}" + (f" (event window {meta.get('start')} to "
                                  f"{meta.get('end')})" if meta.get('start') and meta.get('end') else "")
              if len(r) else "")
    caveats = []
    date_only = int((~r["published_time_known"]).sum())
    if date_only:
        caveats.append(f"{date_only} of {len(r)} reports {'gives' if date_only == 1 else 'give'} a date but no time "
                       "of publication: their order "
                       "within a day is unknown, and they are drawn as the whole day.")
    if len(page.left_out):
        caveats.append("Left out of the analyses as unreliable: " + "; ".join(
            f"{v} ({r_})" for v, r_ in zip(page.left_out["variable"], page.left_out["reason"])) + ".")
    else:
        caveats.append("No variable was left out as unreliable.")
    rows = [
        ("Sample", e(sample + ".")),
        ("Who coded, and how", e(meta.get("coders") or NOT_STATED)),
        ("Coding design", e(design)),
        ("What text was coded", e(meta.get("coded_text") or NOT_STATED)),
        ("How reports were sampled", e(meta.get("sampling") or NOT_STATED)),
        ("Caveats", "<br>".join(e(c) for c in caveats)),
    ]
    if datasheet:
        rows.append(("Datasheet", f'<a href="{e(datasheet)}">the event folder\'s datasheet</a> '
                                  f'(<a href="datasheet.md">Markdown</a>)'))
    else:
        rows.append(("Datasheet", "the event folder has no README.md datasheet"))
    rows.append(("Provenance", e(", ".join(f"{k} {v}" for k, v in provenance.items()))))
    return rows


def index_html(page: Page, *, findings: list[str], pages: list[tuple[str, str, str, str]],
               charts: list[tuple[str, str, str]], design: str, provenance: dict[str, object],
               datasheet: str | None, downloads: list[tuple[str, str]]) -> str:
    """The report's front page.

    Parameters
    ----------
    page : analysis.page.Page
        The event's page state.
    findings : list of str
        Key findings (Markdown sentences).
    pages : list of tuple
        ``(href, title, status, summary)`` per notebook page; status "ok", "failed", "not run"
        (a case study written for another event) or "needs events" (a page comparing events);
        summary Markdown.
    charts : list of tuple
        ``(image href, title, page href)``.
    design : str
        The coding design sentence.
    provenance : dict
        Shown as "key value" pairs.
    datasheet : str or None
        The datasheet page's href.
    downloads : list of tuple
        ``(href, description)``.
    """
    meta = page.event.meta
    people = coders_are_people(str(meta.get("coders") or ""))
    keys = "\n".join(f"<li>{inline_markdown(truthful(s, people=people))}</li>" for s in findings) \
        or "<li>No finding: the folder holds no codes.</li>"
    method = "\n".join(f"<dt>{e(t)}</dt><dd>{v}</dd>" for t, v in
                       method_items(page, design=design, datasheet=datasheet, provenance=provenance))
    items = _page_items([(href, title, st, truthful(summary, people=people)) for href, title, st, summary in pages])
    files = "\n".join(f'<li><a href="{e(href)}">{e(href.rsplit("/", 1)[-1])}</a>: {e(text)}</li>'
                      for href, text in downloads)
    thumbs = _chart_grid([(src, truthful(title, people=people), link) for src, title, link in charts])
    window = (f", {e(str(meta['start']))} to {e(str(meta['end']))}" if meta.get("start") and meta.get("end") else "")
    body = f"""<h1>{e(meta.get('title', ''))}</h1>
<p>{e(meta.get('description', ''))}</p>
<p>Event <code>{e(meta.get('id', ''))}</code>{window}.</p>
<h2 id="key-findings">Key findings</h2>
<ul class="key-findings">
{keys}
</ul>
<section class="method" aria-labelledby="method">
<h2 id="method">How this report was made</h2>
<dl>
{method}
</dl>
</section>
<h2 id="outlets">How each outlet told it</h2>
<p><a href="outlets.html">Every report in one table</a>: its outlet, date, headline and the codes behind
the findings, sortable and searchable; each outlet has a card with its codes, quotes and reprints.</p>
<h2 id="pages">Pages</h2>
<ol>
{items}
</ol>
<h2 id="downloads">Downloads</h2>
<ul>
{files}
</ul>
<h2 id="charts">Charts</h2>
<div class="grid">
{thumbs}
</div>"""
    return html_page(title=str(meta.get("title", "")), body=body)


_STATUS = {"ok": '<span class="status ok">ok</span>',
           "failed": '<span class="status failed">failed: see page</span>',
           "not run": '<span class="status">written for another event</span>',
           "needs events": '<span class="status">not run: needs two or more events</span>'}


def _page_items(pages: list[tuple[str, str, str, str]]) -> str:
    """The index's list of pages: a link, the status and the summary of each."""
    return "\n".join(
        f'<li><a href="{e(href)}">{e(title)}</a> {_STATUS[st]}'
        + (f' <span class="summary">{inline_markdown(summary)}</span>' if summary else "") + "</li>"
        for href, title, st, summary in pages)


def _chart_grid(charts: list[tuple[str, str, str]]) -> str:
    """The index's thumbnails: each chart linked to its page, its title as alt text and caption."""
    return "\n".join(
        f'<figure><a href="{e(link)}"><img src="{e(src)}" alt="{e(title)}" loading="lazy"></a>'
        f'<figcaption><a href="{e(link)}">{e(title)}</a></figcaption></figure>' for src, title, link in charts)


def datasheet_html(text: str, *, event_title: str) -> str:
    """The event folder's README.md as a page of the report."""
    return html_page(title=f"Datasheet - {event_title}", body=markdown_document(text),
                     nav=nav([("index.html", "Index"), ("datasheet.md", "Datasheet as Markdown")]))


# ---------------------------------------------------------------------------------- outlets


def outlet_slugs(outlets: Iterable[object]) -> dict[str, str]:
    """``{outlet name: file stem}``: lower-case ASCII words joined by "-", unique (``-2``, ...);
    "outlet" where the name has no ASCII letter or digit. Names are taken in sorted order."""
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted({str(o) for o in outlets}):
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or "outlet"
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        slugs[name] = slug
    return slugs


def shown_variables(page: Page) -> list[str]:
    """The outlet table's variables: the page's claims, labels, figures (each followed by its
    attribution variable when the page uses it) and sources, in codebook order."""
    cb = page.codebook
    used = set(cb["variable"])
    out = []
    for row in cb.itertuples(index=False):
        if row.role not in ROLES_SHOWN or row.variable in out:
            continue
        out.append(row.variable)
        attribution = getattr(row, "attribution", None)
        if row.role == "figure" and isinstance(attribution, str) and attribution in used and attribution not in out:
            out.append(attribution)
    return out


def _labelled_codes(page: Page) -> pd.DataFrame:
    """Consolidated codes with ``label`` (the code's codebook label; the number for figures)."""
    labels = code_labels(page.event.values)
    final = page.final.assign(report_id=page.final["report_id"].astype(str),
                              variable=page.final["variable"].astype(str))
    final["label"] = [code_label(labels, v, x) for v, x in zip(final["variable"], final["value"])]
    return final


def _header(page: Page, variable: str) -> str:
    cb = page.event.codebook.set_index("variable")
    flag = page.flag(variable)
    return str(cb.loc[variable, "label"]) + (f" ({flag})" if flag else "")


def outlet_table(page: Page, slugs: dict[str, str]) -> pd.DataFrame:
    """The outlet table as HTML cells, one row per report in reports.csv order."""
    reports = page.event.reports
    codes = _labelled_codes(page)
    variables = shown_variables(page)
    wide = codes.pivot(index="report_id", columns="variable", values="label").reindex(
        index=reports["report_id"].astype(str), columns=variables)
    headline = [_link(u, h, dir_auto=True) if not is_missing(h) and str(h).strip()
                else _link(u, o) + ' <span class="status">(no headline)</span>'
                for u, h, o in zip(reports["url"], reports["headline"], reports["outlet"])]
    cols = {
        "Outlet": [f'<a href="outlets/{e(slugs[str(o)])}.html">{e(o)}</a>' for o in reports["outlet"]],
        "Country": [e(c) if not is_missing(c) else "" for c in reports.get("outlet_country", [None] * len(reports))],
        "Published": _published_html(reports),
        "Headline": headline,
    }
    headers: dict[str, str] = {}
    for v in variables:
        name = _header(page, v)
        while name in cols or name in headers.values():
            name += f" [{v}]"
        headers[v] = name
        cols[name] = [e(x) if not is_missing(x) else "" for x in wide[v]]
    for col, name in (("wire", "Wire"), ("derived_from", "Derived from"), ("report_id", "Report id")):
        cols[name] = [e(x) if not is_missing(x) else "" for x in reports.get(col, [None] * len(reports))]
    return pd.DataFrame({k: list(v) for k, v in cols.items()})


def _datatable(frame: pd.DataFrame) -> tuple[str, str]:
    """``(head, table)``: the DataTables bundle (offline, inline) and the table, by itables."""
    from itables import options
    from itables.javascript import generate_init_offline_itables_html, to_html_datatable

    head = generate_init_offline_itables_html(options.dt_bundle)
    table = to_html_datatable(
        frame, table_id=OUTLET_TABLE_ID, connected=False, allow_html=True, showIndex=False,
        layout={"topStart": "search", "topEnd": "pageLength", "bottomStart": "info", "bottomEnd": "paging"},
        classes="display compact", style="width:100%;margin:0;caption-side:bottom", order=[],
        pageLength=100, lengthMenu=[25, 100, 500], scrollX=True, column_filters="footer",
        maxBytes=0, maxRows=0, maxColumns=0, show_dtypes=False, footer=True,
        text_in_header_can_be_selected=False, display_logo_when_loading=False)  # a click on a heading sorts
    # itables' messages link to its web site (help pages): the report is read offline
    table = re.sub(r"Loading ITables v[\d.]+ from the <code>init_notebook_mode</code> cell\.\.\.\s*"
                   r"\(need <a [^>]*>help</a>\?\)", "Loading the table...", table)
    table = re.sub(r"<a href=\"?https://itables\.org[^>]*>(.*?)</a>", r"\1", table)
    return head, table


def outlets_html(page: Page, slugs: dict[str, str]) -> str:
    """OUT/outlets.html: every report with its outlet, date, headline and shown codes."""
    title = page.event.meta.get("title", "")
    head, table = _datatable(outlet_table(page, slugs))
    body = f"""<h1>How each outlet told it</h1>
<p>One row per report. A column per claim, label, figure (with the attribution it gave) and source
variable used in the report's pages, each cell the code's label from the codebook; a variable marked
tentative, or of unknown reliability, is to be read with care. "date only" marks a report whose
page gives a date but no time. Click a column heading to sort, type in the search box to filter
all columns, or in the boxes under the table to filter one column. Each outlet's name opens its
card: every code with the quote behind it, and its reprints.</p>
{table}"""
    return html_page(title=f"How each outlet told it - {title}", body=body, head=head, wide=True,
                     nav=nav([("index.html", "Index")]))


def _stories(reports: pd.DataFrame) -> dict[str, str | None]:
    """``{report_id: story}``: the ``derived_from`` it names, or its own id when others name it."""
    derived = reports.set_index(reports["report_id"].astype(str))["derived_from"]
    named = set(derived.dropna().astype(str))
    return {rid: (str(d) if not is_missing(d) else (rid if rid in named else None)) for rid, d in derived.items()}


def card_html(page: Page, outlet: str, slugs: dict[str, str], *, codes: pd.DataFrame, edits: pd.DataFrame) -> str:
    """OUT/outlets/<slug>.html: one outlet's reports, codes with evidence, reprint siblings and
    what differs between them."""
    reports = page.event.reports.assign(report_id=page.event.reports["report_id"].astype(str))
    mine = reports[reports["outlet"].astype(str) == outlet]
    stories = _stories(reports)
    outlet_of = dict(zip(reports["report_id"], reports["outlet"].astype(str)))
    cb = page.event.codebook.set_index("variable")
    left = set(page.left_out["variable"])
    labels = code_labels(page.event.values)
    facts = [f"{len(mine)} report{'s' if len(mine) != 1 else ''}"]
    for col, word in (("outlet_country", "country"), ("outlet_type", "type"), ("outlet_id", "web domain")):
        vals = mine[col].dropna().astype(str).unique() if col in mine else []
        if len(vals):
            facts.append(f"{word} {', '.join(vals)}")
    parts = [f'<h1 dir="auto">{e(outlet)}</h1>', f"<p>{e('; '.join(facts))}.</p>"]
    for rep in mine.itertuples(index=False):
        rid = rep.report_id
        headline = getattr(rep, "headline", None)
        text = headline if not is_missing(headline) and str(headline).strip() else f"{outlet} (no headline)"
        pub = _published_html(mine[mine["report_id"] == rid])[0]
        lineage = [] if is_missing(getattr(rep, "wire", None)) else [f"wire: {e(rep.wire)}"]
        if not is_missing(getattr(rep, "derived_from", None)):
            lineage.append(f"reworks: {e(rep.derived_from)}")
        parts.append(f'<h2 id="{e(_anchor(rid))}">{_link(rep.url, text, dir_auto=True)}</h2>')
        parts.append(f"<p>Report <code>{e(rid)}</code>, published {pub}"
                     + ("; " + "; ".join(lineage) if lineage else "") + ".</p>")
        rows = []
        for c in codes[codes["report_id"] == rid].itertuples(index=False):
            flag = "left out as unreliable" if c.variable in left else page.flag(c.variable)
            value = e(c.label) if not is_missing(c.label) else '<span class="status">no code</span>'
            said = f'<blockquote dir="auto">{e(c.evidence)}</blockquote>' if not is_missing(c.evidence) else ""
            rows.append(f"<tr><td>{e(cb.loc[c.variable, 'label'])} <code>{e(c.variable)}</code></td>"
                        f"<td>{value}</td><td>{said}</td><td>{e(c.rule)}{'; ' + e(flag) if flag else ''}</td></tr>")
        parts.append('<table class="codes"><thead><tr><th>Variable</th><th>Code</th><th>Evidence</th>'
                     "<th>Rule; reliability</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>")
        parts.append(_siblings_html(rid, stories, outlet_of, slugs, edits, cb, labels))
    body = "\n".join(parts)
    return html_page(title=f"{outlet} - {page.event.meta.get('title', '')}", body=body,
                     nav=nav([("../index.html", "Index"), ("../outlets.html", "All outlets")]))


def _siblings_html(rid: str, stories: dict[str, str | None], outlet_of: dict[str, str], slugs: dict[str, str],
                   edits: pd.DataFrame, cb: pd.DataFrame, labels: dict) -> str:
    story = stories.get(rid)
    if story is None:
        return "<p>No other report of the folder reprints or reworks the same story.</p>"
    group = sorted(r for r, s in stories.items() if s == story or r == story)
    others = [r for r in group if r != rid]
    if not others:
        return f"<p>It reworks {e(story)}, which is not in the folder; no other report carries that story.</p>"
    links = ", ".join(f'<a href="{e(slugs[outlet_of[r]])}.html#{e(_anchor(r))}">{e(outlet_of[r])}</a> '
                      f'(<code>{e(r)}</code>)' for r in others)
    out = [f"<h3>Reprint siblings</h3><p>Same story ({e(story)}): {links}.</p>"]
    rows = edits[edits["report_id"].astype(str).isin(group)]
    if rows.empty:
        out.append("<p>The coded variables of these copies do not differ.</p>")
        return "\n".join(out)

    def lab(var: str, value: object) -> str:
        text = code_label(labels, var, value)
        return e(text) if text is not None else "none"
    body = "\n".join(
        f"<tr><td>{e(r.outlet)} <code>{e(r.report_id)}</code></td><td>{e(r.source_outlet)} "
        f"<code>{e(r.source_report)}</code></td><td>{e(cb.loc[r.variable, 'label'])}</td><td>{lab(r.variable, r.source_value)}</td>"
        f"<td>{lab(r.variable, r.value)}</td><td>{e(r.change)}; {e(r.direction)}</td></tr>"
        for r in rows.itertuples(index=False))
    out.append("<p>What differs between them, copy against the report it reworks:</p>"
               '<table class="codes"><thead><tr><th>Copy</th><th>Reworks</th><th>Variable</th><th>Source has</th>'
               "<th>Copy has</th><th>Change</th></tr></thead><tbody>\n" + body + "\n</tbody></table>")
    return "\n".join(out)


def outlet_files(page: Page) -> dict[str, bytes]:
    """``{relative path: bytes}``: ``outlets.html`` and ``outlets/<slug>.html`` for each outlet."""
    from .wire import wire_edits

    slugs = outlet_slugs(page.event.reports["outlet"])
    codes = _labelled_codes(page)
    edits = wire_edits(page.final, page.codebook, page.event.reports)
    files = {"outlets.html": outlets_html(page, slugs).encode("utf-8")}
    for outlet, slug in slugs.items():
        files[f"outlets/{slug}.html"] = card_html(page, outlet, slugs, codes=codes, edits=edits).encode("utf-8")
    return files
