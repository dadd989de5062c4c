"""The notebooks and the main job: generic notebooks run on another event, runs are repeatable
(serial or parallel), data is escaped in the HTML report, and strict nbval catches a changed
stored number."""
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.report import notebook_list, run_report
from analysis.synthetic import make_event_folder

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PAYLOAD = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def other_event(tmp_path_factory):
    """An event unlike the bundled one: its own variable names, numeric codes, an ordinal and an
    interval variable, three coders, wide XLSX sheets, and hostile strings in the metadata."""
    folder = make_event_folder(tmp_path_factory.mktemp("ev") / "other", n_reports=20, n_variables=12,
                               n_coders=3, fmt="xlsx", wide=True, n_outlets=6, seed=3)
    reports = pd.read_csv(folder / "reports.csv", dtype=str, keep_default_na=False)
    reports.loc[0, "headline"] = PAYLOAD
    reports.loc[1, "outlet"] = '=HYPERLINK("http://example.org","x")'
    reports.to_csv(folder / "reports.csv", index=False)
    return folder


def _digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_case_study_only_for_its_event():
    names = [p.name for p in notebook_list(NOTEBOOKS, "some-other-event")]
    assert "00-case-study-cairo.ipynb" not in names and len(names) >= 9
    assert "00-case-study-cairo.ipynb" in [p.name for p in notebook_list(NOTEBOOKS, "cairo-talks-2024-04")]


@pytest.mark.slow
def test_main_job_runs_generic_notebooks_on_another_event_identically(other_event, tmp_path):
    first = run_report(other_event, tmp_path / "a", n_boot=50, jobs=1, progress=False)
    second = run_report(other_event, tmp_path / "b", n_boot=50, jobs=2, progress=False)
    assert first.index.name == "index.html" and len(first.pages) == len(list(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")))
    run = [p for p in first.pages + second.pages if p.status != "not run"]
    assert len(run) == 2 * len(notebook_list(NOTEBOOKS, "x"))
    assert [p.status for p in run] == ["ok"] * len(run), first.failed
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a == b, "a serial and a parallel run wrote different files"
    assert any(k.startswith("figures/") and k.endswith(".svg") for k in a)
    assert any(k.startswith("figures/") and k.endswith(".png") for k in a)
    for page in (tmp_path / "a").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert PAYLOAD not in text, f"{page.name} holds unescaped data"
        assert str(other_event) not in text, f"{page.name} shows a local path"
    for nb in (tmp_path / "a" / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        errors = [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"
                  or o.get("name") == "stderr"]
        assert not errors, f"{nb.name}: {errors[:1]}"


@pytest.mark.slow
def test_strict_nbval_fails_when_a_stored_number_changes(tmp_path):
    nb = json.loads((NOTEBOOKS / "01-sample.ipynb").read_text(encoding="utf-8"))
    changed = False
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/plain")
            if text and "reports" in "".join(text) and not changed:
                # the first number in the output, one higher
                joined = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), "".join(text), count=1)
                if joined != "".join(text):
                    out["data"]["text/plain"] = joined
                    out["data"].pop("text/html", None)
                    changed = True
    assert changed, "no stored number found to change"
    target = tmp_path / "01-sample.ipynb"
    target.write_text(json.dumps(nb), encoding="utf-8")
    shutil.copytree(ROOT / "data", tmp_path.parent / "data", dirs_exist_ok=True)
    run = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider",
                          str(target)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1, run.stdout[-2000:]
    assert "1 failed" in run.stdout
