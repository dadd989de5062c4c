"""The package: its public surface (every name in __all__ resolves to a documented callable or
class), and the package as installed (the wheel ships the notebooks, the main job finds them)."""
import ast
import email.parser
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

import analysis
from analysis import report as report_module
from analysis import report_notebooks
from analysis.cli import main
from analysis.report import NotebooksNotFound, find_notebooks, run_events, run_report

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EVENT = ROOT / "data" / "cairo-talks-2024-04"


def test_every_public_name_resolves_and_is_documented():
    for name in analysis.__all__:
        obj = getattr(analysis, name)
        assert callable(obj), name
        assert (obj.__doc__ or "").strip(), f"{name} has no docstring"


def test_import_stays_light():
    # the public functions are imported on first use: importing the package loads no plotting or
    # machine-learning library
    code = "import sys, analysis; print(any(m in sys.modules for m in ('matplotlib', 'sklearn')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_unknown_name_is_an_attribute_error():
    try:
        analysis.no_such_function
    except AttributeError as exc:
        assert "no_such_function" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def _build_wheel(dest: Path) -> Path:
    """Build the project's wheel from a copy of its sources (the build leaves build/ and *.egg-info
    beside pyproject.toml, never in the checkout)."""
    src = dest / "src"
    src.mkdir()
    for p in ROOT.iterdir():
        if p.is_file() and not p.name.startswith("."):
            shutil.copy2(p, src / p.name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for folder in ("analysis", "notebooks"):
        shutil.copytree(ROOT / folder, src / folder, ignore=skip)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dest / "dist"), str(src)]
    try:  # offline when this environment has the build backend pyproject.toml asks for
        backend = Requirement(PYPROJECT["build-system"]["requires"][0])
        if Version(version(backend.name)) in backend.specifier:
            cmd.insert(4, "--no-build-isolation")
    except PackageNotFoundError:
        pass
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    wheels = list((dest / "dist").glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.mark.slow
def test_wheel_ships_the_notebooks_and_declares_its_dependencies(tmp_path):
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
        assert len(notebooks) >= 10
        for nb in notebooks:
            assert zf.read(f"analysis/notebooks/{nb.name}") == nb.read_bytes(), nb.name
        assert "analysis/py.typed" in names and "analysis/lexicons/labels.yaml" in names
        # every module of the source tree: a subpackage missing from pyproject's list would be left out
        for module in sorted((ROOT / "analysis").rglob("*.py")):
            assert module.relative_to(ROOT).as_posix() in names, module
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(zf.read(f"{dist_info}/METADATA").decode("utf-8"))
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode("utf-8")
    assert "media-discrepancy = analysis.cli:main" in entry_points

    declared = [Requirement(r) for r in meta.get_all("Requires-Dist")]
    runtime = {(r.name.lower(), r.specifier) for r in declared if r.marker is None}
    for text in PYPROJECT["project"]["dependencies"]:
        req = Requirement(text)
        assert (req.name.lower(), SpecifierSet(str(req.specifier))) in runtime, text
    assert "test" in meta.get_all("Provides-Extra")
    test_extra = {(r.name.lower(), r.specifier) for r in declared
                  if r.marker is not None and r.marker.evaluate({"extra": "test"})
                  and not r.marker.evaluate({"extra": ""})}
    expected = {(Requirement(t).name.lower(), Requirement(t).specifier)
                for t in PYPROJECT["project"]["optional-dependencies"]["test"]}
    assert test_extra == expected
    assert {"frictionless", "pytest", "nbval"} <= {name for name, _ in test_extra}


def test_the_source_tree_notebooks_are_found(tmp_path):
    # run from a checkout (or an editable install): no analysis/notebooks/, so the repository's
    assert report_module.default_notebooks() == ROOT / "notebooks"


def test_notebooks_installed_with_the_package_come_first(tmp_path, monkeypatch):
    shipped, source = tmp_path / "shipped", tmp_path / "source"
    for folder in (shipped, source):
        folder.mkdir()
        (folder / "01-a.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(report_notebooks, "_notebook_places", lambda: [shipped, source])
    assert report_module.default_notebooks() == shipped
    (shipped / "01-a.ipynb").unlink()
    (shipped / "README.md").write_text("not a notebook", encoding="utf-8")
    assert report_module.default_notebooks() == source


def _earlier_report(out: Path) -> None:
    out.mkdir()
    (out / "index.html").write_text("earlier", encoding="utf-8")
    (out / report_module.MANIFEST).write_text(json.dumps({"generator": "python -m analysis run",
                                                          "files": ["index.html"]}), encoding="utf-8")


def test_run_refuses_an_empty_notebooks_folder_and_writes_nothing(tmp_path, capsys):
    empty = tmp_path / "notebooks"
    empty.mkdir()
    (empty / "notes.md").write_text("no notebook here", encoding="utf-8")
    with pytest.raises(NotebooksNotFound, match=str(empty)):
        find_notebooks(empty)
    with pytest.raises(NotebooksNotFound, match=str(tmp_path / "missing")):
        find_notebooks(tmp_path / "missing")
    for events in ([EVENT], [EVENT, ROOT / "data" / "ahli-hospital-2023-10"]):
        assert main(["run", *map(str, events), "--out", str(tmp_path / "new"), "--notebooks", str(empty)]) == 1
        err = capsys.readouterr().err
        assert "no notebooks to run" in err and str(empty) in err
        assert not (tmp_path / "new").exists()

    out = tmp_path / "out"
    _earlier_report(out)
    before = sorted((p.name, p.read_bytes()) for p in out.iterdir())
    assert main(["run", str(EVENT), "--out", str(out), "--notebooks", str(empty), "--quiet"]) == 1
    assert sorted((p.name, p.read_bytes()) for p in out.iterdir()) == before  # the earlier report is kept


def test_run_without_notebooks_names_where_it_looked(tmp_path, monkeypatch, capsys):
    places = [tmp_path / "site-packages" / "analysis" / "notebooks", tmp_path / "checkout" / "notebooks"]
    places[1].mkdir(parents=True)
    monkeypatch.setattr(report_notebooks, "_notebook_places", lambda: places)
    assert main(["run", str(EVENT), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert str(places[0]) in err and str(places[1]) in err and "--notebooks" in err
    assert not (tmp_path / "out").exists()
    for run in (lambda: run_report(EVENT, tmp_path / "out"),
                lambda: run_events([EVENT, ROOT / "data" / "ahli-hospital-2023-10"], tmp_path / "out")):
        with pytest.raises(NotebooksNotFound, match="nor in"):
            run()
        assert not (tmp_path / "out").exists()


def _top_level_imports(path: Path) -> set:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def test_every_library_the_package_and_notebooks_import_is_a_declared_dependency():
    # an installed package has only its declared dependencies: one imported but not declared
    # breaks the main job after `pip install .` (pyreadstat did, for the SPSS download)
    declared = {_normalised(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    # analysis.engines imports DuckDB and Dask only when those engines are chosen: the extra "scale"
    scale = {_normalised(Requirement(r).name) for r in PYPROJECT["project"]["optional-dependencies"]["scale"]}
    dists = packages_distributions()
    sources = sorted((ROOT / "analysis").rglob("*.py")) + sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.py"))
    missing = {}
    for path in sources:
        for module in _top_level_imports(path) - set(sys.stdlib_module_names) - {"analysis", "__future__"}:
            allowed = declared | (scale if path.is_relative_to(ROOT / "analysis" / "engines") else set())
            if not allowed & {_normalised(d) for d in dists.get(module, [module])}:
                missing.setdefault(module, path.relative_to(ROOT).as_posix())
    assert not missing, f"imported but not in pyproject's dependencies: {missing}"


@pytest.mark.slow
def test_mypy_passes_on_the_package():
    # the configuration (disallow_untyped_defs on every module) is in pyproject.toml
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:]
