"""Frictionless Data Package descriptors (datapackage.json) for event folders.

The descriptor lets other tools (frictionless, Data Package readers in R, Julia, JavaScript) read an
event folder. The loader checks that it matches the files: every table is listed, every listed path
exists, and each CSV's header equals the schema's field names.

References
----------
Frictionless Data, "Data Package" and "Table Schema" specifications, https://specs.frictionlessdata.io/
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from .errors import Problem
from .sheets import TABLE_SUFFIXES

MAX_DESCRIPTOR_BYTES = 5 * 1024**2

_FIELD_TYPES = {"report_id": "string", "coder": "string", "variable": "string", "value": "string",
                "evidence": "string", "published": "string", "url": "string", "term": "string",
                "count": "integer"}
_DESCRIPTIONS = {
    "reports": "One row per report: outlet, publication time, address and headline.",
    "codes": "Coding sheet: one judgement per row (long) or one row per report and coder (wide).",
    "terms": "Term counts derived from each report's text by the package tokenizer.",
    "sampling": "Every page considered for the sample, included or not, with the reason.",
}


def _tables(folder: Path) -> list[Path]:
    found = []
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES and not p.name.startswith("."):
            found.append(p)
    codes = folder / "codes"
    if codes.is_dir():
        found += sorted(p for p in codes.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES
                        and not p.name.startswith((".", "~$")))
    return found


def _header(path: Path) -> list[str] | None:
    """The header of a CSV file (None for other formats); ValueError if it cannot be read."""
    if path.suffix.lower() != ".csv":
        return None
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return next(csv.reader(fh), [])
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"its header cannot be read ({type(exc).__name__})") from None


def _resource_name(rel: str) -> str:
    stem = rel.rsplit(".", 1)[0].lower()
    return "".join(ch if ch.isalnum() or ch in "-._" else "-" for ch in stem.replace("/", "-"))


def build_datapackage(folder: str | Path, *, name: str, title: str = "") -> dict[str, Any]:
    """A Data Package descriptor for the tables of an event folder.

    Parameters
    ----------
    folder : str or Path
    name : str
        Package name (the event id).
    title : str

    Returns
    -------
    dict
        JSON-serialisable descriptor with one resource per table file, sorted by path. A CSV file
        is a Tabular Data Resource with a schema from its header; a workbook or Parquet file is a
        plain Data Resource, and the package then a plain Data Package.
    """
    folder = Path(folder)
    resources = []
    for p in _tables(folder):
        rel = p.relative_to(folder).as_posix()
        fmt = p.suffix.lower().lstrip(".")
        res: dict[str, object] = {"name": _resource_name(rel), "path": rel, "profile": "tabular-data-resource",
                                  "format": fmt}
        if fmt == "csv":
            res.update(encoding="utf-8", mediatype="text/csv")
        kind = rel.split("/")[0].rsplit(".", 1)[0]
        if kind in _DESCRIPTIONS:
            res["description"] = _DESCRIPTIONS[kind]
        try:
            header = _header(p)
        except ValueError:
            header = None  # an unreadable file gets no schema; the loader reports the file itself
        if header is not None:
            res["schema"] = {"fields": [{"name": h, "type": _FIELD_TYPES.get(h, "string")} for h in header]}
        else:
            # a Tabular Data Resource must have a schema (Tabular Data Resource spec); a workbook,
            # a Parquet file or an unreadable CSV gets none, so it is a plain Data Resource
            res["profile"] = "data-resource"
        resources.append(res)
    tabular = all(r["profile"] == "tabular-data-resource" for r in resources)
    desc: dict[str, Any] = {"profile": "tabular-data-package" if tabular else "data-package", "name": name,
                            "resources": resources}
    if title:
        desc["title"] = title
    desc["licenses"] = [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                         "path": "https://creativecommons.org/licenses/by/4.0/"}]
    return desc


def check_datapackage(folder: str | Path) -> list[Problem]:
    """Problems where datapackage.json does not match the folder's tables (empty if it matches)."""
    folder = Path(folder)
    name = "datapackage.json"
    desc_path = folder / name
    if desc_path.stat().st_size > MAX_DESCRIPTOR_BYTES:
        return [Problem(name, f"the file is larger than {MAX_DESCRIPTOR_BYTES:,} bytes",
                        accepted="a descriptor of ordinary size; rewrite it with: python -m analysis datapackage EVENT_DIR")]
    try:
        desc = json.loads(desc_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [Problem(name, f"not valid JSON ({exc.msg})", row=exc.lineno,
                        accepted="a Frictionless Data Package descriptor; "
                        "rewrite it with: python -m analysis datapackage EVENT_DIR")]
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        return [Problem(name, f"not valid JSON ({type(exc).__name__})",
                        accepted="a Frictionless Data Package descriptor; "
                        "rewrite it with: python -m analysis datapackage EVENT_DIR")]
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        return [Problem(name, "has no 'resources' list", accepted="a Frictionless Data Package descriptor")]
    problems = []
    listed = {}
    for i, res in enumerate(desc["resources"], start=1):
        path = res.get("path") if isinstance(res, dict) else None
        if not isinstance(path, str):
            problems.append(Problem(name, f"resource #{i} has no single 'path'", accepted="a relative path to a table"))
            continue
        listed[path] = res
        p = folder / path
        if ".." in Path(path).parts or Path(path).is_absolute():
            problems.append(Problem(name, f"resource path '{path}' leaves the event folder", value=path,
                                    accepted="a path inside the folder"))
            continue
        if not p.is_file():
            problems.append(Problem(name, f"resource '{path}' is listed but the file does not exist", value=path,
                                    accepted="list only files that exist"))
            continue
        schema = res.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        fields = [f.get("name") for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
        try:
            header = _header(p)
        except ValueError as exc:
            problems.append(Problem(name, f"resource '{path}': {exc}", value=path,
                                    accepted="a UTF-8 CSV file"))
            continue
        if header is not None and fields and header != fields:
            problems.append(Problem(name, f"schema of '{path}' lists fields {fields}, the file's header is {header}",
                                    value=path, accepted="refresh it: python -m analysis datapackage EVENT_DIR"))
    for p in _tables(folder):
        rel = p.relative_to(folder).as_posix()
        if rel not in listed:
            problems.append(Problem(name, f"table '{rel}' is not listed as a resource", value=rel,
                                    accepted="refresh it: python -m analysis datapackage EVENT_DIR"))
    return problems
