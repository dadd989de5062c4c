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
