"""The main job: run every notebook on an event folder and write an HTML report with its charts.

``python -m analysis run EVENT_DIR --out OUT_DIR`` executes the notebooks with papermill (event
folder, seed and resamples as parameters), strips run-time metadata so that two runs write
identical files, converts each to HTML with nbconvert, writes an index page, and leaves every chart
as PNG and SVG under ``OUT_DIR/figures/``. Every file is written atomically (temporary file, then
rename), so an interrupted run never leaves a half-written report.
"""
from __future__ import annotations

import html
import json
import shutil
import tempfile
from pathlib import Path

from .sheets import atomic_write_bytes

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CASE_STUDY_KEY = "event_id"


def notebook_list(notebooks_dir: Path, event_id: str) -> list:
    """Notebooks to run, sorted by name; a notebook whose metadata names another event is skipped."""
    out = []
    for nb in sorted(Path(notebooks_dir).glob("[0-9][0-9]-*.ipynb")):
        meta = json.loads(nb.read_text(encoding="utf-8")).get("metadata", {}).get("analysis", {})
        only = meta.get(CASE_STUDY_KEY)
        if only and only != event_id:
            continue
        out.append(nb)
    return out


def _strip_runtime(nb: dict) -> dict:
    """Remove papermill's timings and other run-dependent metadata."""
    nb = json.loads(json.dumps(nb))
    nb.get("metadata", {}).pop("papermill", None)
    for cell in nb.get("cells", []):
        md = cell.get("metadata", {})
        md.pop("papermill", None)
        md.pop("execution", None)
        if "injected-parameters" in md.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
    return nb


def _hide_paths(nb: dict, replace: dict) -> dict:
    """Replace local paths (in the injected parameters and anywhere else) by stable names."""
    text = json.dumps(nb, ensure_ascii=False)
    for path, name in sorted(replace.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(json.dumps(path)[1:-1], name)
    return json.loads(text)


def _title(nb: dict, fallback: str) -> str:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            src = "".join(cell.get("source", ""))
            for line in src.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def run_report(event_dir, out_dir, *, notebooks_dir=None, seed: int = 0, n_boot: int = 1000,
               progress: bool = True, kernel: str = "python3") -> list:
    """Execute the notebooks on an event folder and write the HTML report.

    Parameters
    ----------
    event_dir : str or Path
        The event folder.
    out_dir : str or Path
        Where to write ``index.html``, one HTML page per notebook, ``notebooks/`` (executed
        notebooks) and ``figures/`` (PNG and SVG of every chart).
    notebooks_dir : Path, optional
        Defaults to the repository's ``notebooks/``.
    seed, n_boot : int
        Passed to every notebook's parameters.
    progress : bool
        Show a progress bar per notebook.

    Returns
    -------
    list of Path
        The HTML pages written, index first.
    """
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter
    from tqdm.std import tqdm

    from .events import load_event

    event_dir = Path(event_dir).resolve()
    out_dir = Path(out_dir)
    event = load_event(event_dir)
    nbs = notebook_list(Path(notebooks_dir or NOTEBOOKS), event.meta["id"])
    figures = out_dir / "figures"
    if figures.exists():
        shutil.rmtree(figures)
    figures.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    exporter.log.setLevel("ERROR")  # its accessibility notes on chart images are not errors
    pages = []
    with tempfile.TemporaryDirectory() as tmp:
        for nb_path in tqdm(nbs, desc="notebooks", unit="nb", disable=not progress):
            executed = Path(tmp) / nb_path.name
            pm.execute_notebook(
                str(nb_path), str(executed), kernel_name=kernel, progress_bar=False,
                parameters={"event_dir": str(event_dir), "seed": seed, "n_boot": n_boot,
                            "figures_dir": str(figures.resolve())},
                cwd=str(nb_path.parent), log_output=False)
            nb = _strip_runtime(json.loads(executed.read_text(encoding="utf-8")))
            nb = _hide_paths(nb, {str(event_dir): event.meta["id"], str(figures.resolve()): "figures"})
            text = json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
            atomic_write_bytes(out_dir / "notebooks" / nb_path.name, text.encode("utf-8"))
            body, _ = exporter.from_notebook_node(nbformat.reads(text, as_version=4))
            page = out_dir / (nb_path.stem + ".html")
            atomic_write_bytes(page, body.encode("utf-8"))
            pages.append((page, _title(nb, nb_path.stem)))
    index = out_dir / "index.html"
    atomic_write_bytes(index, _index_html(event.meta, pages, figures).encode("utf-8"))
    return [index] + [p for p, _ in pages]


def _index_html(meta: dict, pages: list, figures: Path) -> str:
    e = html.escape
    items = "\n".join(f'<li><a href="{e(p.name)}">{e(t)}</a></li>' for p, t in pages)
    figs = sorted(figures.glob("*.png"))
    thumbs = "\n".join(
        f'<figure><a href="figures/{e(f.name)}"><img src="figures/{e(f.name)}" alt="{e(f.stem)}" '
        f'loading="lazy"></a><figcaption>{e(f.stem)}</figcaption></figure>' for f in figs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(meta.get('title', ''))}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1em; }}
figure {{ margin: 0; }} img {{ width: 100%; border: 1px solid #ddd; }}
figcaption {{ font-size: 0.85em; color: #444; }}
</style></head>
<body>
<h1>{e(meta.get('title', ''))}</h1>
<p>{e(meta.get('description', ''))}</p>
<p>Event <code>{e(str(meta.get('id', '')))}</code>, {e(str(meta.get('start', '')))} to {e(str(meta.get('end', '')))}.</p>
<h2>Notebooks</h2>
<ol>
{items}
</ol>
<h2>Charts</h2>
<div class="grid">
{thumbs}
</div>
</body></html>
"""


def refresh_notebooks(notebooks_dir=None, *, kernel: str = "python3", progress: bool = True) -> list:
    """Re-execute the stored notebooks in place with their default parameters.

    This is the one command that refreshes the outputs nbval compares against
    (``python -m analysis refresh-notebooks``). Run-time metadata is stripped, so an unchanged
    result leaves the files byte-identical.
    """
    import papermill as pm
    from tqdm.std import tqdm

    folder = Path(notebooks_dir or NOTEBOOKS)
    done = []
    with tempfile.TemporaryDirectory() as tmp:
        for nb_path in tqdm(sorted(folder.glob("[0-9][0-9]-*.ipynb")), desc="notebooks", unit="nb",
                            disable=not progress):
            executed = Path(tmp) / nb_path.name
            pm.execute_notebook(str(nb_path), str(executed), kernel_name=kernel, progress_bar=False,
                                cwd=str(folder), log_output=False)
            nb = _strip_runtime(json.loads(executed.read_text(encoding="utf-8")))
            text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
            atomic_write_bytes(nb_path, text.encode("utf-8"))
            done.append(nb_path)
    return done
