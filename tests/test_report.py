"""The main job's report: a failing notebook gets a page and the others run, pages show no code,
parallel runs write what a serial run writes, kernels print no warnings, and a rerun removes only
the files the report wrote itself."""
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.report import MANIFEST, run_report

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "data" / "template"
EVENT_TITLE = "Example event (template)"  # data/template/event.yaml

PARAMETERS = ('event_dir = "../data/template"  # the event folder\nseed = 0  # random seed\n'
              'n_boot = 10  # bootstrap resamples\nfigures_dir = None  # where charts go')


def _notebook(title: str, body: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nA test page."),
                nbformat.v4.new_code_cell("%matplotlib inline\nimport sys\n\nimport matplotlib.pyplot as plt\n\n"
                                          "from analysis import load_event\nfrom analysis.plotting import save"),
                nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
                *body]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


def _chart_cells(name: str, heading: str) -> list:
    return [
        nbformat.v4.new_code_cell('event = load_event(event_dir)\nprint("noise for stderr", file=sys.stderr)\n'
                                  'print(len(event.reports), "reports")'),
        nbformat.v4.new_markdown_cell(f"## {heading}"),
        nbformat.v4.new_code_cell('fig, ax = plt.subplots()\nevent.reports["outlet"].value_counts().plot.bar(ax=ax)\n'
                                  f'save(ax, "{name}", figures_dir)'),
    ]


@pytest.fixture(scope="module")
def tiny_notebooks(tmp_path_factory):
    """Three small notebooks: two that work (a chart each) and one that raises in its third cell."""
    folder = tmp_path_factory.mktemp("nbs") / "notebooks"
    folder.mkdir()
    nbformat.write(_notebook("First page", _chart_cells("01-first-outlets", "How many reports per outlet?")),
                   folder / "01-first.ipynb")
    nbformat.write(_notebook("Planted failure", [nbformat.v4.new_code_cell('raise ValueError("planted")')]),
                   folder / "02-planted.ipynb")
    nbformat.write(_notebook("Third page", _chart_cells("03-third-outlets", "Outlets again")),
                   folder / "03-third.ipynb")
    return folder


@pytest.fixture(scope="module")
def runs(tiny_notebooks, tmp_path_factory):
    """The same report written with two notebooks at once and one at a time."""
    base = tmp_path_factory.mktemp("out")
    parallel = run_report(TEMPLATE, base / "parallel", notebooks_dir=tiny_notebooks, n_boot=10, jobs=2,
                          progress=False)
    serial = run_report(TEMPLATE, base / "serial", notebooks_dir=tiny_notebooks, n_boot=10, jobs=1,
                        progress=False)
    return base, parallel, serial


def _digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _n_reports() -> int:
    return len(pd.read_csv(TEMPLATE / "reports.csv", dtype=str, keep_default_na=False))


def test_a_failing_notebook_gets_a_page_and_the_others_all_run(runs):
    base, report, _ = runs
    out = base / "parallel"
    assert [(p.notebook, p.status) for p in report.pages] == [
        ("01-first.ipynb", "ok"), ("02-planted.ipynb", "failed"), ("03-third.ipynb", "ok")]
    assert [p.error for p in report.failed] == ["ValueError: planted"]
    for name in ("01-first.html", "02-planted.html", "03-third.html", "index.html"):
        assert (out / name).is_file(), name
    for chart in ("01-first-outlets", "03-third-outlets"):
        assert (out / "figures" / f"{chart}.png").is_file() and (out / "figures" / f"{chart}.svg").is_file()
    assert sorted(p.name for p in report.figures) == sorted(p.name for p in (out / "figures").iterdir())

    page = (out / "02-planted.html").read_text(encoding="utf-8")
    assert "The notebook 02-planted.ipynb failed" in page and "ValueError: planted" in page
    assert re.search(r"<details><summary>Traceback</summary>\s*<pre>.*raise ValueError\(.*planted",
                     page, flags=re.S), "traceback not folded below"
    assert "\x1b" not in page and "[0;31m" not in page, "colour codes left in the traceback"
    assert str(ROOT) not in page and str(base) not in page and str(Path.home()) + "/" not in page
    assert f"<title>Planted failure - {EVENT_TITLE}</title>" in page

    index = (out / "index.html").read_text(encoding="utf-8")
    items = dict(re.findall(r'<li><a href="([^"]+)">.*?</a> (.*?)</li>', index))
    assert "failed: see page" in items["02-planted.html"]
    assert "failed" not in items["01-first.html"] and "failed" not in items["03-third.html"]


def test_parallel_run_writes_what_a_serial_run_writes(runs):
    base, _, _ = runs
    a, b = _digest(base / "parallel"), _digest(base / "serial")
    assert a == b, sorted(k for k in a if a[k] != b.get(k))
    assert MANIFEST in a


def test_pages_show_outputs_but_no_code(runs):
    base, _, _ = runs
    out = base / "parallel"
    page = (out / "01-first.html").read_text(encoding="utf-8")
    # stdout of the analysis stays; code, parameters, injected parameters and stderr noise do not
    assert re.search(rf"\b{_n_reports()} reports\b", page)
    for code in ("load_event", "event_dir", "figures_dir", "n_boot", "plt.subplots", "noise for stderr",
                 "import sys", "Parameters"):
        assert code not in page, f"page shows {code!r}"
    body = page[page.index("<body"):]
    assert "jp-InputPrompt" not in body and "jp-OutputPrompt" not in body and "jp-InputArea-editor" not in body
    assert page.count("<title>") == 1 and f"<title>First page - {EVENT_TITLE}</title>" in page
    assert re.findall(r'<img alt="([^"]*)"', page) == ["How many reports per outlet?"]
    # the stored executed notebook keeps its code, with its local paths hidden
    stored = (out / "notebooks" / "01-first.ipynb").read_text(encoding="utf-8")
    assert "load_event(event_dir)" in stored and "injected-parameters" in stored
    assert str(TEMPLATE) not in stored and str(out.resolve()) not in stored


def _navs(page: str) -> list:
    return re.findall(r'<nav [^>]*class="report-nav"[^>]*>(.*?)</nav>', page, flags=re.S)


def test_every_page_has_navigation_at_top_and_bottom(runs):
    base, _, _ = runs
    out = base / "parallel"
    expected = {  # page: (previous, next)
        "01-first.html": (None, "02-planted.html"),
        "02-planted.html": ("01-first.html", "03-third.html"),
        "03-third.html": ("02-planted.html", None),
    }
    for name, (prev, nxt) in expected.items():
        page = (out / name).read_text(encoding="utf-8")
        navs = _navs(page)
        assert len(navs) == 2 and navs[0] == navs[1], name
        assert page.index("<nav") < page.index("<h1") < page.rindex("<nav"), f"{name}: nav not at top and bottom"
        assert '<a href="index.html">' in navs[0]
        assert re.findall(r'href="([^"]+)" rel="prev"', navs[0]) == ([prev] if prev else [])
        assert re.findall(r'href="([^"]+)" rel="next"', navs[0]) == ([nxt] if nxt else [])


def test_cli_exits_1_and_names_each_failed_page(tiny_notebooks, tmp_path):
    run = subprocess.run([sys.executable, "-m", "analysis", "run", str(TEMPLATE), "--out", str(tmp_path / "out"),
                          "--notebooks", str(tiny_notebooks), "--n-boot", "10", "--jobs", "1", "--quiet"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1, run.stderr[-2000:]
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and "02-planted.html" in lines[0] and "ValueError: planted" in lines[0], run.stderr


def test_cli_quiet_run_of_the_real_notebooks_prints_no_kernel_warning(tmp_path):
    # two of the real notebooks, in parallel: enough to start, run and stop two kernels at once
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("01-sample.ipynb", "02-reliability.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, notebooks / name)
    run = subprocess.run([sys.executable, "-m", "analysis", "run", str(TEMPLATE), "--out", str(tmp_path / "out"),
                          "--notebooks", str(notebooks), "--n-boot", "20", "--jobs", "2", "--quiet"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "WARNING" not in run.stderr and "KeyboardInterrupt" not in run.stderr, run.stderr[-2000:]
    assert run.stdout == ""
    assert (tmp_path / "out" / "index.html").is_file()


def test_refuses_a_folder_it_did_not_write(tiny_notebooks, tmp_path):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.docx").write_bytes(b"mine")
    with pytest.raises(FileExistsError, match="not empty"):
        run_report(TEMPLATE, out, notebooks_dir=tiny_notebooks, progress=False)
    assert [p.name for p in out.iterdir()] == ["chapter1.docx"]
    (out / MANIFEST).write_text('{"files": ["chapter1.docx"]}', encoding="utf-8")  # not ours
    with pytest.raises(FileExistsError, match="not the file list"):
        run_report(TEMPLATE, out, notebooks_dir=tiny_notebooks, progress=False)
    assert (out / "chapter1.docx").read_bytes() == b"mine"


def test_rerun_deletes_only_the_files_of_the_earlier_report(tiny_notebooks, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("01-first.ipynb", "03-third.ipynb"):
        shutil.copy(tiny_notebooks / name, notebooks / name)
    out = tmp_path / "out"
    run_report(TEMPLATE, out, notebooks_dir=notebooks, n_boot=10, jobs=1, progress=False)
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert sorted(listed + [MANIFEST]) == on_disk

    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "figures" / "my-chart.png").write_bytes(b"mine")
    (tmp_path / "victim.txt").write_text("outside", encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"] += ["../victim.txt", str(tmp_path / "victim.txt")]
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (notebooks / "03-third.ipynb").unlink()

    report = run_report(TEMPLATE, out, notebooks_dir=notebooks, n_boot=10, jobs=1, progress=False)
    assert [p.notebook for p in report.pages] == ["01-first.ipynb"]
    for gone in ("03-third.html", "notebooks/03-third.ipynb", "figures/03-third-outlets.png",
                 "figures/03-third-outlets.svg"):
        assert not (out / gone).exists(), f"{gone} of the earlier report is left"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "figures" / "my-chart.png").read_bytes() == b"mine"
    assert (tmp_path / "victim.txt").read_text(encoding="utf-8") == "outside"
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert "notes.txt" not in listed and "figures/my-chart.png" not in listed
    report_files = ["downloads/codes-long.csv", "downloads/codes-wide.csv", "downloads/codes.sav",
                    "downloads/reliability.csv", "outlets.html", "outlets/example-daily.html",
                    "outlets/example-state-tv.html", "outlets/example-wire.html"]
    assert sorted(listed) == sorted(["01-first.html", "figures/01-first-outlets.png", "figures/01-first-outlets.svg",
                                     "index.html", "notebooks/01-first.ipynb"] + report_files)


# --- the index, the downloads and the outlet pages (issue 15) ---------------------------------

HUMAN_WORDS = re.compile(r"human[ -]coders?\b|human vs\.? human", re.I)


def _known_folder(tmp_path, **meta):
    """tests/test_findings.py's folder of known counts (7 asserted, 5 denied, 8 not addressed of 20
    reports; 18 dated without a time), with extra event.yaml keys, a datasheet and a hidden file."""
    import yaml
    from test_findings import _folder

    claims = ["yes"] * 7 + ["no"] * 5 + ["na"] * 8
    folder = _folder(tmp_path, claims, groups=["a"] * 10 + ["b"] * 10)
    data = yaml.safe_load((folder / "event.yaml").read_text(encoding="utf-8"))
    (folder / "event.yaml").write_text(yaml.safe_dump({**data, **meta}), encoding="utf-8")
    reports = pd.read_csv(folder / "reports.csv", dtype=str, keep_default_na=False)
    reports["headline"] = [f"Headline {i}" for i in range(len(reports))]
    reports.loc[0, "headline"] = "<script>alert('x')</script>"
    reports.loc[1, "outlet"] = '=HYPERLINK("http://example.org","x")'
    reports.loc[2, "headline"] = "محادثات القاهرة"
    reports.loc[3, "headline"] = ""
    reports.loc[5, "derived_from"] = "r04"
    reports.loc[6, "derived_from"] = "r04"
    reports.to_csv(folder / "reports.csv", index=False)
    (folder / "README.md").write_text("# Datasheet\n\n<script>alert(1)</script> See [the sampling](sampling.csv) "
                                      "and [the site](https://example.org/about).\n", encoding="utf-8")
    (folder / ".text").mkdir()
    (folder / ".text" / "r00.txt").write_text("stored text", encoding="utf-8")
    return folder


def _independent_hash(folder: Path) -> str:
    """The documented folder hash, computed here without the package."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix()):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and not any(s.startswith(".") for s in rel.split("/")):
            data = p.read_bytes()
            h.update(rel.encode() + b"\x00" + str(len(data)).encode() + b"\x00" + data)
    return h.hexdigest()


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    """The known folder's report, without notebooks (the index, downloads and outlet pages only)."""
    base = tmp_path_factory.mktemp("known")
    folder = _known_folder(base, coders="two trained students, independently",
                           coded_text="the first 2,000 characters of each page", sampling="every report found")
    notebooks = base / "no-notebooks"
    notebooks.mkdir()
    run_report(folder, base / "out", notebooks_dir=notebooks, n_boot=20, seed=1, progress=False)
    return folder, base / "out"


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    nxt = page.find("<h2", start + 1)
    return page[start: nxt if nxt > 0 else len(page)]


def test_index_opens_with_key_findings_of_known_counts(known):
    folder, out = known
    index = (out / "index.html").read_text(encoding="utf-8")
    order = [index.index(f'id="{k}"') for k in ("key-findings", "method", "outlets", "pages", "downloads", "charts")]
    assert order == sorted(order)
    keys = re.findall(r"<li>(.*?)</li>", _section(index, "key-findings"), flags=re.S)
    # 7/5/8 claims and 13 'hostages' / 7 'prisoners' are the builder's numbers (tests/test_findings.py)
    assert any(k.startswith("Progress at the talks: of 20 reports, 7 'Progress asserted', 5 'Progress denied', "
                            "8 'Not addressed'") for k in keys), keys
    assert any("13 'hostages', 7 'prisoners'" in k for k in keys), keys
    assert keys[0].startswith("20 reports from 20 outlets in 1 countries and 1 languages")
    assert "18 of them give a date but no time" in keys[0]


def test_method_box_states_sample_coders_design_text_sampling_caveats_and_provenance(known):
    folder, out = known
    box = _section((out / "index.html").read_text(encoding="utf-8"), "method")
    assert "20 reports, 20 outlets, 1 country, 1 language" in box
    assert "two trained students, independently" in box and "not stated in event.yaml" not in box
    assert "Of 20 reports, 20 by 2 independent coders." in box
    assert "the first 2,000 characters of each page" in box and "every report found" in box
    assert "18 of 20 reports give a date but no time" in box
    assert "event folder sha256 " + _independent_hash(folder) in box
    assert "analysis 0.1.0" in box and "seed 1" in box and "n_boot 20" in box
    assert re.search(r"\d{4}-\d\d-\d\dT|\d\d:\d\d:\d\d", box) is None, "a timestamp in the provenance"
    assert '<a href="datasheet.html">' in box


def test_method_box_says_when_event_yaml_does_not_state_the_coders(runs):
    base, _, _ = runs
    box = _section((base / "parallel" / "index.html").read_text(encoding="utf-8"), "method")
    assert box.count("not stated in event.yaml") == 3  # coders, coded text, sampling
    assert "Left out of the analyses as unreliable" in box
    assert "no README.md datasheet" in box


def test_folder_hash_ignores_hidden_files_and_sees_every_other_byte(tmp_path):
    from analysis.report_pages import folder_hash

    folder = tmp_path / "ev"
    shutil.copytree(TEMPLATE, folder)
    first = folder_hash(folder)
    assert first == _independent_hash(folder) == folder_hash(shutil.copytree(folder, tmp_path / "elsewhere"))
    (folder / ".text").mkdir()
    (folder / ".text" / "ex-1.txt").write_text("text", encoding="utf-8")
    assert folder_hash(folder) == first
    (folder / "reports.csv").write_bytes((folder / "reports.csv").read_bytes() + b"\n")
    assert folder_hash(folder) != first


def test_datasheet_is_copied_and_rendered_without_raw_html_or_dead_links(known):
    folder, out = known
    assert (out / "datasheet.md").read_bytes() == (folder / "README.md").read_bytes()
    page = (out / "datasheet.html").read_text(encoding="utf-8")
    assert "<h1>Datasheet</h1>" in page and "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert '<a href="https://example.org/about">the site</a>' in page
    assert 'href="sampling.csv"' not in page and "the sampling" in page
    assert '<a href="index.html">Index</a>' in page


def test_downloads_carry_the_coders_codes_with_codebook_labels(known):
    import pyreadstat
    import yaml

    folder, out = known
    sheet = pd.read_csv(folder / "codes" / "ana.csv", dtype=str, keep_default_na=False)  # both coders agree
    codebook = {v["name"]: v for v in yaml.safe_load((folder / "codebook.yaml").read_text())["variables"]}
    long = pd.read_csv(out / "downloads" / "codes-long.csv", dtype=str, keep_default_na=False)
    assert list(long.columns) == ["report_id", "variable", "variable_label", "code", "code_label", "rule", "evidence"]
    merged = sheet.merge(long, on=["report_id", "variable"], how="outer", validate="1:1", indicator=True)
    assert (merged["_merge"] == "both").all() and (merged["value"] == merged["code"]).all()
    assert (merged["code_label"] == [codebook[v]["values"][c] for v, c in zip(merged["variable"], merged["value"])]).all()
    assert (long["variable_label"] == long["variable"].map(lambda v: codebook[v]["label"])).all()
    assert set(long["rule"]) == {"unanimous"}

    wide = pd.read_csv(out / "downloads" / "codes-wide.csv", dtype=str, keep_default_na=False)
    reports = pd.read_csv(folder / "reports.csv", dtype=str, keep_default_na=False)
    assert list(wide["report_id"]) == list(reports["report_id"])
    assert wide.loc[1, "outlet"] == "'" + reports.loc[1, "outlet"], "formula not neutralised"
    by_id = sheet[sheet["variable"] == "progress"].set_index("report_id")["value"]
    assert list(wide["progress"]) == [codebook["progress"]["values"][by_id[r]] for r in wide["report_id"]]
    assert list(wide["published"][:2]) == ["2024-01-02", "2024-01-02"] and wide["published"].iloc[-1] == "2024-01-03T10:00Z"

    frame, meta = pyreadstat.read_sav(str(out / "downloads" / "codes.sav"))
    assert meta.column_names_to_labels["progress"] == "Progress at the talks"
    assert meta.column_names_to_labels["word"] == "Word for the captives"
    labels = meta.variable_value_labels["progress"]
    assert sorted(labels.values()) == sorted(codebook["progress"]["values"].values())
    shown = [labels[x] for x in frame["progress"]]
    assert shown == [codebook["progress"]["values"][by_id[r]] for r in frame["report_id"]]
    assert meta.variable_measure["progress"] == "nominal"

    rel = pd.read_csv(out / "downloads" / "reliability.csv")
    assert sorted(rel["variable"]) == ["progress", "word"] and (rel["alpha"] == 1.0).all()  # perfect agreement


def _table_rows(page: str) -> list:
    """The outlet table's cells (HTML), from the DataTables arguments itables writes."""
    data = json.loads(re.search(r'"data_json": ("(?:[^"\\]|\\.)*")', page).group(1))
    return json.loads(data)


def test_outlet_table_row_per_report_with_labels_dates_and_escaped_headlines(known):
    folder, out = known
    page = (out / "outlets.html").read_text(encoding="utf-8")
    reports = pd.read_csv(folder / "reports.csv", dtype=str, keep_default_na=False)
    assert "<script>alert('x')" not in page and "alert(1)" not in page
    rows = _table_rows(page)
    assert len(rows) == len(reports)
    outlet, country, published, headline, claim, word = zip(*[r[:6] for r in rows])
    assert outlet[1] == '<a href="outlets/hyperlink-http-example-org-x.html">=HYPERLINK(&quot;http://example.org&quot;,&quot;x&quot;)</a>'
    assert headline[0] == '<a href="https://example.org/r00" dir="auto">&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</a>'
    assert headline[2] == '<a href="https://example.org/r02" dir="auto">محادثات القاهرة</a>'
    # no headline: the outlet's name links to the report
    assert headline[3] == '<a href="https://example.org/r03">O3</a> <span class="status">(no headline)</span>'
    assert sum("date only" in p for p in published) == 18 and published[-1] == "2024-01-03 10:00 UTC"
    assert claim.count("Progress asserted") == 7 and claim.count("Progress denied") == 5
    assert word.count("prisoners") == 7 and word.count("hostages") == 13
    assert page.count('<table id="outlet-reports"') == 1 
    assert re.search(r"itables_[0-9a-f]{8}_[0-9a-f]{4}", page) is None, "a random table id"


def test_outlet_cards_show_codes_evidence_and_reprint_siblings(known):
    folder, out = known
    cards = sorted(p.name for p in (out / "outlets").glob("*.html"))
    assert len(cards) == 20 and "hyperlink-http-example-org-x.html" in cards
    card = (out / "outlets" / "o5.html").read_text(encoding="utf-8")
    assert "Progress asserted" in card and "Word for the captives" in card
    assert "Reprint siblings" in card and 'href="o4.html#r04"' in card and 'href="o6.html#r06"' in card
    # the builder codes r04 and r05 'hostages' and r06 'prisoners' (every third report), claims alike
    edits = re.findall(r"<tr><td>O(\d) <code>(r\d\d)</code></td><td>O4 <code>r04</code></td><td>(.*?)</td>"
                       r"<td>(.*?)</td><td>(.*?)</td>", card)
    assert edits == [("6", "r06", "Word for the captives", "hostages", "prisoners")]
    assert '<a href="../index.html">Index</a>' in card and '<a href="../outlets.html">All outlets</a>' in card
    lone = (out / "outlets" / "o9.html").read_text(encoding="utf-8")
    assert "No other report of the folder reprints or reworks the same story." in lone


def test_written_report_never_says_human_coders_unless_event_yaml_does(runs, known):
    for out in (runs[0] / "parallel", known[1]):
        for path in out.rglob("*"):
            if path.suffix in (".html", ".csv", ".md") and not path.name.startswith("datasheet"):
                found = HUMAN_WORDS.search(path.read_text(encoding="utf-8"))
                assert not found, f"{path.relative_to(out)}: {found.group(0)!r}"


def test_chart_title_is_read_from_the_svg(tmp_path):
    from analysis.plotting import finish, new_axes, save
    from analysis.report_pages import chart_title

    ax = new_axes()
    ax.bar(["a", "b"], [1, 2])
    finish(ax, title="Reports per outlet & day", xlabel="Outlet", ylabel="Reports", source="Source: test")
    save(ax, "chart", tmp_path)
    assert chart_title((tmp_path / "chart.svg").read_text(encoding="utf-8")) == "Reports per outlet & day"


def test_inline_markdown_escapes_html_and_keeps_simple_formatting():
    from analysis.report_pages import inline_markdown

    assert inline_markdown("**7** of `fig_a` *read* <b>x</b> & 'y' [l](javascript:x)") == (
        "<strong>7</strong> of <code>fig_a</code> <em>read</em> &lt;b&gt;x&lt;/b&gt; &amp; 'y' [l](javascript:x)")
    assert inline_markdown("fig_gaza_deaths_source 2*3*4") == "fig_gaza_deaths_source 2*3*4"


def test_coders_are_called_human_only_when_event_yaml_says_they_were_people():
    from analysis.report_pages import coders_are_people, truthful

    assert coders_are_people("two trained students, independently")
    assert coders_are_people("Two human annotators")
    for text in ("", "two AI language-model agents, independently", "Claude instances (LLM agents)",
                 "a machine coder"):
        assert not coders_are_people(text), text
    title = "How far the machine agrees with the human coders"
    assert truthful(title, people=False) == "How far the machine agrees with the coders"
    assert truthful(title, people=True) == title
    assert truthful("Human-coder alpha; human vs human agreement", people=False) == "coder alpha; coder vs coder agreement"
