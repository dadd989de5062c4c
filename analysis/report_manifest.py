"""The manifest of a report: ``OUT_DIR/.report-manifest.json`` lists every file the report wrote.

A rerun deletes the files listed there and no other; a non-empty folder without that list is
refused, so that the main job never deletes a file it did not write.
"""
from __future__ import annotations

import json
from pathlib import Path

from .sheets import atomic_write_bytes

__all__ = ["MANIFEST", "GENERATOR", "read_manifest", "clear_previous", "write_manifest"]

MANIFEST = ".report-manifest.json"
GENERATOR = "python -m analysis run"


def read_manifest(path: Path) -> list[str]:
    """The files listed in the manifest at ``path``; FileExistsError when it is not one of ours."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        ok = manifest.get("generator") == GENERATOR and all(isinstance(f, str) for f in manifest["files"])
    except (ValueError, AttributeError, KeyError, TypeError):
        ok = False
    if not ok:
        raise FileExistsError(f"{path} is not the file list of an earlier report of `{GENERATOR}`; "
                              "choose a new or empty folder for the report")
    files: list[str] = manifest["files"]
    return files


def clear_previous(out_dir: Path) -> None:
    """Delete the files an earlier report listed in its manifest; refuse any other non-empty folder."""
    manifest = out_dir / MANIFEST
    if manifest.is_file():
        root = out_dir.resolve()
        emptied: set[Path] = set()
        for rel in read_manifest(manifest):
            path = out_dir / rel
            # only files inside the folder: never follow '..', absolute names or linked folders out
            if Path(rel).is_absolute() or ".." in Path(rel).parts or not path.parent.resolve().is_relative_to(root):
                continue
            if path.is_symlink() or path.is_file():
                path.unlink()
                emptied.update(p for p in Path(rel).parents if p != Path("."))
        # folders the report made and that its files alone filled (a rerun makes them again)
        for folder_rel in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
            folder = out_dir / folder_rel
            if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
                folder.rmdir()
        return
    # empty folders are no one's work (a report removes its own, a user may have made one)
    if out_dir.exists() and (not out_dir.is_dir() or any(p.is_file() or p.is_symlink() for p in out_dir.rglob("*"))):
        raise FileExistsError(f"{out_dir} is not empty and holds no earlier report (no {MANIFEST}); the report "
                              "only replaces files it wrote itself: choose a new or empty folder")


def write_manifest(out_dir: Path, files: list[str]) -> None:
    """Write the manifest of the report in ``out_dir``: ``files`` (relative paths), sorted."""
    manifest = {"generator": GENERATOR, "files": sorted(files)}
    atomic_write_bytes(out_dir / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))
