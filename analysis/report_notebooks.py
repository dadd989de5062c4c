"""Where the main job finds its notebooks, and which of them run on an event.

The notebooks ship inside the installed package (``analysis/notebooks/`` in the wheel) and sit in
the repository's ``notebooks/`` in a checkout. A notebook's ``metadata.analysis`` may name the one
event it was written for (a case study, ``event_id``) or mark it as comparing events
(``events: several``).
"""
from __future__ import annotations

import json
from pathlib import Path

from .execution import PACKAGE_PARENT

__all__ = [
    "CASE_STUDY_KEY",
    "NOTEBOOK_GLOB",
    "EVENTS_KEY",
    "SEVERAL",
    "SOURCE_NOTEBOOKS",
    "NotebooksNotFound",
    "across_notebooks",
    "default_notebooks",
    "find_notebooks",
    "notebook_list",
    "written_for_other_events",
]

# the repository's notebooks/ (a checkout or an editable install); the wheel ships them as
# analysis/notebooks/ (pyproject.toml)
SOURCE_NOTEBOOKS = PACKAGE_PARENT / "notebooks"
NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
CASE_STUDY_KEY = "event_id"
# notebook metadata {"analysis": {"events": "several"}}: the notebook compares two or more events,
# is run on them together, and never on one event alone
EVENTS_KEY, SEVERAL = "events", "several"


class NotebooksNotFound(FileNotFoundError):
    """No notebook ``NN-*.ipynb`` where the main job looked for them; the message names the places."""


def _notebook_places() -> list[Path]:
    """Where the notebooks are looked for, in order: shipped inside the installed package, then
    the source tree (only folders on disk: papermill and the kernels need real files)."""
    from importlib.resources import files

    places = []
    shipped = files("analysis") / "notebooks"
    if isinstance(shipped, Path):
        places.append(shipped.resolve())
    if SOURCE_NOTEBOOKS not in places:
        places.append(SOURCE_NOTEBOOKS)
    return places


def _has_notebooks(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob(NOTEBOOK_GLOB))


def find_notebooks(notebooks_dir: str | Path | None = None) -> Path:
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


def notebook_list(notebooks_dir: str | Path, event_id: str) -> list[Path]:
    """Notebooks to run on one event, sorted by name.

    Skipped: a notebook whose metadata names another event (a case study), and one marked
    ``{"analysis": {"events": "several"}}``, which compares events (:func:`across_notebooks`).
    """
    out = []
    for nb in sorted(Path(notebooks_dir).glob(NOTEBOOK_GLOB)):
        meta = _analysis_meta(nb)
        only = meta.get(CASE_STUDY_KEY)
        if (only and only != event_id) or meta.get(EVENTS_KEY) == SEVERAL:
            continue
        out.append(nb)
    return out


def across_notebooks(notebooks_dir: str | Path) -> list[Path]:
    """Notebooks that compare two or more events (metadata ``events: several``), sorted by name."""
    return [nb for nb in sorted(Path(notebooks_dir).glob(NOTEBOOK_GLOB))
            if _analysis_meta(nb).get(EVENTS_KEY) == SEVERAL]


def written_for_other_events(notebooks_dir: str | Path, event_id: str) -> list[tuple[Path, str]]:
    """``(notebook, event id)`` of the case studies written for another event, sorted by name."""
    out = []
    for nb in sorted(Path(notebooks_dir).glob(NOTEBOOK_GLOB)):
        only = _analysis_meta(nb).get(CASE_STUDY_KEY)
        if only and only != event_id:
            out.append((nb, str(only)))
    return out
