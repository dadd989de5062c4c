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
    assert sorted(listed) == ["01-first.html", "figures/01-first-outlets.png", "figures/01-first-outlets.svg",
                              "index.html", "notebooks/01-first.ipynb"]
