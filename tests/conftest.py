"""Shared test set-up: a headless matplotlib backend and paths to the bundled folders."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def template_dir():
    return DATA / "template"


# whole files that run the main job (or a browser), and the notebooks nbval re-executes
_SLOW_FILES = {"test_report.py", "test_browser.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        if path.name in _SLOW_FILES or path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
